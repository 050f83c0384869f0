// Web streams over kernio connections, so pipeTo, pipeThrough and
// TextDecoderStream work as with Deno.Conn.

/**
 * What the stream adapters need from a connection: Deno.Conn's read,
 * write, closeWrite and close.
 *
 * @example
 * ```ts
 * import { type StreamConn, unixConnPair } from "@kernio/kernio/sock";
 * const [a, b] = unixConnPair("unix");
 * const conn: StreamConn = a;
 * conn.close();
 * b.close();
 * ```
 */
export interface StreamConn {
  /** Reads into `p`: a count, or null at end of stream. */
  read(p: Uint8Array): Promise<number | null>;
  /** Writes from `p`: the count written (maybe partial). */
  write(p: Uint8Array): Promise<number>;
  /** Half-closes the write side. */
  closeWrite(): Promise<void> | void;
  /** Closes the connection. */
  close(): void;
}

/**
 * A byte ReadableStream (BYOB-capable) reading from `conn` until end of
 * stream. Cancelling it closes the connection, as Deno.Conn's does. A read
 * of 0 bytes (an empty datagram or seqpacket message) carries nothing a
 * byte stream can deliver, so the stream skips it and reads on.
 *
 * @example
 * ```ts
 * import { readableStreamFromConn, unixConnPair } from "@kernio/kernio/sock";
 * const [a, b] = unixConnPair("unix");
 * await a.writeAll(new TextEncoder().encode("hi"));
 * await a.closeWrite();
 * const text = await new Response(readableStreamFromConn(b)).text(); // "hi"
 * a.close();
 * b.close();
 * ```
 */
export function readableStreamFromConn(
  conn: StreamConn,
  chunkSize = 16 * 1024,
): ReadableStream<Uint8Array<ArrayBuffer>> {
  if (conn === null || typeof conn?.read !== "function") {
    throw new TypeError("readableStreamFromConn: expected a connection");
  }
  if (!(Number.isInteger(chunkSize) && chunkSize > 0)) {
    throw new RangeError(
      `readableStreamFromConn: chunkSize must be a positive integer, got ${chunkSize}`,
    );
  }
  return new ReadableStream({
    type: "bytes",
    autoAllocateChunkSize: chunkSize,
    async pull(controller) {
      const req = controller.byobRequest!;
      const view = req.view as Uint8Array;
      const buf = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
      let n: number | null;
      try {
        do n = await conn.read(buf); while (n === 0);
      } catch (e) {
        controller.error(e);
        return;
      }
      if (n === null) {
        controller.close();
        req.respond(0);
      } else {
        req.respond(n);
      }
    },
    cancel() {
      conn.close();
    },
  });
}

/**
 * A WritableStream writing every chunk fully to `conn`. Closing it
 * half-closes the connection (shutdown of the write side) so the peer sees
 * end of stream; aborting it closes the connection.
 *
 * @example
 * ```ts
 * import { unixConnPair, writableStreamFromConn } from "@kernio/kernio/sock";
 * const [a, b] = unixConnPair("unix");
 * const w = writableStreamFromConn(a).getWriter();
 * await w.write(new TextEncoder().encode("hello"));
 * await w.close();
 * a.close();
 * b.close();
 * ```
 */
export function writableStreamFromConn(
  conn: StreamConn,
): WritableStream<Uint8Array> {
  if (conn === null || typeof conn?.write !== "function") {
    throw new TypeError("writableStreamFromConn: expected a connection");
  }
  return new WritableStream({
    async write(chunk) {
      if (!(chunk instanceof Uint8Array)) {
        throw new TypeError("writable: chunks must be Uint8Array");
      }
      let off = 0;
      while (off < chunk.byteLength) {
        off += await conn.write(off === 0 ? chunk : chunk.subarray(off));
      }
    },
    async close() {
      await conn.closeWrite();
    },
    abort() {
      conn.close();
    },
  });
}
