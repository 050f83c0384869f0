/**
 * `deno task stress`: the reliability suite at full size, bounded in time.
 *
 * Sections, each a child process with its own time limit (a hung section is
 * killed and reported, so the run always exits by itself):
 * - properties: the tests/reliability_*props*_test.ts files with
 *   100,000 cases per property (`KERNIO_PROP_COUNT`);
 * - bad inputs: the catalogue of tests/_util/bad_input.ts;
 * - leaks: 100,000 open/close cycles of sockets, rings and mappings;
 * - faults: tests/reliability_faults_test.ts with more rounds;
 * - load: stress/load.ts, 10,000 concurrent loopback TCP connections each
 *   echoing 100 random-length messages, verified byte for byte.
 *
 * Prints a summary table and exits non-zero when a section failed.
 * Permissions: `--allow-all` (it spawns deno with -A, reads /proc, raises
 * RLIMIT_NOFILE in the load child). Flags: `--quick` runs every section at
 * test size; `--only=<section>[,<section>]` runs a subset.
 *
 * @example
 * ```ts
 * // deno task stress
 * // deno run --allow-all stress/run.ts --only=load
 * ```
 *
 * @module
 */

const root = new URL("../", import.meta.url).pathname;
const quick = Deno.args.includes("--quick");
const onlyArg = Deno.args.find((a) => a.startsWith("--only="));
const only = onlyArg ? new Set(onlyArg.slice(7).split(",")) : null;

interface Section {
  name: string;
  args: string[];
  env?: Record<string, string>;
  timeoutMs: number;
}

interface Result {
  name: string;
  ok: boolean;
  code: number | null;
  ms: number;
  timedOut: boolean;
  stats: Record<string, unknown>[];
  tail: string;
}

function testFiles(pattern: RegExp): string[] {
  return [...Deno.readDirSync(`${root}tests`)]
    .map((e) => e.name)
    .filter((n) => pattern.test(n))
    .sort()
    .map((n) => `tests/${n}`);
}

const props = testFiles(/^reliability_.*props.*_test\.ts$/);
const faults = testFiles(/^reliability_faults.*_test\.ts$/);
const sections: Section[] = ([
  <Section> {
    name: "properties",
    args: ["test", "--allow-all", ...props],
    env: { KERNIO_PROP_COUNT: quick ? "2000" : "100000" },
    timeoutMs: 240_000,
  },
  {
    name: "bad inputs",
    args: ["run", "--allow-all", "tests/_util/bad_input.ts"],
    timeoutMs: 60_000,
  },
  {
    name: "leaks",
    args: ["run", "--allow-all", "stress/leaks.ts", quick ? "2000" : "100000"],
    timeoutMs: 120_000,
  },
  ...(faults.length
    ? [
      <Section> {
        name: "faults",
        args: ["test", "--allow-all", ...faults],
        env: { KERNIO_FAULT_ROUNDS: quick ? "1" : "20" },
        timeoutMs: 180_000,
      },
    ]
    : []),
  {
    name: "load",
    args: [
      "run",
      "--allow-all",
      "stress/load.ts",
      quick ? "500" : "10000",
      quick ? "20" : "100",
    ],
    timeoutMs: 300_000,
  },
] as Section[]).filter((s) => only === null || only.has(s.name.split(" ")[0]));

// Machine-readable lines the sections print.
const STAT = /^(?:STRESS_STAT|LEAKS|BAD_INPUT|LOAD) (\{.*\})\s*$/;

async function run(s: Section): Promise<Result> {
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: s.args,
    cwd: root,
    env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", ...s.env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }, s.timeoutMs);
  const [status, out, err] = await Promise.all([
    child.status,
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  clearTimeout(timer);
  const stats: Record<string, unknown>[] = [];
  for (const line of out.split("\n")) {
    const m = STAT.exec(line.trim());
    if (!m) continue;
    const kind = line.trim().split(" ")[0];
    const obj = JSON.parse(m[1]);
    stats.push(kind === "STRESS_STAT" ? obj : { kind, ...obj });
  }
  const all = (out + "\n" + err).trim().split("\n");
  return {
    name: s.name,
    ok: status.success && !timedOut,
    code: status.code,
    ms: Math.round(performance.now() - t0),
    timedOut,
    stats,
    tail: all.slice(-25).join("\n"),
  };
}

const results: Result[] = [];
for (const s of sections) {
  console.log(`stress: ${s.name} ...`);
  const r = await run(s);
  results.push(r);
  console.log(
    `stress: ${s.name} ${r.ok ? "ok" : "FAILED"} in ${
      (r.ms / 1000).toFixed(1)
    } s${r.timedOut ? " (timed out, killed)" : ""}`,
  );
  if (!r.ok) console.log(r.tail);
}

// ---- summary -----------------------------------------------------------------

const num = (v: unknown) => (typeof v === "number" ? v : 0);
let propCases = 0, propCount = 0, badInputs = 0, leaks = 0, leakCycles = 0;
let faultsSurvived = 0, faultsFailed = 0, held = 0, verified = 0;
let bytesVerified = 0, corrupted = 0;
const detail: string[] = [];
for (const r of results) {
  for (const st of r.stats) {
    switch (st.kind) {
      case "props":
        propCases += num(st.cases);
        propCount += num(st.properties);
        break;
      case "BAD_INPUT":
        badInputs += num(st.total);
        detail.push(
          `bad inputs by layer ${JSON.stringify(st.byLayer)}, known findings ${
            JSON.stringify(st.known)
          }, violations ${(st.violations as unknown[]).length}`,
        );
        break;
      case "LEAKS": {
        const lf = (st.leakedFds as unknown[]).length;
        const lm = (st.leakedMaps as unknown[]).length;
        const la = num(st.roAnonAfter) > num(st.roAnonBefore) ? 1 : 0;
        leaks += lf + lm + la;
        leakCycles = num(st.cycles);
        detail.push(
          `leaks: ${
            JSON.stringify(st.done)
          } fds ${st.fdsBefore}->${st.fdsAfter} (runtime-owned ${
            (st.runtimeFds as unknown[]).length
          }), leaked fds ${lf}, leaked maps ${lm}, anonymous r/o bytes ${st.roAnonBefore}->${st.roAnonAfter}, VmSize +${st.vmSizeDeltaKiB} KiB (V8 heap growth included)`,
        );
        break;
      }
      case "fault":
        if (st.ok) faultsSurvived++;
        else faultsFailed++;
        break;
      case "LOAD":
        held = num(st.peakConnections);
        verified = num(st.messagesVerified);
        bytesVerified = num(st.bytesVerified);
        corrupted = num(st.corrupted) + num(st.lost);
        detail.push(
          `load (${st.driver}): RSS MiB before/peak/after ${st.rssBeforeMiB}/${st.rssPeakMiB}/${st.rssAfterMiB}, ` +
            `fds before/peak/after ${st.fdsBefore}/${st.fdsPeak}/${st.fdsAfter}, ${st.seconds} s, ${st.msgsPerSec} msgs/s`,
        );
        break;
    }
  }
}

const rows: [string, string][] = [
  ["connections held (peak)", String(held)],
  ["messages verified", String(verified)],
  ["bytes verified", String(bytesVerified)],
  ["bytes lost or corrupted", String(corrupted)],
  [
    "faults survived",
    `${faultsSurvived}${faultsFailed ? ` (${faultsFailed} failed)` : ""}`,
  ],
  ["bad inputs tried", String(badInputs)],
  ["property cases", `${propCases} over ${propCount} properties`],
  ["leak cycles", String(leakCycles)],
  ["leaks found", String(leaks)],
  ...results.map((r): [string, string] => [
    `section ${r.name}`,
    `${r.ok ? "ok" : r.timedOut ? "TIMED OUT" : `FAILED (exit ${r.code})`} ${
      (r.ms / 1000).toFixed(1)
    } s`,
  ]),
];
const w = Math.max(...rows.map(([k]) => k.length));
console.log("\nkernio stress summary");
console.log("-".repeat(w + 30));
for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
console.log("-".repeat(w + 30));
for (const d of detail) console.log(d);
const failed = results.some((r) => !r.ok) || leaks > 0 || corrupted > 0;
Deno.exit(failed ? 1 : 0);
