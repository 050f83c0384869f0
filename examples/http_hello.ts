/**
 * HTTP/1.1 "hello" server on io_uring: kernio's `serve()` with the same
 * handler you would give `Deno.serve`. Prints `LISTENING <port>`.
 *
 * Run: `deno task build && deno run --allow-ffi examples/http_hello.ts
 * [port=0] [host=127.0.0.1]` (or `deno task example:http`), then
 * `wrk -c50 http://127.0.0.1:<port>/`.
 *
 * @example
 * ```sh
 * deno run --allow-ffi examples/http_hello.ts 8080
 * ```
 *
 * @module
 */

import { serve } from "@kernio/kernio/http";

const server = serve({
  port: Number(Deno.args[0] ?? 0),
  hostname: Deno.args[1] ?? "127.0.0.1",
  onListen: ({ port }) => console.log(`LISTENING ${port}`),
}, () => new Response("Hello, World!"));

const stop = () => server.shutdown();
Deno.addSignalListener("SIGINT", stop);
Deno.addSignalListener("SIGTERM", stop);
await server.finished;
Deno.removeSignalListener("SIGINT", stop);
Deno.removeSignalListener("SIGTERM", stop);
