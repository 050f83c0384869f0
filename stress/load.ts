/**
 * Load: `conns` concurrent loopback TCP connections driven from one
 * process, each echoing `msgs` random-length messages that the client
 * verifies byte for byte. Reports connections held, messages and bytes
 * verified, bytes lost or corrupted, RSS and open fds before, at peak and
 * after.
 *
 * The client side runs on one io_uring (CONNECT/SEND/RECV SQEs for every
 * connection; `--epoll` runs it on zcall sockets and one epoll instance
 * instead). The echo server runs
 * in a child process (`--server` mode of this file, same zcall code): the
 * hard RLIMIT_NOFILE here is 20,000 without CAP_SYS_RESOURCE, too few for
 * both ends of 10,000 connections in one process. The client raises its
 * soft limit with prlimit64 through zcall's syscall6.
 *
 * Usage: `deno run --allow-all stress/load.ts [conns=10000] [msgs=100] [seed] [--epoll]`
 * prints one `LOAD {json}` line; exit 1 when a byte was lost or corrupted.
 *
 * @example
 * ```ts
 * import { runLoad } from "./load.ts";
 * const r = await runLoad({ conns: 100, msgs: 10, seed: 1 });
 * r.corrupted; // 0
 * ```
 *
 * @module
 */

import * as z from "../zcall/mod.ts";
import { Rng } from "../tests/_util/prop.ts";
import { CQEView, SQEContext, Uring } from "../uring/mod.ts";

/** Options of {@linkcode runLoad}. */
export interface LoadOptions {
  /** Concurrent connections. */
  conns: number;
  /** Messages echoed per connection. */
  msgs: number;
  /** PRNG seed of message lengths and bytes. */
  seed: number;
  /** Largest message in bytes (default 2048). */
  maxLen?: number;
  /** Give up after this many ms (default 240,000). */
  deadlineMs?: number;
  /** Client I/O driver: one io_uring (default) or one epoll instance. */
  driver?: "uring" | "epoll";
}

/** The figures of a run. */
export interface LoadReport {
  /** Which I/O driver ran the client connections. */
  driver: string;
  /** Connections asked for. */
  connections: number;
  /** Connections open at once at the peak. */
  peakConnections: number;
  /** Messages echoed and verified. */
  messagesVerified: number;
  /** Bytes echoed and verified. */
  bytesVerified: number;
  /** Bytes that came back different. */
  corrupted: number;
  /** Bytes never echoed back before the deadline. */
  lost: number;
  /** Soft RLIMIT_NOFILE before and as raised. */
  nofile: [number, number];
  /** Client resident set size in MiB, before. */
  rssBeforeMiB: number;
  /** At the peak. */
  rssPeakMiB: number;
  /** After closing everything. */
  rssAfterMiB: number;
  /** Client open fds before. */
  fdsBefore: number;
  /** At the peak. */
  fdsPeak: number;
  /** After. */
  fdsAfter: number;
  /** The echo server's own figures. */
  server: Record<string, number>;
  /** Seconds from the first connect to the last verified message. */
  seconds: number;
  /** Messages per second over that time. */
  msgsPerSec: number;
  /** The seed (replay with it as third argument). */
  seed: number;
}

const RLIMIT_NOFILE = 7;
const IN = z.EPOLL.IN, OUT = z.EPOLL.OUT;
const EAGAIN = -z.Errno.EAGAIN;

function check(r: number, what: string): number {
  if (r < 0) throw new Error(`${what}: ${z.errnoName(r)} ${z.errnoMessage(r)}`);
  return r;
}

/**
 * Raises the soft RLIMIT_NOFILE to at least `want` (and the hard one when
 * allowed); returns [old soft, new soft].
 *
 * @example
 * ```ts
 * import { raiseNofile } from "./load.ts";
 * const [before, now] = raiseNofile(4096);
 * ```
 */
export function raiseNofile(want: number): [number, number] {
  const lim = new BigUint64Array(2);
  const addr = z.unsafeAddressOf(lim);
  check(
    z.syscall6(z.SYS.PRLIMIT64, 0, RLIMIT_NOFILE, 0, addr, 0, 0),
    "prlimit64 get",
  );
  const cur = Number(lim[0]), max = Number(lim[1]);
  if (cur >= want) return [cur, cur];
  if (want > max) {
    throw new RangeError(
      `need ${want} fds but the hard RLIMIT_NOFILE is ${max} ` +
        "(raising it needs CAP_SYS_RESOURCE)",
    );
  }
  lim[0] = BigInt(want);
  check(
    z.syscall6(z.SYS.PRLIMIT64, 0, RLIMIT_NOFILE, addr, 0, 0, 0),
    "prlimit64 set",
  );
  return [cur, want];
}

/**
 * Resident set size in MiB.
 *
 * @example
 * ```ts
 * import { rssMiB } from "./load.ts";
 * rssMiB();
 * ```
 */
export function rssMiB(): number {
  const s = Deno.readTextFileSync("/proc/self/status");
  const m = /VmRSS:\s+(\d+) kB/.exec(s);
  return m ? Math.round(Number(m[1]) / 102.4) / 10 : -1;
}

/**
 * Number of open fds.
 *
 * @example
 * ```ts
 * import { fdCount } from "./load.ts";
 * fdCount();
 * ```
 */
export function fdCount(): number {
  let n = 0;
  for (const _ of Deno.readDirSync("/proc/self/fd")) n++;
  return n - 1; // the directory handle itself
}

// Echo segments are small: without TCP_NODELAY, Nagle and delayed ACKs
// would hold a partial echo for 40 ms.
const ONE = new Uint8Array(new Int32Array([1]).buffer);
function nodelay(fd: number): void {
  check(z.setsockopt(fd, z.IPPROTO.TCP, z.TCP.NODELAY, ONE), "TCP_NODELAY");
}

/** The echo server (child process): echoes until `conns` peers closed. */
function serve(conns: number, deadlineMs: number): void {
  raiseNofile(conns + 256);
  const deadline = performance.now() + deadlineMs;
  const ep = check(z.epollCreate1(z.EPOLL.CLOEXEC), "epoll_create1");
  const lfd = check(
    z.socket(z.AF.INET, z.SOCK.STREAM | z.SOCK.NONBLOCK | z.SOCK.CLOEXEC, 0),
    "socket",
  );
  const sa = new Uint8Array(16);
  sa[0] = z.AF.INET;
  sa.set([127, 0, 0, 1], 4);
  check(z.bind(lfd, sa), "bind");
  check(z.listen(lfd, 4096), "listen");
  check(z.getsockname(lfd, sa, new Uint32Array([16])), "getsockname");
  const ev = new z.EpollEvents(1);
  const watch = (fd: number, mask: number, op: number) => {
    ev.set(0, mask, fd);
    check(z.epollCtl(ep, op, fd, ev.bytes), "epoll_ctl");
  };
  watch(lfd, IN, z.EPOLL.CTL_ADD);
  console.log(`PORT ${(sa[2] << 8) | sa[3]}`);
  // Bytes read but not yet echoed, per fd (the socket was full).
  const pending = new Map<number, Uint8Array>();
  const events = new z.EpollEvents(1024);
  const buf = new Uint8Array(65536);
  let accepted = 0, closed = 0, echoed = 0, fdsPeak = 0, rssPeak = 0;
  while (closed < conns && performance.now() < deadline) {
    const n = z.epollWait(ep, events.bytes, 1024, 100);
    if (n < 0 && n !== -z.Errno.EINTR) check(n, "epoll_wait");
    for (let i = 0; i < n; i++) {
      const fd = events.data(i);
      const mask = events.events(i);
      if (fd === lfd) {
        for (;;) {
          const c = z.accept4(
            lfd,
            null,
            null,
            z.SOCK.NONBLOCK | z.SOCK.CLOEXEC,
          );
          if (c === EAGAIN) break;
          check(c, "accept4");
          nodelay(c);
          watch(c, IN, z.EPOLL.CTL_ADD);
          if (++accepted === conns) {
            fdsPeak = fdCount();
            rssPeak = rssMiB();
          }
        }
        continue;
      }
      let rest = pending.get(fd);
      if (rest !== undefined) {
        if (!(mask & (OUT | z.EPOLL.ERR | z.EPOLL.HUP))) continue;
        const w = z.write(fd, rest);
        if (w === EAGAIN) continue;
        check(w, "echo write");
        echoed += w;
        if (w < rest.length) {
          pending.set(fd, rest.subarray(w));
          continue;
        }
        pending.delete(fd);
        watch(fd, IN, z.EPOLL.CTL_MOD);
        rest = undefined;
      }
      const r = z.read(fd, buf);
      if (r === EAGAIN) continue;
      if (r <= 0) { // peer closed (or reset): done with this connection
        z.close(fd);
        pending.delete(fd);
        closed++;
        continue;
      }
      const w = z.write(fd, buf, r);
      const wrote = w === EAGAIN ? 0 : check(w, "echo write");
      echoed += wrote;
      if (wrote < r) {
        pending.set(fd, buf.slice(wrote, r));
        watch(fd, IN | OUT, z.EPOLL.CTL_MOD);
      }
    }
  }
  z.close(lfd);
  z.close(ep);
  console.log(
    `SERVER ${
      JSON.stringify({ accepted, closed, echoed, fdsPeak, rssPeakMiB: rssPeak })
    }`,
  );
}

interface ClientResult {
  driver: string;
  open: number;
  verified: number;
  bytes: number;
  corrupted: number;
  lost: number;
  fdsPeak: number;
  rssPeak: number;
  seconds: number;
}

// Per-connection state in typed arrays and message bytes in one slab, so
// the echo loops allocate nothing per message.
class Conns {
  readonly fd: Int32Array;
  readonly msgIdx: Int32Array;
  readonly msgLen: Int32Array;
  readonly sent: Int32Array;
  readonly got: Int32Array;
  readonly expect: Uint8Array[] = [];
  readonly rngs: Rng[] = [];
  constructor(readonly n: number, seed: number, readonly maxLen: number) {
    this.fd = new Int32Array(n).fill(-1);
    this.msgIdx = new Int32Array(n);
    this.msgLen = new Int32Array(n);
    this.sent = new Int32Array(n);
    this.got = new Int32Array(n);
    const slab = new Uint8Array(n * maxLen);
    for (let c = 0; c < n; c++) {
      this.rngs.push(new Rng((seed ^ Math.imul(c + 1, 0x9e3779b1)) >>> 0));
      this.expect.push(slab.subarray(c * maxLen, (c + 1) * maxLen));
    }
  }
  /** Draws connection c's next message into its slab slot. */
  next(c: number): void {
    const rng = this.rngs[c];
    const len = rng.int(1, this.maxLen);
    rng.fill(this.expect[c].subarray(0, len));
    this.msgLen[c] = len;
    this.sent[c] = 0;
    this.got[c] = 0;
  }
  /** Compares received bytes with what was sent; returns mismatches. */
  verify(c: number, data: Uint8Array, n: number): number {
    const exp = this.expect[c];
    const off = this.got[c];
    let bad = 0;
    for (let k = 0; k < n; k++) if (data[k] !== exp[off + k]) bad++;
    this.got[c] += n;
    return bad;
  }
  lost(msgs: number): number {
    let lost = 0;
    for (let c = 0; c < this.n; c++) {
      if (this.msgIdx[c] < msgs) lost += this.msgLen[c] - this.got[c];
    }
    return lost;
  }
  closeAll(): void {
    for (let c = 0; c < this.n; c++) if (this.fd[c] >= 0) z.close(this.fd[c]);
  }
}

function newClientSocket(): number {
  const fd = check(
    z.socket(z.AF.INET, z.SOCK.STREAM | z.SOCK.NONBLOCK | z.SOCK.CLOEXEC, 0),
    "client socket",
  );
  nodelay(fd);
  return fd;
}

/**
 * The client on one io_uring: CONNECT, SEND and RECV SQEs for every
 * connection, one reused SQEContext (fd in user_data), completions reaped
 * in batches of 1024.
 */
function clientUring(
  conns: number,
  msgs: number,
  seed: number,
  maxLen: number,
  sa: Uint8Array,
  deadline: number,
): ClientResult {
  const C = new Conns(conns, seed, maxLen);
  // Enough CQ room for every operation that can be in flight at once
  // (a send and a receive per connection), so the CQ never overflows.
  let cq = 8192;
  while (cq < 2 * conns + 1024) cq *= 2;
  const ring = new Uring({ entries: 4096, cqEntries: cq });
  ring.start();
  const rbuf: Uint8Array[] = [];
  const rslab = new Uint8Array(conns * maxLen);
  for (let c = 0; c < conns; c++) {
    rbuf.push(rslab.subarray(c * maxLen, (c + 1) * maxLen));
  }
  // fd -> connection index (fds are small integers).
  const connOf = new Int32Array(conns * 2 + 4096).fill(-1);
  const ctx = new SQEContext();
  const CONNECT = z.IORING_OP.CONNECT, SEND = z.IORING_OP.SEND;
  const RECV = z.IORING_OP.RECV;
  // A prep returns false when the SQ is full: flush and retry.
  const sqe = (prep: () => boolean) => {
    while (!prep()) ring.submit();
  };
  const send = (c: number) => {
    const fd = C.fd[c], len = C.msgLen[c], off = C.sent[c];
    ctx.assignDirect(SEND, 0, 0, fd);
    const buf = off === 0 ? C.expect[c] : C.expect[c].subarray(off);
    sqe(() => ring.send(ctx, buf, { n: len - off, msgFlags: 0x4000 }));
  };
  const recv = (c: number) => {
    const fd = C.fd[c], want = C.msgLen[c] - C.got[c];
    ctx.assignDirect(RECV, 0, 0, fd);
    // Partial receives land at the start of the buffer each time.
    sqe(() => ring.recv(ctx, rbuf[c], { n: want }));
  };
  const startMessage = (c: number) => {
    C.next(c);
    send(c);
    recv(c);
  };
  let open = 0, verified = 0, bytes = 0, corrupted = 0, done = 0;
  let fdsPeak = 0, rssPeak = 0, started = 0;
  const t0 = performance.now();
  // Connect in waves so the server's accept queue never overflows.
  const wave = () => {
    const end = Math.min(conns, started + 512);
    for (let c = started; c < end; c++) {
      const fd = newClientSocket();
      C.fd[c] = fd;
      connOf[fd] = c;
      ctx.assignDirect(CONNECT, 0, 0, fd);
      sqe(() => ring.connect(ctx, sa));
    }
    started = end;
    ring.submit();
  };
  wave();
  const cqes = CQEView.array(1024);
  while (done < conns && performance.now() < deadline) {
    const k = ring.waitBlocking(cqes, 1, 100);
    for (let i = 0; i < k; i++) {
      const v = cqes[i];
      const c = connOf[v.fd()];
      const op = v.op();
      const res = v.res;
      if (op === CONNECT) {
        check(res, `connect ${c}`);
        if (++open === conns) {
          fdsPeak = fdCount();
          rssPeak = rssMiB();
        }
        startMessage(c);
      } else if (op === SEND) {
        check(res, `send ${c}`);
        C.sent[c] += res;
        if (C.sent[c] < C.msgLen[c]) send(c); // short send: the rest
      } else if (op === RECV) {
        check(res, `recv ${c}`);
        if (res === 0) throw new Error(`connection ${c}: server closed early`);
        corrupted += C.verify(c, rbuf[c], res);
        if (C.got[c] < C.msgLen[c]) {
          recv(c);
        } else {
          verified++;
          bytes += C.msgLen[c];
          if (++C.msgIdx[c] === msgs) done++;
          else startMessage(c);
        }
      }
    }
    if (started < conns && open >= started - 64) wave();
    ring.submit();
  }
  const seconds = (performance.now() - t0) / 1000;
  ring.stop();
  const lost = C.lost(msgs);
  C.closeAll();
  return {
    driver: "uring (one ring)",
    open,
    verified,
    bytes,
    corrupted,
    lost,
    fdsPeak,
    rssPeak,
    seconds,
  };
}

/** The client on one epoll instance and non-blocking zcall sockets. */
function clientEpoll(
  conns: number,
  msgs: number,
  seed: number,
  maxLen: number,
  sa: Uint8Array,
  deadline: number,
): ClientResult {
  const ep = check(z.epollCreate1(z.EPOLL.CLOEXEC), "epoll_create1");
  // Per-connection state in typed arrays; message bytes in one slab, so
  // the echo loop allocates nothing per message.
  const cfd = new Int32Array(conns).fill(-1);
  const connected = new Uint8Array(conns);
  const msgIdx = new Int32Array(conns);
  const msgLen = new Int32Array(conns);
  const sent = new Int32Array(conns);
  const got = new Int32Array(conns);
  const rngs: Rng[] = [];
  const slab = new Uint8Array(conns * maxLen);
  const expect: Uint8Array[] = [];
  for (let c = 0; c < conns; c++) {
    rngs.push(new Rng((seed ^ Math.imul(c + 1, 0x9e3779b1)) >>> 0));
    expect.push(slab.subarray(c * maxLen, (c + 1) * maxLen));
  }
  const ev = new z.EpollEvents(1);
  const events = new z.EpollEvents(1024);
  const scratch = new Uint8Array(65536);
  const soErr = new Int32Array(1);
  const soErrBytes = new Uint8Array(soErr.buffer);
  const soLen = new Uint32Array(1);
  const watch = (c: number, mask: number, op: number) => {
    ev.set(0, mask, c);
    check(z.epollCtl(ep, op, cfd[c], ev.bytes), "epoll_ctl");
  };

  let verified = 0, bytes = 0, corrupted = 0, done = 0, open = 0;
  let fdsPeak = 0, rssPeak = 0;
  const send = (c: number): void => {
    const len = msgLen[c];
    const n = z.write(cfd[c], expect[c], len);
    if (n === EAGAIN) return watch(c, IN | OUT, z.EPOLL.CTL_MOD);
    check(n, "client write");
    sent[c] += n;
    // A partial write: the rest goes out on EPOLLOUT.
    if (sent[c] < len) watch(c, IN | OUT, z.EPOLL.CTL_MOD);
  };
  const sendRest = (c: number): void => {
    const n = z.write(cfd[c], expect[c].subarray(sent[c], msgLen[c]));
    if (n === EAGAIN) return;
    check(n, "client write");
    sent[c] += n;
    if (sent[c] === msgLen[c]) watch(c, IN, z.EPOLL.CTL_MOD);
  };
  const next = (c: number): void => {
    const rng = rngs[c];
    const len = rng.int(1, maxLen);
    rng.fill(expect[c].subarray(0, len));
    msgLen[c] = len;
    sent[c] = 0;
    got[c] = 0;
    send(c);
  };

  const t0 = performance.now();
  // Connect in waves of 512 so the server's accept queue never overflows
  // (a dropped SYN would cost a 1 s retransmit); each connection starts
  // echoing as soon as it is writable and stays open until the end.
  let started = 0;
  const startWave = () => {
    const end = Math.min(conns, started + 512);
    for (let c = started; c < end; c++) {
      const fd = check(
        z.socket(
          z.AF.INET,
          z.SOCK.STREAM | z.SOCK.NONBLOCK | z.SOCK.CLOEXEC,
          0,
        ),
        "client socket",
      );
      cfd[c] = fd;
      nodelay(fd);
      const r = z.connect(fd, sa);
      if (r !== 0 && r !== -z.Errno.EINPROGRESS) check(r, "connect");
      watch(c, OUT, z.EPOLL.CTL_ADD);
    }
    started = end;
  };
  startWave();
  while (done < conns && performance.now() < deadline) {
    const n = z.epollWait(ep, events.bytes, 1024, 100);
    if (n < 0 && n !== -z.Errno.EINTR) check(n, "epoll_wait");
    for (let i = 0; i < n; i++) {
      const c = events.data(i);
      const mask = events.events(i);
      if (connected[c] === 0) {
        soLen[0] = 4;
        check(
          z.getsockopt(cfd[c], z.SOL.SOCKET, z.SO.ERROR, soErrBytes, soLen),
          "SO_ERROR",
        );
        if (soErr[0] !== 0) check(-soErr[0], `connect ${c}`);
        connected[c] = 1;
        if (++open === conns) {
          fdsPeak = fdCount();
          rssPeak = rssMiB();
        }
        watch(c, IN, z.EPOLL.CTL_MOD);
        next(c);
        continue;
      }
      if (mask & OUT && sent[c] < msgLen[c]) sendRest(c);
      if (!(mask & (IN | z.EPOLL.HUP | z.EPOLL.ERR))) continue;
      const want = msgLen[c] - got[c];
      if (want <= 0) continue;
      const r = z.read(cfd[c], scratch, Math.min(want, scratch.length));
      if (r === EAGAIN) continue;
      if (r === 0) throw new Error(`connection ${c}: server closed early`);
      check(r, "client read");
      const exp = expect[c];
      const off = got[c];
      for (let k = 0; k < r; k++) {
        if (scratch[k] !== exp[off + k]) corrupted++;
      }
      got[c] += r;
      if (got[c] === msgLen[c]) {
        verified++;
        bytes += msgLen[c];
        if (++msgIdx[c] === msgs) done++;
        else next(c);
      }
    }
    if (started < conns && open >= started - 64) startWave();
  }
  const seconds = (performance.now() - t0) / 1000;
  let lost = 0;
  for (let c = 0; c < conns; c++) {
    if (msgIdx[c] < msgs) lost += msgLen[c] - got[c];
  }
  for (let c = 0; c < conns; c++) if (cfd[c] >= 0) z.close(cfd[c]);
  z.close(ep);
  return {
    driver: "zcall epoll",
    open,
    verified,
    bytes,
    corrupted,
    lost,
    fdsPeak,
    rssPeak,
    seconds,
  };
}

/**
 * Runs the load and returns its figures.
 *
 * @example
 * ```ts
 * import { runLoad } from "./load.ts";
 * const r = await runLoad({ conns: 10, msgs: 5, seed: 1 });
 * r.messagesVerified; // 50
 * ```
 */
export async function runLoad(opts: LoadOptions): Promise<LoadReport> {
  const { conns, msgs, seed } = opts;
  const maxLen = opts.maxLen ?? 2048;
  const deadlineMs = opts.deadlineMs ?? 240_000;
  const deadline = performance.now() + deadlineMs;
  const fdsBefore = fdCount();
  const rssBefore = rssMiB();
  const nofile = raiseNofile(conns + 256);

  const server = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      new URL(import.meta.url).pathname,
      "--server",
      String(conns),
      String(deadlineMs),
    ],
    env: { DENO_NO_UPDATE_CHECK: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = server.stdout.pipeThrough(new TextDecoderStream())
    .getReader();
  let serverText = "";
  while (!/PORT \d+\n/.test(serverText)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`echo server exited early: ${serverText}`);
    serverText += value;
  }
  const port = Number(/PORT (\d+)/.exec(serverText)![1]);
  const sa = new Uint8Array(16);
  sa[0] = z.AF.INET;
  sa[2] = port >> 8;
  sa[3] = port & 0xff;
  sa.set([127, 0, 0, 1], 4);

  let client: ClientResult;
  try {
    client = (opts.driver ?? "uring") === "uring"
      ? clientUring(conns, msgs, seed, maxLen, sa, deadline)
      : clientEpoll(conns, msgs, seed, maxLen, sa, deadline);
  } catch (e) {
    // Do not leave the echo server waiting for peers that never come.
    try {
      server.kill("SIGKILL");
    } catch {
      // already gone
    }
    await server.status;
    throw e;
  }
  // The server finishes once every peer closed.
  let rest = serverText;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    rest += value;
  }
  await server.status;
  const sm = /SERVER (\{.*\})/.exec(rest);
  return {
    driver: `${client.driver} (echo server: child process, zcall epoll)`,
    connections: conns,
    peakConnections: client.open,
    messagesVerified: client.verified,
    bytesVerified: client.bytes,
    corrupted: client.corrupted,
    lost: client.lost,
    nofile,
    rssBeforeMiB: rssBefore,
    rssPeakMiB: client.rssPeak,
    rssAfterMiB: rssMiB(),
    fdsBefore,
    fdsPeak: client.fdsPeak,
    fdsAfter: fdCount(),
    server: sm ? JSON.parse(sm[1]) : {},
    seconds: Math.round(client.seconds * 10) / 10,
    msgsPerSec: Math.round(client.verified / client.seconds),
    seed,
  };
}

if (import.meta.main) {
  if (Deno.args[0] === "--server") {
    serve(Number(Deno.args[1]), Number(Deno.args[2]));
  } else {
    const driver = Deno.args.includes("--epoll") ? "epoll" : "uring";
    const args = Deno.args.filter((a) => !a.startsWith("--"));
    const conns = Number(args[0] ?? 10_000);
    const msgs = Number(args[1] ?? 100);
    const seed = Number(
      args[2] ?? crypto.getRandomValues(new Uint32Array(1))[0],
    );
    for (const [k, v] of [["conns", conns], ["msgs", msgs], ["seed", seed]]) {
      if (!(Number.isInteger(v) && (v as number) > 0)) {
        throw new RangeError(`${k} must be a positive integer`);
      }
    }
    const r = await runLoad({ conns, msgs, seed, driver });
    console.log(`LOAD ${JSON.stringify(r)}`);
    const complete = r.messagesVerified === conns * msgs;
    if (r.corrupted > 0 || r.lost > 0 || !complete) Deno.exit(1);
  }
}
