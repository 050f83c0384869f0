/**
 * Leak check: open/close cycles of sockets, io_uring instances (with their
 * ring mappings) and memory mappings, comparing /proc/self/fd and
 * /proc/self/maps before and after.
 *
 * Run alone so no other code opens descriptors meanwhile (a `deno test
 * --parallel` process is shared by every test file):
 * `deno run --allow-ffi --allow-read=/proc stress/leaks.ts [cycles]`
 * prints one `LEAKS {json}` line and exits 1 on a leak.
 *
 * @example
 * ```ts
 * import { runLeaks } from "./leaks.ts";
 * const r = await runLeaks(1000);
 * r.leakedFds.length; // 0
 * ```
 *
 * @module
 */

import * as z from "../zcall/mod.ts";
import * as sock from "../sock/mod.ts";
import * as uring from "../uring/mod.ts";

/** What one run found. */
export interface LeakReport {
  /** Cycles per resource kind. */
  cycles: number;
  /** Open/close cycles done per kind. */
  done: Record<string, number>;
  /** fds open before. */
  fdsBefore: number;
  /** fds open after. */
  fdsAfter: number;
  /** Descriptors present after but not before ("fd -> target"). */
  leakedFds: string[];
  /** New AF_UNIX stream sockets: the runtime's own, not counted as leaks. */
  runtimeFds: string[];
  /** io_uring / kernio mappings left behind (lines of /proc/self/maps). */
  leakedMaps: string[];
  /** Total mappings before and after (V8 may move these a little). */
  mapsBefore: number;
  /** Total mappings after. */
  mapsAfter: number;
  /** Bytes of read-only anonymous mappings before and after. */
  roAnonBefore: number;
  /** After. */
  roAnonAfter: number;
  /** Growth of the address space (KiB): a leaked region per cycle would show. */
  vmSizeDeltaKiB: number;
  /** Wall time in ms. */
  ms: number;
}

/**
 * The open descriptors as "fd -> target".
 *
 * @example
 * ```ts
 * import { fdSnapshot } from "./leaks.ts";
 * console.log(fdSnapshot().size);
 * ```
 */
export function fdSnapshot(): Set<string> {
  const out = new Set<string>();
  for (const e of Deno.readDirSync("/proc/self/fd")) {
    try {
      out.add(`${e.name} -> ${Deno.readLinkSync(`/proc/self/fd/${e.name}`)}`);
    } catch {
      // the fd of the directory listing itself, gone by now
    }
  }
  return out;
}

// The cycles create no AF_UNIX stream socket, so one left over is Deno's.
function isRuntimeStreamPair(entry: string): boolean {
  const fd = Number(entry.split(" ")[0]);
  const v = new Int32Array(1);
  const len = new Uint32Array([4]);
  const bytes = new Uint8Array(v.buffer);
  if (z.getsockopt(fd, z.SOL.SOCKET, z.SO.DOMAIN, bytes, len) < 0) return false;
  if (v[0] !== z.AF.UNIX) return false;
  if (z.getsockopt(fd, z.SOL.SOCKET, z.SO.TYPE, bytes, len) < 0) return false;
  return v[0] === z.SOCK.STREAM;
}

/**
 * Bytes in read-only private anonymous mappings.
 *
 * @example
 * ```ts
 * import { mapsSnapshot, readOnlyAnonBytes } from "./leaks.ts";
 * readOnlyAnonBytes(mapsSnapshot());
 * ```
 */
export function readOnlyAnonBytes(lines: string[]): number {
  let sum = 0;
  for (const l of lines) {
    const f = l.split(/\s+/);
    if (f[1] !== "r--p" || f[4] !== "0" || f.length > 6 && f[5] !== "") {
      continue;
    }
    const [a, b] = f[0].split("-");
    sum += parseInt(b, 16) - parseInt(a, 16);
  }
  return sum;
}

/**
 * VmSize in KiB.
 *
 * @example
 * ```ts
 * import { vmSizeKiB } from "./leaks.ts";
 * vmSizeKiB();
 * ```
 */
export function vmSizeKiB(): number {
  const m = /VmSize:\s+(\d+) kB/.exec(
    Deno.readTextFileSync("/proc/self/status"),
  );
  return m ? Number(m[1]) : -1;
}

/**
 * Lines of /proc/self/maps.
 *
 * @example
 * ```ts
 * import { mapsSnapshot } from "./leaks.ts";
 * mapsSnapshot().length;
 * ```
 */
export function mapsSnapshot(): string[] {
  return Deno.readTextFileSync("/proc/self/maps").trim().split("\n");
}

// Mappings this check is responsible for: rings and our tagged memfds.
const OURS = /io_uring|kernio-leak/;

const inet = new Uint8Array(16);
inet[0] = z.AF.INET;
inet.set([127, 0, 0, 1], 4);

function must(r: number, what: string): number {
  if (r < 0) throw new Error(`${what}: ${z.errnoName(r)}`);
  return r;
}

// One raw io_uring: setup, map SQ/CQ rings and the SQE array, unmap, close.
const params = new Uint8Array(120);
const pdv = new DataView(params.buffer);
function ringCycle(entries: number): void {
  params.fill(0);
  const fd = must(z.ioUringSetup(entries, params), "io_uring_setup");
  const sqEntries = pdv.getUint32(0, true);
  const cqEntries = pdv.getUint32(4, true);
  const sqSize = pdv.getUint32(40 + 24, true) + sqEntries * 4;
  const cqSize = pdv.getUint32(80 + 20, true) + cqEntries * 16;
  const ringSize = Math.max(sqSize, cqSize); // FEAT_SINGLE_MMAP
  const prot = z.PROT.READ | z.PROT.WRITE;
  const flags = z.MAP.SHARED | z.MAP.POPULATE;
  const ring = new z.Mapping(ringSize, prot, flags, fd, 0);
  const sqes = new z.Mapping(sqEntries * 64, prot, flags, fd, 0x10000000);
  sqes.close();
  ring.close();
  must(z.close(fd), "close ring");
}

// One cycle of every kind, `cycles` times. The Unix pairs are SEQPACKET so
// they cannot be mistaken for the runtime's own stream pair.
async function cycleAll(
  cycles: number,
  done: Record<string, number>,
): Promise<void> {
  const count = (k: string) => done[k] = (done[k] ?? 0) + 1;
  const pair = new Int32Array(2);
  const nopCtx = uring.forFD(0);
  const cqes = uring.CQEView.array(4);
  const memfd = must(z.memfdCreate("kernio-leak", z.MFD.CLOEXEC), "memfd");
  must(z.syscall4(z.SYS.FTRUNCATE, memfd, 1 << 16, 0, 0), "ftruncate");
  for (let i = 0; i < cycles; i++) {
    // TCP socket bound to an ephemeral port.
    const s = must(
      z.socket(z.AF.INET, z.SOCK.STREAM | z.SOCK.NONBLOCK | z.SOCK.CLOEXEC, 0),
      "socket",
    );
    if (i % 16 === 0) must(z.bind(s, inet), "bind");
    must(z.close(s), "close");
    count("tcp socket");
    must(
      z.socketpair(z.AF.UNIX, z.SOCK.SEQPACKET | z.SOCK.CLOEXEC, 0, pair),
      "socketpair",
    );
    z.close(pair[0]);
    z.close(pair[1]);
    count("unix seqpacket pair");
    const u = must(
      z.socket(z.AF.INET, z.SOCK.DGRAM | z.SOCK.CLOEXEC, 0),
      "udp socket",
    );
    z.close(u);
    count("udp socket");
    // Rings are the expensive kind (setup + 2 mmaps): every cycle anyway.
    ringCycle(i % 2 === 0 ? 8 : 64);
    count("io_uring + 2 ring mappings");
    // Read-only anonymous: V8 keeps none of those, so a leaked one stands
    // out in /proc/self/maps (see readOnlyAnonBytes).
    const a = new z.Mapping(
      4096 * (1 + (i % 4)),
      z.PROT.READ,
      z.MAP.PRIVATE | z.MAP.ANONYMOUS,
      -1,
      0,
    );
    if (new Uint8Array(a.buffer)[0] !== 0) throw new Error("dirty page");
    a.close();
    count("anonymous mapping");
    const m = new z.Mapping(
      4096 * (1 + (i % 16)),
      z.PROT.READ | z.PROT.WRITE,
      z.MAP.SHARED,
      memfd,
      0,
    );
    m.close();
    count("memfd mapping");
    // The layers' owners: sock sockets and uring rings, buffer rings and
    // drivers, through their public lifecycles.
    const t = sock.TCPSocket.create4();
    if (i % 16 === 0) t.bind(new sock.SockaddrInet4([127, 0, 0, 1], 0));
    t.close();
    count("sock TCPSocket");
    const [pa, pb] = sock.unixConnPair("unixpacket");
    pa.close();
    pb.close();
    count("sock unixpacket pair");
    const ring = new uring.Uring({ entries: 8 });
    ring.start();
    ring.nop(nopCtx);
    for (let k = 0; k < 10 && ring.wait(cqes) === 0; k++) ring.submit();
    if (i % 4 === 0) {
      uring.BufferRing.register(ring, {
        groupId: 1,
        entries: 8,
        bufferSize: 256,
      }).close();
      count("uring BufferRing");
    }
    ring.stop();
    count("uring Uring start/nop/stop");
    if (i % 100 === 0) {
      const d = new uring.UringDriver({ entries: 8 });
      await d.nop();
      await d.close();
      count("uring UringDriver nop/close");
    }
    if (i % 1000 === 999) await new Promise((r) => setTimeout(r, 0));
  }
  z.close(memfd);
}

/**
 * Runs `cycles` cycles of each kind and reports what stayed behind.
 *
 * @example
 * ```ts
 * import { runLeaks } from "./leaks.ts";
 * const r = await runLeaks(100);
 * r.leakedFds; // []
 * ```
 */
async function teardownsSettled(): Promise<void> {
  for (let i = 0; i < 300 && z.heldPageMemory().fenced !== 0; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function runLeaks(cycles: number): Promise<LeakReport> {
  const t0 = performance.now();
  const done: Record<string, number> = {};
  // Warm up so lazily created runtime state is part of the baseline: Deno
  // opens an AF_UNIX stream socketpair of its own at some point under load
  // (seen with strace -k, from inside the deno binary).
  await cycleAll(Math.min(cycles, 3000), {});
  const vmBefore = vmSizeKiB();
  const fdsBefore = fdSnapshot();
  const mapsBefore = mapsSnapshot();
  await cycleAll(cycles, done);
  // Rings with provided buffers close their teardown fence (a pipe) once
  // the kernel finished tearing them down, tens of milliseconds later.
  await teardownsSettled();
  const fdsAfter = fdSnapshot();
  const mapsAfter = mapsSnapshot();
  const leakedFds: string[] = [];
  const runtimeFds: string[] = [];
  for (const f of fdsAfter) {
    if (fdsBefore.has(f)) continue;
    (isRuntimeStreamPair(f) ? runtimeFds : leakedFds).push(f);
  }
  const leakedMaps = mapsAfter.filter((l) => OURS.test(l)).filter((l) =>
    !mapsBefore.includes(l)
  );
  return {
    cycles,
    done,
    fdsBefore: fdsBefore.size,
    fdsAfter: fdsAfter.size,
    leakedFds,
    runtimeFds,
    leakedMaps,
    mapsBefore: mapsBefore.length,
    mapsAfter: mapsAfter.length,
    roAnonBefore: readOnlyAnonBytes(mapsBefore),
    roAnonAfter: readOnlyAnonBytes(mapsAfter),
    vmSizeDeltaKiB: vmSizeKiB() - vmBefore,
    ms: Math.round(performance.now() - t0),
  };
}

if (import.meta.main) {
  const cycles = Number(Deno.args[0] ?? 100_000);
  if (!(Number.isInteger(cycles) && cycles > 0)) {
    throw new RangeError(`cycles must be a positive integer: ${Deno.args[0]}`);
  }
  const r = await runLeaks(cycles);
  console.log(`LEAKS ${JSON.stringify(r)}`);
  if (
    r.leakedFds.length || r.leakedMaps.length ||
    r.roAnonAfter > r.roAnonBefore
  ) Deno.exit(1);
}
