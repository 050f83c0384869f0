// Runs a TypeScript program in a child `deno run` (fed on stdin, so only
// the permission flags given apply, unlike `deno eval`): for tests that
// need a process of their own (exit behaviour, lowered limits, missing
// permissions).

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
