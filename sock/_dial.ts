// The connect wait shared by the TCP and SCTP connections and dialers.

import { Errno } from "../zcall/errno.ts";
import { TimedOutError } from "./errors.ts";
import { getSocketError } from "./options.ts";
import { waitWritable } from "./_reactor.ts";
import type { NetSocket } from "./socket.ts";

/**
 * Waits for `s`'s non-blocking connect to finish: returns once connected,
 * throws the typed error (ConnectionRefusedError...), a TimedOutError at
 * `deadline` (0: none), or AbortedError.
 */
export async function waitConnect(
  s: NetSocket,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  await waitWritable(s.fd, deadline, signal, "connect");
  const err = getSocketError(s);
  if (err) throw err;
}

/** A dialer's timeout in ms, checked (`cls` names the dialer). */
export function dialTimeout(ms: number, cls: string): number {
  if (!(typeof ms === "number" && ms >= 0)) {
    throw new RangeError(`${cls}: timeout must be ms >= 0, got ${ms}`);
  }
  return ms;
}

/** What a dialer waits on: a connection whose connect may be in progress. */
interface Dialed<C> {
  close(): void;
  waitConnected(
    options: { deadline: number; signal?: AbortSignal },
  ): Promise<C>;
}

/**
 * A dialer's wait: none when `timeoutMs` is 0 and there is no `signal`;
 * otherwise until `conn` connects, `timeoutMs` passes (a TimedOutError
 * naming `peer`) or `signal` aborts. `conn` is closed when the wait fails.
 */
export async function finishDial<C>(
  conn: Dialed<C> & C,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  peer: string,
): Promise<C> {
  if (timeoutMs === 0 && signal === undefined) return conn;
  const deadline = timeoutMs === 0 || timeoutMs === Infinity
    ? 0
    : Date.now() + timeoutMs;
  try {
    return await conn.waitConnected({ deadline, signal });
  } catch (e) {
    conn.close();
    if (e instanceof TimedOutError) {
      throw new TimedOutError(
        Errno.ETIMEDOUT,
        "dial",
        `sock: dial ${peer}: timed out after ${timeoutMs} ms`,
      );
    }
    throw e;
  }
}
