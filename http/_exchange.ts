/**
 * One request/response exchange on an HTTP/1.1 connection (request body
 * state, response progress, the completion promise and request trailers),
 * the handler's `info` argument, and the cache of the last response head.
 *
 * @module
 */

import type { HeadParser } from "./_parser.ts";
import type { ChunkedDecoder } from "./_chunked.ts";
import type { ServerRequest } from "./_request.ts";
import type { ResponseParts } from "./_response.ts";
import { _headersFromLines, type TrailerSource } from "./trailers.ts";
import type { HttpConnection } from "./_connection.ts";

const EMPTY = new Uint8Array(0);

export class InterruptedError extends Deno.errors.Interrupted {}

export const NOT_YET: unique symbol = Symbol("not yet");
/** Settled with NOT_YET: loses a race to any promise settled already. */
export const NOT_YET_NOW: Promise<typeof NOT_YET> = Promise.resolve(NOT_YET);
const same = (x: typeof NOT_YET): typeof NOT_YET => x;
// Settles with NOT_YET after four microtask turns (enough for a stream
// whose pull() enqueues at once, also behind a Response or a pipe).
export function fewTurns(): Promise<typeof NOT_YET> {
  return NOT_YET_NOW.then(same).then(same).then(same).then(same);
}

/** One request/response exchange. */
export class Exchange implements TrailerSource {
  readonly conn: HttpConnection;
  readonly method: string;
  readonly minor: number;
  keepAlive: boolean;
  readonly keepAliveToken: boolean;
  readonly expectContinue: boolean;
  continueSent = false;
  req!: ServerRequest;
  // Request body.
  hasBody = false;
  remaining = 0;
  decoder: ChunkedDecoder | null = null;
  controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  bodyDone = true;
  bodyFailed = false;
  bodyCancelled = false;
  discarded = 0;
  received = 0;
  wanting = false; // a body read is waiting for bytes
  // Response.
  responded = false;
  finished = false;
  failed = false;
  reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  completed: Promise<void> | null = null;
  resolve: (() => void) | null = null;
  reject: ((e: unknown) => void) | null = null;
  // Request trailers (settled once the body ends or fails).
  trailerPromise: Promise<Headers> | null = null;
  trailerSettle: ((ok: boolean) => void) | null = null;

  constructor(conn: HttpConnection, p: HeadParser) {
    this.conn = conn;
    this.method = p.method;
    this.minor = p.minor;
    this.keepAlive = p.keepAlive;
    this.keepAliveToken = p.keepAliveToken;
    this.expectContinue = p.expectContinue && p.minor === 1;
  }

  completion(): Promise<void> {
    if (this.completed === null) {
      this.completed = new Promise<void>((res, rej) => {
        this.resolve = res;
        this.reject = rej;
      });
      this.completed.catch(() => {}); // observed by the user, if at all
      if (this.failed) this.reject!(interrupted());
      else if (this.finished) this.conn.settleWhenSent(this);
    }
    return this.completed;
  }

  trailers(): Promise<Headers> {
    if (this.trailerPromise === null) {
      this.trailerPromise = new Promise<Headers>((res, rej) => {
        this.trailerSettle = (ok) => {
          if (!ok) rej(new TypeError("the request body failed"));
          else {
            const d = this.decoder;
            res(d === null ? new Headers() : _headersFromLines(d.trailers));
          }
        };
      });
      if (this.bodyDone) this.trailerSettle!(!this.bodyFailed);
    }
    return this.trailerPromise;
  }

  // The request body ended (ok) or failed.
  bodyEnded(ok: boolean): void {
    this.bodyDone = true;
    this.bodyFailed = !ok;
    this.trailerSettle?.(ok);
    this.trailerSettle = null;
  }

  fail(): void {
    if (this.failed) return;
    this.failed = true;
    this.req._abort(new DOMException("connection closed", "AbortError"));
    this.reject?.(interrupted());
    if (!this.bodyDone) {
      this.bodyEnded(false);
      try {
        this.controller?.error(interrupted());
      } catch { /* already closed */ }
    }
    this.reader?.cancel().catch(() => {});
  }
}

export function interrupted(): Error {
  return new InterruptedError("connection closed before the response was sent");
}

// The encoded head of the last fixed-length response and what it depended
// on (status, header list, length, method/persistence flags, Date second):
// a server answering the same shape again copies these bytes instead of
// building and encoding the head.
export class HeadCache {
  status = -1;
  statusText = "";
  headers: string[] = [];
  length = -1;
  flags = -1;
  second = -1;
  keepAlive = false;
  bytes: Uint8Array = EMPTY;

  matches(
    p: ResponseParts,
    length: number,
    flags: number,
    now: number,
  ): boolean {
    if (
      p.status !== this.status || length !== this.length ||
      flags !== this.flags || ((now / 1000) | 0) !== this.second ||
      p.statusText !== this.statusText
    ) return false;
    const a = p.headers;
    const b = this.headers;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  store(
    p: ResponseParts,
    length: number,
    flags: number,
    now: number,
    keepAlive: boolean,
    bytes: Uint8Array,
  ): void {
    this.status = p.status;
    this.statusText = p.statusText;
    this.headers = p.headers.slice();
    this.length = length;
    this.flags = flags;
    this.second = (now / 1000) | 0;
    this.keepAlive = keepAlive;
    this.bytes = bytes;
  }
}

export const HEAD_CACHE = new HeadCache();

/** The handler's second argument. */
export class HandlerInfo implements Deno.ServeHandlerInfo {
  readonly #ex: Exchange;
  #addr: Deno.Addr | null = null;
  constructor(ex: Exchange) {
    this.#ex = ex;
  }
  get remoteAddr(): Deno.NetAddr {
    return (this.#addr ??= this.#ex.conn.remoteAddr()) as Deno.NetAddr;
  }
  get completed(): Promise<void> {
    return this.#ex.completion();
  }
}
