/**
 * The zcall boundary cases, run as a child process by
 * tests/boundary_zcall_test.ts: every zcall entry point that takes memory,
 * called with views that lie about their size, cells of the wrong byte
 * size, shared cells changed by another thread, undersized io_uring_register
 * arguments and non-integer numbers, each checked for its result and for
 * the canary bytes around the view.
 *
 * `deno run -A tests/_util/boundary_zcall_cases.ts <mode>` prints one
 * `CANARY [outcomes]` line. Modes: `calls` (the per-call table), `proto`
 * (the same table after the intrinsic getters' prototypes were patched to
 * lie), `shared` (a Worker flips a SharedArrayBuffer length cell while the
 * kernel is called), `tiers` (non-integers before and after JIT warm-up).
 *
 * @example
 * ```ts
 * // deno run -A tests/_util/boundary_zcall_cases.ts calls
 * ```
 *
 * @module
 */

import * as z from "../../zcall/mod.ts";
import {
  type Case,
  caseAdder,
  Guarded,
  lieAboutSize,
  LyingUint8Array,
  runCases,
} from "./canary.ts";

const { Errno } = z;
const EFAULT = -Errno.EFAULT;
const EINVAL = -Errno.EINVAL;
const IPPROTO_TCP = 6;
const TCP_INFO = 11;

function must(r: number, what: string): number {
  if (r < 0) throw new Error(`${what}: ${z.errnoName(r)}`);
  return r;
}

// Descriptors the cases use.
const pipeFds = new Int32Array(2);
must(z.pipe2(pipeFds, z.O.NONBLOCK | z.O.CLOEXEC), "pipe2");
const [pr, pw] = pipeFds;
function fillPipe(): void {
  z.write(pw, new Uint8Array(4096).fill(0x5a));
}
const udp = must(
  z.socket(z.AF.INET, z.SOCK.DGRAM | z.SOCK.NONBLOCK | z.SOCK.CLOEXEC, 0),
  "udp",
);
const lo = new Uint8Array(16);
new DataView(lo.buffer).setUint16(0, z.AF.INET, true);
lo.set([127, 0, 0, 1], 4);
must(z.bind(udp, lo), "bind");
const self = new Uint8Array(128);
const selfLen = new Uint32Array([128]);
must(z.getsockname(udp, self, selfLen), "getsockname");
function sendSelf(n = 1500): void {
  z.sendto(udp, new Uint8Array(n), 0, self, selfLen[0]);
}
const tcp = must(
  z.socket(z.AF.INET, z.SOCK.STREAM | z.SOCK.NONBLOCK | z.SOCK.CLOEXEC, 0),
  "tcp",
);
const listener = must(
  z.socket(z.AF.INET, z.SOCK.STREAM | z.SOCK.NONBLOCK | z.SOCK.CLOEXEC, 0),
  "listener",
);
must(z.bind(listener, lo), "bind listener");
must(z.listen(listener, 8), "listen");
const lsa = new Uint8Array(128), lsaLen = new Uint32Array([128]);
must(z.getsockname(listener, lsa, lsaLen), "listener name");
function connectOnce(): void {
  const c = z.socket(z.AF.INET, z.SOCK.STREAM | z.SOCK.CLOEXEC, 0);
  z.connect(c, lsa, lsaLen[0]);
  setTimeout(() => z.close(c), 50);
}
const ring = must(z.ioUringSetup(8, new Uint8Array(120)), "ioUringSetup");
const ep = must(z.epollCreate1(z.EPOLL.CLOEXEC), "epoll");
{
  const ev = new z.EpollEvents(1).set(0, z.EPOLL.IN, pr);
  must(z.epollCtl(ep, z.EPOLL.CTL_ADD, pr, ev.bytes), "epoll_ctl");
}
const tfd = must(z.timerfdCreate(z.CLOCK.MONOTONIC, z.TFD.CLOEXEC), "tfd");
const pidfd = must(z.pidfdOpen(Deno.pid, 0), "pidfd");

/** A guarded view of `size` bytes claiming `claim` through own properties. */
function liar(size: number, claim = 4096): [Uint8Array, Guarded] {
  const g = new Guarded(size);
  return [lieAboutSize(g.bytes, claim), g];
}

function lyingCases(tag: string): Case[] {
  const cases: Case[] = [];
  const add = caseAdder(cases, `${tag}: `);

  {
    const [v, g] = liar(8);
    add("read", "8-byte view claiming 4096, length 4096", [g], EFAULT, () => {
      fillPipe();
      return z.read(pr, v, 4096);
    });
  }
  {
    const [v, g] = liar(8);
    add("read", "8-byte view claiming 4096, no length", [g], 8, () => {
      fillPipe();
      return z.read(pr, v);
    });
  }
  {
    const g = new Guarded(8);
    const v = new LyingUint8Array(g.whole.buffer as ArrayBuffer, g.offset, 8);
    add("read", "subclass getter claiming 4096", [g], EFAULT, () => {
      fillPipe();
      return z.read(pr, v, 4096);
    });
  }
  {
    const [v, g] = liar(8);
    add("write", "8-byte view claiming 4096", [g], EFAULT, () => {
      return z.write(pw, v, 4096);
    });
  }
  {
    const [v, g] = liar(8);
    add("recvfrom", "8-byte view claiming 4096", [g], EFAULT, () => {
      sendSelf();
      return z.recvfrom(udp, v, z.MSG.DONTWAIT, null, null, 1500);
    });
  }
  {
    const [name, g] = liar(4, 128);
    add(
      "recvfrom",
      "4-byte address claiming 128",
      [g],
      EFAULT,
      () => {
        sendSelf(8);
        return z.recvfrom(
          udp,
          new Uint8Array(16),
          z.MSG.DONTWAIT,
          name,
          new Uint32Array([128]),
        );
      },
    );
  }
  {
    const [v, g] = liar(8, 1024);
    add("getsockopt", "8-byte optval claiming 1024", [g], EFAULT, () => {
      return z.getsockopt(
        tcp,
        IPPROTO_TCP,
        TCP_INFO,
        v,
        new Uint32Array([1024]),
      );
    });
  }
  {
    const [v, g] = liar(2, 64);
    add("setsockopt", "2-byte optval claiming 64", [g], EFAULT, () => {
      return z.setsockopt(udp, z.SOL.SOCKET, z.SO.RCVBUF, v, 4);
    });
  }
  for (const fn of ["getsockname", "getpeername"] as const) {
    const [v, g] = liar(4, 128);
    add(fn, "4-byte address claiming 128", [g], EFAULT, () => {
      return z[fn](udp, v, new Uint32Array([128]));
    });
  }
  for (const fn of ["accept", "accept4"] as const) {
    const [v, g] = liar(4, 128);
    add(fn, "4-byte address claiming 128", [g], EFAULT, () => {
      connectOnce();
      return fn === "accept"
        ? z.accept(listener, v, new Uint32Array([128]))
        : z.accept4(listener, v, new Uint32Array([128]), z.SOCK.CLOEXEC);
    });
  }
  for (const fn of ["bind", "connect"] as const) {
    const [v, g] = liar(4, 128);
    add(fn, "4-byte address, length 16", [g], EFAULT, () => {
      return z[fn](tcp, v, 16);
    });
  }
  {
    const [v, g] = liar(4, 128);
    add("sendto", "4-byte address, length 16", [g], EFAULT, () => {
      return z.sendto(udp, new Uint8Array(1), 0, v, 16);
    });
  }
  for (const fn of ["readv", "writev"] as const) {
    const [v, g] = liar(16, 4096);
    add(fn, "one iovec claiming 256", [g], EFAULT, () => {
      return z[fn](fn === "readv" ? pr : pw, v, 256);
    });
  }
  for (const fn of ["preadv", "pwritev"] as const) {
    const [v, g] = liar(16, 4096);
    add(fn, "one iovec claiming 256", [g], EFAULT, () => {
      return z[fn](pr, v, 256, 0);
    });
  }
  for (const fn of ["preadv2", "pwritev2"] as const) {
    const [v, g] = liar(16, 4096);
    add(fn, "one iovec claiming 256", [g], EFAULT, () => {
      return z[fn](pr, v, 256, -1, 0);
    });
  }
  {
    const [v, g] = liar(16, 4096);
    add("vmsplice", "one iovec claiming 256", [g], EFAULT, () => {
      return z.vmsplice(pw, v, 256, 0);
    });
  }
  for (const fn of ["recvmsg", "sendmsg"] as const) {
    const [v, g] = liar(8, 4096);
    add(fn, "8-byte msghdr claiming 4096", [g], EFAULT, () => {
      return z[fn](udp, v, z.MSG.DONTWAIT);
    });
  }
  for (const fn of ["recvmmsg", "sendmmsg"] as const) {
    const [v, g] = liar(64, 4096);
    add(fn, "one mmsghdr claiming 64", [g], EFAULT, () => {
      return fn === "recvmmsg"
        ? z.recvmmsg(udp, v, 64, z.MSG.DONTWAIT, null)
        : z.sendmmsg(udp, v, 64, 0);
    });
  }
  {
    const [t, g] = liar(8, 64);
    add("recvmmsg", "8-byte timeout claiming 64", [g], EFAULT, () => {
      return z.recvmmsg(
        udp,
        new z.Mmsghdrs(1, 16).bytes,
        1,
        z.MSG.DONTWAIT,
        t,
      );
    });
  }
  {
    const [v, g] = liar(16, 4096);
    add("ioUringSetup", "16-byte params claiming 4096", [g], EFAULT, () => {
      return z.ioUringSetup(8, v);
    });
  }
  {
    const [v, g] = liar(4, 4096);
    add("ioUringEnter", "4-byte arg, argsz 24", [g], EFAULT, () => {
      return z.ioUringEnter(ring, 0, 0, 0, v, 24);
    });
  }
  {
    const [v, g] = liar(4, 4096);
    add("ioUringEnterAsync", "4-byte arg, argsz 24", [g], EFAULT, () => {
      return z.ioUringEnterAsync(ring, 0, 0, 0, v, 24);
    });
  }
  {
    const [v, g] = liar(16, 4096);
    add("ioUringRegister", "PROBE nr 256 into 16 bytes", [g], EFAULT, () => {
      return z.ioUringRegister(ring, z.IORING_REGISTER.PROBE, v, 256);
    });
  }
  {
    const [v, g] = liar(8, 4096);
    add("pipe2", "8-byte view claiming more", [g], 0, () => {
      const r = z.pipe2(v as unknown as Int32Array, z.O.CLOEXEC);
      const fds = new Int32Array(v.buffer, v.byteOffset, 2);
      z.close(fds[0]);
      z.close(fds[1]);
      return r;
    });
  }
  {
    const [v, g] = liar(4, 4096);
    add("signalfd4", "4-byte mask, size 8", [g], EFAULT, () => {
      return z.signalfd4(-1, v, 8, z.SFD.CLOEXEC);
    });
  }
  {
    const [v, g] = liar(16, 4096);
    add("timerfdSettime", "16-byte new value", [g], EFAULT, () => {
      return z.timerfdSettime(tfd, 0, v, null);
    });
  }
  {
    const [v, g] = liar(16, 4096);
    add("timerfdGettime", "16-byte value", [g], EFAULT, () => {
      return z.timerfdGettime(tfd, v);
    });
  }
  {
    const [v, g] = liar(8, 4096);
    add("pidfdSendSignal", "8-byte siginfo", [g], EFAULT, () => {
      return z.pidfdSendSignal(pidfd, 0, v, 0);
    });
  }
  {
    const [v, g] = liar(8, 4096);
    add("poll", "one pollfd claiming 64", [g], EFAULT, () => {
      return z.poll(v, 64, 0);
    });
  }
  {
    const [v, g] = liar(8, 4096);
    add("pollAsync", "one pollfd claiming 64", [g], EFAULT, () => {
      return z.pollAsync(v, 64, 0);
    });
  }
  {
    const [v, g] = liar(12, 4096);
    add("epollWait", "one event claiming 64", [g], EFAULT, () => {
      fillPipe();
      return z.epollWait(ep, v, 64, 0);
    });
  }
  {
    const [v, g] = liar(12, 4096);
    add("epollWaitAsync", "one event claiming 64", [g], EFAULT, () => {
      return z.epollWaitAsync(ep, v, 64, 0);
    });
  }
  {
    const [v, g] = liar(4, 4096);
    add("epollCtl", "4-byte event", [g], EFAULT, () => {
      return z.epollCtl(ep, z.EPOLL.CTL_MOD, pr, v);
    });
  }
  {
    const [v, g] = liar(4, 4096);
    add("memfdCreate", "name without NUL claiming more", [g], EINVAL, () => {
      v.fill(0x41);
      return z.memfdCreate(v, 0);
    });
  }
  return cases;
}

function cellCases(): Case[] {
  const cases: Case[] = [];
  const add = caseAdder(cases);
  // Two-fd arrays: the kernel writes 8 bytes, whatever the element type.
  for (
    const [name, mk] of [
      ["Uint8Array(2)", (g: Guarded) => g.bytes],
      ["Int16Array(2)", (g: Guarded) => g.as(Int16Array, 2)],
      ["Int32Array(1)", (g: Guarded) => g.as(Int32Array, 4)],
      ["DataView(4)", (g: Guarded) => g.dataView()],
    ] as const
  ) {
    for (const fn of ["pipe2", "socketpair"] as const) {
      const size = name === "Uint8Array(2)" ? 2 : 4;
      const g = new Guarded(size);
      const v = mk(g) as unknown as Int32Array;
      add(fn, `fds as ${name} (${size} bytes)`, [g], EFAULT, () => {
        return fn === "pipe2"
          ? z.pipe2(v, z.O.CLOEXEC)
          : z.socketpair(z.AF.UNIX, z.SOCK.STREAM, 0, v);
      });
    }
  }
  {
    const g = new Guarded(8);
    add("pipe2", "fds as Uint8Array(8): bytes suffice", [g], 0, () => {
      const r = z.pipe2(g.bytes as unknown as Int32Array, z.O.CLOEXEC);
      const fds = new Int32Array(g.whole.buffer, g.offset, 2);
      z.close(fds[0]);
      z.close(fds[1]);
      return r;
    });
  }
  // Length cells: a Uint32Array of one element at least, nothing else.
  const cells: [string, (g: Guarded) => unknown][] = [
    ["Uint8Array(1)", (g) => new Uint8Array(g.whole.buffer, g.offset, 1)],
    ["Uint16Array(1)", (g) => new Uint16Array(g.whole.buffer, g.offset, 1)],
    ["DataView(4)", (g) => g.dataView()],
    ["Float32Array(1)", (g) => new Float32Array(g.whole.buffer, g.offset, 1)],
    ["Uint32Array(0)", (g) => new Uint32Array(g.whole.buffer, g.offset, 0)],
  ];
  for (const [name, mk] of cells) {
    const g = new Guarded(4);
    g.bytes.set([128, 0, 0, 0]);
    const cell = mk(g) as Uint32Array;
    add("getsockname", `addrlen as ${name}`, [g], EFAULT, () => {
      return z.getsockname(udp, new Uint8Array(128), cell);
    });
    add("getsockopt", `optlen as ${name}`, [g], EFAULT, () => {
      return z.getsockopt(
        tcp,
        IPPROTO_TCP,
        TCP_INFO,
        new Uint8Array(128),
        cell,
      );
    });
    add("recvfrom", `addrlen as ${name}`, [g], EFAULT, () => {
      sendSelf(8);
      return z.recvfrom(
        udp,
        new Uint8Array(16),
        z.MSG.DONTWAIT,
        new Uint8Array(128),
        cell,
      );
    });
    add("accept4", `addrlen as ${name}`, [g], EFAULT, () => {
      return z.accept4(listener, new Uint8Array(128), cell, 0);
    });
  }
  {
    // A correct cell whose value exceeds the buffer: refused.
    const g = new Guarded(8);
    add("getsockopt", "optlen 1024 for an 8-byte optval", [g], EFAULT, () => {
      return z.getsockopt(
        tcp,
        IPPROTO_TCP,
        TCP_INFO,
        g.bytes,
        new Uint32Array([1024]),
      );
    });
  }
  {
    // The kernel's answer comes back through the private copy.
    const g = new Guarded(4);
    const cell = g.as(Uint32Array, 4);
    cell[0] = 128;
    add("getsockname", "addrlen answer copied back", [g], 16, () => {
      const r = z.getsockname(udp, new Uint8Array(128), cell);
      return r === 0 ? cell[0] : r;
    });
  }
  {
    const g = new Guarded(4);
    add("splice", "loff_t cell of 4 bytes", [g], EFAULT, () => {
      return z.splice(
        pr,
        null,
        pw,
        g.as(Int32Array, 4) as unknown as BigInt64Array,
        16,
        0,
      );
    });
  }
  // io_uring_register: per-opcode sizes.
  const R = z.IORING_REGISTER;
  const reg: [string, number, number, number, Case["expect"]][] = [
    ["PROBE nr 256 into 24 bytes", R.PROBE, 24, 256, EFAULT],
    ["PROBE nr 1 into 24 bytes", R.PROBE, 24, 1, 0],
    ["FILES nr 4 into 8 bytes", R.FILES, 8, 4, EFAULT],
    ["BUFFERS nr 2 into 16 bytes", R.BUFFERS, 16, 2, EFAULT],
    ["RESTRICTIONS nr 2 into 16 bytes", R.RESTRICTIONS, 16, 2, EFAULT],
    ["EVENTFD into 2 bytes", R.EVENTFD, 2, 1, EFAULT],
    ["IOWQ_MAX_WORKERS into 4 bytes", R.IOWQ_MAX_WORKERS, 4, 2, EFAULT],
    ["IOWQ_AFF 64 bytes into 8", R.IOWQ_AFF, 8, 64, EFAULT],
    ["FILES2 into 16 bytes", R.FILES2, 16, 32, EFAULT],
    ["BUFFERS_UPDATE size 64 into 32", R.BUFFERS_UPDATE, 32, 64, EFAULT],
    ["RING_FDS nr 4 into 16 bytes", R.RING_FDS, 16, 4, EFAULT],
    ["PBUF_RING into 16 bytes", R.PBUF_RING, 16, 1, EFAULT],
    ["PBUF_STATUS into 16 bytes", R.PBUF_STATUS, 16, 1, EFAULT],
    ["SYNC_CANCEL into 32 bytes", R.SYNC_CANCEL, 32, 1, EFAULT],
    ["NAPI into 8 bytes", R.NAPI, 8, 1, EFAULT],
    ["CLONE_BUFFERS into 16 bytes", R.CLONE_BUFFERS, 16, 1, EFAULT],
    ["SEND_MSG_RING into 32 bytes", R.SEND_MSG_RING, 32, 1, EFAULT],
    ["ZCRX_IFQ into 64 bytes", R.ZCRX_IFQ, 64, 1, EFAULT],
    ["RESIZE_RINGS into 64 bytes", R.RESIZE_RINGS, 64, 1, EFAULT],
    ["MEM_REGION into 16 bytes", R.MEM_REGION, 16, 1, EFAULT],
    ["QUERY into 16 bytes", R.QUERY, 16, 0, EFAULT],
    ["unknown opcode 200", 200, 64, 1, EINVAL],
  ];
  for (const [what, op, size, nr, expect] of reg) {
    const g = new Guarded(size);
    add("ioUringRegister", what, [g], expect, () => {
      return z.ioUringRegister(ring, op, g.bytes, nr);
    });
  }
  {
    const g = new Guarded(24);
    add("ioUringRegister", "PROBE through a DataView", [g], 0, () => {
      return z.ioUringRegister(
        ring,
        R.PROBE,
        g.dataView() as unknown as Uint8Array,
        1,
      );
    });
    add("ioUringRegister", "PROBE with a null arg", [], EFAULT, () => {
      return z.ioUringRegister(ring, R.PROBE, null, 1);
    });
    add(
      "ioUringRegisterUnchecked",
      "unknown opcode: kernel says",
      [],
      "negative",
      () => {
        return z.ioUringRegisterUnchecked(ring, 200, null, 0);
      },
    );
  }
  {
    // An async wait whose caller shrinks its buffer while the kernel works:
    // the kernel fills a private copy; the process lives.
    const ab = new ArrayBuffer(16 * 12, { maxByteLength: 16 * 12 });
    const evs = new Uint8Array(ab);
    add("epollWaitAsync", "events buffer shrunk mid-wait", [], 1, async () => {
      const p = z.epollWaitAsync(ep, evs, 16, 200);
      ab.resize(0);
      fillPipe();
      return await p;
    });
    const pab = new ArrayBuffer(8);
    const pfds = new z.PollFds(1).set(0, pr, z.POLL.IN);
    const bytes = new Uint8Array(pab);
    bytes.set(pfds.bytes);
    add("pollAsync", "pollfd buffer transferred mid-wait", [], 1, async () => {
      const p = z.pollAsync(bytes, 1, 200);
      pab.transfer(0);
      return await p;
    });
  }
  return cases;
}

function structCases(): Case[] {
  // Structs record addresses: sizes from the engine, resizable buffers
  // refused, and a buffer detached after set makes the syscall refuse.
  const cases: Case[] = [];
  const add = caseAdder(cases);
  {
    const [v, g] = liar(8, 4096);
    add("Iovecs.set+readv", "8-byte view claiming 4096", [g], 8, () => {
      fillPipe();
      const iov = new z.Iovecs(1).set(0, v);
      return z.readv(pr, iov.bytes, 1);
    });
    add(
      "Iovecs.set",
      "explicit length past the true size",
      [g],
      "throws",
      () => {
        new z.Iovecs(1).set(0, v, 64);
      },
    );
  }
  {
    const ab = new ArrayBuffer(64, { maxByteLength: 128 });
    add("Iovecs.set", "resizable ArrayBuffer refused", [], "throws", () => {
      new z.Iovecs(1).set(0, new Uint8Array(ab));
    });
    add(
      "Msghdr.setControl",
      "resizable ArrayBuffer refused",
      [],
      "throws",
      () => {
        new z.Msghdr().setControl(new Uint8Array(ab));
      },
    );
  }
  for (const fn of ["readv", "writev", "preadv2"] as const) {
    add(fn, "iovec buffer transferred after set", [], EFAULT, () => {
      const buf = new Uint8Array(4096);
      const iov = new z.Iovecs(1).set(0, buf);
      buf.buffer.transfer(8); // the recorded address is freed
      fillPipe();
      return fn === "preadv2"
        ? z.preadv2(pr, iov.bytes, 1, -1, 0)
        : z[fn](fn === "readv" ? pr : pw, iov.bytes, 1);
    });
  }
  add(
    "recvmsg",
    "control buffer transferred after setControl",
    [],
    EFAULT,
    () => {
      const control = new Uint8Array(256);
      const msg = new z.Msghdr().setBuffers([new Uint8Array(64)]).setControl(
        control,
      );
      control.buffer.transfer();
      sendSelf(8);
      return z.recvmsg(udp, msg.bytes, z.MSG.DONTWAIT);
    },
  );
  add("sendmsg", "iovec array transferred after setBuffers", [], EFAULT, () => {
    const iov = new z.Iovecs(1).set(0, new Uint8Array(8));
    const msg = new z.Msghdr().setName(self.subarray(0, 16)).setBuffers(iov);
    (iov.bytes.buffer as ArrayBuffer).transfer();
    return z.sendmsg(udp, msg.bytes, 0);
  });
  add("recvmmsg", "payload slab transferred", [], EFAULT, () => {
    const v = new z.Mmsghdrs(4, 256, 16);
    (v.payload(0).buffer as ArrayBuffer).transfer();
    sendSelf(8);
    return z.recvmmsg(udp, v.bytes, 4, z.MSG.DONTWAIT, null);
  });
  {
    const g = new Guarded(4);
    add(
      "Msghdr.nameLength",
      "larger than the name buffer",
      [g],
      "throws",
      () => {
        const msg = new z.Msghdr().setName(g.bytes);
        msg.nameLength = 128;
      },
    );
  }
  {
    const g = new Guarded(4);
    const msg = new z.Msghdr().setBuffers([new Uint8Array(64)]).setName(
      g.bytes,
    );
    add(
      "recvmsg",
      "4-byte name buffer: kernel writes at most 4",
      [g],
      "nonNegative",
      () => {
        sendSelf(8);
        return z.recvmsg(udp, msg.bytes, z.MSG.DONTWAIT);
      },
    );
  }
  add("Mapping.close", "its buffer transferred away first", [], 0, () => {
    const m = z.Mapping.anonymous(4096);
    new Uint8Array(m.buffer).fill(9);
    const moved = m.buffer.transfer(); // same memory, a buffer m cannot reach
    m.close();
    // Unmapped memory would crash this read: it reads fresh zero pages.
    return new Uint8Array(moved)[100];
  });
  return cases;
}

function tierCases(): Case[] {
  // The same call, cold and after 100k warm iterations, answers the same.
  const buf = new Uint8Array(8);
  const cases: Case[] = [];
  const warm = (label: string, f: () => number, want: number) =>
    cases.push({
      fn: label,
      what: "cold, then 100k warm calls",
      guards: [],
      expect: want,
      run: () => {
        const first = f();
        for (let i = 0; i < 100_000; i++) {
          const r = f();
          if (!Object.is(r, first)) return `changed at ${i}: ${first} -> ${r}`;
        }
        return first;
      },
    });
  let x = 1.5;
  warm("read(fd, buf, 1.5)", () => z.read(pr, buf, x), EINVAL);
  let nz = -0;
  warm("write(fd, buf, -0)", () => z.write(pw, buf, nz), 0);
  warm("read(fd + 0.5, buf)", () => z.read(pr + 0.5, buf), EINVAL);
  warm(
    "read('3' as fd)",
    () => z.read(String(pr) as unknown as number, buf),
    EINVAL,
  );
  warm(
    "ioUringEnter4(ring, 0.5)",
    () => z.ioUringEnter4(ring, 0.5, 0, 0),
    EINVAL,
  );
  warm(
    "unsafeWrite(fd, addr + 0.5)",
    () => z.unsafeWrite(pw, z.unsafeAddressOf(buf) + 0.5, 1),
    EFAULT,
  );
  warm("eventfd2(-0, 0) closes", () => {
    const r = z.eventfd2(nz, z.EFD.CLOEXEC);
    if (r >= 0) z.close(r);
    return r >= 0 ? 0 : r;
  }, 0);
  // Keep the JIT from constant-folding the inputs.
  x += 0;
  nz *= 1;
  return cases;
}

async function sharedCases(): Promise<Case[]> {
  // A Worker flips a SharedArrayBuffer optlen between 8 and 1024 while the
  // kernel is called: the kernel only ever sees the checked private copy.
  const sab = new SharedArrayBuffer(4);
  const cell = new Uint32Array(sab);
  const src = `
    self.onmessage = (e) => {
      const c = new Uint32Array(e.data.sab);
      const stop = new Int32Array(e.data.stop);
      while (Atomics.load(stop, 0) === 0) { c[0] = 8; c[0] = 1024; }
      self.postMessage("done");
    };`;
  const w = new Worker(
    URL.createObjectURL(new Blob([src], { type: "text/javascript" })),
    { type: "module" },
  );
  const stop = new Int32Array(new SharedArrayBuffer(4));
  w.postMessage({ sab, stop: stop.buffer });
  await new Promise((r) => setTimeout(r, 50));
  const g = new Guarded(8);
  const cases: Case[] = [{
    fn: "getsockopt",
    what: "SharedArrayBuffer optlen flipped 8<->1024 by a Worker, 200k calls",
    guards: [g],
    expect: 0,
    run: async () => {
      let bad = 0;
      for (let i = 0; i < 200_000; i++) {
        const r = z.getsockopt(tcp, IPPROTO_TCP, TCP_INFO, g.bytes, cell);
        if (r !== 0 && r !== EFAULT) bad++;
        if (!g.intact()) return `canary broken at ${i}`;
      }
      Atomics.store(stop, 0, 1);
      await new Promise((r) => (w.onmessage = r));
      w.terminate();
      return bad;
    },
  }];
  {
    const gs = new Guarded(4, true);
    const c = gs.as(Uint32Array, 4);
    c[0] = 128;
    cases.push({
      fn: "getsockname",
      what: "SharedArrayBuffer addrlen: answer copied back",
      guards: [gs],
      expect: 16,
      run: () => {
        const r = z.getsockname(udp, new Uint8Array(128), c);
        return r === 0 ? c[0] : r;
      },
    });
  }
  return cases;
}

function patchPrototypes(): void {
  // Every getter a naive check would read now lies: 1 MiB.
  const TA = Object.getPrototypeOf(Uint8Array.prototype);
  for (const p of [TA, DataView.prototype, ArrayBuffer.prototype]) {
    for (const k of ["byteLength", "length"]) {
      if (Object.getOwnPropertyDescriptor(p, k)) {
        Object.defineProperty(p, k, { get: () => 1 << 20, configurable: true });
      }
    }
  }
  ArrayBuffer.isView = ((_: unknown) => true) as typeof ArrayBuffer.isView;
}

const mode = Deno.args[0] ?? "calls";
let cases: Case[];
if (mode === "calls") {
  cases = [...lyingCases("own props"), ...cellCases(), ...structCases()];
} else if (mode === "proto") {
  patchPrototypes();
  cases = lyingCases("patched prototypes");
} else if (mode === "tiers") cases = tierCases();
else if (mode === "shared") cases = await sharedCases();
else throw new Error(`unknown mode ${mode}`);

const outcomes = await runCases(cases);
console.log("CANARY " + JSON.stringify(outcomes));
