/**
 * zcall against its limits, side by side in one run: getpid, a 64-byte
 * write to /dev/null and an eventfd write+read round trip, each through
 * zcall, through the same loop in C (raw syscall instruction: the physical
 * limit) and through Deno's / Node's built-in API where one exists.
 *
 * Run: `deno task bench` or
 * `deno run --allow-ffi --allow-read --allow-write=bench/build --allow-run --allow-env bench/zcall_bench.ts [--iterations=N] [--rounds=R] [--no-gc-check]`
 *
 * The GC check runs bench/zcall_gc.ts under `--v8-flags=--trace-gc` and
 * counts the "Scavenge" lines printed during 1M zcall write/read ops.
 *
 * @module
 */

import { tryBuildC } from "./_c.ts";
import {
  close,
  EFD,
  eventfd2,
  getpid,
  read,
  SYS,
  syscall6,
  unsafeAddressOf,
  unsafeRead,
  unsafeWrite,
  write,
} from "../zcall/mod.ts";
import { scavengesBetween, traceGcChild } from "./_gc.ts";
import { intArg } from "./_args.ts";

const N = intArg("iterations", 1_000_000);
const ROUNDS = intArg("rounds", 7);
const GC_CHECK = !Deno.args.includes("--no-gc-check");

type Row = {
  name: string;
  impl: "kernio" | "c" | "deno" | "node";
  value: number;
  unit: "ns/op";
};
const rows: Row[] = [];
const notes: string[] = [];

// Time is this thread's CPU time (clock_gettime(CLOCK_THREAD_CPUTIME_ID)),
// as in the C program: on a busy machine, time spent descheduled would
// otherwise dominate the difference between runs.
const CLOCK_THREAD_CPUTIME_ID = 3;
const ts = new BigInt64Array(2);
const tsAddr = unsafeAddressOf(ts);
function cpuNs(): number {
  syscall6(SYS.CLOCK_GETTIME, CLOCK_THREAD_CPUTIME_ID, tsAddr, 0, 0, 0, 0);
  return Number(ts[0]) * 1e9 + Number(ts[1]);
}

// One timed pass of N calls.
function time(fn: () => void): number {
  const t0 = cpuNs();
  fn();
  return (cpuNs() - t0) / N;
}

// ---- zcall, Deno and C, interleaved ---------------------------------------
const buf64 = new Uint8Array(64);
const devnull = Deno.openSync("/dev/null", { write: true });
// zcall needs a raw descriptor; Deno does not expose FsFile's, so find it in
// /proc/self/fd (the only /dev/null opened for writing beyond 0..2).
const devnullFd = findFd("/dev/null");
function findFd(target: string): number {
  for (const e of Deno.readDirSync("/proc/self/fd")) {
    try {
      const fd = Number(e.name);
      if (fd > 2 && Deno.readLinkSync(`/proc/self/fd/${e.name}`) === target) {
        return fd;
      }
    } catch { /* the directory's own descriptor is gone by now */ }
  }
  return -1;
}
if (devnullFd < 0) throw new Error("could not find the /dev/null descriptor");

const efd = eventfd2(0, EFD.CLOEXEC);
if (efd < 0) throw new Error(`eventfd2: ${efd}`);
const one = new Uint8Array(new BigUint64Array([1n]).buffer);
const got = new Uint8Array(8);

let sink = 0;
function zGetpid() {
  for (let i = 0; i < N; i++) sink += getpid();
}
function zWrite() {
  for (let i = 0; i < N; i++) sink += write(devnullFd, buf64);
}
function zEventfd() {
  for (let i = 0; i < N; i++) {
    sink += write(efd, one);
    sink += read(efd, got);
  }
}
// The same loops through unsafeRead/unsafeWrite: addresses computed once,
// passed as doubles (no typed-array unwrap per call).
const buf64Addr = unsafeAddressOf(buf64);
const oneAddr = unsafeAddressOf(one), gotAddr = unsafeAddressOf(got);
function zWriteAddr() {
  for (let i = 0; i < N; i++) sink += unsafeWrite(devnullFd, buf64Addr, 64);
}
function zEventfdAddr() {
  for (let i = 0; i < N; i++) {
    sink += unsafeWrite(efd, oneAddr, 8);
    sink += unsafeRead(efd, gotAddr, 8);
  }
}
function dWrite() {
  for (let i = 0; i < N; i++) sink += devnull.writeSync(buf64);
}
// Warm up (JIT tiers, fast-call paths) before timing anything.
for (let i = 0; i < 20_000; i++) {
  getpid();
  write(devnullFd, buf64);
  write(efd, one);
  read(efd, got);
  devnull.writeSync(buf64);
  unsafeWrite(devnullFd, buf64Addr, 64);
  unsafeWrite(efd, oneAddr, 8);
  unsafeRead(efd, gotAddr, 8);
}

const c = await tryBuildC("zcall_bench");
if (!("path" in c)) notes.push(`C rows skipped: ${c.skipped}`);
async function runC(threaded: boolean): Promise<Map<string, number>> {
  const m = new Map<string, number>();
  if (!("path" in c)) return m;
  const args = [String(N), "1", ...(threaded ? ["threaded"] : [])];
  const out = await new Deno.Command(c.path, { args }).output();
  if (!out.success) throw new Error(`${c.path} failed (${out.code})`);
  for (const line of new TextDecoder().decode(out.stdout).trim().split("\n")) {
    const [name, v] = line.split(" ");
    m.set(name, Number(v));
  }
  return m;
}

// The machine is noisy: every round measures all implementations back to
// back, and each row keeps its best round, so both sides of a ratio see
// the same disturbances.
const bestOf = new Map<string, number>();
const keep = (key: string, v: number) => {
  if (!(v >= (bestOf.get(key) ?? Infinity))) bestOf.set(key, v);
};
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, v] of await runC(false)) keep(`c:${name}`, v);
  for (const [name, v] of await runC(true)) keep(`c:${name}@mt`, v);
  keep("kernio:getpid", time(zGetpid));
  keep("kernio:write64_devnull", time(zWrite));
  keep("kernio:eventfd_roundtrip", time(zEventfd));
  keep("kernio:write64_devnull@addr", time(zWriteAddr));
  keep("kernio:eventfd_roundtrip@addr", time(zEventfdAddr));
  keep("deno:write64_devnull", time(dWrite));
}
devnull.close();
close(efd);
if (sink === 42) console.log(""); // keep the loops observable
for (const [key, value] of bestOf) {
  const [impl, name] = key.split(":") as [Row["impl"], string];
  rows.push({ name, impl, value, unit: "ns/op" });
}

// ---- Node -------------------------------------------------------------------
const nodeScript = `
const fs = require("node:fs");
const fd = fs.openSync("/dev/null", "w");
const b = Buffer.alloc(64);
const N = ${N}, R = ${ROUNDS};
for (let i = 0; i < 20000; i++) fs.writeSync(fd, b);
let min = Infinity;
// process CPU time (user + system), like the other rows' thread CPU time.
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) * 1000; };
for (let r = 0; r < R; r++) {
  const t0 = cpu();
  for (let i = 0; i < N; i++) fs.writeSync(fd, b);
  const ns = (cpu() - t0) / N;
  if (ns < min) min = ns;
}
console.log(min.toFixed(2));
`;
try {
  const out = await new Deno.Command("node", { args: ["-e", nodeScript] })
    .output();
  if (out.success) {
    rows.push({
      name: "write64_devnull",
      impl: "node",
      value: Number(new TextDecoder().decode(out.stdout).trim()),
      unit: "ns/op",
    });
  }
} catch (e) {
  if (!(e instanceof Deno.errors.NotFound)) throw e;
  notes.push("node rows skipped: node not on PATH");
}

// ---- GC check -----------------------------------------------------------
let scavenges: number | undefined;
if (GC_CHECK) {
  const text = await traceGcChild(
    new URL("zcall_gc.ts", import.meta.url).pathname,
    [],
  );
  scavenges = scavengesBetween(text);
  if (scavenges === undefined) throw new Error(`zcall_gc.ts:\n${text}`);
  notes.push(
    `GC check: ${scavenges} Scavenge during 1M zcall write+read ops ` +
      "(typed arrays) plus 1M (addresses)",
  );
}

// ---- report -----------------------------------------------------------------
const get = (name: string, impl: Row["impl"]) =>
  rows.find((r) => r.name === name && r.impl === impl)?.value;
const fmt = (v: number | undefined) => v === undefined ? "-" : v.toFixed(1);
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? "-" : (a / b).toFixed(2) + "x";

console.log(
  `zcall bench: best of ${ROUNDS} rounds x ${N} ops, CPU ns/op (lower is better)`,
);
const table = ["getpid", "write64_devnull", "eventfd_roundtrip"].map((n) => {
  const z = get(n, "kernio"),
    za = get(`${n}@addr`, "kernio"),
    cc = get(n, "c"),
    mt = get(`${n}@mt`, "c"),
    d = get(n, "deno"),
    nd = get(n, "node");
  return {
    row: n,
    zcall: fmt(z),
    "zcall addr": fmt(za),
    C: fmt(cc),
    "C 2 threads": fmt(mt),
    deno: fmt(d),
    node: fmt(nd),
    "zcall/C": ratio(z, cc),
    "zcall/C 2thr": ratio(z, mt),
    "addr/C": ratio(za, cc),
    "addr/C 2thr": ratio(za, mt),
    "deno/zcall": ratio(d, z),
    "node/zcall": ratio(nd, z),
  };
});
console.table(table);
if (scavenges !== undefined) {
  console.log(
    `GC check: ${scavenges} Scavenge lines during 1M write+read ops with ` +
      "typed arrays + 1M with addresses (target 0)",
  );
}
notes.push(
  "getpid/eventfd have no Deno built-in (Deno.pid is cached, not a syscall)",
  "times are thread CPU time, best of the rounds",
  "<row>@addr: zcall unsafeRead/unsafeWrite with precomputed addresses",
  "<row>@mt: C with an idle second thread (fdget takes a file reference in " +
    "multi-threaded processes, as in Deno)",
);
console.log(
  "BENCH_JSON " +
    JSON.stringify({
      bench: "zcall",
      rows: rows.map((r) => ({ ...r, value: Number(r.value.toFixed(2)) })),
      notes: notes.join("; "),
    }),
);
