/**
 * Trailer fields of chunked messages, both ways. Fetch's `Request` and
 * `Response` have no place for trailers (and `Deno.serve` offers none), so
 * they are reached through two functions:
 *
 * - {@linkcode requestTrailers}: the trailer fields a client sent after a
 *   chunked request body, once the body has been read to its end.
 * - {@linkcode withTrailers}: trailer fields sent after a response body,
 *   computed when the body has been written (a checksum of it, say).
 *
 * @module
 */

import { ServerRequest } from "./_request.ts";

const RESPONSE_TRAILERS = new WeakMap<
  Response,
  () => HeadersInit | Promise<HeadersInit>
>();
let anyTrailers = false;

// Framing and control fields a trailer section must not carry (RFC 9110
// section 6.5.1): dropped from response trailers.
const NOT_IN_TRAILERS = new Set([
  "connection",
  "content-length",
  "host",
  "keep-alive",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** What a request from the server answers for its trailers. @internal */
export interface TrailerSource {
  /** Settles once the body was read to its end (or failed). */
  trailers(): Promise<Headers>;
}

/**
 * The trailer fields of a request served by `serve()`: resolves once the
 * request body has been read to its end (by the handler, or skipped by the
 * server after the response), with the fields sent after a chunked body
 * (empty when there were none, or the body was not chunked). Rejects when
 * the body fails (malformed, cut off, connection closed). Trailers are
 * parsed with the head's limits: larger than `maxHeaderSize` or more than
 * `maxHeaderCount` fields gives 431 (or ends the connection once a
 * response was sent). They are never merged into `req.headers`.
 *
 * @param req A request a `serve()` handler received.
 * @returns The trailer fields.
 * @throws {TypeError} For a request that did not come from `serve()`.
 *
 * @example
 * ```ts
 * import { requestTrailers, serve } from "@kernio/kernio/http";
 * const server = serve({ port: 0, onListen() {} }, async (req) => {
 *   const body = await req.text();
 *   const t = await requestTrailers(req);
 *   return new Response(`${body.length} bytes, checksum ${t.get("x-checksum")}`);
 * });
 * await server.shutdown();
 * ```
 */
export function requestTrailers(req: Request): Promise<Headers> {
  if (!(req instanceof ServerRequest)) {
    throw new TypeError(
      "requestTrailers: not a request received by kernio's serve()",
    );
  }
  return req._trailers();
}

/**
 * Attaches trailer fields to a response: `trailers` is called once the
 * body has been written, and its fields follow the last chunk. Trailers
 * need chunked framing, so the response is sent chunked whenever the
 * client speaks HTTP/1.1 and the response may have a body (a string or
 * byte body too, as one chunk); to an HTTP/1.0 client, for HEAD, 204, 304,
 * or with a `content-length` set by the handler, `trailers` is not called.
 * Announce the names in a `trailer` header if clients should expect them.
 * Framing and control fields (content-length, transfer-encoding, host,
 * connection, te, trailer, upgrade, keep-alive) are dropped. If `trailers`
 * throws, the connection is closed without the final chunk, so the
 * client sees an incomplete body.
 *
 * @param response The response the handler returns.
 * @param trailers Computes the fields (may return a promise).
 * @returns `response` itself.
 *
 * @example
 * ```ts
 * import { serve, withTrailers } from "@kernio/kernio/http";
 * const server = serve({ port: 0, onListen() {} }, () => {
 *   let n = 0;
 *   const body = new ReadableStream<Uint8Array>({
 *     pull(c) {
 *       const chunk = new TextEncoder().encode("data\n");
 *       n += chunk.length;
 *       c.enqueue(chunk);
 *       if (n >= 20) c.close();
 *     },
 *   });
 *   return withTrailers(
 *     new Response(body, { headers: { trailer: "x-length" } }),
 *     () => ({ "x-length": String(n) }),
 *   );
 * });
 * await server.shutdown();
 * ```
 */
export function withTrailers(
  response: Response,
  trailers: () => HeadersInit | Promise<HeadersInit>,
): Response {
  if (!(response instanceof Response)) {
    throw new TypeError("withTrailers: response must be a Response");
  }
  if (typeof trailers !== "function") {
    throw new TypeError("withTrailers: trailers must be a function");
  }
  RESPONSE_TRAILERS.set(response, trailers);
  anyTrailers = true;
  return response;
}

/** @internal The trailer function attached to a response, if any. */
export function _responseTrailers(
  r: Response,
): (() => HeadersInit | Promise<HeadersInit>) | null {
  return anyTrailers ? RESPONSE_TRAILERS.get(r) ?? null : null;
}

/**
 * @internal The last chunk and trailer section: `0\r\n`, the fields
 * (validated by `Headers`, names in lower case), `\r\n`.
 */
export async function _trailerSection(
  fn: () => HeadersInit | Promise<HeadersInit>,
): Promise<string> {
  const h = new Headers(await fn());
  let s = "0\r\n";
  for (const [name, value] of h) {
    if (!NOT_IN_TRAILERS.has(name)) s += name + ": " + value + "\r\n";
  }
  return s + "\r\n";
}

/** @internal Trailer lines ("name: value") as Headers. */
export function _headersFromLines(lines: readonly string[]): Headers {
  const h = new Headers();
  for (const line of lines) {
    const c = line.indexOf(":");
    h.append(line.slice(0, c), line.slice(c + 1).trim());
  }
  return h;
}
