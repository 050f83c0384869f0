/**
 * Incremental decoder of the chunked transfer coding (RFC 9112 section 7.1):
 * chunk sizes in hex, chunk extensions skipped (bounded), trailer fields
 * validated (bounded) and kept. Bytes are fed as they arrive; data is
 * handed out as subarrays of the input, never copied here.
 *
 * @module
 */

import { validFieldLine } from "./_parser.ts";

const SIZE = 0; // reading hex digits
const EXT = 1; // after the size: optional BWS and extensions, until LF
const SIZE_LF = 2; // saw CR ending the size line
const DATA = 3;
const DATA_END = 4; // expecting CR LF (or LF) after the data
const DATA_LF = 5; // saw CR after the data
const TRAILER = 6; // reading a trailer line (or the final empty line)
const TRAILER_LF = 7; // saw CR in a trailer line
const DONE = 8;

const MAX_SIZE_DIGITS = 13; // below 2^53
const MAX_EXT = 4096;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Decoder state for one chunked body. */
export class ChunkedDecoder {
  #state = SIZE;
  #digits = 0;
  #remaining = 0;
  #ext = 0;
  #line = "";
  #trailerBytes = 0;
  readonly #maxTrailerSize: number;
  readonly #maxTrailerCount: number;
  /** Trailer fields seen (name: value lines), valid once done. */
  trailers: string[] = [];
  /** Set to an HTTP status when the coding is malformed (400) or too large. */
  error = 0;

  /**
   * @param maxTrailerSize Most trailer bytes (more: error 431).
   * @param maxTrailerCount Most trailer fields (more: error 431).
   */
  constructor(maxTrailerSize: number, maxTrailerCount = Infinity) {
    this.#maxTrailerSize = maxTrailerSize;
    this.#maxTrailerCount = maxTrailerCount;
  }

  /** Whether the last chunk and trailer section were read. */
  get done(): boolean {
    return this.#state === DONE;
  }

  /**
   * Consumes buf[start, end); calls `onData(buf, a, b)` for each run of
   * body bytes. Returns the offset where it stopped: `end`, or earlier when
   * the body ended (the rest belongs to the next request) or on an error
   * (`error` set).
   */
  feed(
    buf: Uint8Array,
    start: number,
    end: number,
    onData: (buf: Uint8Array, a: number, b: number) => void,
  ): number {
    let i = start;
    while (i < end) {
      switch (this.#state) {
        case SIZE: {
          const c = buf[i];
          const h = hexValue(c);
          if (h >= 0) {
            if (++this.#digits > MAX_SIZE_DIGITS) return this.#fail(i);
            this.#remaining = this.#remaining * 16 + h;
            i++;
          } else if (this.#digits === 0) {
            return this.#fail(i);
          } else {
            this.#state = EXT;
            this.#ext = 0;
          }
          break;
        }
        case EXT: {
          const c = buf[i++];
          if (c === 10) this.#sizeLineDone();
          else if (c === 13) this.#state = SIZE_LF;
          else if ((c < 0x20 && c !== 9) || c === 0x7f) return this.#fail(i);
          else if (++this.#ext > MAX_EXT) return this.#fail(i);
          else if (this.#ext === 1 && c !== 59 && c !== 32 && c !== 9) {
            return this.#fail(i); // only BWS or ";" may follow the size
          }
          break;
        }
        case SIZE_LF:
          if (buf[i++] !== 10) return this.#fail(i);
          this.#sizeLineDone();
          break;
        case DATA: {
          const n = Math.min(end - i, this.#remaining);
          onData(buf, i, i + n);
          i += n;
          this.#remaining -= n;
          if (this.#remaining === 0) this.#state = DATA_END;
          break;
        }
        case DATA_END: {
          const c = buf[i++];
          if (c === 10) this.#nextChunk();
          else if (c === 13) this.#state = DATA_LF;
          else return this.#fail(i);
          break;
        }
        case DATA_LF:
          if (buf[i++] !== 10) return this.#fail(i);
          this.#nextChunk();
          break;
        case TRAILER: {
          const c = buf[i++];
          if (c === 10) {
            if (this.#trailerLineDone()) return i;
            if (this.error) return i;
          } else if (c === 13) {
            this.#state = TRAILER_LF;
          } else {
            if (++this.#trailerBytes > this.#maxTrailerSize) {
              this.error = 431;
              return i;
            }
            this.#line += String.fromCharCode(c);
          }
          break;
        }
        case TRAILER_LF:
          if (buf[i++] !== 10) return this.#fail(i);
          this.#state = TRAILER;
          if (this.#trailerLineDone()) return i;
          if (this.error) return i;
          break;
        default:
          return i;
      }
    }
    return i;
  }

  #fail(i: number): number {
    this.error = 400;
    return i;
  }

  #sizeLineDone(): void {
    if (this.#remaining === 0) {
      this.#state = TRAILER;
      this.#line = "";
    } else {
      this.#state = DATA;
    }
  }

  #nextChunk(): void {
    this.#state = SIZE;
    this.#digits = 0;
    this.#remaining = 0;
  }

  // True when the (empty) final line ended the body.
  #trailerLineDone(): boolean {
    const line = this.#line;
    this.#line = "";
    if (line === "") {
      this.#state = DONE;
      return true;
    }
    if (!validFieldLine(line)) this.error = 400;
    else if (this.trailers.length >= this.#maxTrailerCount) this.error = 431;
    else this.trailers.push(line);
    return false;
  }
}
