/**
 * Runs every `bench/*_bench.ts` one after another (never in parallel: they
 * would disturb each other's timings), each in its own Deno process, and
 * passes their output through. `deno task bench [name...]` runs only the
 * benches whose file name contains one of the given names.
 *
 * Each bench prints a human table and one `BENCH_JSON {...}` line
 * (CONTRIBUTING.md, rule 10); bench/report.ts turns those into
 * bench/results/. A failing bench is reported and the run exits non-zero
 * once every bench had its turn.
 *
 * @module
 */

const here = new URL(".", import.meta.url);
const filters = Deno.args.filter((a) => !a.startsWith("-"));
const benches = [...Deno.readDirSync(here)]
  .filter((e) => e.isFile && e.name.endsWith("_bench.ts"))
  .map((e) => e.name)
  .filter((n) => filters.length === 0 || filters.some((f) => n.includes(f)))
  .sort();

if (benches.length === 0) {
  console.error(`bench/run.ts: no bench matches ${filters.join(", ")}`);
  Deno.exit(1);
}

const failed: string[] = [];
for (const name of benches) {
  console.log(`\n=== ${name} ===`);
  const t0 = performance.now();
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", new URL(name, here).pathname],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  if (code !== 0) {
    failed.push(name);
    console.error(`=== ${name} failed (exit ${code}) after ${s} s ===`);
  } else {
    console.log(`=== ${name} done in ${s} s ===`);
  }
}
if (failed.length > 0) {
  console.error(`\nfailed benches: ${failed.join(", ")}`);
  Deno.exit(1);
}
