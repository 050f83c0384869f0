/**
 * The byte transport the HTTP server runs on: accepted stream connections
 * with per-connection data callbacks, ordered sends with backpressure,
 * pause/resume of receiving, graceful end and abortive close. The io_uring
 * connection engine (uring/net) has this shape; the server is written
 * against the interface only.
 *
 * @module
 */

/** Called once a queued send is fully sent (0) or failed/dropped (-errno). */
export type SendCallback = (errno: number) => void;

/** One connection as the HTTP layer sees it. */
export interface TransportConn {
  /** The socket fd (owned by the transport). */
  readonly fd: number;
  /** Bytes queued and not yet sent. */
  readonly queuedBytes: number;
  /**
   * Queues buf[start, end) after everything queued before; the bytes must
   * stay unchanged until sent. Returns false at the high-water mark.
   */
  send(
    buf: Uint8Array,
    start?: number,
    end?: number,
    cb?: SendCallback | null,
  ): boolean;
  /** Stops receiving (bytes already on their way still arrive). */
  pause(): void;
  /** Resumes receiving. */
  resume(): void;
  /** Shuts the write side down once the queue is sent; then closes if asked. */
  end(close?: boolean): void;
  /** Drops everything and closes the socket; onClose follows. */
  close(): void;
  /** Keeps the event loop alive while open (the default). */
  ref(): void;
  /** Lets the process exit while open. */
  unref(): void;
}

/** What a connection reports. */
export interface TransportConnHandler {
  /** Bytes buf[0, length) arrived (valid during the call only). */
  onData(conn: TransportConn, buf: Uint8Array, length: number): void;
  /** The peer ended its write side. */
  onEnd?(conn: TransportConn): void;
  /** A receive or send failed; the connection closes after this. */
  onError?(conn: TransportConn, errno: number, op: "read" | "write"): void;
  /** The send queue emptied after reaching the high-water mark. */
  onDrain?(conn: TransportConn): void;
  /** The socket is closed and released (the last call). */
  onClose?(conn: TransportConn): void;
}

/** What a listener reports. */
export interface TransportAcceptHandler {
  /** A connection was accepted. */
  onAccept(fd: number): void;
  /** An accept failed (temporary ones are retried after a back-off). */
  onError?(errno: number, temporary: boolean): void;
  /** Accepting has stopped for good. */
  onClose?(): void;
}

/** A listening socket being accepted from. */
export interface TransportListener {
  /** Stops accepting (onClose follows). */
  close(): void;
  /** Keeps the event loop alive while open (the default). */
  ref(): void;
  /** Lets the process exit while open. */
  unref(): void;
}

/** A transport: accepts, adopts connections, and closes. */
export interface Transport {
  /** Accepts from a listening fd. */
  listen(fd: number, handler: TransportAcceptHandler): TransportListener;
  /** Serves an accepted fd. */
  attach(fd: number, handler: TransportConnHandler): TransportConn;
  /** Releases the ring (after every connection closed). */
  close(): Promise<void>;
}
