/**
 * The `Request` a handler receives. Building a real `Request` costs about
 * 3 us (URL parsing, header list, body plumbing), a third of a whole
 * Deno.serve request, so the server hands out a {@linkcode ServerRequest}:
 * an object whose prototype chain is `Request.prototype` (so `instanceof
 * Request` holds) and which answers `method`, `url`, `headers`, `body`,
 * `signal` and the body readers from the parsed head, building the `url`
 * string, the `Headers` object and the abort controller only when asked.
 * Anything else (`clone()`, `new Request(req)`, `fetch(req)`, Deno's
 * inspector) goes through a real `Request` built once on demand from the
 * same data: Request's internal slots are forwarded to it.
 *
 * @module
 */

import type { TrailerSource } from "./trailers.ts";

const EMPTY = new Uint8Array(0);

/** See the module doc. Constructed by the server only. */
export class ServerRequest {
  #method: string;
  #url: string | null = null;
  #target: string;
  #host: string;
  #fields: string[];
  #headers: Headers | null = null;
  #body: ReadableStream<Uint8Array> | null;
  #ac: AbortController | null = null;
  #abortReason: unknown = undefined;
  #aborted = false;
  #real: Request | null = null;
  #trailerSource: TrailerSource;

  /** @internal */
  constructor(
    method: string,
    target: string,
    host: string,
    fields: string[],
    body: ReadableStream<Uint8Array> | null,
    trailerSource: TrailerSource,
  ) {
    this.#trailerSource = trailerSource;
    this.#method = method;
    this.#target = target;
    this.#host = host;
    this.#fields = fields;
    this.#body = body;
  }

  /** @internal The request's trailer fields (see requestTrailers). */
  _trailers(): Promise<Headers> {
    return this.#trailerSource.trailers();
  }

  /** @internal Aborts `signal` (client gone, or the response failed). */
  _abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#abortReason = reason;
    this.#ac?.abort(reason);
  }

  #materialize(): Request {
    if (this.#real !== null) return this.#real;
    const body = this.#body;
    const m = this.#method;
    this.#real = new Request(this.url, {
      method: m,
      headers: this.headers,
      body: body !== null && !body.locked && m !== "GET" && m !== "HEAD"
        ? body
        : null,
      signal: this.signal,
    });
    return this.#real;
  }

  /** The request method, as sent. */
  get method(): string {
    return this.#method;
  }

  /** The absolute URL (`http://` + Host + target). */
  get url(): string {
    if (this.#url !== null) return this.#url;
    const t = this.#target;
    if (t.charCodeAt(0) === 47) return this.#url = `http://${this.#host}${t}`;
    if (/^https?:\/\//i.test(t)) return this.#url = new URL(t).href;
    if (t === "*") return this.#url = `http://${this.#host}/*`;
    return this.#url = `http://${t}/`; // authority-form (CONNECT)
  }

  /** The request headers. */
  get headers(): Headers {
    if (this.#real !== null) return this.#real.headers;
    if (this.#headers !== null) return this.#headers;
    const f = this.#fields;
    const pairs: [string, string][] = new Array(f.length >> 1);
    for (let i = 0, j = 0; i < f.length; i += 2, j++) {
      pairs[j] = [f[i], f[i + 1]];
    }
    return this.#headers = new Headers(pairs);
  }

  /** The body stream, or null when the request has none. */
  get body(): ReadableStream<Uint8Array> | null {
    if (this.#real !== null) return this.#real.body;
    return this.#body;
  }

  /** Whether the body was read. */
  get bodyUsed(): boolean {
    if (this.#real !== null) return this.#real.bodyUsed;
    return this.#body !== null && this.#body.locked;
  }

  /** Aborted when the client disconnects before the response is sent. */
  get signal(): AbortSignal {
    if (this.#ac === null) {
      this.#ac = new AbortController();
      if (this.#aborted) this.#ac.abort(this.#abortReason);
    }
    return this.#ac.signal;
  }

  /** "default". */
  get cache(): RequestCache {
    return "default";
  }
  /** "same-origin". */
  get credentials(): RequestCredentials {
    return "same-origin";
  }
  /** "". */
  get integrity(): string {
    return "";
  }
  /** false. */
  get keepalive(): boolean {
    return false;
  }
  /** "cors". */
  get mode(): RequestMode {
    return "cors";
  }
  /** "follow". */
  get redirect(): RequestRedirect {
    return "follow";
  }
  /** "about:client". */
  get referrer(): string {
    return "about:client";
  }
  /** "". */
  get referrerPolicy(): ReferrerPolicy {
    return "";
  }

  #reader(): Response {
    if (this.bodyUsed) throw new TypeError("Body already consumed");
    const ct = this.#real === null
      ? this.#field("content-type")
      : this.#real.headers.get("content-type");
    return new Response(
      this.body,
      ct === null ? undefined : { headers: { "content-type": ct } },
    );
  }

  #field(name: string): string | null {
    const f = this.#fields;
    for (let i = 0; i < f.length; i += 2) if (f[i] === name) return f[i + 1];
    return null;
  }

  /** Reads the body as text. */
  async text(): Promise<string> {
    if (this.body === null) return "";
    return await this.#reader().text();
  }
  /** Reads the body as JSON. */
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
  /** Reads the body into an ArrayBuffer. */
  async arrayBuffer(): Promise<ArrayBuffer> {
    if (this.body === null) return new ArrayBuffer(0);
    return await this.#reader().arrayBuffer();
  }
  /** Reads the body into a Uint8Array. */
  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    if (this.body === null) return new Uint8Array(EMPTY);
    return await this.#reader().bytes();
  }
  /** Reads the body into a Blob. */
  async blob(): Promise<Blob> {
    return await this.#reader().blob();
  }
  /** Parses the body as form data. */
  async formData(): Promise<FormData> {
    return await this.#reader().formData();
  }
  /** A copy (the body is teed). */
  clone(): Request {
    return this.#materialize().clone();
  }

  /** @internal */
  _real(): Request {
    return this.#materialize();
  }
}

Object.setPrototypeOf(ServerRequest.prototype, Request.prototype);

// Request's internal slots: forwarded to the real Request, so Deno's own
// code (new Request(req), fetch(req), inspection) sees a genuine one.
for (const sym of Object.getOwnPropertySymbols(new Request("http://x/"))) {
  Object.defineProperty(ServerRequest.prototype, sym, {
    get(this: ServerRequest) {
      return (this._real() as unknown as Record<symbol, unknown>)[sym];
    },
    set(this: ServerRequest, v: unknown) {
      (this._real() as unknown as Record<symbol, unknown>)[sym] = v;
    },
    configurable: true,
  });
}
// textStream() and anything newer: through the real Request.
for (const name of Object.getOwnPropertyNames(Request.prototype)) {
  if (name === "constructor") continue;
  const own = Object.getOwnPropertyDescriptor(ServerRequest.prototype, name);
  if (own !== undefined) continue;
  const d = Object.getOwnPropertyDescriptor(Request.prototype, name)!;
  if (typeof d.value === "function") {
    const f = d.value as (...a: unknown[]) => unknown;
    Object.defineProperty(ServerRequest.prototype, name, {
      value: function (this: ServerRequest, ...a: unknown[]) {
        return f.apply(this._real(), a);
      },
      configurable: true,
      writable: true,
    });
  } else if (d.get !== undefined) {
    const g = d.get;
    Object.defineProperty(ServerRequest.prototype, name, {
      get(this: ServerRequest) {
        return g.call(this._real());
      },
      configurable: true,
    });
  }
}
