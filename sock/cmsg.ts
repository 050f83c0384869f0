/**
 * Ancillary (control) messages: the CMSG_* arithmetic, SCM_RIGHTS file
 * descriptor passing and SCM_CREDENTIALS on Unix sockets, and a generic
 * walker over a received control buffer.
 *
 * Layout (LP64): `struct cmsghdr { u64 len; i32 level; i32 type; }` (16
 * bytes) followed by the data, each message padded to 8 bytes.
 *
 * @example
 * ```ts
 * import { recvFDs, sendFDs } from "@kernio/kernio/sock";
 * declare const a: number, b: number; // a connected AF_UNIX pair
 * sendFDs(a, [0, 1, 2], new Uint8Array([1]));
 * const r = recvFDs(b, new Uint8Array(16), 8); // null: nothing yet
 * if (r) console.log(r.n, r.fds);
 * ```
 *
 * @module
 */

import { MSG, SCM, SO, SOL } from "../zcall/constants.ts";
import { Iovecs, Msghdr } from "../zcall/structs.ts";
import {
  close,
  getsockopt,
  recvmsg,
  sendmsg,
  setsockopt,
} from "../zcall/syscalls.ts";
import { errorFromErrno, WOULD_BLOCK } from "./errors.ts";
import { waitReadable } from "./_reactor.ts";
import { type FdLike, fdOf } from "./socket.ts";
import { checkFd, intIn } from "../zcall/_validate.ts";

/**
 * Size of `struct cmsghdr`.
 *
 * @example
 * ```ts
 * import { cmsgSpace, SIZEOF_CMSGHDR } from "@kernio/kernio/sock";
 * cmsgSpace(4) - SIZEOF_CMSGHDR; // 8: 4 data bytes, padded
 * ```
 */
export const SIZEOF_CMSGHDR = 16;
/**
 * Size of `struct ucred` { pid; uid; gid }.
 *
 * @example
 * ```ts
 * import { cmsgSpace, SIZEOF_UCRED } from "@kernio/kernio/sock";
 * const control = new Uint8Array(cmsgSpace(SIZEOF_UCRED));
 * ```
 */
export const SIZEOF_UCRED = 12;
/**
 * The kernel's limit of descriptors in one SCM_RIGHTS message.
 *
 * @example
 * ```ts
 * import { cmsgSpace, SCM_MAX_FD } from "@kernio/kernio/sock";
 * const control = new Uint8Array(cmsgSpace(4 * SCM_MAX_FD));
 * ```
 */
export const SCM_MAX_FD = 253;

/**
 * Rounds `length` up to the control-message alignment (8 bytes).
 *
 * @example
 * ```ts
 * import { cmsgAlign } from "@kernio/kernio/sock";
 * cmsgAlign(12); // 16
 * ```
 */
export function cmsgAlign(length: number): number {
  intIn(length, 0, 0x7fffffff, "cmsgAlign", "length");
  return Math.ceil(length / 8) * 8;
}

/**
 * The `cmsg_len` value for `length` data bytes (header plus data, no tail
 * padding): CMSG_LEN.
 *
 * @example
 * ```ts
 * import { cmsgLen } from "@kernio/kernio/sock";
 * cmsgLen(4); // 20
 * ```
 */
export function cmsgLen(length: number): number {
  intIn(length, 0, 0x7fffffff - 16, "cmsgLen", "length");
  return SIZEOF_CMSGHDR + length;
}

/**
 * Bytes a message with `length` data bytes takes in a control buffer
 * (header plus padded data): CMSG_SPACE.
 *
 * @example
 * ```ts
 * import { cmsgSpace } from "@kernio/kernio/sock";
 * cmsgSpace(4); // 24
 * ```
 */
export function cmsgSpace(length: number): number {
  intIn(length, 0, 0x7fffffff - 24, "cmsgSpace", "length");
  return SIZEOF_CMSGHDR + cmsgAlign(length);
}

function u64(dv: DataView, off: number): number {
  return dv.getUint32(off, true) + dv.getUint32(off + 4, true) * 0x1_0000_0000;
}

function checkBuf(buf: unknown, op: string): Uint8Array {
  if (!(buf instanceof Uint8Array)) {
    throw new TypeError(`${op}: expected a Uint8Array control buffer`);
  }
  return buf;
}

/**
 * The data of the control message starting at `offset` of `control` (a
 * view, no copy): CMSG_DATA. Throws a RangeError when no complete message
 * starts there.
 *
 * @example
 * ```ts
 * import { cmsgData, unixRights } from "@kernio/kernio/sock";
 * const fds = new Int32Array(cmsgData(unixRights(5)).slice().buffer); // [5]
 * ```
 */
export function cmsgData(control: Uint8Array, offset = 0): Uint8Array {
  checkBuf(control, "cmsgData");
  intIn(offset, 0, control.byteLength, "cmsgData", "offset");
  if (offset + SIZEOF_CMSGHDR > control.byteLength) {
    throw new RangeError("cmsgData: no control message header at offset");
  }
  const dv = new DataView(control.buffer, control.byteOffset + offset, 16);
  const len = u64(dv, 0);
  if (len < SIZEOF_CMSGHDR || offset + len > control.byteLength) {
    throw new RangeError(`cmsgData: bad cmsg_len ${len} at offset ${offset}`);
  }
  return control.subarray(offset + SIZEOF_CMSGHDR, offset + len);
}

/**
 * One parsed control message: level, type and a view of its data.
 *
 * @example
 * ```ts
 * import { type ControlMessage, parseControlMessages } from "@kernio/kernio/sock";
 * const control = new Uint8Array(64); // filled by recvmsg
 * const msgs: ControlMessage[] = parseControlMessages(control, 0);
 * for (const m of msgs) console.log(m.level, m.type, m.data.byteLength);
 * ```
 */
export interface ControlMessage {
  /** Originating protocol level (SOL_SOCKET, SOL_IP, SOL_UDP...). */
  level: number;
  /** Protocol-specific type (SCM_RIGHTS, UDP_GRO...). */
  type: number;
  /** The data bytes (a view into the control buffer). */
  data: Uint8Array;
}

/**
 * Walks the control messages of `control` (the first `length` bytes,
 * default all), calling `fn` for each; stops early when `fn` returns true.
 * Allocation-free apart from what `fn` does; truncated tails are ignored.
 *
 * @example
 * ```ts
 * import { forEachControlMessage, unixRights } from "@kernio/kernio/sock";
 * forEachControlMessage(unixRights(3, 4), (level, type, data, off) => {
 *   console.log(level, type, data.byteLength, off);
 * });
 * ```
 */
export function forEachControlMessage(
  control: Uint8Array,
  fn: (level: number, type: number, data: Uint8Array, offset: number) =>
    | boolean
    | void,
  length: number = control?.byteLength,
): void {
  checkBuf(control, "forEachControlMessage");
  if (typeof fn !== "function") {
    throw new TypeError("forEachControlMessage: fn must be a function");
  }
  intIn(length, 0, control.byteLength, "forEachControlMessage", "length");
  const dv = new DataView(control.buffer, control.byteOffset, length);
  let off = 0;
  while (off + SIZEOF_CMSGHDR <= length) {
    const len = u64(dv, off);
    if (len < SIZEOF_CMSGHDR || off + len > length) break;
    const level = dv.getInt32(off + 8, true);
    const type = dv.getInt32(off + 12, true);
    const data = control.subarray(off + SIZEOF_CMSGHDR, off + len);
    if (fn(level, type, data, off) === true) return;
    off += SIZEOF_CMSGHDR + Math.ceil((len - SIZEOF_CMSGHDR) / 8) * 8;
  }
}

/**
 * Every control message in `control` (allocates one object each).
 *
 * @example
 * ```ts
 * import { parseControlMessages, unixRights } from "@kernio/kernio/sock";
 * parseControlMessages(unixRights(3))[0].type; // 1 (SCM_RIGHTS)
 * ```
 */
export function parseControlMessages(
  control: Uint8Array,
  length: number = control?.byteLength,
): ControlMessage[] {
  const out: ControlMessage[] = [];
  forEachControlMessage(control, (level, type, data) => {
    out.push({ level, type, data });
  }, length);
  return out;
}

/**
 * Writes one control message (header and data) at `offset` of `control`
 * and returns the offset after it (CMSG_SPACE later).
 *
 * @example
 * ```ts
 * import { cmsgSpace, putControlMessage } from "@kernio/kernio/sock";
 * const ctl = new Uint8Array(cmsgSpace(2));
 * putControlMessage(ctl, 0, 17, 103, new Uint8Array([0xdc, 0x05])); // UDP_SEGMENT 1500
 * ```
 */
export function putControlMessage(
  control: Uint8Array,
  offset: number,
  level: number,
  type: number,
  data: Uint8Array,
): number {
  checkBuf(control, "putControlMessage");
  checkBuf(data, "putControlMessage");
  intIn(offset, 0, control.byteLength, "putControlMessage", "offset");
  intIn(level, -0x80000000, 0x7fffffff, "putControlMessage", "level");
  intIn(type, -0x80000000, 0x7fffffff, "putControlMessage", "type");
  const space = SIZEOF_CMSGHDR + Math.ceil(data.byteLength / 8) * 8;
  if (offset + space > control.byteLength) {
    throw new RangeError(
      `putControlMessage: needs ${space} bytes at offset ${offset}, buffer has ${
        control.byteLength - offset
      }`,
    );
  }
  const dv = new DataView(control.buffer, control.byteOffset + offset, space);
  dv.setUint32(0, SIZEOF_CMSGHDR + data.byteLength, true);
  dv.setUint32(4, 0, true);
  dv.setInt32(8, level, true);
  dv.setInt32(12, type, true);
  control.set(data, offset + SIZEOF_CMSGHDR);
  control.fill(0, offset + SIZEOF_CMSGHDR + data.byteLength, offset + space);
  return offset + space;
}

function checkFds(fds: readonly number[], op: string): void {
  if (!Array.isArray(fds)) throw new TypeError(`${op}: fds must be an array`);
  if (fds.length > SCM_MAX_FD) {
    throw new RangeError(
      `${op}: at most ${SCM_MAX_FD} descriptors per message, got ${fds.length}`,
    );
  }
  for (const fd of fds) checkFd(op, fd);
}

/**
 * A control buffer carrying `fds` as SCM_RIGHTS, for sendmsg.
 *
 * @example
 * ```ts
 * import { unixRights } from "@kernio/kernio/sock";
 * unixRights(0, 1).byteLength; // 24
 * ```
 */
export function unixRights(...fds: number[]): Uint8Array {
  checkFds(fds, "unixRights");
  const data = new Uint8Array(new Int32Array(fds).buffer);
  const ctl = new Uint8Array(cmsgSpace(data.byteLength));
  putControlMessage(ctl, 0, SOL.SOCKET, SCM.RIGHTS, data);
  return ctl;
}

/**
 * The descriptors of every SCM_RIGHTS message in a received control
 * buffer (the first `length` bytes, default all). The caller owns them.
 *
 * @example
 * ```ts
 * import { parseUnixRights, unixRights } from "@kernio/kernio/sock";
 * parseUnixRights(unixRights(7, 8)); // [7, 8]
 * ```
 */
export function parseUnixRights(
  control: Uint8Array,
  length: number = control?.byteLength,
): number[] {
  const out: number[] = [];
  forEachControlMessage(control, (level, type, data) => {
    if (level !== SOL.SOCKET || type !== SCM.RIGHTS) return;
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (let i = 0; i + 4 <= data.byteLength; i += 4) {
      out.push(dv.getInt32(i, true));
    }
  }, length);
  return out;
}

/**
 * Unix credentials (`struct ucred`).
 *
 * @example
 * ```ts
 * import { type Ucred, unixCredentials } from "@kernio/kernio/sock";
 * const me: Ucred = { pid: Deno.pid, uid: Deno.uid() ?? 0, gid: Deno.gid() ?? 0 };
 * const control = unixCredentials(me);
 * ```
 */
export interface Ucred {
  /** Process id. */
  pid: number;
  /** User id. */
  uid: number;
  /** Group id. */
  gid: number;
}

function checkCred(c: Ucred, op: string): void {
  if (typeof c !== "object" || c === null) {
    throw new TypeError(`${op}: expected { pid, uid, gid }`);
  }
  intIn(c.pid, 0, 0x7fffffff, op, "pid");
  intIn(c.uid, 0, 0xffffffff, op, "uid");
  intIn(c.gid, 0, 0xffffffff, op, "gid");
}

/**
 * A control buffer carrying `cred` as SCM_CREDENTIALS. The kernel checks
 * them: an unprivileged sender may only claim its own pid, uid and gid.
 *
 * @example
 * ```ts
 * import { unixCredentials } from "@kernio/kernio/sock";
 * unixCredentials({ pid: Deno.pid, uid: Deno.uid()!, gid: Deno.gid()! });
 * ```
 */
export function unixCredentials(cred: Ucred): Uint8Array {
  checkCred(cred, "unixCredentials");
  const data = new Uint8Array(SIZEOF_UCRED);
  const dv = new DataView(data.buffer);
  dv.setInt32(0, cred.pid, true);
  dv.setUint32(4, cred.uid, true);
  dv.setUint32(8, cred.gid, true);
  const ctl = new Uint8Array(cmsgSpace(SIZEOF_UCRED));
  putControlMessage(ctl, 0, SOL.SOCKET, SCM.CREDENTIALS, data);
  return ctl;
}

/**
 * The credentials of the first SCM_CREDENTIALS message in `control`, or
 * null when it carries none.
 *
 * @example
 * ```ts
 * import { parseUnixCredentials, unixCredentials } from "@kernio/kernio/sock";
 * parseUnixCredentials(unixCredentials({ pid: 1, uid: 0, gid: 0 })); // { pid: 1, uid: 0, gid: 0 }
 * ```
 */
export function parseUnixCredentials(
  control: Uint8Array,
  length: number = control?.byteLength,
): Ucred | null {
  let cred: Ucred | null = null;
  forEachControlMessage(control, (level, type, data) => {
    if (
      level !== SOL.SOCKET || type !== SCM.CREDENTIALS ||
      data.byteLength < SIZEOF_UCRED
    ) return false;
    const dv = new DataView(data.buffer, data.byteOffset, SIZEOF_UCRED);
    cred = {
      pid: dv.getInt32(0, true),
      uid: dv.getUint32(4, true),
      gid: dv.getUint32(8, true),
    };
    return true;
  }, length);
  return cred;
}

const one = new Int32Array(1);
const lenCell = new Uint32Array(1);

/**
 * Turns SO_PASSCRED on or off: with it on, every message received on the
 * Unix socket carries the sender's SCM_CREDENTIALS.
 *
 * @example
 * ```ts
 * import { setPassCred } from "@kernio/kernio/sock";
 * declare const fd: number;
 * setPassCred(fd, true);
 * ```
 */
export function setPassCred(socket: FdLike, enable: boolean): void {
  const fd = fdOf(socket, "setPassCred");
  if (typeof enable !== "boolean") {
    throw new TypeError("setPassCred: enable must be a boolean");
  }
  one[0] = enable ? 1 : 0;
  const r = setsockopt(fd, SOL.SOCKET, SO.PASSCRED, new Uint8Array(one.buffer));
  if (r < 0) throw errorFromErrno(r, "setsockopt(SO_PASSCRED)");
}

/**
 * Whether SO_PASSCRED is on.
 *
 * @example
 * ```ts
 * import { getPassCred } from "@kernio/kernio/sock";
 * declare const fd: number;
 * getPassCred(fd); // false by default
 * ```
 */
export function getPassCred(socket: FdLike): boolean {
  const fd = fdOf(socket, "getPassCred");
  lenCell[0] = 4;
  const r = getsockopt(
    fd,
    SOL.SOCKET,
    SO.PASSCRED,
    new Uint8Array(one.buffer),
    lenCell,
  );
  if (r < 0) throw errorFromErrno(r, "getsockopt(SO_PASSCRED)");
  return one[0] !== 0;
}

/**
 * The credentials of the peer of a connected Unix socket (SO_PEERCRED).
 *
 * @example
 * ```ts
 * import { getPeerCredentials } from "@kernio/kernio/sock";
 * declare const fd: number;
 * getPeerCredentials(fd).pid === Deno.pid; // for a socketpair
 * ```
 */
export function getPeerCredentials(socket: FdLike): Ucred {
  const fd = fdOf(socket, "getPeerCredentials");
  const b = new Uint8Array(SIZEOF_UCRED);
  lenCell[0] = SIZEOF_UCRED;
  const r = getsockopt(fd, SOL.SOCKET, SO.PEERCRED, b, lenCell);
  if (r < 0) throw errorFromErrno(r, "getsockopt(SO_PEERCRED)");
  const dv = new DataView(b.buffer);
  return {
    pid: dv.getInt32(0, true),
    uid: dv.getUint32(4, true),
    gid: dv.getUint32(8, true),
  };
}

/**
 * sendmsg(2) of `data` (at least one byte is sent: an empty `data` sends a
 * single zero byte, as the descriptors need a carrier) with `fds` as
 * SCM_RIGHTS (up to {@linkcode SCM_MAX_FD}). Non-blocking on a non-blocking
 * socket: returns {@linkcode WOULD_BLOCK} when the buffer is full, else the
 * bytes sent. Throws the typed error on failure.
 *
 * @example
 * ```ts
 * import { sendFDs } from "@kernio/kernio/sock";
 * declare const sock: number;
 * sendFDs(sock, [0], new TextEncoder().encode("x")); // passes stdin
 * ```
 */
export function sendFDs(
  socket: FdLike,
  fds: readonly number[],
  data: Uint8Array = new Uint8Array(0),
  creds?: Ucred,
): number {
  const fd = fdOf(socket, "sendFDs");
  checkFds(fds, "sendFDs");
  checkBuf(data, "sendFDs");
  const payload = data.byteLength > 0 ? data : new Uint8Array(1);
  let space = fds.length > 0 ? cmsgSpace(fds.length * 4) : 0;
  if (creds !== undefined) {
    checkCred(creds, "sendFDs");
    space += cmsgSpace(SIZEOF_UCRED);
  }
  const ctl = new Uint8Array(space);
  let off = 0;
  if (fds.length > 0) {
    off = putControlMessage(
      ctl,
      off,
      SOL.SOCKET,
      SCM.RIGHTS,
      new Uint8Array(new Int32Array(fds).buffer),
    );
  }
  if (creds !== undefined) {
    const c = unixCredentials(creds);
    ctl.set(c, off);
  }
  const msg = new Msghdr().setBuffers(new Iovecs(1).set(0, payload));
  if (space > 0) msg.setControl(ctl);
  const r = sendmsg(fd, msg.bytes, MSG.NOSIGNAL);
  if (r === WOULD_BLOCK) return WOULD_BLOCK;
  if (r < 0) throw errorFromErrno(r, "sendmsg(SCM_RIGHTS)");
  return data.byteLength > 0 ? r : 0;
}

/**
 * Anything laid out as a `struct msghdr` (56 bytes), such as zcall's
 * `Msghdr`.
 *
 * @example
 * ```ts
 * import { Msghdr } from "@kernio/kernio/zcall";
 * import type { MsghdrLike } from "@kernio/kernio/sock";
 * const msg: MsghdrLike = new Msghdr();
 * msg.bytes.byteLength; // 56
 * ```
 */
export interface MsghdrLike {
  /** The 56-byte struct. */
  readonly bytes: Uint8Array;
}

/**
 * What {@linkcode recvFDs} received.
 *
 * @example
 * ```ts
 * import { recvFDs, type RecvFDsResult, unixConnPair } from "@kernio/kernio/sock";
 * const [a, b] = unixConnPair("unix");
 * // null: nothing to read yet (after a sendFDs(a, ...): data and fds)
 * const r: RecvFDsResult | null = recvFDs(b, new Uint8Array(16), 4);
 * if (r) console.log(r.n, r.fds);
 * a.close();
 * b.close();
 * ```
 */
export interface RecvFDsResult {
  /** Payload bytes read into the data buffer (0 at end of stream). */
  n: number;
  /** Descriptors received (owned by the caller; close-on-exec is set). */
  fds: number[];
  /** Credentials, when the socket has SO_PASSCRED on. */
  creds: Ucred | null;
  /** msg_flags (MSG_CTRUNC when the control buffer was too small). */
  flags: number;
}

/**
 * recvmsg(2) into `data`, accepting up to `maxFDs` descriptors (MSG_CMSG_CLOEXEC
 * set on them). Returns null when nothing is queued on a non-blocking socket
 * (would block). Descriptors beyond `maxFDs` are closed by the kernel and
 * `flags` has MSG_CTRUNC.
 *
 * @example
 * ```ts
 * import { recvFDs } from "@kernio/kernio/sock";
 * declare const sock: number;
 * const got = recvFDs(sock, new Uint8Array(64), 16);
 * if (got !== null) for (const fd of got.fds) console.log(fd);
 * ```
 */
export function recvFDs(
  socket: FdLike,
  data: Uint8Array,
  maxFDs: number,
): RecvFDsResult | null {
  const fd = fdOf(socket, "recvFDs");
  checkBuf(data, "recvFDs");
  intIn(maxFDs, 0, SCM_MAX_FD, "recvFDs", "maxFDs");
  if (data.byteLength === 0) {
    throw new RangeError("recvFDs: the data buffer must not be empty");
  }
  const ctl = new Uint8Array(
    cmsgSpace(Math.max(maxFDs, 1) * 4) + cmsgSpace(SIZEOF_UCRED),
  );
  const msg = new Msghdr().setBuffers(new Iovecs(1).set(0, data)).setControl(
    ctl,
  );
  const r = recvmsg(fd, msg.bytes, MSG.CMSG_CLOEXEC);
  if (r === WOULD_BLOCK) return null;
  if (r < 0) throw errorFromErrno(r, "recvmsg(SCM_RIGHTS)");
  const clen = msg.controlLength;
  const fds = parseUnixRights(ctl, clen);
  let flags = msg.flags;
  // The buffer has room for credentials too; keep the promise of maxFDs.
  if (fds.length > maxFDs) {
    for (const extra of fds.splice(maxFDs)) close(extra);
    flags |= MSG.CTRUNC;
  }
  return { n: r, fds, creds: parseUnixCredentials(ctl, clen), flags };
}

/**
 * sendmsg(2) with a prepared {@linkcode Msghdr} (name, iovecs, control).
 * Returns the bytes sent, or {@linkcode WOULD_BLOCK}; throws the typed error
 * on failure.
 *
 * @example
 * ```ts
 * import { Msghdr } from "@kernio/kernio/zcall";
 * import { sendMsg, unixRights } from "@kernio/kernio/sock";
 * declare const sock: number;
 * const msg = new Msghdr().setBuffers([new Uint8Array([1])]).setControl(unixRights(0));
 * sendMsg(sock, msg);
 * ```
 */
export function sendMsg(socket: FdLike, msg: MsghdrLike, flags = 0): number {
  const fd = fdOf(socket, "sendMsg");
  if (!(msg?.bytes instanceof Uint8Array) || msg.bytes.byteLength < 56) {
    throw new TypeError(
      "sendMsg: msg must be a Msghdr (56-byte struct msghdr)",
    );
  }
  intIn(flags, 0, 0x7fffffff, "sendMsg", "flags");
  const r = sendmsg(fd, msg.bytes, flags | MSG.NOSIGNAL);
  if (r === WOULD_BLOCK) return WOULD_BLOCK;
  if (r < 0) throw errorFromErrno(r, "sendmsg");
  return r;
}

/**
 * recvmsg(2) into a prepared {@linkcode Msghdr}; its name and control
 * lengths are updated by the kernel. Returns the bytes received, or
 * {@linkcode WOULD_BLOCK}; throws the typed error on failure.
 *
 * @example
 * ```ts
 * import { Msghdr } from "@kernio/kernio/zcall";
 * import { recvMsg } from "@kernio/kernio/sock";
 * declare const sock: number;
 * const msg = new Msghdr().setBuffers([new Uint8Array(64)]).setControl(new Uint8Array(64));
 * const n = recvMsg(sock, msg);
 * ```
 */
export function recvMsg(socket: FdLike, msg: MsghdrLike, flags = 0): number {
  const fd = fdOf(socket, "recvMsg");
  if (!(msg?.bytes instanceof Uint8Array) || msg.bytes.byteLength < 56) {
    throw new TypeError(
      "recvMsg: msg must be a Msghdr (56-byte struct msghdr)",
    );
  }
  intIn(flags, 0, 0x7fffffff, "recvMsg", "flags");
  const r = recvmsg(fd, msg.bytes, flags);
  if (r === WOULD_BLOCK) return WOULD_BLOCK;
  if (r < 0) throw errorFromErrno(r, "recvmsg");
  return r;
}

/**
 * {@linkcode recvFDs} that waits on the sock reactor until a message
 * arrives. `deadline` is a Date.now() time in ms (TimedOutError after it);
 * `signal` aborts with AbortedError.
 *
 * @example
 * ```ts
 * import { recvFDsAsync } from "@kernio/kernio/sock";
 * declare const sock: number;
 * const { fds } = await recvFDsAsync(sock, new Uint8Array(16), 8, { deadline: Date.now() + 1000 });
 * ```
 */
export async function recvFDsAsync(
  socket: FdLike,
  data: Uint8Array,
  maxFDs: number,
  options?: { deadline?: number; signal?: AbortSignal },
): Promise<RecvFDsResult> {
  const fd = fdOf(socket, "recvFDsAsync");
  const deadline = options?.deadline ?? 0;
  if (!(typeof deadline === "number" && deadline >= 0)) {
    throw new RangeError(
      "recvFDsAsync: deadline must be a Date.now() time in ms",
    );
  }
  options?.signal?.throwIfAborted();
  for (;;) {
    const r = recvFDs(fd, data, maxFDs);
    if (r !== null) return r;
    await waitReadable(fd, deadline, options?.signal, "recvFDs");
  }
}
