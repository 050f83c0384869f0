// Helpers for the HTTP server tests: a quiet server on a free port and a
// raw socket client that sends exact bytes and reads until the server
// closes (or a deadline).

import {
  type HttpServer,
  serve,
  type ServeTcpOptions,
} from "../../http/mod.ts";

export function startHttp(
  handler: (
    req: Request,
    info: Deno.ServeHandlerInfo,
  ) => Response | Promise<Response>,
  options: ServeTcpOptions = {},
): HttpServer<Deno.NetAddr> & { port: number } {
  const s = serve(
    { hostname: "127.0.0.1", port: 0, onListen() {}, ...options },
    handler,
  );
  return Object.assign(s, { port: s.addr.port });
}

const dec = new TextDecoder();

/** Sends `data`, optionally half-closes, reads until EOF or `ms`. */
export async function raw(
  port: number,
  data: string | Uint8Array,
  { halfClose = true, ms = 5000 }: { halfClose?: boolean; ms?: number } = {},
): Promise<string> {
  const bytes = await rawBytes(port, data, { halfClose, ms });
  return latin1(bytes);
}

export function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 8192) {
    s += String.fromCharCode(...b.subarray(i, i + 8192));
  }
  return s;
}

export async function rawBytes(
  port: number,
  data: string | Uint8Array,
  { halfClose = true, ms = 5000 }: { halfClose?: boolean; ms?: number } = {},
): Promise<Uint8Array> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const timer = setTimeout(() => conn.close(), ms);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const w = typeof data === "string" ? new TextEncoder().encode(data) : data;
    const writing = (async () => {
      let off = 0;
      while (off < w.length) off += await conn.write(w.subarray(off));
      if (halfClose) await conn.closeWrite();
    })().catch(() => {});
    const buf = new Uint8Array(65536);
    for (;;) {
      let n: number | null;
      try {
        n = await conn.read(buf);
      } catch {
        break;
      }
      if (n === null) break;
      chunks.push(buf.slice(0, n));
      total += n;
    }
    await writing;
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch { /* closed by the timer */ }
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** Replaces the Date value so responses compare byte for byte. */
export function normDate(s: string): string {
  return s.replace(
    /date: [A-Za-z]{3}, \d\d [A-Za-z]{3} \d{4} \d\d:\d\d:\d\d GMT/g,
    "date: D",
  );
}

export function decode(b: Uint8Array): string {
  return dec.decode(b);
}

/** Counts "HTTP/1.1 " status lines. */
export function countResponses(s: string): number {
  return s.split("HTTP/1.1 ").length - 1;
}

/** Reads a connection to its end, as text. */
export async function readAll(conn: Deno.Conn): Promise<string> {
  const buf = new Uint8Array(4096);
  let out = "";
  for (;;) {
    const n = await conn.read(buf);
    if (n === null) return out;
    out += dec.decode(buf.subarray(0, n));
  }
}
