/**
 * SCTP (Linux): SCTPSocket, SCTPConn, SCTPListener and SCTPDialer over
 * one-to-one (SOCK_STREAM) and one-to-many (SOCK_SEQPACKET) sockets,
 * SCTPAddr resolution, and the socket option helpers with their kernel
 * struct layouts (sctp_initmsg, sctp_rtoinfo, sctp_assocparams,
 * sctp_event_subscribe, sctp_assoc_value).
 *
 * On a kernel without SCTP (no `sctp` module) every constructor throws a
 * {@linkcode ProtocolNotSupportedError}; {@linkcode sctpAvailable} probes.
 *
 * @example
 * ```ts
 * import { dialSCTP, listenSCTP, sctpAvailable } from "@kernio/kernio/sock";
 * if (sctpAvailable()) {
 *   using ln = listenSCTP("sctp4", { hostname: "127.0.0.1", port: 0 });
 *   using c = dialSCTP("sctp4", null, ln.addr);
 *   await c.waitConnected();
 * }
 * ```
 *
 * @module
 */

import {
  AF,
  close,
  Errno,
  getsockopt,
  IPPROTO,
  setsockopt,
  SOCK,
  socket,
  SOL,
} from "../zcall/mod.ts";
import { errorFromErrno, TimedOutError, WOULD_BLOCK } from "./errors.ts";
import {
  ipFamilyOf,
  SockaddrInet4,
  SockaddrInet6,
  sockaddrToTCPAddr,
} from "./sockaddr.ts";
import { type FdLike, fdOf, NetSocket, openSocket } from "./socket.ts";
import { waitWritable } from "./_reactor.ts";
import { getSocketError } from "./options.ts";
import { bool, intIn } from "./_fd2.ts";

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
  PRIMARY_ADDR: 6,
  ADAPTATION_LAYER: 7,
  DISABLE_FRAGMENTS: 8,
  PEER_ADDR_PARAMS: 9,
  DEFAULT_SEND_PARAM: 10,
  EVENTS: 11,
  I_WANT_MAPPED_V4_ADDR: 12,
  MAXSEG: 13,
  STATUS: 14,
  GET_PEER_ADDR_INFO: 15,
  DELAYED_ACK_TIME: 16,
  DELAYED_SACK: 16,
  CONTEXT: 17,
  FRAGMENT_INTERLEAVE: 18,
  PARTIAL_DELIVERY_POINT: 19,
  MAX_BURST: 20,
  HMAC_IDENT: 22,
  AUTH_ACTIVE_KEY: 24,
  AUTO_ASCONF: 30,
  PEER_ADDR_THLDS: 31,
} as const;

/**
 * SCTP network names.
 *
 * @example
 * ```ts
 * import type { SCTPNetwork } from "@kernio/kernio/sock";
 * const net: SCTPNetwork = "sctp4";
 * ```
 */
export type SCTPNetwork = "sctp" | "sctp4" | "sctp6";

/**
 * An SCTP endpoint address: IP literal, port and optional IPv6 zone.
 *
 * @example
 * ```ts
 * import type { SCTPAddr } from "@kernio/kernio/sock";
 * const a: SCTPAddr = { hostname: "127.0.0.1", port: 9000 };
 * ```
 */
export interface SCTPAddr {
  /** IP literal ("" for any). */
  hostname: string;
  /** Port. */
  port: number;
  /** IPv6 zone (interface name or index), if any. */
  zone?: string;
}

/**
 * Parses "host:port" / "[v6%zone]:port" for an SCTP network (no DNS: the
 * host must be a literal or "localhost").
 *
 * @example
 * ```ts
 * import { resolveSCTPAddr } from "@kernio/kernio/sock";
 * resolveSCTPAddr("sctp6", "[::1]:9000"); // { hostname: "::1", port: 9000 }
 * ```
 */
export function resolveSCTPAddr(
  network: SCTPNetwork,
  address: string,
): SCTPAddr {
  const want = familyOfNetwork(network, "resolveSCTPAddr");
  if (typeof address !== "string") {
    throw new TypeError("resolveSCTPAddr: address must be a string");
  }
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):([0-9]{1,5})$/.exec(address);
  if (m === null) {
    throw new TypeError(
      `resolveSCTPAddr: "${address}" is not host:port (IPv6 in brackets)`,
    );
  }
  let host = m[1] ?? m[2];
  let zone: string | undefined;
  const pct = host.indexOf("%");
  if (pct >= 0) {
    zone = host.slice(pct + 1);
    host = host.slice(0, pct);
  }
  if (host === "localhost") host = want === 6 ? "::1" : "127.0.0.1";
  const fam = host === "" ? 0 : ipFamilyOf(host);
  if (host !== "" && fam === 0) {
    throw new TypeError(
      `resolveSCTPAddr: "${host}" is not an IP literal (kernio does no DNS lookups)`,
    );
  }
  if (want !== 0 && fam !== 0 && fam !== want) {
    throw new TypeError(
      `resolveSCTPAddr: ${host} is not an IPv${want} address (network ${network})`,
    );
  }
  const port = intIn(Number(m[3]), 0, 65535, "resolveSCTPAddr", "port");
  return zone === undefined
    ? { hostname: host, port }
    : { hostname: host, port, zone };
}

/**
 * An SCTPAddr from "ip:port" parts (the spec's SCTPAddrFromAddrPort).
 *
 * @example
 * ```ts
 * import { sctpAddrFromAddrPort } from "@kernio/kernio/sock";
 * sctpAddrFromAddrPort("::1", 80); // { hostname: "::1", port: 80 }
 * ```
 */
export function sctpAddrFromAddrPort(ip: string, port: number): SCTPAddr {
  if (typeof ip !== "string" || (ip !== "" && ipFamilyOf(ip) === 0)) {
    throw new TypeError(`sctpAddrFromAddrPort: "${ip}" is not an IP literal`);
  }
  return {
    hostname: ip,
    port: intIn(port, 0, 65535, "sctpAddrFromAddrPort", "port"),
  };
}

function familyOfNetwork(network: string, fn: string): 0 | 4 | 6 {
  if (network === "sctp") return 0;
  if (network === "sctp4") return 4;
  if (network === "sctp6") return 6;
  throw new TypeError(
    `${fn}: unknown network "${network}" (expected sctp, sctp4 or sctp6)`,
  );
}

function familyFor(
  network: SCTPNetwork,
  addrs: (SCTPAddr | null | undefined)[],
  fn: string,
): 4 | 6 {
  const want = familyOfNetwork(network, fn);
  let seen: 0 | 4 | 6 = 0;
  for (const a of addrs) {
    if (a === null || a === undefined) continue;
    if (typeof a !== "object" || typeof a.hostname !== "string") {
      throw new TypeError(`${fn}: addresses must be { hostname, port }`);
    }
    if (a.hostname === "" || a.hostname === "localhost") continue;
    const f = ipFamilyOf(a.hostname);
    if (f === 0) {
      throw new TypeError(`${fn}: "${a.hostname}" is not an IP literal`);
    }
    if ((want !== 0 && f !== want) || (seen !== 0 && f !== seen)) {
      throw new TypeError(`${fn}: address family mismatch for ${a.hostname}`);
    }
    seen = f;
  }
  return want !== 0 ? want : seen !== 0 ? seen : 4;
}

function sockaddrOf(a: SCTPAddr, fam: 4 | 6): SockaddrInet4 | SockaddrInet6 {
  intIn(a.port, 0, 65535, "sctp", "port");
  let h = a.hostname;
  if (h === "localhost") h = fam === 6 ? "::1" : "127.0.0.1";
  if (fam === 6) {
    const z = a.zone ? `%${a.zone}` : "";
    return SockaddrInet6.parse(h === "" ? "::" : h + z, a.port);
  }
  return SockaddrInet4.parse(h === "" ? "0.0.0.0" : h, a.port);
}

let probed: boolean | undefined;

/**
 * Whether this kernel has SCTP (a probe socket() call, cached).
 *
 * @example
 * ```ts
 * import { sctpAvailable } from "@kernio/kernio/sock";
 * sctpAvailable(); // false where the sctp module is absent
 * ```
 */
export function sctpAvailable(): boolean {
  if (probed === undefined) {
    const fd = socket(AF.INET, SOCK.STREAM | SOCK.CLOEXEC, IPPROTO.SCTP);
    probed = fd >= 0;
    if (fd >= 0) close(fd);
  }
  return probed;
}

/**
 * An SCTP socket (the spec's SCTPSocket): SOCK_SEQPACKET (one-to-many) from
 * `create4`/`create6`, SOCK_STREAM (one-to-one) from `createStream4/6`.
 *
 * @example
 * ```ts
 * import { ProtocolNotSupportedError, SCTPSocket } from "@kernio/kernio/sock";
 * try {
 *   SCTPSocket.create4().close();
 * } catch (e) {
 *   if (!(e instanceof ProtocolNotSupportedError)) throw e;
 * }
 * ```
 */
export class SCTPSocket extends NetSocket {
  /** Wraps an SCTP descriptor. */
  constructor(fd: number, domain: number, type: number) {
    super(fd, domain, type);
  }

  /** One-to-many IPv4 socket (SOCK_SEQPACKET). */
  static create4(): SCTPSocket {
    return new SCTPSocket(
      openSocket(AF.INET, SOCK.SEQPACKET, IPPROTO.SCTP),
      AF.INET,
      SOCK.SEQPACKET,
    );
  }

  /** One-to-many IPv6 socket (SOCK_SEQPACKET). */
  static create6(): SCTPSocket {
    return new SCTPSocket(
      openSocket(AF.INET6, SOCK.SEQPACKET, IPPROTO.SCTP),
      AF.INET6,
      SOCK.SEQPACKET,
    );
  }

  /** One-to-one IPv4 socket (SOCK_STREAM). */
  static createStream4(): SCTPSocket {
    return new SCTPSocket(
      openSocket(AF.INET, SOCK.STREAM, IPPROTO.SCTP),
      AF.INET,
      SOCK.STREAM,
    );
  }

  /** One-to-one IPv6 socket (SOCK_STREAM). */
  static createStream6(): SCTPSocket {
    return new SCTPSocket(
      openSocket(AF.INET6, SOCK.STREAM, IPPROTO.SCTP),
      AF.INET6,
      SOCK.STREAM,
    );
  }
}

/**
 * An SCTP association (one-to-one): `tryRead`/`tryWrite` return
 * WOULD_BLOCK when not ready; `read`/`write` wait on the sock reactor with
 * deadlines and AbortSignal.
 *
 * @example
 * ```ts
 * import { dialSCTP } from "@kernio/kernio/sock";
 * using c = dialSCTP("sctp4", null, { hostname: "127.0.0.1", port: 9000 });
 * await c.waitConnected();
 * await c.write(new Uint8Array([1]));
 * ```
 */
export class SCTPConn extends SCTPSocket {
  #local: Deno.NetAddr | undefined;
  #remote: Deno.NetAddr | undefined;

  /** Wraps a connected (or connecting) one-to-one SCTP descriptor. */
  constructor(fd: number, domain: number) {
    super(fd, domain, SOCK.STREAM);
  }

  /** The local address. */
  get localAddr(): Deno.NetAddr {
    return this.#local ??= sockaddrToTCPAddr(this.getSockname());
  }

  /** The remote address. */
  get remoteAddr(): Deno.NetAddr {
    return this.#remote ??= sockaddrToTCPAddr(this.getPeername());
  }

  /** Waits for a non-blocking connect to finish (typed error on failure). */
  async waitConnected(
    options?: { signal?: AbortSignal; deadline?: number },
  ): Promise<this> {
    const deadline = options?.deadline ?? this.writeDeadline;
    await waitWritable(this.fd, deadline, options?.signal, "connect");
    const err = getSocketError(this);
    if (err) throw err;
    return this;
  }
}

/**
 * An SCTP listener (one-to-one, SOCK_STREAM): `tryAccept` returns null when
 * nothing is pending, `accept` waits.
 *
 * @example
 * ```ts
 * import { listenSCTP } from "@kernio/kernio/sock";
 * using ln = listenSCTP("sctp", { hostname: "127.0.0.1", port: 0 });
 * const conn = await ln.accept({ signal: AbortSignal.timeout(1000) });
 * ```
 */
export class SCTPListener extends SCTPSocket {
  #addr: Deno.NetAddr | undefined;

  /** The bound address. */
  get addr(): Deno.NetAddr {
    return this.#addr ??= sockaddrToTCPAddr(this.getSockname());
  }

  /** Accepts one pending association, or returns null at once. */
  override tryAccept(): SCTPConn | null {
    const fd = this.tryAcceptFd();
    return fd === WOULD_BLOCK ? null : new SCTPConn(fd, this.networkType());
  }

  /** Waits for and accepts an association. */
  async accept(options?: { signal?: AbortSignal }): Promise<SCTPConn> {
    for (;;) {
      const c = this.tryAccept();
      if (c !== null) return c;
      await this.waitReadable(options);
    }
  }
}

/**
 * Creates an SCTP listener (one-to-one) bound to `laddr` (the spec's
 * ListenSCTP). Throws ProtocolNotSupportedError without kernel SCTP.
 *
 * @example
 * ```ts
 * import { listenSCTP } from "@kernio/kernio/sock";
 * using ln = listenSCTP("sctp6", { hostname: "::1", port: 0 });
 * ```
 */
export function listenSCTP(
  network: SCTPNetwork,
  laddr: SCTPAddr,
  backlog = 511,
): SCTPListener {
  if (laddr === null || laddr === undefined) {
    throw new TypeError("listenSCTP: a local address is required");
  }
  const fam = familyFor(network, [laddr], "listenSCTP");
  const sa = sockaddrOf(laddr, fam);
  intIn(backlog, 0, 0x7fffffff, "listenSCTP", "backlog");
  const domain = fam === 6 ? AF.INET6 : AF.INET;
  const ln = new SCTPListener(
    openSocket(domain, SOCK.STREAM, IPPROTO.SCTP),
    domain,
    SOCK.STREAM,
  );
  try {
    ln.bind(sa);
    ln.listen(backlog);
  } catch (e) {
    ln.close();
    throw e;
  }
  return ln;
}

/**
 * Starts a non-blocking SCTP association (the spec's DialSCTP): returns at
 * once, the handshake maybe in progress (finish with `waitConnected()` or
 * use {@linkcode SCTPDialer}).
 *
 * @example
 * ```ts
 * import { dialSCTP } from "@kernio/kernio/sock";
 * using c = dialSCTP("sctp", null, { hostname: "::1", port: 9000 });
 * ```
 */
export function dialSCTP(
  network: SCTPNetwork,
  laddr: SCTPAddr | null,
  raddr: SCTPAddr,
): SCTPConn {
  if (raddr === null || raddr === undefined) {
    throw new TypeError("dialSCTP: a remote address is required");
  }
  const fam = familyFor(network, [laddr, raddr], "dialSCTP");
  const ra = sockaddrOf(raddr, fam);
  const la = laddr ? sockaddrOf(laddr, fam) : null;
  const domain = fam === 6 ? AF.INET6 : AF.INET;
  const c = new SCTPConn(openSocket(domain, SOCK.STREAM, IPPROTO.SCTP), domain);
  try {
    if (la) c.bind(la);
    c.connect(ra);
  } catch (e) {
    c.close();
    throw e;
  }
  return c;
}

/**
 * Dials SCTP with an optional timeout (the spec's SCTPDialer): 0 returns at
 * once like {@linkcode dialSCTP}, otherwise waits for the association.
 *
 * @example
 * ```ts
 * import { SCTPDialer } from "@kernio/kernio/sock";
 * const d = new SCTPDialer({ timeout: 5000 });
 * using c = await d.dial4(null, { hostname: "127.0.0.1", port: 9000 });
 * ```
 */
export class SCTPDialer {
  #timeout = 0;
  /** Cancels dials in progress. */
  signal: AbortSignal | undefined;

  /** `timeout` in ms (0: non-blocking). */
  constructor(options?: { timeout?: number; signal?: AbortSignal }) {
    this.setDialTimeout(options?.timeout ?? 0);
    this.signal = options?.signal;
  }

  /** The timeout in ms. */
  get timeout(): number {
    return this.#timeout;
  }

  /** Sets the timeout in ms (0 disables waiting). */
  setDialTimeout(ms: number): void {
    if (!(typeof ms === "number" && ms >= 0)) {
      throw new RangeError(`SCTPDialer: timeout must be ms >= 0, got ${ms}`);
    }
    this.#timeout = ms;
  }

  /** Dials, the family from the network or the address. */
  async dial(
    network: SCTPNetwork,
    laddr: SCTPAddr | null,
    raddr: SCTPAddr,
  ): Promise<SCTPConn> {
    const c = dialSCTP(network, laddr, raddr);
    if (this.#timeout === 0 && this.signal === undefined) return c;
    const deadline = this.#timeout === 0 ? 0 : Date.now() + this.#timeout;
    try {
      return await c.waitConnected({ deadline, signal: this.signal });
    } catch (e) {
      c.close();
      if (e instanceof TimedOutError) {
        throw new TimedOutError(
          Errno.ETIMEDOUT,
          "dial",
          `sock: dial sctp ${raddr.hostname}:${raddr.port}: timed out after ${this.#timeout} ms`,
        );
      }
      throw e;
    }
  }

  /** Dials over IPv4. */
  dial4(laddr: SCTPAddr | null, raddr: SCTPAddr): Promise<SCTPConn> {
    return this.dial("sctp4", laddr, raddr);
  }

  /** Dials over IPv6. */
  dial6(laddr: SCTPAddr | null, raddr: SCTPAddr): Promise<SCTPConn> {
    return this.dial("sctp6", laddr, raddr);
  }
}

// ---- option helpers --------------------------------------------------------

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

function setInt(s: FdLike, name: number, v: number, op: string): void {
  const fd = fdOf(s, `set${op}`);
  sdv.setInt32(0, v, true);
  setRaw(fd, name, 4, op);
}

function getInt(s: FdLike, name: number, op: string): number {
  const fd = fdOf(s, `get${op}`);
  scratch.fill(0, 0, 4);
  getRaw(fd, name, 4, op);
  return sdv.getInt32(0, true);
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
  bool(enable, "setSCTPNodelay", "enable");
  setInt(s, SCTP_OPT.NODELAY, enable ? 1 : 0, "SCTP_NODELAY");
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
  return getInt(s, SCTP_OPT.NODELAY, "SCTP_NODELAY") !== 0;
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
  intIn(secs, 0, 0x7fffffff, "setSCTPAutoclose", "secs");
  setInt(s, SCTP_OPT.AUTOCLOSE, secs, "SCTP_AUTOCLOSE");
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
  return getInt(s, SCTP_OPT.AUTOCLOSE, "SCTP_AUTOCLOSE");
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
  bool(disable, "setSCTPDisableFragments", "disable");
  setInt(
    s,
    SCTP_OPT.DISABLE_FRAGMENTS,
    disable ? 1 : 0,
    "SCTP_DISABLE_FRAGMENTS",
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
  return getInt(s, SCTP_OPT.DISABLE_FRAGMENTS, "SCTP_DISABLE_FRAGMENTS") !== 0;
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
  intIn(level, 0, 2, "setSCTPFragmentInterleave", "level");
  setInt(s, SCTP_OPT.FRAGMENT_INTERLEAVE, level, "SCTP_FRAGMENT_INTERLEAVE");
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
  return getInt(s, SCTP_OPT.FRAGMENT_INTERLEAVE, "SCTP_FRAGMENT_INTERLEAVE");
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
  bool(enable, "setSCTPMappedV4", "enable");
  setInt(
    s,
    SCTP_OPT.I_WANT_MAPPED_V4_ADDR,
    enable ? 1 : 0,
    "SCTP_I_WANT_MAPPED_V4_ADDR",
  );
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
  return getInt(
    s,
    SCTP_OPT.I_WANT_MAPPED_V4_ADDR,
    "SCTP_I_WANT_MAPPED_V4_ADDR",
  ) !== 0;
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
  return getInt(
    s,
    SCTP_OPT.PARTIAL_DELIVERY_POINT,
    "SCTP_PARTIAL_DELIVERY_POINT",
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
