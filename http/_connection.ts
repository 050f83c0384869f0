/**
 * One HTTP/1.1 connection: reads request heads and bodies from the
 * transport's data callbacks, calls the handler, and writes responses in
 * order. Requests on a connection are handled one at a time (pipelined
 * ones wait, buffered, until the previous response is written), so
 * responses cannot be reordered and body bytes are never parsed as heads.
 *
 * Writes go into a per-connection fill buffer (heads and small bodies,
 * several pipelined responses in one send) or straight to the transport
 * (large chunks, never copied); a streamed body waits for the send queue
 * to drain below its high-water mark before reading more of the stream.
 *
 * @module
 */

import { type HeadLimits, HeadParser } from "./_parser.ts";
import { ChunkedDecoder } from "./_chunked.ts";
import { ServerRequest } from "./_request.ts";
import {
  BODY_BYTES,
  BODY_OTHER,
  BODY_STREAM,
  BODY_STRING,
  dateHeader,
  errorResponse,
  inspectResponse,
  ResponseParts,
  statusHasNoBody,
  statusLine,
} from "./_response.ts";
import type { TransportConn, TransportConnHandler } from "./_transport.ts";
import { sendVectored } from "./_vsend.ts";
import { bytesForLater } from "../zcall/_views.ts";
import { _responseTrailers, _trailerSection } from "./trailers.ts";
import {
  Exchange,
  fewTurns,
  HandlerInfo,
  HEAD_CACHE,
  interrupted,
  NOT_YET,
  NOT_YET_NOW,
} from "./_exchange.ts";
import { Errno } from "../zcall/errno.ts";

/** What a connection needs from its server. */
export interface ConnectionHost {
  readonly handler: (
    req: Request,
    info: Deno.ServeHandlerInfo,
  ) => Response | Promise<Response>;
  readonly onError: (error: unknown) => Response | Promise<Response>;
  readonly limits: HeadLimits;
  readonly maxBodySize: number;
  readonly headerTimeout: number;
  readonly idleTimeout: number;
  readonly shuttingDown: boolean;
  /** Host used for the URL when a request has no Host field (HTTP/1.0). */
  readonly defaultHost: string;
  remoteAddr(fd: number): Deno.Addr;
  connectionClosed(c: HttpConnection): void;
}

/**
 * Sends made by every connection of this isolate (for tests: how many
 * writes a response took).
 */
export const sendCounts = {
  /** Sends queued on the transport. */
  queued: 0,
  /** Vectored sendmsg(2) calls. */
  vectored: 0,
  /** Vectored sends the kernel took only part of. */
  partial: 0,
};

/** Send-queue mark above which a streamed body waits. */
export const WRITE_HIGH_WATER = 64 * 1024;

const S_HEAD = 0;
const S_BODY = 1;
const S_WAIT = 2;
const S_CLOSED = 3;

const FILL_SIZE = 4096;
const SMALL = 2048;
const BODY_HIGH_WATER = 64 * 1024;
// Unread request body discarded after a response before giving up on the
// connection (closing instead).
const MAX_DISCARD = 1024 * 1024;
const LINGER_MS = 2000;
const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();
const CONTINUE = encoder.encode("HTTP/1.1 100 Continue\r\n\r\n");
const CRLF = encoder.encode("\r\n");
const LAST_CHUNK = encoder.encode("0\r\n\r\n");
const CRLF_LAST_CHUNK = encoder.encode("\r\n0\r\n\r\n");
// deno-lint-ignore no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

/** See the module doc. */
export class HttpConnection implements TransportConnHandler {
  readonly host: ConnectionHost;
  t!: TransportConn;
  readonly fd: number;
  #parser: HeadParser;
  #state = S_HEAD;
  #ex: Exchange | null = null;
  // Unconsumed received bytes.
  #rbuf: Uint8Array = EMPTY;
  #rlen = 0;
  #running = false;
  #inData = false;
  #needFlush = false;
  #paused = false;
  #eof = false;
  #closed = false;
  #wclosed = false; // end() or close() called: no more sends
  // Timestamps (ms).
  #headStart: number;
  #lastActive: number;
  #lingerUntil = 0;
  // Write side.
  #fill: Uint8Array = new Uint8Array(FILL_SIZE);
  #wlen = 0;
  #pool: Uint8Array[] = [];
  #inflight: Uint8Array[] = [];
  // Sends queued on the transport and finished (sent or dropped): a waiter
  // for "all written so far is sent" waits for #sendsDone to reach its mark.
  #sendsQueued = 0;
  #sendsDone = 0;
  #sendFailed = false;
  #sentMarks: number[] = [];
  #sentWaiters: ((sent: boolean) => void)[] = [];
  #drainWaiter: (() => void) | null = null;
  readonly #parts = new ResponseParts();
  readonly #onFillSent = (errno: number): void => {
    const b = this.#inflight.shift();
    if (b !== undefined && this.#pool.length < 2) this.#pool.push(b);
    this.#sendDone(errno);
  };
  readonly #onSent = (errno: number): void => this.#sendDone(errno);
  readonly #onBodyBytes = (buf: Uint8Array, a: number, b: number): void =>
    this.#bodyBytes(buf, a, b);

  constructor(host: ConnectionHost, fd: number) {
    this.host = host;
    this.fd = fd;
    this.#parser = new HeadParser(host.limits);
    this.#headStart = this.#lastActive = Date.now();
  }

  /** Settles `ex.completed` once every byte written so far is sent. */
  settleWhenSent(ex: Exchange): void {
    this.#whenSent().then((sent) => {
      if (sent) ex.resolve!();
      else ex.reject!(interrupted());
    });
  }

  remoteAddr(): Deno.Addr {
    return this.host.remoteAddr(this.fd);
  }

  // ---- transport callbacks ----

  onData(_c: TransportConn, buf: Uint8Array, length: number): void {
    this.#lastActive = Date.now();
    if (this.#state === S_CLOSED) return; // lingering: discard
    this.#inData = true;
    try {
      if (this.#rlen === 0) {
        this.#running = true;
        const pos = this.#run(buf, 0, length);
        this.#running = false;
        if (pos < length && this.#state !== S_CLOSED) {
          this.#append(buf, pos, length);
        }
      } else {
        this.#append(buf, 0, length);
        this.#process();
      }
      this.#afterRun();
    } finally {
      this.#inData = false;
    }
    if (this.#needFlush) this.#flush();
  }

  onEnd(): void {
    this.#eof = true;
    if (this.#state === S_CLOSED) {
      // Lingering after our FIN: the peer's FIN ends it (end(true) after
      // end() closes once the shutdown is done).
      this.#wclosed = true;
      if (!this.#closed) this.t.end(true);
      return;
    }
    const ex = this.#ex;
    if (ex !== null && !ex.finished) {
      // The client is gone (or half-closed): what it sent is all there is.
      ex.req._abort(new DOMException("client disconnected", "AbortError"));
      if (!ex.bodyDone) {
        // The request can never be whole: nothing to answer.
        ex.fail();
        this.#abort();
        return;
      }
    }
    if (this.#state === S_BODY && (ex === null || ex.finished)) {
      this.#endConn(); // the rest of the body will never come
      return;
    }
    this.#afterRun();
  }

  onError(): void {
    // The transport closes the connection; onClose follows.
  }

  onDrain(): void {
    const w = this.#drainWaiter;
    this.#drainWaiter = null;
    w?.();
  }

  onClose(): void {
    this.#closed = true;
    this.#state = S_CLOSED;
    const ex = this.#ex;
    if (ex !== null && !ex.finished) ex.fail();
    this.#sendFailed = true;
    this.#wakeSentWaiters();
    this.onDrain();
    this.host.connectionClosed(this);
  }

  // ---- timers and shutdown ----

  /** Applies the header-read, idle and linger deadlines. */
  sweep(now: number): void {
    if (this.#closed) return;
    if (this.#state === S_CLOSED) {
      if (this.#lingerUntil !== 0 && now >= this.#lingerUntil) this.#abort();
      return;
    }
    if (this.#state === S_BODY) {
      // A body the handler waits for that stopped arriving.
      const ex = this.#ex;
      if (
        ex !== null && ex.wanting && !this.#paused &&
        now - this.#lastActive >= this.host.idleTimeout
      ) {
        ex.fail();
        this.#abort();
      }
      return;
    }
    if (this.#state !== S_HEAD || this.#ex !== null) return;
    if (this.#headStart !== 0) {
      if (now - this.#headStart >= this.host.headerTimeout) {
        if (this.#rlen > 0) this.#sendError(408);
        else this.#endConn();
      }
    } else if (now - this.#lastActive >= this.host.idleTimeout) {
      this.#endConn();
    }
  }

  /** Graceful shutdown: idle connections close now, busy ones after. */
  shutdown(): void {
    if (this.#state === S_HEAD && this.#ex === null) this.#endConn();
  }

  /** Forced close. */
  close(): void {
    this.#abort();
  }

  // ---- reading ----

  #append(buf: Uint8Array, a: number, b: number): void {
    const n = b - a;
    if (this.#rlen + n > this.#rbuf.length) {
      const grown = new Uint8Array(
        Math.max(this.#rlen + n, this.#rbuf.length * 2, 1024),
      );
      grown.set(this.#rbuf.subarray(0, this.#rlen));
      this.#rbuf = grown;
    }
    this.#rbuf.set(buf.subarray(a, b), this.#rlen);
    this.#rlen += n;
  }

  // Runs the state machine over the buffered bytes.
  #process(): void {
    if (this.#running) return;
    this.#running = true;
    const pos = this.#run(this.#rbuf, 0, this.#rlen);
    this.#running = false;
    if (this.#state === S_CLOSED) this.#rlen = 0;
    else if (pos > 0) {
      this.#rbuf.copyWithin(0, pos, this.#rlen);
      this.#rlen -= pos;
    }
    if (this.#rlen === 0 && this.#rbuf.length > 64 * 1024) this.#rbuf = EMPTY;
  }

  // After a run: backpressure on buffered pipelined bytes, end of stream.
  #afterRun(): void {
    if (this.#state === S_CLOSED) return;
    const tooMuch = this.#rlen > this.host.limits.maxHeaderSize + 65536;
    if (this.#state === S_WAIT || this.#ex !== null) {
      if (tooMuch && !this.#paused) this.#pause();
    }
    if (this.#eof && this.#state === S_HEAD && this.#ex === null) {
      // Nothing more will come: a partial head is dropped.
      this.#endConn();
    }
  }

  #pause(): void {
    this.#paused = true;
    this.t.pause();
  }

  #resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#lastActive = Date.now();
    if (!this.#closed) this.t.resume();
  }

  // Consumes src[pos, end) as far as the state allows; returns where it
  // stopped (the rest is kept for later).
  #run(src: Uint8Array, pos: number, end: number): number {
    for (;;) {
      switch (this.#state) {
        case S_HEAD: {
          if (pos >= end) return pos;
          if (this.#headStart === 0) this.#headStart = this.#lastActive;
          const r = this.#parser.parse(src, pos, end);
          if (r === 0) return pos;
          if (r < 0) {
            this.#sendError(-r);
            return end;
          }
          pos += r;
          this.#parser.reset();
          this.#headStart = 0;
          this.#startRequest();
          break;
        }
        case S_BODY: {
          if (pos >= end) return pos;
          pos = this.#feedBody(src, pos, end);
          if (this.#state === S_BODY) return pos;
          break;
        }
        case S_WAIT:
          return pos;
        default:
          return end;
      }
    }
  }

  #feedBody(src: Uint8Array, pos: number, end: number): number {
    const ex = this.#ex!;
    const d = ex.decoder;
    if (d !== null) {
      pos = d.feed(src, pos, end, this.#onBodyBytes);
      if (d.error === 0 && ex.received > this.host.maxBodySize) d.error = 413;
      if (d.error !== 0) {
        this.#bodyError(ex, d.error);
        return end;
      }
      if (d.done) this.#bodyComplete(ex);
      return pos;
    }
    const n = Math.min(end - pos, ex.remaining);
    this.#bodyBytes(src, pos, pos + n);
    ex.remaining -= n;
    if (ex.remaining === 0) this.#bodyComplete(ex);
    return pos + n;
  }

  #bodyBytes(buf: Uint8Array, a: number, b: number): void {
    const ex = this.#ex!;
    if (a === b) return;
    ex.received += b - a;
    if (ex.bodyCancelled || ex.finished || ex.controller === null) {
      ex.discarded += b - a;
      if (ex.finished && ex.discarded > MAX_DISCARD) {
        ex.keepAlive = false;
        this.#endConn();
      }
      return;
    }
    ex.wanting = false;
    ex.controller.enqueue(buf.slice(a, b));
    if ((ex.controller.desiredSize ?? 0) <= -BODY_HIGH_WATER) this.#pause();
  }

  #bodyComplete(ex: Exchange): void {
    ex.bodyEnded(true);
    if (ex.controller !== null && !ex.bodyCancelled) {
      try {
        ex.controller.close();
      } catch { /* cancelled */ }
    }
    this.#resume();
    if (ex.finished) this.#nextRequest();
    else this.#state = S_WAIT;
  }

  #bodyError(ex: Exchange, status: number): void {
    ex.bodyEnded(false);
    if (ex.controller !== null && !ex.bodyCancelled) {
      try {
        ex.controller.error(new TypeError("malformed request body"));
      } catch { /* closed */ }
    }
    ex.keepAlive = false;
    if (!ex.responded) {
      ex.responded = true;
      ex.finished = true;
      this.#sendError(status);
    } else if (ex.finished) {
      this.#endConn(); // the response is whole: send it, read no further
    } else {
      this.#abort();
    }
  }

  // ---- requests ----

  #startRequest(): void {
    const p = this.#parser;
    const host = this.host;
    const ex = new Exchange(this, p);
    this.#ex = ex;
    if (p.chunked) {
      ex.hasBody = true;
      ex.decoder = new ChunkedDecoder(
        host.limits.maxHeaderSize,
        host.limits.maxHeaderCount,
      );
    } else if (p.contentLength > 0) {
      if (p.contentLength > host.maxBodySize) {
        this.#ex = null;
        this.#sendError(413);
        return;
      }
      ex.hasBody = true;
      ex.remaining = p.contentLength;
    }
    let body: ReadableStream<Uint8Array> | null = null;
    if (ex.hasBody) {
      ex.bodyDone = false;
      body = new ReadableStream<Uint8Array>({
        start: (c) => {
          ex.controller = c;
        },
        pull: () => {
          ex.wanting = true;
          this.#lastActive = Date.now();
          if (ex.expectContinue && !ex.continueSent && !ex.responded) {
            ex.continueSent = true;
            this.#flushNow();
            this.#send(CONTINUE, 0, CONTINUE.length, false);
          }
          this.#resume();
        },
        cancel: () => {
          ex.bodyCancelled = true;
          this.#resume();
        },
      }, { highWaterMark: 0, size: (c) => c.byteLength });
      this.#state = S_BODY;
    } else {
      this.#state = S_WAIT;
    }
    const req = ex.req = new ServerRequest(
      p.method,
      p.target,
      p.host === "" ? host.defaultHost : p.host,
      p.fields,
      body,
      ex,
    );
    const info = new HandlerInfo(ex);
    let res: Response | Promise<Response>;
    try {
      res = host.handler(req as unknown as Request, info);
    } catch (e) {
      this.#handlerError(ex, e);
      return;
    }
    if (res instanceof Response) this.#respond(ex, res, false);
    else if (
      res !== null && typeof (res as Promise<Response>)?.then === "function"
    ) {
      (res as Promise<Response>).then(
        (r) => {
          this.#lastActive = Date.now(); // the Date header's clock
          this.#respond(ex, r, false);
        },
        (e) => this.#handlerError(ex, e),
      );
    } else {
      this.#handlerError(
        ex,
        new TypeError("Return value from serve handler must be a Response"),
      );
    }
  }

  #handlerError(ex: Exchange, e: unknown): void {
    if (ex.responded || this.#closed) return;
    let r: Response | Promise<Response>;
    try {
      r = this.host.onError(e);
    } catch (e2) {
      console.error("http: onError threw", e2);
      this.#respond(ex, internalError(), true);
      return;
    }
    if (r instanceof Response) this.#respond(ex, r, true);
    else {
      Promise.resolve(r).then(
        (x) => this.#respond(ex, x, true),
        (e2) => {
          console.error("http: onError threw", e2);
          this.#respond(ex, internalError(), true);
        },
      );
    }
  }

  #respond(ex: Exchange, r: Response, fromOnError: boolean): void {
    if (ex.responded) return;
    if (this.#closed || ex.failed) {
      ex.responded = true;
      if (r instanceof Response && r.body !== null) {
        r.body.cancel().catch(() => {});
      }
      return;
    }
    const parts = this.#parts;
    try {
      inspectResponse(r, parts);
      parts.trailers = _responseTrailers(r);
    } catch (e) {
      if (fromOnError) {
        console.error("http: onError did not return a usable Response", e);
        this.#respond(ex, internalError(), true);
      } else this.#handlerError(ex, e);
      return;
    }
    ex.responded = true;
    if (parts.kind === BODY_OTHER) {
      // Blob, FormData, ...: a known size once read.
      const kept = {
        status: parts.status,
        statusText: parts.statusText,
        headers: parts.headers.slice(),
        trailers: parts.trailers,
      };
      r.bytes().then((bytes) => {
        if (this.#closed || ex.failed) return;
        const p = this.#parts;
        p.status = kept.status;
        p.statusText = kept.statusText;
        p.headers = kept.headers;
        p.trailers = kept.trailers;
        p.kind = BODY_BYTES;
        p.bytes = bytes;
        this.#writeResponse(ex, p);
      }, (e) => {
        ex.responded = false;
        this.#handlerError(ex, e);
      });
      return;
    }
    this.#writeResponse(ex, parts);
  }

  #writeResponse(ex: Exchange, parts: ResponseParts): void {
    const status = parts.status;
    const headOnly = ex.method === "HEAD";
    const noBody = statusHasNoBody(status);
    let bytes: Uint8Array | null = null;
    let length = 0;
    let stream: ReadableStream<Uint8Array> | null = null;
    const kind = parts.kind;
    if (kind === BODY_STRING) {
      const text = parts.text;
      if (text.length <= SMALL && isAscii(text)) {
        length = text.length; // ASCII: copied into the fill buffer below
      } else {
        bytes = encoder.encode(text);
        length = bytes.length;
      }
    } else if (kind === BODY_BYTES) {
      bytes = parts.bytes;
      length = bytes.length;
    } else if (kind === BODY_STREAM) {
      stream = parts.stream;
      length = -1;
    }
    const keepAlive0 = ex.keepAlive && !this.host.shuttingDown;
    const now = this.#lastActive;
    const flags = (headOnly ? 1 : 0) | (keepAlive0 ? 2 : 0) |
      (ex.minor === 1 ? 4 : 0);
    const hc = HEAD_CACHE;
    let userLength = -1;
    let chunked = false;
    // Trailers need chunked framing, whatever the body.
    const trailers = ex.minor === 1 && !headOnly && !noBody
      ? parts.trailers
      : null;
    if (
      stream === null && trailers === null &&
      hc.matches(parts, length, flags, now)
    ) {
      // Shaped like the previous response: its encoded head, as is.
      ex.keepAlive = hc.keepAlive;
      this.#writeBytes(hc.bytes, 0, hc.bytes.length);
    } else {
      let keepAlive = keepAlive0;
      let head = statusLine(status, parts.statusText);
      let hasDate = false;
      const h = parts.headers;
      for (let i = 0; i < h.length; i += 2) {
        // Names go out in lower case, as Deno.serve sends them.
        const name = h[i].toLowerCase();
        const c = name.charCodeAt(0);
        if (c === 0x63 || c === 0x74 || c === 0x64 || c === 0x6b) { // c t d k
          if (name === "content-length") {
            userLength = Number(h[i + 1]);
            if (!Number.isSafeInteger(userLength) || userLength < 0) {
              userLength = -1;
            }
            continue;
          }
          if (name === "transfer-encoding" || name === "keep-alive") continue;
          if (name === "connection") {
            if (/(^|,)\s*close\s*(,|$)/i.test(h[i + 1])) keepAlive = false;
            continue;
          }
          if (name === "date") hasDate = true;
        }
        head += name + ": " + h[i + 1] + "\r\n";
      }
      if (!hasDate) head += dateHeader(now);
      if (noBody) {
        // no length, no body
      } else if (trailers !== null && userLength < 0) {
        head += "transfer-encoding: chunked\r\n";
        chunked = true;
      } else if (length >= 0) {
        head += "content-length: " + length + "\r\n";
      } else if (headOnly || userLength >= 0) {
        if (userLength >= 0) head += "content-length: " + userLength + "\r\n";
      } else if (ex.minor === 1) {
        head += "transfer-encoding: chunked\r\n";
        chunked = true;
      } else {
        keepAlive = false; // HTTP/1.0: the body ends with the connection
      }
      if (!keepAlive) head += "connection: close\r\n";
      else if (ex.minor === 0) head += "connection: keep-alive\r\n";
      head += "\r\n";
      ex.keepAlive = keepAlive;
      if (stream === null && !hasDate && trailers === null) {
        hc.store(parts, length, flags, now, keepAlive, latin1Bytes(head));
        this.#writeBytes(hc.bytes, 0, hc.bytes.length);
      } else {
        this.#writeString(head);
      }
    }
    if (headOnly || noBody) {
      if (stream !== null) stream.cancel().catch(() => {});
      this.#finishResponse(ex);
      return;
    }
    if (kind === BODY_STRING && bytes === null) {
      const text = parts.text;
      if (!chunked) this.#writeString(text);
      else if (length > 0) {
        this.#writeString(length.toString(16) + "\r\n" + text + "\r\n");
      }
    } else if (bytes !== null) {
      if (!chunked) this.#writeBytes(bytes, 0, bytes.length);
      else if (bytes.length > 0) this.#writeChunk(bytes);
    }
    if (stream !== null) {
      this.#streamBody(ex, stream, chunked, userLength, trailers);
      return;
    }
    if (chunked) {
      this.#endChunked(ex, trailers);
      return;
    }
    this.#finishResponse(ex);
  }

  // The last chunk and the trailer section (computed now), then the end of
  // the response; a failing trailer function aborts the connection.
  async #endChunked(
    ex: Exchange,
    trailers: (() => HeadersInit | Promise<HeadersInit>) | null,
  ): Promise<void> {
    if (trailers === null) {
      this.#writeBytes(LAST_CHUNK, 0, LAST_CHUNK.length);
    } else {
      let section: string;
      try {
        this.#flushSoon(); // the body need not wait for the trailers
        section = await _trailerSection(trailers);
      } catch (e) {
        console.error("http: response trailers failed", e);
        ex.fail();
        this.#truncate(); // no last chunk: the client sees an incomplete body
        return;
      }
      if (this.#closed || ex.failed) return;
      this.#writeString(section);
    }
    this.#finishResponse(ex);
  }

  async #streamBody(
    ex: Exchange,
    stream: ReadableStream<Uint8Array>,
    chunked: boolean,
    fixed: number,
    trailers: (() => HeadersInit | Promise<HeadersInit>) | null,
  ): Promise<void> {
    let reader: ReadableStreamDefaultReader<Uint8Array>;
    try {
      reader = ex.reader = stream.getReader();
    } catch (e) {
      console.error("http: response body", e);
      this.#abort();
      return;
    }
    let sent = 0;
    try {
      // The head waits a few microtask turns for the first chunk, so a
      // stream with data at hand sends both at once; a slower stream gets
      // its head sent first (an event stream's client sees it opened).
      let next: Promise<ReadableStreamReadResult<Uint8Array>> | null = reader
        .read();
      if ((await Promise.race([next, fewTurns()])) === NOT_YET) {
        this.#flushSoon();
      }
      for (;;) {
        if (next === null) {
          if (this.t.queuedBytes >= WRITE_HIGH_WATER) {
            await new Promise<void>((r) => this.#drainWaiter = r);
          }
          if (this.#closed || ex.failed) throw interrupted();
          next = reader.read();
        }
        const { done, value } = await next;
        next = null;
        if (done) break;
        if (this.#closed || ex.failed) throw interrupted();
        if (!(value instanceof Uint8Array)) {
          throw new TypeError("response body chunks must be Uint8Arrays");
        }
        const n = value.length;
        if (n === 0) continue;
        sent += n;
        if (fixed >= 0 && sent > fixed) {
          throw new RangeError("response body longer than its content-length");
        }
        if (!chunked) this.#writeBytes(value, 0, n);
        else {
          // The stream's end at hand (the next read settles at once: a
          // source that closed, or closes as it enqueues): the last chunk
          // leaves in the same send as this one. Not while the queue is
          // over its mark (the read waits for the drain at the top of the
          // loop).
          let last = false;
          if (trailers === null && this.t.queuedBytes < WRITE_HIGH_WATER) {
            next = reader.read();
            // A failing read is met at the top of the loop, after this
            // chunk is written.
            const r = await Promise.race([next, NOT_YET_NOW]).catch(() =>
              NOT_YET
            );
            if (
              r !== NOT_YET && (r as ReadableStreamReadResult<Uint8Array>).done
            ) last = true;
            if (this.#closed || ex.failed) throw interrupted();
          }
          // A large chunk waits for the queue to empty, so it can leave in
          // one vectored send with its framing (the socket buffer still
          // holds what was sent before: the wire does not idle).
          if (n > SMALL && this.t.queuedBytes > 0 && !await this.#whenSent()) {
            throw interrupted();
          }
          this.#writeChunk(value, last);
          if (last) {
            ex.reader = null;
            this.#finishResponse(ex);
            return;
          }
        }
        this.#flushSoon();
      }
      if (fixed >= 0 && sent !== fixed) {
        throw new RangeError("response body shorter than its content-length");
      }
      ex.reader = null;
      if (chunked) {
        this.#endChunked(ex, trailers);
        return;
      }
      this.#finishResponse(ex);
    } catch (e) {
      ex.reader = null;
      if (!(e instanceof Deno.errors.Interrupted)) {
        console.error("http: response body stream failed", e);
      }
      reader.cancel(e).catch(() => {});
      ex.fail();
      this.#truncate(); // the client sees a truncated body
    }
  }

  #finishResponse(ex: Exchange): void {
    ex.finished = true;
    if (!ex.bodyDone) {
      // Answered without reading the whole body: keep the connection only
      // if the rest can be skipped cheaply.
      if (
        (ex.expectContinue && !ex.continueSent) ||
        (ex.decoder === null && ex.remaining > MAX_DISCARD)
      ) ex.keepAlive = false;
      if (ex.controller !== null && !ex.bodyCancelled) {
        ex.bodyCancelled = true;
        try {
          ex.controller.close();
        } catch { /* closed */ }
      }
    }
    if (ex.completed !== null) this.settleWhenSent(ex);
    this.#flushSoon();
    if (ex.bodyDone || !ex.keepAlive) this.#nextRequest();
    // else: the rest of the body is skipped, then #bodyComplete goes on.
  }

  #nextRequest(): void {
    const ex = this.#ex;
    this.#ex = null;
    if (ex === null || !ex.keepAlive || this.host.shuttingDown) {
      this.#endConn();
      return;
    }
    this.#state = S_HEAD;
    // The idle time counts from now (onData has just read the clock).
    if (!this.#inData) this.#lastActive = Date.now();
    this.#resume();
    if (!this.#running) {
      this.#process();
      this.#afterRun();
    }
  }

  #sendError(status: number): void {
    this.#writeString(errorResponse(status, true));
    this.#endConn();
  }

  // Graceful close: send what is queued, FIN, then read (discarding) until
  // the peer closes or the linger time passes, so the peer's unread bytes
  // do not turn our close into a reset that destroys the response.
  #endConn(): void {
    if (this.#state === S_CLOSED) return;
    this.#state = S_CLOSED;
    this.#rlen = 0;
    this.#flushNow();
    if (this.#closed) return;
    this.#lingerUntil = Date.now() + LINGER_MS;
    this.#resume();
    if (this.#wclosed) return; // aborted
    this.#wclosed = true;
    this.t.end(this.#eof);
  }

  // ---- writing ----

  // Every send goes through here: once the write side is ended or the
  // connection aborted, bytes are dropped (as failed sends). `fill` marks
  // a fill buffer (recycled once sent).
  #send(b: Uint8Array, a: number, e: number, fill: boolean): void {
    const cb = fill ? this.#onFillSent : this.#onSent;
    this.#sendsQueued++;
    if (this.#wclosed || this.#closed) {
      cb(-125);
      return;
    }
    sendCounts.queued++;
    try {
      this.t.send(b, a, e, cb);
    } catch {
      // The transport is closing the connection (onClose follows).
      cb(-125);
    }
  }

  #sendDone(errno: number): void {
    this.#sendsDone++;
    if (errno !== 0) this.#sendFailed = true;
    const marks = this.#sentMarks;
    if (marks.length === 0) return;
    if (this.#sendFailed) this.#wakeSentWaiters();
    else {
      while (marks.length > 0 && marks[0] <= this.#sendsDone) {
        marks.shift();
        this.#sentWaiters.shift()!(true);
      }
    }
  }

  #wakeSentWaiters(): void {
    const w = this.#sentWaiters;
    this.#sentWaiters = [];
    this.#sentMarks = [];
    for (const f of w) f(false);
  }

  // Resolves true once everything written so far has been handed to the
  // kernel, false if the connection failed first.
  #whenSent(): Promise<boolean> {
    this.#flushNow();
    if (this.#sendFailed || this.#closed) return Promise.resolve(false);
    if (this.#sendsDone === this.#sendsQueued) return Promise.resolve(true);
    return new Promise<boolean>((res) => {
      this.#sentMarks.push(this.#sendsQueued);
      this.#sentWaiters.push(res);
    });
  }

  // A response cut short after part of it was written: the written part
  // still goes out, then the connection closes, so the client sees the
  // truncated body and its end (close() would drop bytes not yet sent).
  #truncate(): void {
    if (this.#closed) return;
    this.#flushNow();
    this.#wclosed = true;
    this.t.end(true);
  }

  #abort(): void {
    if (this.#closed) return;
    this.#wclosed = true;
    this.t.close();
  }

  // A head (or ASCII text): one byte per char. Header values are
  // ByteStrings, so chars above 0x7f are latin1 bytes, never UTF-8.
  #writeString(s: string): void {
    const n = s.length;
    if (n > FILL_SIZE) {
      this.#writeBytes(latin1Bytes(s), 0, n);
      return;
    }
    if (this.#wlen + n > this.#fill.length) this.#flushNow();
    const f = this.#fill;
    let w = this.#wlen;
    for (let i = 0; i < n; i++) f[w++] = s.charCodeAt(i);
    this.#wlen = w;
  }

  // Small bytes are copied into the fill buffer; large ones go out with
  // whatever is pending in one vectored send (#writeLarge).
  #writeBytes(b: Uint8Array, a: number, e: number): void {
    const n = e - a;
    if (n <= SMALL) {
      if (this.#wlen + n > this.#fill.length) this.#flushNow();
      this.#fill.set(
        a === 0 && e === b.length ? b : b.subarray(a, e),
        this.#wlen,
      );
      this.#wlen += n;
      return;
    }
    this.#writeLarge(a === 0 && e === b.length ? b : b.subarray(a, e), null);
  }

  // One chunk of a chunked body: size line, data and CRLF leave in one
  // send (copied into the fill buffer when small, else a vectored send).
  #writeChunk(b: Uint8Array, last = false): void {
    const n = b.length;
    const line = n.toString(16) + "\r\n";
    if (n <= SMALL) {
      if (this.#wlen + line.length + n + 2 > this.#fill.length) {
        this.#flushNow();
      }
      this.#writeString(line);
      this.#writeBytes(b, 0, n);
      this.#writeBytes(CRLF, 0, 2);
      if (last) this.#writeBytes(LAST_CHUNK, 0, LAST_CHUNK.length);
      return;
    }
    this.#writeString(line);
    this.#writeLarge(b, last ? CRLF_LAST_CHUNK : CRLF);
  }

  // The pending fill bytes, `b` (whole, never copied) and a small `tail`:
  // one non-blocking sendmsg(2) when nothing is queued (so order holds),
  // the part the kernel did not take queued on the transport; otherwise
  // all queued in order.
  #writeLarge(b: Uint8Array, tail: Uint8Array | null): void {
    const n = b.length;
    const tn = tail === null ? 0 : tail.length;
    if (!this.#wclosed && !this.#closed && this.t.queuedBytes === 0) {
      const h = this.#wlen;
      let r = sendVectored(this.fd, this.#fill, h, b, tail ?? EMPTY, tn);
      if (r === -Errno.EAGAIN) r = 0;
      if (r >= 0) {
        sendCounts.vectored++;
        if (r < h + n + tn) sendCounts.partial++;
        if (r < h) {
          this.#flushNow(r);
          r = 0;
        } else {
          this.#wlen = 0;
          r -= h;
        }
        if (r < n) {
          this.#sendLater(b, r, n);
          r = 0;
        } else r -= n;
        if (r < tn) this.#writeBytes(tail!, r, tn);
        return;
      }
      // Other errors: the transport's own send meets and reports them.
    }
    this.#flushNow();
    this.#sendLater(b, 0, n);
    if (tail !== null) this.#writeBytes(tail, 0, tn);
  }

  // Queues body bytes the kernel reads after this call returns, out of the
  // handler's reach: it may detach a chunk it passed on (see bytesForLater).
  #sendLater(b: Uint8Array, a: number, e: number): void {
    const rest = bytesForLater(b, a, e);
    this.#send(rest, 0, rest.length, false);
  }

  #flushSoon(): void {
    if (this.#inData) this.#needFlush = true;
    else this.#flushNow();
  }

  #flush(): void {
    this.#needFlush = false;
    this.#flushNow();
  }

  // Queues fill[start, wlen) and starts a new fill buffer.
  #flushNow(start = 0): void {
    if (this.#wlen === start || this.#closed) return;
    const b = this.#fill;
    this.#inflight.push(b);
    this.#send(b, start, this.#wlen, true);
    this.#fill = this.#pool.pop() ?? new Uint8Array(FILL_SIZE);
    this.#wlen = 0;
  }
}

// Short strings: a loop beats a RegExp call.
function isAscii(s: string): boolean {
  const n = s.length;
  if (n > 64) return !NON_ASCII.test(s);
  for (let i = 0; i < n; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

function latin1Bytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

function internalError(): Response {
  return new Response("Internal Server Error", {
    status: 500,
    headers: { "content-type": "text/plain;charset=UTF-8" },
  });
}
