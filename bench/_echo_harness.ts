/**
 * Shared pieces of the echo/HTTP benches and the demo: start a server
 * process that prints `LISTENING <port>`, drive it with the C load
 * generator (`bench/c/echo_client.c`), and print a side-by-side table.
 *
 * @example
 * ```ts
 * import { runEchoClient, startServer } from "./_echo_harness.ts";
 * const srv = await startServer(["bench/build/echo_epoll", "0"]);
 * console.log(await runEchoClient("bench/build/echo_client", srv.port, 50, 2));
 * await srv.stop();
 * ```
 *
 * @module
 */

import { repoPath } from "./_c.ts";
import { libraryFileName } from "../zcall/loader.ts";

/** A running server process. */
export interface ServerProcess {
  /** The TCP port it listens on (127.0.0.1). */
  port: number;
  /**
   * CPU seconds (user + system, all threads) the process has used so far,
   * from /proc/<pid>/stat; NaN when unreadable. Differences around a run
   * give the server's CPU per message.
   */
  cpuSeconds(): number;
  /** Kills it and waits for it to exit. */
  stop(): Promise<void>;
}

// utime + stime of a process, in seconds (USER_HZ is 100 on Linux).
function processCpuSeconds(pid: number): number {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // Fields after the command name, which may contain spaces: ") S ppid ...".
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Path of the built native library (for `--allow-ffi=`). */
export const LIB_PATH: string = repoPath(
  `native/build/${libraryFileName(Deno.build.os, Deno.build.arch)}`,
);

/** The `deno` executable running this script. */
export const DENO: string = Deno.execPath();

/**
 * Spawns `cmd` (argv) from the repository root and waits (at most
 * `timeoutMs`) for its `LISTENING <port>` line; later stdout goes to
 * `onOutput` (e.g. --trace-gc lines).
 *
 * @example
 * ```ts
 * import { startServer } from "./_echo_harness.ts";
 * const s = await startServer(["node", "bench/node/echo_server.mjs"]);
 * await s.stop();
 * ```
 */
export async function startServer(
  cmd: string[],
  timeoutMs = 15000,
  onOutput?: (text: string) => void,
): Promise<ServerProcess> {
  const child = new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    cwd: repoPath(""),
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${cmd.join(" ")}: no LISTENING line`)),
      timeoutMs,
    );
  });
  let port = 0;
  try {
    while (!port) {
      const { value, done } = await Promise.race([reader.read(), timeout]);
      if (done) throw new Error(`${cmd.join(" ")} exited before listening`);
      text += value;
      const m = /LISTENING (\d+)/.exec(text);
      if (m) port = Number(m[1]);
    }
  } catch (e) {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
    await child.status;
    reader.cancel().catch(() => {});
    throw e;
  } finally {
    clearTimeout(timer);
  }
  // Keep draining stdout so the child never blocks on a full pipe.
  const drain = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        onOutput?.(value);
      }
    } catch { /* closed */ }
  })();
  return {
    port,
    cpuSeconds: () => processCpuSeconds(child.pid),
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      const t = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* gone */ }
      }, 3000);
      await child.status;
      clearTimeout(t);
      await drain;
    },
  };
}

/** One load-generator result (see `bench/c/echo_client.c`). */
export interface EchoResult {
  conns: number;
  seconds: number;
  msgs: number;
  msgs_per_s: number;
  p50_us: number;
  p99_us: number;
  errors: number;
}

/**
 * Runs the C echo client against 127.0.0.1:`port`.
 *
 * @example
 * ```ts
 * import { runEchoClient } from "./_echo_harness.ts";
 * const r = await runEchoClient("bench/build/echo_client", 4000, 1, 1);
 * console.log(r.msgs_per_s);
 * ```
 */
export async function runEchoClient(
  client: string,
  port: number,
  conns: number,
  seconds: number,
  size = 64,
): Promise<EchoResult> {
  const { code, stdout, stderr } = await new Deno.Command(client, {
    args: [
      "127.0.0.1",
      String(port),
      String(conns),
      String(seconds),
      String(size),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout).trim();
  if (code !== 0 || !out) {
    throw new Error(
      `echo_client failed (${code}): ${new TextDecoder().decode(stderr)}`,
    );
  }
  return JSON.parse(out) as EchoResult;
}

/**
 * Formats rows as an aligned text table.
 *
 * @example
 * ```ts
 * import { table } from "./_echo_harness.ts";
 * console.log(table(["a", "b"], [["1", "2"]]));
 * ```
 */
export function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => r[i].length))
  );
  const line = (r: string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join("  ");
  return [line(head), w.map((n) => "-".repeat(n)).join("  "), ...rows.map(line)]
    .join("\n");
}
