/**
 * TCP echo server on io_uring, written as for `Deno.listen`: only the
 * import differs from examples/echo_deno.ts. `listen` returns a listener
 * assignable to `Deno.TcpListener`; each connection is a `Deno.TcpConn`
 * whose reads come from a multishot receive and whose writes are queued
 * io_uring sends. Prints `LISTENING <port>`.
 *
 * Run: `deno task build && deno run --allow-ffi examples/echo_server.ts
 * [port=0] [host=127.0.0.1]` (or `deno task example:echo`).
 *
 * @example
 * ```sh
 * deno run --allow-ffi examples/echo_server.ts 7000
 * ```
 *
 * @module
 */

import { listen } from "@kernio/kernio/uring";

async function serve(conn: Deno.Conn): Promise<void> {
  const buf = new Uint8Array(65536);
  try {
    for (let n; (n = await conn.read(buf)) !== null;) {
      await conn.write(buf.subarray(0, n));
    }
  } catch {
    // reset by the peer: drop the connection
  } finally {
    conn.close();
  }
}

if (import.meta.main) {
  const listener = listen({
    hostname: Deno.args[1] ?? "127.0.0.1",
    port: Number(Deno.args[0] ?? 0),
  });
  console.log(`LISTENING ${listener.addr.port}`);
  Deno.addSignalListener("SIGTERM", () => Deno.exit(0));
  for await (const conn of listener) serve(conn);
}
