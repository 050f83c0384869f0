/**
 * io_uring NOP throughput, kernio vs liburing (C), at batch 1, 16 and 64,
 * plus the scavenge count of 1M submitted and reaped NOPs.
 *
 * Both sides use the same ring: 128 entries, SINGLE_ISSUER | DEFER_TASKRUN
 * | SUBMIT_ALL | CLAMP with the SQ index array (Debian's liburing 2.3 has no
 * NO_SQARRAY), one io_uring_enter per batch, CQEs reaped in bulk. Rounds
 * alternate C and kernio and each side keeps its best round, so background
 * load hits both alike. There is no Deno built-in or Node equivalent of a
 * raw io_uring NOP, so those columns are absent. Both sides read user_data
 * and res of every completion.
 *
 * Where the gap is (perf, this 2-core box): the kernel work per NOP is the
 * same on both sides; liburing's whole user side costs ~5 ns per NOP, while
 * kernio's JIT code spends ~7 ns in nop() (bounds, map and Smi checks V8
 * cannot hoist out of the caller's loop) and ~4 ns copying each CQE into its
 * view, so batch 64 lands near 0.75-0.8x, short of issue 5's 0.95x target.
 *
 * Run: deno run --allow-ffi --allow-read --allow-write=bench/build
 *      --allow-run --allow-env bench/uring_bench.ts
 * (the C side needs cc and liburing-dev; without them it is skipped).
 *
 * @module
 */

import { CQEView, forFD, Uring } from "../uring/mod.ts";
import { SYS, syscall6, unsafeAddressOf } from "../zcall/mod.ts";
import { tryBuildC } from "./_c.ts";

// Time is this thread's CPU time (CLOCK_THREAD_CPUTIME_ID) on both sides:
// NOPs complete inside io_uring_enter on the submitting thread, so all the
// work is on-thread, and time spent descheduled on a busy machine is not.
const CLOCK_THREAD_CPUTIME_ID = 3;
const tsBuf = new BigInt64Array(2);
const tsAddr = unsafeAddressOf(tsBuf);
function cpuNs(): number {
  syscall6(SYS.CLOCK_GETTIME, CLOCK_THREAD_CPUTIME_ID, tsAddr, 0, 0, 0, 0);
  return Number(tsBuf[0]) * 1e9 + Number(tsBuf[1]);
}

async function runC(
  bin: string,
  batch: number,
  total: number,
): Promise<number> {
  const r = await new Deno.Command(bin, {
    args: [String(batch), String(total)],
    stdout: "piped",
  }).output();
  if (!r.success) throw new Error(`${bin} failed`);
  return Number(new TextDecoder().decode(r.stdout).split(" ")[0]);
}

// Consumed completions (printed, so no side's reap loop is dead code).
let sink = 0;

// The measured loop: prep `batch` NOPs, one wait() (which submits them with
// one io_uring_enter and reaps), repeat. Each completion's user_data and res
// are read, as the C side does with each peeked CQE. Returns ns per NOP.
function runKernio(
  ring: Uring,
  cqes: CQEView[],
  batch: number,
  total: number,
): number {
  const ctx = forFD(0);
  const t0 = cpuNs();
  let done = 0;
  let sum = 0;
  while (done < total) {
    for (let k = 0; k < batch; k++) ring.nop(ctx);
    let got = 0;
    while (got < batch) {
      const n = ring.wait(cqes);
      for (let i = 0; i < n; i++) sum += cqes[i].userDataLo + cqes[i].res;
      got += n;
    }
    done += batch;
  }
  const ns = (cpuNs() - t0) / done;
  sink += sum;
  return ns;
}

function newRing(): Uring {
  const ring = new Uring({ entries: 128, indirectSubmissionQueue: true });
  ring.start();
  return ring;
}

// GC child: warm up, then run `ops` NOPs at batch 64. The parent counts the
// Scavenge lines of --trace-gc for ops = 1M and ops = 0 and subtracts.
if (Deno.args[0] === "--gc-child") {
  const ops = Number(Deno.args[1]);
  const ring = newRing();
  const cqes = CQEView.array(128);
  runKernio(ring, cqes, 64, 200_000);
  if (ops > 0) runKernio(ring, cqes, 64, ops);
  ring.stop();
  Deno.exit(0);
}

async function scavenges(ops: number): Promise<number> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--v8-flags=--trace-gc",
      "--allow-ffi",
      "--allow-read",
      "--allow-env",
      new URL(import.meta.url).pathname,
      "--gc-child",
      String(ops),
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(r.stdout);
  return text.split("\n").filter((l) => l.includes("Scavenge")).length;
}

const BATCHES = [1, 16, 64];
const ROUNDS = 5;
const built = await tryBuildC("uring_nop", { libs: ["-luring"] });
const bin = "path" in built ? built.path : null;
const ring = newRing();
const cqes = CQEView.array(128);
const rows: { name: string; impl: string; value: number; unit: string }[] = [];
const table: Record<string, string | number>[] = [];

for (const batch of BATCHES) {
  const total = batch === 1 ? 1_000_000 : 4_000_000;
  runKernio(ring, cqes, batch, total / 4); // warm up the JIT
  let bestK = Infinity;
  let bestC = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    if (bin) bestC = Math.min(bestC, await runC(bin, batch, total));
    bestK = Math.min(bestK, runKernio(ring, cqes, batch, total));
  }
  rows.push({
    name: `nop_batch${batch}`,
    impl: "kernio",
    value: Math.round(1e9 / bestK),
    unit: "ops/s",
  });
  if (bin) {
    rows.push({
      name: `nop_batch${batch}`,
      impl: "c",
      value: Math.round(1e9 / bestC),
      unit: "ops/s",
    });
  }
  table.push({
    batch,
    "kernio ns/op": bestK.toFixed(1),
    "liburing ns/op": bin ? bestC.toFixed(1) : "n/a",
    "kernio / liburing (throughput)": bin ? (bestC / bestK).toFixed(3) : "n/a",
  });
}
ring.stop();

const base = await scavenges(0);
const withOps = await scavenges(1_000_000);
const gc = withOps - base;

console.log(
  `io_uring NOP throughput (thread CPU time, best of 5 alternating rounds; kernio CQE checksum ${sink})`,
);
console.table(table);
console.log(
  `Scavenge GCs during 1M submitted+reaped NOPs (batch 64): ${gc} (run with 1M: ${withOps}, warm-up only: ${base})`,
);
console.log(
  "BENCH_JSON " + JSON.stringify({
    bench: "uring",
    rows,
    notes:
      `NOP ops/s from thread CPU time, same ring flags both sides (128 entries, SINGLE_ISSUER|DEFER_TASKRUN|SUBMIT_ALL|CLAMP, SQ array), one enter per batch, user_data and res of every CQE read on both sides, best of 5 alternating rounds; GC check: ${gc} Scavenge during 1M submitted+reaped NOPs (--trace-gc lines of a 1M run minus a warm-up-only run); no Deno built-in or Node equivalent of a raw io_uring NOP.`,
  }),
);
