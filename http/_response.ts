/**
 * Reading a handler's `Response` and writing its head. Touching
 * `response.body` builds a ReadableStream (about 4 us), so for static
 * bodies (strings, bytes, `Response.json`) the status, header list and
 * body source are read from the Response's internal slots (the way
 * Deno.serve itself does). That fast path is enabled only when a self-test
 * at load time finds those slots shaped as expected; otherwise (another
 * Deno version) everything goes through the public API, streaming bodies.
 *
 * @module
 */

/** No body. */
export const BODY_NONE = 0;
/** A string body (UTF-8 encoded when sent). */
export const BODY_STRING = 1;
/** A byte body. */
export const BODY_BYTES = 2;
/** A stream of unknown length. */
export const BODY_STREAM = 3;
/** A static body of another kind (Blob, FormData): read with bytes(). */
export const BODY_OTHER = 4;

/** What the server needs of a Response. Reused per connection. */
export class ResponseParts {
  status = 200;
  statusText = "";
  /** Header names and values, alternating, as the user set them. */
  headers: string[] = [];
  kind = BODY_NONE;
  text = "";
  bytes: Uint8Array = new Uint8Array(0);
  stream: ReadableStream<Uint8Array> | null = null;
  /** Trailer fields to send after the body (see withTrailers). */
  trailers: (() => HeadersInit | Promise<HeadersInit>) | null = null;
}

type Slots = Record<symbol, unknown>;

const TEXT_PLAIN = "text/plain;charset=UTF-8";

function symbolOf(o: object, description: string): symbol | undefined {
  return Object.getOwnPropertySymbols(o).find((s) =>
    s.description === description
  );
}

const PROBE = new Response("");
const S_RESPONSE = symbolOf(PROBE, "response");
const S_LAZY_BODY = symbolOf(PROBE, "lazy static body");
const S_LAZY_TYPE = symbolOf(PROBE, "lazy static content type");

interface InnerResponse {
  status: number;
  statusMessage: string;
  headerList: [string, string][];
  body: {
    streamOrStatic: unknown;
    source: unknown;
  } | null;
}

function inspectFast(r: Response, out: ResponseParts): boolean {
  const inner = (r as unknown as Slots)[S_RESPONSE!] as
    | InnerResponse
    | undefined;
  if (inner === undefined || inner === null) return false;
  out.status = inner.status;
  out.statusText = inner.statusMessage;
  const list = inner.headerList;
  const h = out.headers;
  h.length = 0;
  for (let i = 0; i < list.length; i++) h.push(list[i][0], list[i][1]);
  const lazy = S_LAZY_BODY === undefined
    ? null
    : (r as unknown as Slots)[S_LAZY_BODY];
  if (typeof lazy === "string") {
    // A lazily built Response (a string body and no init, or
    // Response.json): the content type is implied.
    const type = (r as unknown as Slots)[S_LAZY_TYPE!];
    h.push("content-type", typeof type === "string" ? type : TEXT_PLAIN);
    out.kind = BODY_STRING;
    out.text = lazy;
    return true;
  }
  const body = inner.body;
  if (body === null) {
    out.kind = BODY_NONE;
    return true;
  }
  const sos = body.streamOrStatic as { consumed?: boolean } | ReadableStream;
  if (sos instanceof ReadableStream) {
    if (sos.locked) throw new TypeError("Response body already used");
    if (body.source instanceof Blob) {
      out.kind = BODY_OTHER; // a known size: read whole, sent with a length
      return true;
    }
    out.kind = BODY_STREAM;
    out.stream = sos as ReadableStream<Uint8Array>;
    return true;
  }
  if (sos?.consumed === true) {
    throw new TypeError("Response body already used");
  }
  const src = body.source;
  if (typeof src === "string") {
    out.kind = BODY_STRING;
    out.text = src;
  } else if (src instanceof Uint8Array) {
    out.kind = BODY_BYTES;
    out.bytes = src;
  } else {
    out.kind = BODY_OTHER;
  }
  return true;
}

function inspectPublic(r: Response, out: ResponseParts): void {
  out.status = r.status;
  out.statusText = r.statusText;
  const h = out.headers;
  h.length = 0;
  for (const [k, v] of r.headers) h.push(k, v);
  if (r.bodyUsed) throw new TypeError("Response body already used");
  const body = r.body;
  if (body === null) out.kind = BODY_NONE;
  else {
    out.kind = BODY_STREAM;
    out.stream = body;
  }
}

function read(r: Response): ResponseParts {
  const p = new ResponseParts();
  if (!inspectFast(r, p)) throw new Error("no slots");
  return p;
}

function selfTest(): boolean {
  if (S_RESPONSE === undefined) return false;
  try {
    const a = new Response("abc", { status: 201, headers: { "x-a": "1" } });
    a.headers.append("set-cookie", "k=v");
    let p = read(a);
    if (
      p.status !== 201 || p.kind !== BODY_STRING || p.text !== "abc" ||
      !p.headers.includes("x-a") || !p.headers.includes("k=v") ||
      !p.headers.some((x) => x.toLowerCase() === "content-type")
    ) return false;
    p = read(new Response(new Uint8Array([1, 2])));
    if (p.kind !== BODY_BYTES || p.bytes.length !== 2) return false;
    p = read(new Response(null, { status: 204 }));
    if (p.kind !== BODY_NONE || p.status !== 204) return false;
    const s = new ReadableStream();
    p = read(new Response(s));
    if (p.kind !== BODY_STREAM || p.stream !== s) return false;
    p = read(Response.json({ a: 1 }));
    if (
      p.kind !== BODY_STRING || p.text !== '{"a":1}' ||
      !p.headers.includes("application/json")
    ) return false;
    p = read(new Response("plain"));
    const expected = new Response("plain").headers.get("content-type");
    if (
      p.kind !== BODY_STRING || p.text !== "plain" ||
      p.headers.length !== 2 || p.headers[1] !== expected
    ) return false;
    p = read(new Response("x", { statusText: "Fine" }));
    return p.statusText === "Fine";
  } catch {
    return false;
  }
}

let fast = selfTest();

/** Whether the internal-slot fast path is in use. */
export function fastResponsePath(): boolean {
  return fast;
}

/** @internal Forces the public-API path (tests). */
export function _setFastResponsePath(on: boolean): void {
  fast = on && selfTest();
}

/**
 * Fills `out` from `r`. Throws a TypeError when `r` is not a Response or
 * its body was already used.
 */
export function inspectResponse(r: unknown, out: ResponseParts): void {
  if (!(r instanceof Response)) {
    throw new TypeError("Return value from serve handler must be a Response");
  }
  out.stream = null;
  if (fast && inspectFast(r, out)) return;
  inspectPublic(r, out);
}

const REASONS: Record<number, string> = {
  100: "Continue",
  101: "Switching Protocols",
  200: "OK",
  201: "Created",
  202: "Accepted",
  203: "Non-Authoritative Information",
  204: "No Content",
  205: "Reset Content",
  206: "Partial Content",
  300: "Multiple Choices",
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  304: "Not Modified",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  411: "Length Required",
  412: "Precondition Failed",
  413: "Content Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  416: "Range Not Satisfiable",
  417: "Expectation Failed",
  421: "Misdirected Request",
  422: "Unprocessable Content",
  426: "Upgrade Required",
  428: "Precondition Required",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  505: "HTTP Version Not Supported",
};

const statusLines = new Map<number, string>();

/** "HTTP/1.1 <status> <reason>\r\n" (cached for standard reasons). */
export function statusLine(status: number, statusText: string): string {
  if (statusText !== "") {
    if (statusText === REASONS[status]) return statusLineCached(status);
    return `HTTP/1.1 ${status} ${statusText}\r\n`;
  }
  return statusLineCached(status);
}

function statusLineCached(status: number): string {
  let s = statusLines.get(status);
  if (s === undefined) {
    s = `HTTP/1.1 ${status} ${REASONS[status] ?? ""}\r\n`;
    statusLines.set(status, s);
  }
  return s;
}

let dateSecond = 0;
let dateLine = "";

/**
 * "date: <IMF-fixdate>\r\n", recomputed once a second; `now` (ms since
 * the epoch) saves a clock read when the caller has one.
 */
export function dateHeader(now: number = Date.now()): string {
  const sec = (now / 1000) | 0;
  if (sec !== dateSecond) {
    dateSecond = sec;
    dateLine = `date: ${new Date(sec * 1000).toUTCString()}\r\n`;
  }
  return dateLine;
}

/** Whether a status forbids a body (1xx, 204, 304). */
export function statusHasNoBody(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}

/** A minimal plain-text error response head and body for `status`. */
export function errorResponse(status: number, close: boolean): string {
  const reason = REASONS[status] ?? "Error";
  return `HTTP/1.1 ${status} ${reason}\r\n${dateHeader()}` +
    `content-type: text/plain;charset=UTF-8\r\ncontent-length: ${reason.length}\r\n` +
    (close ? "connection: close\r\n" : "") + `\r\n${reason}`;
}
