// SCTP socket options (level SOL_SCTP): integer options, the
// sctp_assoc_value ones, and the structs sctp_initmsg, sctp_rtoinfo,
// sctp_assocparams and sctp_event_subscribe encoded in kernel layout.

import { errorFromErrno } from "./errors.ts";
import { SOL } from "../zcall/constants.ts";
import { getsockopt, setsockopt } from "../zcall/syscalls.ts";
import { type FdLike, fdOf } from "./socket.ts";
import { bool, intIn } from "../zcall/_validate.ts";
import { getFlag, getOption, setFlag, setOption, sockOpt } from "./_sockopt.ts";

/**
 * SCTP socket option names (level SOL_SCTP = 132).
 *
 * @example
 * ```ts
 * import { SCTP_OPT } from "@kernio/kernio/sock";
 * SCTP_OPT.NODELAY; // 3
 * ```
 */
export const SCTP_OPT = {
  RTOINFO: 0,
  ASSOCINFO: 1,
  INITMSG: 2,
  NODELAY: 3,
  AUTOCLOSE: 4,
  SET_PEER_PRIMARY_ADDR: 5,
  /** Short spelling of SET_PEER_PRIMARY_ADDR (same value). */
  SET_PEER_PRIMARY: 5,
  PRIMARY_ADDR: 6,
  ADAPTATION_LAYER: 7,
  DISABLE_FRAGMENTS: 8,
  PEER_ADDR_PARAMS: 9,
  DEFAULT_SEND_PARAM: 10,
  EVENTS: 11,
  I_WANT_MAPPED_V4_ADDR: 12,
  /** Short spelling of I_WANT_MAPPED_V4_ADDR (same value). */
  I_WANT_MAPPED_V4: 12,
  MAXSEG: 13,
  STATUS: 14,
  GET_PEER_ADDR_INFO: 15,
  DELAYED_ACK_TIME: 16,
  DELAYED_SACK: 16,
  CONTEXT: 17,
  FRAGMENT_INTERLEAVE: 18,
  PARTIAL_DELIVERY_POINT: 19,
  /** Short spelling of PARTIAL_DELIVERY_POINT (same value). */
  PARTIAL_DELIVERY: 19,
  MAX_BURST: 20,
  HMAC_IDENT: 22,
  AUTH_ACTIVE_KEY: 24,
  AUTO_ASCONF: 30,
  PEER_ADDR_THLDS: 31,
} as const;

// The integer options of this module, each declared once.
const OPT = {
  SCTP_NODELAY: sockOpt(SOL.SCTP, SCTP_OPT.NODELAY, "SCTP_NODELAY"),
  SCTP_AUTOCLOSE: sockOpt(SOL.SCTP, SCTP_OPT.AUTOCLOSE, "SCTP_AUTOCLOSE"),
  SCTP_DISABLE_FRAGMENTS: sockOpt(
    SOL.SCTP,
    SCTP_OPT.DISABLE_FRAGMENTS,
    "SCTP_DISABLE_FRAGMENTS",
  ),
  SCTP_FRAGMENT_INTERLEAVE: sockOpt(
    SOL.SCTP,
    SCTP_OPT.FRAGMENT_INTERLEAVE,
    "SCTP_FRAGMENT_INTERLEAVE",
    0,
    2,
  ),
  SCTP_I_WANT_MAPPED_V4_ADDR: sockOpt(
    SOL.SCTP,
    SCTP_OPT.I_WANT_MAPPED_V4_ADDR,
    "SCTP_I_WANT_MAPPED_V4_ADDR",
  ),
  SCTP_PARTIAL_DELIVERY_POINT: sockOpt(
    SOL.SCTP,
    SCTP_OPT.PARTIAL_DELIVERY_POINT,
    "SCTP_PARTIAL_DELIVERY_POINT",
  ),
} as const;

const scratch = new Uint8Array(new ArrayBuffer(64));
const sdv = new DataView(scratch.buffer);
const lenCell = new Uint32Array(1);

function setRaw(fd: number, name: number, len: number, op: string): void {
  const r = setsockopt(fd, SOL.SCTP, name, scratch, len);
  if (r < 0) throw errorFromErrno(r, `setsockopt(${op})`);
}

function getRaw(fd: number, name: number, len: number, op: string): number {
  lenCell[0] = len;
  const r = getsockopt(fd, SOL.SCTP, name, scratch, lenCell);
  if (r < 0) throw errorFromErrno(r, `getsockopt(${op})`);
  return lenCell[0];
}

// struct sctp_assoc_value { sctp_assoc_t assoc_id; u32 assoc_value; } (8)
function setAssocValue(s: FdLike, name: number, v: number, op: string): void {
  const fd = fdOf(s, `set${op}`);
  sdv.setInt32(0, 0, true);
  sdv.setUint32(4, v, true);
  setRaw(fd, name, 8, op);
}

function getAssocValue(s: FdLike, name: number, op: string): number {
  const fd = fdOf(s, `get${op}`);
  scratch.fill(0, 0, 8);
  getRaw(fd, name, 8, op);
  return sdv.getUint32(4, true);
}

/**
 * SCTP_NODELAY: disables the Nagle-like bundling delay.
 *
 * @example
 * ```ts
 * import { setSCTPNodelay } from "@kernio/kernio/sock";
 * declare const fd: number;
 * setSCTPNodelay(fd, true);
 * ```
 */
export function setSCTPNodelay(s: FdLike, enable: boolean): void {
  setFlag(s, OPT.SCTP_NODELAY, enable, "setSCTPNodelay");
}
/**
 * SCTP_NODELAY.
 *
 * @example
 * ```ts
 * import { getSCTPNodelay } from "@kernio/kernio/sock";
 * declare const fd: number;
 * getSCTPNodelay(fd);
 * ```
 */
export function getSCTPNodelay(s: FdLike): boolean {
  return getFlag(s, OPT.SCTP_NODELAY, "getSCTPNodelay");
}

/**
 * SCTP_AUTOCLOSE: idle associations close after `secs` (0: never).
 *
 * @example
 * ```ts
 * import { setSCTPAutoclose } from "@kernio/kernio/sock";
 * declare const fd: number;
 * setSCTPAutoclose(fd, 30);
 * ```
 */
export function setSCTPAutoclose(s: FdLike, secs: number): void {
  setOption(s, OPT.SCTP_AUTOCLOSE, secs, "setSCTPAutoclose", "secs");
}
/**
 * SCTP_AUTOCLOSE in seconds.
 *
 * @example
 * ```ts
 * import { getSCTPAutoclose } from "@kernio/kernio/sock";
 * declare const fd: number;
 * getSCTPAutoclose(fd);
 * ```
 */
export function getSCTPAutoclose(s: FdLike): number {
  return getOption(s, OPT.SCTP_AUTOCLOSE, "getSCTPAutoclose");
}

/**
 * SCTP_DISABLE_FRAGMENTS: refuse to fragment messages.
 *
 * @example
 * ```ts
 * import { setSCTPDisableFragments } from "@kernio/kernio/sock";
 * declare const fd: number;
 * setSCTPDisableFragments(fd, true);
 * ```
 */
export function setSCTPDisableFragments(s: FdLike, disable: boolean): void {
  setFlag(
    s,
    OPT.SCTP_DISABLE_FRAGMENTS,
    disable,
    "setSCTPDisableFragments",
    "disable",
  );
}
/**
 * SCTP_DISABLE_FRAGMENTS.
 *
 * @example
 * ```ts
 * import { getSCTPDisableFragments } from "@kernio/kernio/sock";
 * declare const fd: number;
 * getSCTPDisableFragments(fd);
 * ```
 */
export function getSCTPDisableFragments(s: FdLike): boolean {
  return getFlag(s, OPT.SCTP_DISABLE_FRAGMENTS, "getSCTPDisableFragments");
}

/**
 * SCTP_FRAGMENT_INTERLEAVE: 0 none, 1 same association, 2 full.
 *
 * @example
 * ```ts
 * import { setSCTPFragmentInterleave } from "@kernio/kernio/sock";
 * declare const fd: number;
 * setSCTPFragmentInterleave(fd, 1);
 * ```
 */
export function setSCTPFragmentInterleave(s: FdLike, level: number): void {
  setOption(
    s,
    OPT.SCTP_FRAGMENT_INTERLEAVE,
    level,
    "setSCTPFragmentInterleave",
    "level",
  );
}
/**
 * SCTP_FRAGMENT_INTERLEAVE.
 *
 * @example
 * ```ts
 * import { getSCTPFragmentInterleave } from "@kernio/kernio/sock";
 * declare const fd: number;
 * getSCTPFragmentInterleave(fd);
 * ```
 */
export function getSCTPFragmentInterleave(s: FdLike): number {
  return getOption(
    s,
    OPT.SCTP_FRAGMENT_INTERLEAVE,
    "getSCTPFragmentInterleave",
  );
}

/**
 * SCTP_I_WANT_MAPPED_V4_ADDR: IPv4 peers of an IPv6 socket as mapped addresses.
 *
 * @example
 * ```ts
 * import { setSCTPMappedV4 } from "@kernio/kernio/sock";
 * declare const fd: number;
 * setSCTPMappedV4(fd, true);
 * ```
 */
export function setSCTPMappedV4(s: FdLike, enable: boolean): void {
  setFlag(s, OPT.SCTP_I_WANT_MAPPED_V4_ADDR, enable, "setSCTPMappedV4");
}
/**
 * SCTP_I_WANT_MAPPED_V4_ADDR.
 *
 * @example
 * ```ts
 * import { getSCTPMappedV4 } from "@kernio/kernio/sock";
 * declare const fd: number;
 * getSCTPMappedV4(fd);
 * ```
 */
export function getSCTPMappedV4(s: FdLike): boolean {
  return getFlag(s, OPT.SCTP_I_WANT_MAPPED_V4_ADDR, "getSCTPMappedV4");
}

/**
 * SCTP_PARTIAL_DELIVERY_POINT in bytes.
 *
 * @example
 * ```ts
 * import { setSCTPPartialDeliveryPoint } from "@kernio/kernio/sock";
 * declare const fd: number;
 * setSCTPPartialDeliveryPoint(fd, 65536);
 * ```
 */
export function setSCTPPartialDeliveryPoint(s: FdLike, bytes: number): void {
  intIn(bytes, 0, 0xffffffff, "setSCTPPartialDeliveryPoint", "bytes");
  const fd = fdOf(s, "setSCTPPartialDeliveryPoint");
  sdv.setUint32(0, bytes, true);
  setRaw(fd, SCTP_OPT.PARTIAL_DELIVERY_POINT, 4, "SCTP_PARTIAL_DELIVERY_POINT");
}
/**
 * SCTP_PARTIAL_DELIVERY_POINT.
 *
 * @example
 * ```ts
 * import { getSCTPPartialDeliveryPoint } from "@kernio/kernio/sock";
 * declare const fd: number;
 * getSCTPPartialDeliveryPoint(fd);
 * ```
 */
export function getSCTPPartialDeliveryPoint(s: FdLike): number {
  return getOption(
    s,
    OPT.SCTP_PARTIAL_DELIVERY_POINT,
    "getSCTPPartialDeliveryPoint",
  ) >>> 0;
}

/**
 * SCTP_CONTEXT: default context of outgoing messages (sctp_assoc_value).
 *
 * @example
 * ```ts
 * import { setSCTPContext } from "@kernio/kernio/sock";
 * declare const fd: number;
 * setSCTPContext(fd, 42);
 * ```
 */
export function setSCTPContext(s: FdLike, context: number): void {
  intIn(context, 0, 0xffffffff, "setSCTPContext", "context");
  setAssocValue(s, SCTP_OPT.CONTEXT, context, "SCTP_CONTEXT");
}
/**
 * SCTP_CONTEXT.
 *
 * @example
 * ```ts
 * import { getSCTPContext } from "@kernio/kernio/sock";
 * declare const fd: number;
 * getSCTPContext(fd);
 * ```
 */
export function getSCTPContext(s: FdLike): number {
  return getAssocValue(s, SCTP_OPT.CONTEXT, "SCTP_CONTEXT");
}

/**
 * SCTP_MAX_BURST: packets per burst (sctp_assoc_value).
 *
 * @example
 * ```ts
 * import { setSCTPMaxBurst } from "@kernio/kernio/sock";
 * declare const fd: number;
 * setSCTPMaxBurst(fd, 4);
 * ```
 */
export function setSCTPMaxBurst(s: FdLike, burst: number): void {
  intIn(burst, 0, 0xffffffff, "setSCTPMaxBurst", "burst");
  setAssocValue(s, SCTP_OPT.MAX_BURST, burst, "SCTP_MAX_BURST");
}
/**
 * SCTP_MAX_BURST.
 *
 * @example
 * ```ts
 * import { getSCTPMaxBurst } from "@kernio/kernio/sock";
 * declare const fd: number;
 * getSCTPMaxBurst(fd);
 * ```
 */
export function getSCTPMaxBurst(s: FdLike): number {
  return getAssocValue(s, SCTP_OPT.MAX_BURST, "SCTP_MAX_BURST");
}

/**
 * SCTP_MAXSEG: maximum fragment size (sctp_assoc_value; 0: path MTU).
 *
 * @example
 * ```ts
 * import { setSCTPMaxseg } from "@kernio/kernio/sock";
 * declare const fd: number;
 * setSCTPMaxseg(fd, 1200);
 * ```
 */
export function setSCTPMaxseg(s: FdLike, size: number): void {
  intIn(size, 0, 0xffffffff, "setSCTPMaxseg", "size");
  setAssocValue(s, SCTP_OPT.MAXSEG, size, "SCTP_MAXSEG");
}
/**
 * SCTP_MAXSEG.
 *
 * @example
 * ```ts
 * import { getSCTPMaxseg } from "@kernio/kernio/sock";
 * declare const fd: number;
 * getSCTPMaxseg(fd);
 * ```
 */
export function getSCTPMaxseg(s: FdLike): number {
  return getAssocValue(s, SCTP_OPT.MAXSEG, "SCTP_MAXSEG");
}

/**
 * struct sctp_initmsg (8 bytes).
 *
 * @example
 * ```ts
 * import { encodeSCTPInitMsg, type SCTPInitMsg } from "@kernio/kernio/sock";
 * const m: SCTPInitMsg = { numOstreams: 10, maxInstreams: 10, maxAttempts: 4, maxInitTimeout: 0 };
 * encodeSCTPInitMsg(m).byteLength; // 8
 * ```
 */
export interface SCTPInitMsg {
  /** Outbound streams requested. */
  numOstreams: number;
  /** Maximum inbound streams. */
  maxInstreams: number;
  /** INIT retransmissions. */
  maxAttempts: number;
  /** Maximum INIT timeout (ms). */
  maxInitTimeout: number;
}

/**
 * Encodes a struct sctp_initmsg: four little-endian u16.
 *
 * @example
 * ```ts
 * import { encodeSCTPInitMsg } from "@kernio/kernio/sock";
 * encodeSCTPInitMsg({ numOstreams: 10, maxInstreams: 10, maxAttempts: 4, maxInitTimeout: 0 }); // 8 bytes
 * ```
 */
export function encodeSCTPInitMsg(
  m: SCTPInitMsg,
  out: Uint8Array = new Uint8Array(8),
): Uint8Array {
  if (m === null || typeof m !== "object") {
    throw new TypeError("SCTPInitMsg: expected an object");
  }
  const dv = new DataView(out.buffer, out.byteOffset, 8);
  dv.setUint16(
    0,
    intIn(m.numOstreams, 0, 65535, "SCTPInitMsg", "numOstreams"),
    true,
  );
  dv.setUint16(
    2,
    intIn(m.maxInstreams, 0, 65535, "SCTPInitMsg", "maxInstreams"),
    true,
  );
  dv.setUint16(
    4,
    intIn(m.maxAttempts, 0, 65535, "SCTPInitMsg", "maxAttempts"),
    true,
  );
  dv.setUint16(
    6,
    intIn(m.maxInitTimeout, 0, 65535, "SCTPInitMsg", "maxInitTimeout"),
    true,
  );
  return out;
}

/**
 * Decodes a struct sctp_initmsg.
 *
 * @example
 * ```ts
 * import { decodeSCTPInitMsg } from "@kernio/kernio/sock";
 * decodeSCTPInitMsg(new Uint8Array(8)).numOstreams; // 0
 * ```
 */
export function decodeSCTPInitMsg(b: Uint8Array): SCTPInitMsg {
  if (!(b instanceof Uint8Array) || b.byteLength < 8) {
    throw new TypeError("decodeSCTPInitMsg: needs 8 bytes");
  }
  const dv = new DataView(b.buffer, b.byteOffset, 8);
  return {
    numOstreams: dv.getUint16(0, true),
    maxInstreams: dv.getUint16(2, true),
    maxAttempts: dv.getUint16(4, true),
    maxInitTimeout: dv.getUint16(6, true),
  };
}

/**
 * SCTP_INITMSG: streams and INIT retransmission for new associations.
 *
 * @example
 * ```ts
 * import { setSCTPInitMsg } from "@kernio/kernio/sock";
 * declare const fd: number;
 * setSCTPInitMsg(fd, { numOstreams: 16, maxInstreams: 16, maxAttempts: 4, maxInitTimeout: 0 });
 * ```
 */
export function setSCTPInitMsg(s: FdLike, msg: SCTPInitMsg): void {
  const fd = fdOf(s, "setSCTPInitMsg");
  encodeSCTPInitMsg(msg, scratch);
  setRaw(fd, SCTP_OPT.INITMSG, 8, "SCTP_INITMSG");
}
/**
 * SCTP_INITMSG.
 *
 * @example
 * ```ts
 * import { getSCTPInitMsg } from "@kernio/kernio/sock";
 * declare const fd: number;
 * getSCTPInitMsg(fd).numOstreams;
 * ```
 */
export function getSCTPInitMsg(s: FdLike): SCTPInitMsg {
  const fd = fdOf(s, "getSCTPInitMsg");
  scratch.fill(0, 0, 8);
  getRaw(fd, SCTP_OPT.INITMSG, 8, "SCTP_INITMSG");
  return decodeSCTPInitMsg(scratch);
}

/**
 * struct sctp_rtoinfo (16 bytes): retransmission timeouts in ms.
 *
 * @example
 * ```ts
 * import { encodeSCTPRtoInfo, type SCTPRtoInfo } from "@kernio/kernio/sock";
 * const r: SCTPRtoInfo = { assocId: 0, initial: 3000, max: 60000, min: 1000 };
 * encodeSCTPRtoInfo(r).byteLength; // 16
 * ```
 */
export interface SCTPRtoInfo {
  /** Association id (0: the socket's defaults). */
  assocId: number;
  /** Initial RTO. */
  initial: number;
  /** Maximum RTO. */
  max: number;
  /** Minimum RTO. */
  min: number;
}

/**
 * Encodes a struct sctp_rtoinfo { i32 assoc_id; u32 initial, max, min }.
 *
 * @example
 * ```ts
 * import { encodeSCTPRtoInfo } from "@kernio/kernio/sock";
 * encodeSCTPRtoInfo({ assocId: 0, initial: 3000, max: 60000, min: 1000 }).byteLength; // 16
 * ```
 */
export function encodeSCTPRtoInfo(
  r: SCTPRtoInfo,
  out: Uint8Array = new Uint8Array(16),
): Uint8Array {
  if (r === null || typeof r !== "object") {
    throw new TypeError("SCTPRtoInfo: expected an object");
  }
  const dv = new DataView(out.buffer, out.byteOffset, 16);
  dv.setInt32(
    0,
    intIn(r.assocId, -0x80000000, 0x7fffffff, "SCTPRtoInfo", "assocId"),
    true,
  );
  dv.setUint32(
    4,
    intIn(r.initial, 0, 0xffffffff, "SCTPRtoInfo", "initial"),
    true,
  );
  dv.setUint32(8, intIn(r.max, 0, 0xffffffff, "SCTPRtoInfo", "max"), true);
  dv.setUint32(12, intIn(r.min, 0, 0xffffffff, "SCTPRtoInfo", "min"), true);
  return out;
}

/**
 * SCTP_RTOINFO (set).
 *
 * @example
 * ```ts
 * import { setSCTPRtoInfo } from "@kernio/kernio/sock";
 * declare const fd: number;
 * setSCTPRtoInfo(fd, { assocId: 0, initial: 1000, max: 10000, min: 500 });
 * ```
 */
export function setSCTPRtoInfo(s: FdLike, r: SCTPRtoInfo): void {
  const fd = fdOf(s, "setSCTPRtoInfo");
  encodeSCTPRtoInfo(r, scratch);
  setRaw(fd, SCTP_OPT.RTOINFO, 16, "SCTP_RTOINFO");
}
/**
 * SCTP_RTOINFO (get, for `assocId`, default 0).
 *
 * @example
 * ```ts
 * import { getSCTPRtoInfo } from "@kernio/kernio/sock";
 * declare const fd: number;
 * getSCTPRtoInfo(fd).initial; // 3000 by default
 * ```
 */
export function getSCTPRtoInfo(s: FdLike, assocId = 0): SCTPRtoInfo {
  const fd = fdOf(s, "getSCTPRtoInfo");
  scratch.fill(0, 0, 16);
  sdv.setInt32(
    0,
    intIn(assocId, -0x80000000, 0x7fffffff, "getSCTPRtoInfo", "assocId"),
    true,
  );
  getRaw(fd, SCTP_OPT.RTOINFO, 16, "SCTP_RTOINFO");
  return {
    assocId: sdv.getInt32(0, true),
    initial: sdv.getUint32(4, true),
    max: sdv.getUint32(8, true),
    min: sdv.getUint32(12, true),
  };
}

/**
 * struct sctp_assocparams (20 bytes).
 *
 * @example
 * ```ts
 * import { encodeSCTPAssocParams, type SCTPAssocParams } from "@kernio/kernio/sock";
 * declare const p: SCTPAssocParams;
 * encodeSCTPAssocParams(p).byteLength; // 20
 * ```
 */
export interface SCTPAssocParams {
  /** Association id (0: defaults). */
  assocId: number;
  /** Maximum retransmissions before the association is declared dead. */
  maxRetrans: number;
  /** Number of peer destination addresses (read-only). */
  numberPeerDestinations: number;
  /** Peer receive window (read-only). */
  peerRwnd: number;
  /** Local receive window (read-only). */
  localRwnd: number;
  /** Cookie lifetime (ms). */
  cookieLife: number;
}

/**
 * Encodes struct sctp_assocparams { i32 id; u16 asocmaxrxt; u16 peers; u32 peer_rwnd; u32 local_rwnd; u32 cookie_life }.
 *
 * @example
 * ```ts
 * import { encodeSCTPAssocParams } from "@kernio/kernio/sock";
 * encodeSCTPAssocParams({ assocId: 0, maxRetrans: 10, numberPeerDestinations: 0, peerRwnd: 0, localRwnd: 0, cookieLife: 60000 }).byteLength; // 20
 * ```
 */
export function encodeSCTPAssocParams(
  p: SCTPAssocParams,
  out: Uint8Array = new Uint8Array(20),
): Uint8Array {
  if (p === null || typeof p !== "object") {
    throw new TypeError("SCTPAssocParams: expected an object");
  }
  const dv = new DataView(out.buffer, out.byteOffset, 20);
  dv.setInt32(
    0,
    intIn(p.assocId, -0x80000000, 0x7fffffff, "SCTPAssocParams", "assocId"),
    true,
  );
  dv.setUint16(
    4,
    intIn(p.maxRetrans, 0, 65535, "SCTPAssocParams", "maxRetrans"),
    true,
  );
  dv.setUint16(
    6,
    intIn(
      p.numberPeerDestinations,
      0,
      65535,
      "SCTPAssocParams",
      "numberPeerDestinations",
    ),
    true,
  );
  dv.setUint32(
    8,
    intIn(p.peerRwnd, 0, 0xffffffff, "SCTPAssocParams", "peerRwnd"),
    true,
  );
  dv.setUint32(
    12,
    intIn(p.localRwnd, 0, 0xffffffff, "SCTPAssocParams", "localRwnd"),
    true,
  );
  dv.setUint32(
    16,
    intIn(p.cookieLife, 0, 0xffffffff, "SCTPAssocParams", "cookieLife"),
    true,
  );
  return out;
}

/**
 * SCTP_ASSOCINFO (set: maxRetrans and cookieLife apply).
 *
 * @example
 * ```ts
 * import { setSCTPAssocInfo } from "@kernio/kernio/sock";
 * declare const fd: number;
 * setSCTPAssocInfo(fd, { assocId: 0, maxRetrans: 5, numberPeerDestinations: 0, peerRwnd: 0, localRwnd: 0, cookieLife: 30000 });
 * ```
 */
export function setSCTPAssocInfo(s: FdLike, p: SCTPAssocParams): void {
  const fd = fdOf(s, "setSCTPAssocInfo");
  encodeSCTPAssocParams(p, scratch);
  setRaw(fd, SCTP_OPT.ASSOCINFO, 20, "SCTP_ASSOCINFO");
}
/**
 * SCTP_ASSOCINFO (get).
 *
 * @example
 * ```ts
 * import { getSCTPAssocInfo } from "@kernio/kernio/sock";
 * declare const fd: number;
 * getSCTPAssocInfo(fd).cookieLife;
 * ```
 */
export function getSCTPAssocInfo(s: FdLike, assocId = 0): SCTPAssocParams {
  const fd = fdOf(s, "getSCTPAssocInfo");
  scratch.fill(0, 0, 20);
  sdv.setInt32(
    0,
    intIn(assocId, -0x80000000, 0x7fffffff, "getSCTPAssocInfo", "assocId"),
    true,
  );
  getRaw(fd, SCTP_OPT.ASSOCINFO, 20, "SCTP_ASSOCINFO");
  return {
    assocId: sdv.getInt32(0, true),
    maxRetrans: sdv.getUint16(4, true),
    numberPeerDestinations: sdv.getUint16(6, true),
    peerRwnd: sdv.getUint32(8, true),
    localRwnd: sdv.getUint32(12, true),
    cookieLife: sdv.getUint32(16, true),
  };
}

/**
 * The flags of struct sctp_event_subscribe, in kernel order.
 *
 * @example
 * ```ts
 * import { SCTP_EVENT_FIELDS } from "@kernio/kernio/sock";
 * SCTP_EVENT_FIELDS[0]; // "dataIo"
 * ```
 */
export const SCTP_EVENT_FIELDS = [
  "dataIo",
  "association",
  "address",
  "sendFailure",
  "peerError",
  "shutdown",
  "partialDelivery",
  "adaptationLayer",
  "authentication",
  "senderDry",
  "streamReset",
  "assocReset",
  "streamChange",
  "sendFailureEvent",
] as const;

/**
 * struct sctp_event_subscribe: one byte flag per notification kind.
 *
 * @example
 * ```ts
 * import type { SCTPEventSubscribe } from "@kernio/kernio/sock";
 * const ev: SCTPEventSubscribe = { dataIo: true, association: true };
 * ```
 */
export type SCTPEventSubscribe = Partial<
  Record<typeof SCTP_EVENT_FIELDS[number], boolean>
>;

/**
 * SCTP_EVENTS: which notifications arrive as messages (absent flags: off).
 *
 * @example
 * ```ts
 * import { setSCTPEvents } from "@kernio/kernio/sock";
 * declare const fd: number;
 * setSCTPEvents(fd, { dataIo: true, association: true, shutdown: true });
 * ```
 */
export function setSCTPEvents(s: FdLike, ev: SCTPEventSubscribe): void {
  const fd = fdOf(s, "setSCTPEvents");
  if (ev === null || typeof ev !== "object") {
    throw new TypeError("setSCTPEvents: expected an object of boolean flags");
  }
  for (const k of Object.keys(ev)) {
    if (!(SCTP_EVENT_FIELDS as readonly string[]).includes(k)) {
      throw new TypeError(`setSCTPEvents: unknown event "${k}"`);
    }
  }
  SCTP_EVENT_FIELDS.forEach((k, i) => {
    const v = ev[k];
    if (v !== undefined) bool(v, "setSCTPEvents", k);
    scratch[i] = v ? 1 : 0;
  });
  setRaw(fd, SCTP_OPT.EVENTS, SCTP_EVENT_FIELDS.length, "SCTP_EVENTS");
}
/**
 * SCTP_EVENTS (the flags this kernel reports).
 *
 * @example
 * ```ts
 * import { getSCTPEvents } from "@kernio/kernio/sock";
 * declare const fd: number;
 * getSCTPEvents(fd).dataIo;
 * ```
 */
export function getSCTPEvents(s: FdLike): SCTPEventSubscribe {
  const fd = fdOf(s, "getSCTPEvents");
  scratch.fill(0, 0, SCTP_EVENT_FIELDS.length);
  const n = getRaw(
    fd,
    SCTP_OPT.EVENTS,
    SCTP_EVENT_FIELDS.length,
    "SCTP_EVENTS",
  );
  const out: SCTPEventSubscribe = {};
  SCTP_EVENT_FIELDS.forEach((k, i) => {
    if (i < n) out[k] = scratch[i] !== 0;
  });
  return out;
}
