// Runs a TypeScript program in a child `deno run` (fed on stdin, so only
// the permission flags given apply, unlike `deno eval`): for tests that
// need a process of their own (exit behaviour, lowered limits, missing
// permissions).

import assert from "node:assert/strict";

/** What the child printed and how it ended. */
export interface ChildResult {
  code: number;
  signal: Deno.Signal | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `code` with `flags`; kills it with SIGKILL after `killAfterMs`
 * (when given) and reports that in `signal`.
 */
export async function runDenoChild(
  code: string,
  flags: string[],
  options: { env?: Record<string, string>; killAfterMs?: number } = {},
): Promise<ChildResult> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, "-"],
    env: options.env,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(code));
  await w.close();
  const timer = options.killAfterMs === undefined
    ? undefined
    : setTimeout(() => child.kill("SIGKILL"), options.killAfterMs);
  const out = await child.output();
  clearTimeout(timer);
  const dec = new TextDecoder();
  return {
    code: out.code,
    signal: out.signal,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
  };
}

/**
 * Runs `tests/_util/<script>` (with `args`) in a child
 * `deno run --allow-all --v8-flags=--expose-gc`, for cases that force
 * collections or whose failure could crash the process; asserts it exited
 * 0 and returns what it printed (stdout, then stderr).
 */
export async function runGcChild(
  script: string,
  ...args: string[]
): Promise<string> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      "--v8-flags=--expose-gc",
      new URL(`./${script}`, import.meta.url).pathname,
      ...args,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout) +
    new TextDecoder().decode(stderr);
  assert.equal(code, 0, out);
  return out;
}
