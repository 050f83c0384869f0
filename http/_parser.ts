/**
 * HTTP/1.x request-head parser: finds the end of a head incrementally
 * (resumable, so a client trickling one byte at a time costs O(n) in
 * total), then parses the request line and header fields with limits and
 * the framing rules of RFC 9112: Content-Length and Transfer-Encoding are
 * checked for ambiguity (both present, differing lengths, codings other
 * than a final `chunked`) so a body can never be read as requests.
 *
 * A bare LF is accepted as a line terminator (RFC 9112 section 2.2 allows
 * it); a CR not followed by LF is an error. Errors are HTTP status codes.
 *
 * @module
 */

/** Limits of one request head. */
export interface HeadLimits {
  /** Longest request target in bytes (longer: 414). */
  maxUriLength: number;
  /** Largest head (request line plus fields) in bytes (larger: 431). */
  maxHeaderSize: number;
  /** Most header fields (more: 431). */
  maxHeaderCount: number;
}

/** Defaults of {@linkcode HeadLimits}. */
export const DEFAULT_HEAD_LIMITS: Readonly<HeadLimits> = Object.freeze({
  maxUriLength: 8 * 1024,
  maxHeaderSize: 64 * 1024,
  maxHeaderCount: 128,
});

// tchar (RFC 9110 section 5.6.2): the bytes of tokens (methods, field names).
const TCHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  TCHAR[c] = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(ch) ? 1 : 0;
}

function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TCHAR[c] === 0) return false;
  }
  return true;
}

// Field values: VCHAR, SP, HTAB and obs-text; no other control bytes.
function isFieldValue(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 9) || c === 0x7f) return false;
  }
  return true;
}

function trimOWS(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 32 || s.charCodeAt(a) === 9)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) {
    b--;
  }
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

// Host: reg-name / IPv4 / IP-literal characters plus ":port".
const HOSTCHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  HOSTCHAR[c] = /[A-Za-z0-9\-._~!$&'()*+,;=:\[\]%]/.test(String.fromCharCode(c))
    ? 1
    : 0;
}

// Clients send the same Host again and again: the last valid one is kept.
let lastHost = "";

function isHost(s: string): boolean {
  if (s === lastHost) return true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || HOSTCHAR[c] === 0) return false;
  }
  lastHost = s;
  return true;
}

const utf8 = new TextDecoder();

// A keep-alive client often sends the same head again (a poller, a proxy's
// health check, a load generator): a head of up to this many bytes is kept
// per connection and, when the next one is byte-identical, not parsed again.
const MEMO_MAX = 2048;
const NO_BYTES = new Uint8Array(0);

/**
 * Bytes [start, end) as a string with one char per byte (latin1), the
 * representation Headers uses for ByteStrings.
 */
export function latin1(buf: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i += 8192) {
    const j = Math.min(end, i + 8192);
    s += String.fromCharCode.apply(
      null,
      buf.subarray(i, j) as unknown as number[],
    );
  }
  return s;
}

/**
 * One parsed request head. The parser object is reused per connection:
 * `reset()` before each head.
 */
export class HeadParser {
  readonly limits: HeadLimits;
  /** Scan state: offset (from the head's start) already searched. */
  #scanned = 0;
  /** Empty lines skipped before the request line (RFC 9112 section 2.2). */
  #skip = 0;
  /** Length of the current (possibly unfinished) line when scanning stopped. */
  #lineStart = 0;
  /** The bytes scanned so far, ORed (bit 7 set: not all ASCII). */
  #bits = 0;
  /** The last head parsed successfully (its first #lastLen bytes), or 0. */
  #last: Uint8Array = NO_BYTES;
  #lastLen = 0;

  method = "";
  target = "";
  /** 0 for HTTP/1.0, 1 for HTTP/1.1 (and higher 1.x minors). */
  minor = 1;
  /** Field names (lower case) and values, alternating. */
  fields: string[] = [];
  /** Content-Length, or -1 when absent. */
  contentLength = -1;
  /** Transfer-Encoding: chunked. */
  chunked = false;
  /** Whether the connection may persist after this request. */
  keepAlive = true;
  /** `Connection: keep-alive` was sent (echoed to HTTP/1.0 clients). */
  keepAliveToken = false;
  /** `Expect: 100-continue` was sent. */
  expectContinue = false;
  /** The Host field (empty when absent, HTTP/1.0 only). */
  host = "";

  constructor(limits: HeadLimits = DEFAULT_HEAD_LIMITS) {
    this.limits = limits;
  }

  /** Forgets the scan state (before the next head). */
  reset(): void {
    this.#scanned = 0;
    this.#skip = 0;
    this.#lineStart = 0;
    this.#bits = 0;
  }

  #sameAsLast(buf: Uint8Array, start: number): boolean {
    const last = this.#last;
    const n = this.#lastLen;
    for (let k = 0; k < n; k++) {
      if (buf[start + k] !== last[k]) return false;
    }
    return true;
  }

  #remember(buf: Uint8Array, start: number, n: number): void {
    if (this.#last.length < n) {
      this.#last = new Uint8Array(Math.min(MEMO_MAX, (n + 63) & ~63));
    }
    const last = this.#last;
    for (let k = 0; k < n; k++) last[k] = buf[start + k];
    this.#lastLen = n;
  }

  /**
   * Looks for the end of the head in buf[start, end) and parses it.
   * Returns the head's length in bytes (> 0, including the blank line)
   * when complete, 0 when more bytes are needed, or -status on an error
   * (400, 414, 417, 431, 501, 505).
   */
  parse(buf: Uint8Array, start: number, end: number): number {
    const lim = this.limits;
    let i = start + this.#scanned;
    let lineStart = start + this.#lineStart;
    let bits = this.#bits;
    while (i < end) {
      const c = buf[i];
      bits |= c;
      if (c === 10) {
        let len = i - lineStart;
        if (len > 0 && buf[i - 1] === 13) len--;
        if (len === 0) {
          if (lineStart === start + this.#skip) {
            // Empty line(s) before the request line: skip (bounded).
            this.#skip = i + 1 - start;
            if (this.#skip > 64) return -400;
          } else {
            const headLen = i + 1 - start;
            this.#scanned = headLen;
            // The same bytes as the last head parsed: the same result,
            // still held in this object's fields.
            if (headLen === this.#lastLen && this.#sameAsLast(buf, start)) {
              return headLen;
            }
            this.#lastLen = 0;
            const r = this.#parseHead(
              buf,
              start + this.#skip,
              lineStart,
              headLen,
              bits < 0x80,
            );
            if (r > 0 && headLen <= MEMO_MAX) this.#remember(buf, start, r);
            return r;
          }
        }
        lineStart = i + 1;
      } else if (c === 13) {
        // A CR must be followed by LF (checked once the next byte is here).
        if (i + 1 >= end) break;
        if (buf[i + 1] !== 10) return -400;
      }
      i++;
    }
    this.#scanned = i - start;
    this.#lineStart = lineStart - start;
    this.#bits = bits;
    // Incomplete: enforce the limits on what has arrived.
    const firstLineDone = lineStart > start + this.#skip;
    if (!firstLineDone && i - start - this.#skip > lim.maxUriLength + 64) {
      return -414;
    }
    if (i - start > lim.maxHeaderSize) return -431;
    return 0;
  }

  // Parses the complete head buf[a, lastLineStart) (the blank line excluded).
  #parseHead(
    buf: Uint8Array,
    a: number,
    b: number,
    headLen: number,
    ascii: boolean,
  ): number {
    const lim = this.limits;
    // ASCII decodes the same as UTF-8, and natively (twice as fast).
    const s = ascii ? utf8.decode(buf.subarray(a, b)) : latin1(buf, a, b);
    // Request line.
    let eol = s.indexOf("\n");
    if (eol < 0) eol = s.length;
    const line = s.charCodeAt(eol - 1) === 13
      ? s.slice(0, eol - 1)
      : s.slice(0, eol);
    const sp1 = line.indexOf(" ");
    const sp2 = line.lastIndexOf(" ");
    if (sp1 <= 0 || sp2 === sp1) return -400;
    const target = line.slice(sp1 + 1, sp2);
    if (target.length > lim.maxUriLength) return -414;
    if (headLen > lim.maxHeaderSize) return -431;
    const method = line.slice(0, sp1);
    if (!isToken(method)) return -400;
    if (target.length === 0) return -400;
    for (let k = 0; k < target.length; k++) {
      const c = target.charCodeAt(k);
      if (c <= 0x20 || c >= 0x7f) return -400;
    }
    const version = line.slice(sp2 + 1);
    if (
      version.length !== 8 || !version.startsWith("HTTP/") ||
      version.charCodeAt(6) !== 46
    ) return -400;
    const major = version.charCodeAt(5) - 48;
    const minor = version.charCodeAt(7) - 48;
    if (!(major >= 0 && major <= 9 && minor >= 0 && minor <= 9)) return -400;
    if (major !== 1) return -505;
    this.method = method;
    this.target = target;
    this.minor = minor === 0 ? 0 : 1;

    // Header fields.
    const fields: string[] = this.fields = [];
    let contentLength = -1;
    let te = "";
    let hasTE = false;
    let close = false;
    let keepAliveToken = false;
    let expectContinue = false;
    let host = "";
    let hosts = 0;
    let pos = eol + 1;
    let count = 0;
    const len = s.length;
    while (pos < len) {
      eol = s.indexOf("\n", pos);
      if (eol < 0) eol = len;
      // The line is s[pos, end): CR before LF excluded.
      const end = s.charCodeAt(eol - 1) === 13 ? eol - 1 : eol;
      const c0 = s.charCodeAt(pos);
      if (c0 === 32 || c0 === 9) return -400; // obs-fold: rejected
      if (++count > lim.maxHeaderCount) return -431;
      // Name: tchars up to the colon (no space before it).
      let k = pos;
      let upper = false;
      for (; k < end; k++) {
        const c = s.charCodeAt(k);
        if (c === 58) break;
        if (c >= 128 || TCHAR[c] === 0) return -400;
        if (c >= 65 && c <= 90) upper = true;
      }
      if (k === pos || k === end) return -400;
      let name = s.slice(pos, k);
      if (upper) name = name.toLowerCase();
      // Value: OWS trimmed; VCHAR, SP, HTAB, obs-text.
      let vs = k + 1;
      let ve = end;
      while (vs < ve && (s.charCodeAt(vs) === 32 || s.charCodeAt(vs) === 9)) {
        vs++;
      }
      while (
        ve > vs && (s.charCodeAt(ve - 1) === 32 || s.charCodeAt(ve - 1) === 9)
      ) ve--;
      for (let j = vs; j < ve; j++) {
        const c = s.charCodeAt(j);
        if ((c < 0x20 && c !== 9) || c === 0x7f) return -400;
      }
      const value = s.slice(vs, ve);
      pos = eol + 1;
      fields.push(name, value);
      switch (name) {
        case "content-length": {
          const n = parseContentLength(value);
          if (n < 0 || (contentLength >= 0 && n !== contentLength)) {
            return -400;
          }
          contentLength = n;
          break;
        }
        case "transfer-encoding":
          te = hasTE ? te + "," + value : value;
          hasTE = true;
          break;
        case "connection": {
          for (const tok of value.split(",")) {
            const t = trimOWS(tok).toLowerCase();
            if (t === "close") close = true;
            else if (t === "keep-alive") keepAliveToken = true;
          }
          break;
        }
        case "host":
          host = value;
          hosts++;
          break;
        case "expect":
          if (value.toLowerCase() !== "100-continue") return -417;
          expectContinue = true;
          break;
      }
    }
    if (hosts > 1 || (hosts === 0 && this.minor === 1)) return -400;
    if (hosts === 1 && !isHost(host)) return -400;
    let chunked = false;
    if (hasTE) {
      // Transfer-Encoding with Content-Length, or in HTTP/1.0, is ambiguous
      // framing: refused rather than guessed (request smuggling).
      if (contentLength >= 0 || this.minor === 0) return -400;
      const codings = te.split(",").map((t) => trimOWS(t).toLowerCase())
        .filter((t) => t !== "");
      if (codings.length === 0) return -400;
      for (let k = 0; k < codings.length; k++) {
        const t = codings[k];
        if (t === "chunked") {
          if (k !== codings.length - 1) return -400;
        } else if (!isToken(t.split(";")[0].trim())) {
          return -400;
        } else {
          return -501; // gzip, deflate, ...: not implemented
        }
      }
      chunked = true;
    }
    this.contentLength = contentLength;
    this.chunked = chunked;
    this.keepAliveToken = keepAliveToken;
    this.keepAlive = !close && (this.minor === 1 || keepAliveToken);
    this.expectContinue = expectContinue;
    this.host = host;
    return headLen;
  }
}

/**
 * Content-Length: 1*DIGIT, or a list of identical values ("5, 5").
 * Returns -1 when invalid or beyond 2^53.
 */
export function parseContentLength(v: string): number {
  let result = -1;
  for (const part of v.indexOf(",") < 0 ? [v] : v.split(",")) {
    const p = trimOWS(part);
    if (p.length === 0 || p.length > 15) return -1;
    let n = 0;
    for (let i = 0; i < p.length; i++) {
      const d = p.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return -1;
      n = n * 10 + d;
    }
    if (result >= 0 && n !== result) return -1;
    result = n;
  }
  return result;
}

/** Validates one trailer field line (same rules as header fields). */
export function validFieldLine(line: string): boolean {
  const colon = line.indexOf(":");
  if (colon <= 0) return false;
  if (!isToken(line.slice(0, colon))) return false;
  return isFieldValue(trimOWS(line.slice(colon + 1)));
}
