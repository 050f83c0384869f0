/**
 * The benches' GC check: a child `deno run --v8-flags=--trace-gc` whose
 * Scavenge lines between two markers it prints are counted (target 0: the
 * measured loop allocates nothing the young generation has to collect).
 *
 * @module
 */

/**
 * Runs `script` with `args` under `--trace-gc` and `permissions`; its
 * stdout, or an Error carrying it when the child fails.
 */
export async function traceGcChild(
  script: string,
  args: string[],
  permissions: string[] = [
    "--allow-ffi",
    "--allow-read",
    "--allow-env=KERNIO_LIB_PATH,KERNIO_LIB_URL",
  ],
): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--v8-flags=--trace-gc", ...permissions, script, ...args],
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`${script} failed:\n${text}`);
  return text;
}

/**
 * The number of Scavenge lines between `start` and `end` in `text`, or
 * undefined when the markers are missing.
 */
export function scavengesBetween(
  text: string,
  start = "GC_CHECK_START",
  end = "GC_CHECK_END",
): number | undefined {
  const inside = text.split(start)[1]?.split(end)[0];
  return inside?.split("\n").filter((l) => l.includes("Scavenge")).length;
}
