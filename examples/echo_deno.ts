/**
 * The echo server written with Deno's built-in `Deno.listen`: the baseline
 * the io_uring echo server ({@link ./echo_server.ts}) is compared against by
 * `deno task demo` and `bench/echo_bench.ts`. Prints `LISTENING <port>`.
 *
 * Run: `deno run --allow-net=127.0.0.1 examples/echo_deno.ts [port]`
 *
 * @example
 * ```sh
 * deno run --allow-net=127.0.0.1 examples/echo_deno.ts 0
 * ```
 *
 * @module
 */

async function serve(conn: Deno.Conn): Promise<void> {
  const buf = new Uint8Array(65536);
  try {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      let off = 0;
      while (off < n) off += await conn.write(buf.subarray(off, n));
    }
  } catch {
    // peer reset: just drop the connection
  } finally {
    try {
      conn.close();
    } catch { /* already closed */ }
  }
}

if (import.meta.main) {
  const listener = Deno.listen({
    hostname: "127.0.0.1",
    port: Number(Deno.args[0] ?? 0),
  });
  console.log(`LISTENING ${(listener.addr as Deno.NetAddr).port}`);
  for await (const conn of listener) {
    conn.setNoDelay(true);
    serve(conn);
  }
}
