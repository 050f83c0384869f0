/**
 * An HTTP/1.1 server on io_uring with Deno.serve's shape: `serve(handler)`
 * or `serve(options, handler)`; the handler gets a standard `Request` and
 * returns a standard `Response`. Keep-alive, pipelining, chunked bodies
 * both ways, Expect: 100-continue, header-read and idle timeouts, limits,
 * graceful shutdown, trailers both ways ({@linkcode requestTrailers},
 * {@linkcode withTrailers}). Requests are parsed strictly: ambiguous framing
 * (Content-Length with Transfer-Encoding, differing lengths) is refused.
 *
 * Runs on io_uring (kernio's connection engine): multishot accept,
 * multishot receive from provided buffers, ordered sends with
 * backpressure. Handlers receive a lazily built `Request` (`instanceof
 * Request`; URL string, `Headers` and abort signal made on first use), so a
 * handler that reads little pays little.
 *
 * Permissions: `--allow-ffi=<path of libkernio.so>` (e.g.
 * `--allow-ffi=native/build`), nothing else on Linux 6.5+; no
 * `--allow-net` (sockets are made through FFI). See `@kernio/kernio/uring`
 * for older kernels.
 *
 * @example
 * ```ts
 * import { serve } from "@kernio/kernio/http";
 * const server = serve({ port: 0, onListen() {} }, (req) =>
 *   new Response(`Hello from ${new URL(req.url).pathname}`));
 * await server.shutdown();
 * ```
 *
 * @module
 * @tags allow-ffi
 */

export {
  type HttpServer,
  serve,
  type ServeBaseOptions,
  type ServeHandler,
  type ServeOptions,
  type ServeTcpOptions,
  type ServeUnixOptions,
} from "./server.ts";
export { requestTrailers, withTrailers } from "./trailers.ts";
