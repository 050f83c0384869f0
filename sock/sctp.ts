/**
 * SCTP (Linux): SCTPSocket, SCTPConn, SCTPListener and SCTPDialer over
 * one-to-one (SOCK_STREAM) and one-to-many (SOCK_SEQPACKET) sockets,
 * and SCTPAddr resolution. The socket options and their kernel struct
 * layouts are in sctp_options.ts.
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

import { AF, IPPROTO, SOCK } from "../zcall/constants.ts";
import { close, socket } from "../zcall/syscalls.ts";
import { WOULD_BLOCK } from "./errors.ts";
import {
  ipFamilyOf,
  SockaddrInet4,
  SockaddrInet6,
  sockaddrToTCPAddr,
} from "./sockaddr.ts";
import { closeOnError, NetSocket, openSocket } from "./socket.ts";
import { dialTimeout, finishDial, waitConnect } from "./_dial.ts";
import { intIn } from "../zcall/_validate.ts";

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
 * An SCTPAddr from "ip:port" parts.
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
 * An SCTP socket: SOCK_SEQPACKET (one-to-many) from
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
    return sctpSocket(AF.INET, SOCK.SEQPACKET);
  }

  /** One-to-many IPv6 socket (SOCK_SEQPACKET). */
  static create6(): SCTPSocket {
    return sctpSocket(AF.INET6, SOCK.SEQPACKET);
  }

  /** One-to-one IPv4 socket (SOCK_STREAM). */
  static createStream4(): SCTPSocket {
    return sctpSocket(AF.INET, SOCK.STREAM);
  }

  /** One-to-one IPv6 socket (SOCK_STREAM). */
  static createStream6(): SCTPSocket {
    return sctpSocket(AF.INET6, SOCK.STREAM);
  }
}

function sctpSocket(domain: number, type: number): SCTPSocket {
  return new SCTPSocket(openSocket(domain, type, IPPROTO.SCTP), domain, type);
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
    await waitConnect(this, deadline, options?.signal);
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
  accept(options?: { signal?: AbortSignal }): Promise<SCTPConn> {
    return this._acceptWith(() => this.tryAccept(), options);
  }
}

/**
 * Creates an SCTP listener (one-to-one) bound to `laddr`. Throws ProtocolNotSupportedError without kernel SCTP.
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
  return closeOnError(ln, () => {
    ln.bind(sa);
    ln.listen(backlog);
  });
}

/**
 * Starts a non-blocking SCTP association: returns at
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
  return closeOnError(c, () => {
    if (la) c.bind(la);
    c.connect(ra);
  });
}

/**
 * Dials SCTP with an optional timeout: 0 returns at
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
    this.#timeout = dialTimeout(ms, "SCTPDialer");
  }

  /** Dials, the family from the network or the address. */
  async dial(
    network: SCTPNetwork,
    laddr: SCTPAddr | null,
    raddr: SCTPAddr,
  ): Promise<SCTPConn> {
    return await finishDial(
      dialSCTP(network, laddr, raddr),
      this.#timeout,
      this.signal,
      `sctp ${raddr.hostname}:${raddr.port}`,
    );
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
