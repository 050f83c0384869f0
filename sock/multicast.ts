/**
 * IP multicast: join and leave IPv4 groups (by interface address or by
 * interface index) and IPv6 groups, TTL / hop limit, loopback, outgoing
 * interface and IP_MULTICAST_ALL / IPV6_MULTICAST_ALL. Addresses are text
 * ("239.1.2.3", "ff02::1") or raw bytes (4 or 16).
 *
 * @example
 * ```ts
 * import { joinMulticast4n, linkByName, setMulticastLoop } from "@kernio/kernio/sock";
 * declare const fd: number; // a UDP socket bound to the group's port
 * joinMulticast4n(fd, "239.1.2.3", linkByName("eth0").index);
 * setMulticastLoop(fd, false);
 * ```
 *
 * @module
 */

import { IP, IPV6, SOL } from "../zcall/constants.ts";
import { getsockopt, setsockopt } from "../zcall/syscalls.ts";
import { errorFromErrno } from "./errors.ts";
import { parseIPv4, parseIPv6 } from "./ip.ts";
import { type FdLike, fdOf } from "./socket.ts";
import { intIn } from "../zcall/_validate.ts";
import { getFlag, getOption, setFlag, setOption, sockOpt } from "./_sockopt.ts";

// The integer options of this module, each declared once.
const OPT = {
  IP_MULTICAST_TTL: sockOpt(
    SOL.IP,
    IP.MULTICAST_TTL,
    "IP_MULTICAST_TTL",
    0,
    255,
  ),
  IP_MULTICAST_LOOP: sockOpt(SOL.IP, IP.MULTICAST_LOOP, "IP_MULTICAST_LOOP"),
  IP_MULTICAST_ALL: sockOpt(SOL.IP, IP.MULTICAST_ALL, "IP_MULTICAST_ALL"),
  IPV6_MULTICAST_HOPS: sockOpt(
    SOL.IPV6,
    IPV6.MULTICAST_HOPS,
    "IPV6_MULTICAST_HOPS",
    -1,
    255,
  ),
  IPV6_MULTICAST_LOOP: sockOpt(
    SOL.IPV6,
    IPV6.MULTICAST_LOOP,
    "IPV6_MULTICAST_LOOP",
  ),
  IPV6_MULTICAST_IF: sockOpt(SOL.IPV6, IPV6.MULTICAST_IF, "IPV6_MULTICAST_IF"),
  IPV6_MULTICAST_ALL: sockOpt(
    SOL.IPV6,
    IPV6.MULTICAST_ALL,
    "IPV6_MULTICAST_ALL",
  ),
} as const;

/**
 * An IPv4 address as text or 4 bytes.
 *
 * @example
 * ```ts
 * import type { IPv4Like } from "@kernio/kernio/sock";
 * const group: IPv4Like = "239.1.2.3";
 * const same: IPv4Like = [239, 1, 2, 3];
 * ```
 */
export type IPv4Like = string | ArrayLike<number>;
/**
 * An IPv6 address as text or 16 bytes.
 *
 * @example
 * ```ts
 * import type { IPv6Like } from "@kernio/kernio/sock";
 * const group: IPv6Like = "ff02::1";
 * ```
 */
export type IPv6Like = string | ArrayLike<number>;

function ip4(a: IPv4Like, op: string, what: string, out: Uint8Array): void {
  if (typeof a === "string") {
    if (parseIPv4(a, out) === null) {
      throw new TypeError(`${op}: ${what} "${a}" is not an IPv4 address`);
    }
    return;
  }
  if (a === null || typeof a !== "object" || a.length !== 4) {
    throw new TypeError(`${op}: ${what} must be an IPv4 string or 4 bytes`);
  }
  for (let i = 0; i < 4; i++) out[i] = intIn(a[i], 0, 255, op, what);
}

function ip6(a: IPv6Like, op: string, what: string, out: Uint8Array): void {
  if (typeof a === "string") {
    const z = a.indexOf("%");
    if (parseIPv6(z < 0 ? a : a.slice(0, z), out) === null) {
      throw new TypeError(`${op}: ${what} "${a}" is not an IPv6 address`);
    }
    return;
  }
  if (a === null || typeof a !== "object" || a.length !== 16) {
    throw new TypeError(`${op}: ${what} must be an IPv6 string or 16 bytes`);
  }
  for (let i = 0; i < 16; i++) out[i] = intIn(a[i], 0, 255, op, what);
}

function checkGroup4(b: Uint8Array, op: string): void {
  if ((b[0] & 0xf0) !== 0xe0) {
    throw new RangeError(`${op}: ${b.join(".")} is not a multicast address`);
  }
}

const req = new Uint8Array(new ArrayBuffer(20));
const reqDv = new DataView(req.buffer);
const lenCell = new Uint32Array(1);

function set(
  fd: number,
  level: number,
  name: number,
  buf: Uint8Array,
  len: number,
  op: string,
): void {
  const r = setsockopt(fd, level, name, buf, len);
  if (r < 0) throw errorFromErrno(r, op);
}

// struct ip_mreq { in_addr multiaddr; in_addr interface; } (8 bytes)
function mreq(group: IPv4Like, ifAddr: IPv4Like, op: string): void {
  req.fill(0);
  ip4(group, op, "group", req.subarray(0, 4));
  checkGroup4(req, op);
  ip4(ifAddr, op, "interface address", req.subarray(4, 8));
}

// struct ip_mreqn { in_addr multiaddr; in_addr address; int ifindex; } (12)
function mreqn(group: IPv4Like | null, ifindex: number, op: string): void {
  req.fill(0);
  if (group !== null) {
    ip4(group, op, "group", req.subarray(0, 4));
    checkGroup4(req, op);
  }
  intIn(ifindex, 0, 0x7fffffff, op, "ifindex");
  reqDv.setInt32(8, ifindex, true);
}

// struct ipv6_mreq { in6_addr multiaddr; int ifindex; } (20 bytes)
function mreq6(group: IPv6Like, ifindex: number, op: string): void {
  req.fill(0);
  ip6(group, op, "group", req.subarray(0, 16));
  if (req[0] !== 0xff) {
    throw new RangeError(`${op}: the group is not an IPv6 multicast address`);
  }
  intIn(ifindex, 0, 0x7fffffff, op, "ifindex");
  reqDv.setInt32(16, ifindex, true);
}

/**
 * Joins an IPv4 group on the interface with address `ifAddr` ("0.0.0.0":
 * the kernel picks one by route).
 *
 * @example
 * ```ts
 * import { joinMulticast4 } from "@kernio/kernio/sock";
 * declare const fd: number;
 * joinMulticast4(fd, "239.1.2.3", "0.0.0.0");
 * ```
 */
export function joinMulticast4(
  socket: FdLike,
  group: IPv4Like,
  ifAddr: IPv4Like = "0.0.0.0",
): void {
  const fd = fdOf(socket, "joinMulticast4");
  mreq(group, ifAddr, "joinMulticast4");
  set(fd, SOL.IP, IP.ADD_MEMBERSHIP, req, 8, "setsockopt(IP_ADD_MEMBERSHIP)");
}

/**
 * Leaves an IPv4 group joined with {@linkcode joinMulticast4}.
 *
 * @example
 * ```ts
 * import { leaveMulticast4 } from "@kernio/kernio/sock";
 * declare const fd: number;
 * leaveMulticast4(fd, "239.1.2.3", "0.0.0.0");
 * ```
 */
export function leaveMulticast4(
  socket: FdLike,
  group: IPv4Like,
  ifAddr: IPv4Like = "0.0.0.0",
): void {
  const fd = fdOf(socket, "leaveMulticast4");
  mreq(group, ifAddr, "leaveMulticast4");
  set(fd, SOL.IP, IP.DROP_MEMBERSHIP, req, 8, "setsockopt(IP_DROP_MEMBERSHIP)");
}

/**
 * Joins an IPv4 group on the interface with index `ifindex` (0: by route).
 *
 * @example
 * ```ts
 * import { joinMulticast4n } from "@kernio/kernio/sock";
 * declare const fd: number;
 * joinMulticast4n(fd, "239.1.2.3", 2);
 * ```
 */
export function joinMulticast4n(
  socket: FdLike,
  group: IPv4Like,
  ifindex: number,
): void {
  const fd = fdOf(socket, "joinMulticast4n");
  mreqn(group, ifindex, "joinMulticast4n");
  set(fd, SOL.IP, IP.ADD_MEMBERSHIP, req, 12, "setsockopt(IP_ADD_MEMBERSHIP)");
}

/**
 * Leaves an IPv4 group joined by interface index.
 *
 * @example
 * ```ts
 * import { leaveMulticast4n } from "@kernio/kernio/sock";
 * declare const fd: number;
 * leaveMulticast4n(fd, "239.1.2.3", 2);
 * ```
 */
export function leaveMulticast4n(
  socket: FdLike,
  group: IPv4Like,
  ifindex: number,
): void {
  const fd = fdOf(socket, "leaveMulticast4n");
  mreqn(group, ifindex, "leaveMulticast4n");
  set(
    fd,
    SOL.IP,
    IP.DROP_MEMBERSHIP,
    req,
    12,
    "setsockopt(IP_DROP_MEMBERSHIP)",
  );
}

/**
 * Joins an IPv6 group on interface `ifindex` (0: by route).
 *
 * @example
 * ```ts
 * import { joinMulticast6 } from "@kernio/kernio/sock";
 * declare const fd: number;
 * joinMulticast6(fd, "ff02::1:3", 2);
 * ```
 */
export function joinMulticast6(
  socket: FdLike,
  group: IPv6Like,
  ifindex: number,
): void {
  const fd = fdOf(socket, "joinMulticast6");
  mreq6(group, ifindex, "joinMulticast6");
  set(
    fd,
    SOL.IPV6,
    IPV6.ADD_MEMBERSHIP,
    req,
    20,
    "setsockopt(IPV6_ADD_MEMBERSHIP)",
  );
}

/**
 * Leaves an IPv6 group.
 *
 * @example
 * ```ts
 * import { leaveMulticast6 } from "@kernio/kernio/sock";
 * declare const fd: number;
 * leaveMulticast6(fd, "ff02::1:3", 2);
 * ```
 */
export function leaveMulticast6(
  socket: FdLike,
  group: IPv6Like,
  ifindex: number,
): void {
  const fd = fdOf(socket, "leaveMulticast6");
  mreq6(group, ifindex, "leaveMulticast6");
  set(
    fd,
    SOL.IPV6,
    IPV6.DROP_MEMBERSHIP,
    req,
    20,
    "setsockopt(IPV6_DROP_MEMBERSHIP)",
  );
}

/**
 * Sets the TTL of outgoing IPv4 multicast (0..255; 1 stays on the link).
 *
 * @example
 * ```ts
 * import { setMulticastTTL } from "@kernio/kernio/sock";
 * declare const fd: number;
 * setMulticastTTL(fd, 1);
 * ```
 */
export function setMulticastTTL(socket: FdLike, ttl: number): void {
  setOption(socket, OPT.IP_MULTICAST_TTL, ttl, "setMulticastTTL", "ttl");
}

/**
 * The IPv4 multicast TTL (default 1).
 *
 * @example
 * ```ts
 * import { getMulticastTTL } from "@kernio/kernio/sock";
 * declare const fd: number;
 * getMulticastTTL(fd); // 1
 * ```
 */
export function getMulticastTTL(socket: FdLike): number {
  return getOption(socket, OPT.IP_MULTICAST_TTL, "getMulticastTTL");
}

/**
 * Whether IPv4 multicast sent by this socket loops back to local members.
 *
 * @example
 * ```ts
 * import { setMulticastLoop } from "@kernio/kernio/sock";
 * declare const fd: number;
 * setMulticastLoop(fd, false);
 * ```
 */
export function setMulticastLoop(socket: FdLike, enable: boolean): void {
  setFlag(socket, OPT.IP_MULTICAST_LOOP, enable, "setMulticastLoop");
}

/**
 * Whether IPv4 multicast loopback is on (default true).
 *
 * @example
 * ```ts
 * import { getMulticastLoop } from "@kernio/kernio/sock";
 * declare const fd: number;
 * getMulticastLoop(fd); // true
 * ```
 */
export function getMulticastLoop(socket: FdLike): boolean {
  return getFlag(socket, OPT.IP_MULTICAST_LOOP, "getMulticastLoop");
}

/**
 * Sends IPv4 multicast out of the interface with address `ifAddr`.
 *
 * @example
 * ```ts
 * import { setMulticastInterface } from "@kernio/kernio/sock";
 * declare const fd: number;
 * setMulticastInterface(fd, "127.0.0.1");
 * ```
 */
export function setMulticastInterface(socket: FdLike, ifAddr: IPv4Like): void {
  const fd = fdOf(socket, "setMulticastInterface");
  req.fill(0);
  ip4(ifAddr, "setMulticastInterface", "interface address", req);
  set(fd, SOL.IP, IP.MULTICAST_IF, req, 4, "setsockopt(IP_MULTICAST_IF)");
}

/**
 * Sends IPv4 multicast out of interface `ifindex` (0: by route).
 *
 * @example
 * ```ts
 * import { setMulticastInterfaceByIndex } from "@kernio/kernio/sock";
 * declare const fd: number;
 * setMulticastInterfaceByIndex(fd, 1);
 * ```
 */
export function setMulticastInterfaceByIndex(
  socket: FdLike,
  ifindex: number,
): void {
  const fd = fdOf(socket, "setMulticastInterfaceByIndex");
  mreqn(null, ifindex, "setMulticastInterfaceByIndex");
  set(fd, SOL.IP, IP.MULTICAST_IF, req, 12, "setsockopt(IP_MULTICAST_IF)");
}

/**
 * The IPv4 address set as multicast interface ("0.0.0.0" when chosen by
 * route or set by index).
 *
 * @example
 * ```ts
 * import { getMulticastInterface } from "@kernio/kernio/sock";
 * declare const fd: number;
 * getMulticastInterface(fd); // "0.0.0.0"
 * ```
 */
export function getMulticastInterface(socket: FdLike): string {
  const fd = fdOf(socket, "getMulticastInterface");
  req.fill(0);
  lenCell[0] = 4;
  const r = getsockopt(fd, SOL.IP, IP.MULTICAST_IF, req, lenCell);
  if (r < 0) throw errorFromErrno(r, "getsockopt(IP_MULTICAST_IF)");
  return `${req[0]}.${req[1]}.${req[2]}.${req[3]}`;
}

/**
 * IP_MULTICAST_ALL: when on (the Linux default) the socket receives
 * multicast for every group joined by any socket of the host on its port;
 * off, only its own groups.
 *
 * @example
 * ```ts
 * import { setMulticastAll } from "@kernio/kernio/sock";
 * declare const fd: number;
 * setMulticastAll(fd, false);
 * ```
 */
export function setMulticastAll(socket: FdLike, enable: boolean): void {
  setFlag(socket, OPT.IP_MULTICAST_ALL, enable, "setMulticastAll");
}

/**
 * Whether IP_MULTICAST_ALL is on.
 *
 * @example
 * ```ts
 * import { getMulticastAll } from "@kernio/kernio/sock";
 * declare const fd: number;
 * getMulticastAll(fd); // true
 * ```
 */
export function getMulticastAll(socket: FdLike): boolean {
  return getFlag(socket, OPT.IP_MULTICAST_ALL, "getMulticastAll");
}

/**
 * Sets the IPv6 multicast hop limit (0..255, or -1 for the default).
 *
 * @example
 * ```ts
 * import { setMulticast6Hops } from "@kernio/kernio/sock";
 * declare const fd: number;
 * setMulticast6Hops(fd, 1);
 * ```
 */
export function setMulticast6Hops(socket: FdLike, hops: number): void {
  setOption(socket, OPT.IPV6_MULTICAST_HOPS, hops, "setMulticast6Hops", "hops");
}

/**
 * The IPv6 multicast hop limit.
 *
 * @example
 * ```ts
 * import { getMulticast6Hops } from "@kernio/kernio/sock";
 * declare const fd: number;
 * getMulticast6Hops(fd); // 1
 * ```
 */
export function getMulticast6Hops(socket: FdLike): number {
  return getOption(socket, OPT.IPV6_MULTICAST_HOPS, "getMulticast6Hops");
}

/**
 * Whether IPv6 multicast sent by this socket loops back locally.
 *
 * @example
 * ```ts
 * import { setMulticast6Loop } from "@kernio/kernio/sock";
 * declare const fd: number;
 * setMulticast6Loop(fd, false);
 * ```
 */
export function setMulticast6Loop(socket: FdLike, enable: boolean): void {
  setFlag(socket, OPT.IPV6_MULTICAST_LOOP, enable, "setMulticast6Loop");
}

/**
 * Whether IPv6 multicast loopback is on (default true).
 *
 * @example
 * ```ts
 * import { getMulticast6Loop } from "@kernio/kernio/sock";
 * declare const fd: number;
 * getMulticast6Loop(fd); // true
 * ```
 */
export function getMulticast6Loop(socket: FdLike): boolean {
  return getFlag(socket, OPT.IPV6_MULTICAST_LOOP, "getMulticast6Loop");
}

/**
 * Sends IPv6 multicast out of interface `ifindex` (0: by route).
 *
 * @example
 * ```ts
 * import { setMulticast6Interface } from "@kernio/kernio/sock";
 * declare const fd: number;
 * setMulticast6Interface(fd, 1);
 * ```
 */
export function setMulticast6Interface(socket: FdLike, ifindex: number): void {
  setOption(
    socket,
    OPT.IPV6_MULTICAST_IF,
    ifindex,
    "setMulticast6Interface",
    "ifindex",
  );
}

/**
 * The IPv6 multicast output interface index (0: by route).
 *
 * @example
 * ```ts
 * import { getMulticast6Interface } from "@kernio/kernio/sock";
 * declare const fd: number;
 * getMulticast6Interface(fd); // 0
 * ```
 */
export function getMulticast6Interface(socket: FdLike): number {
  return getOption(socket, OPT.IPV6_MULTICAST_IF, "getMulticast6Interface");
}

/**
 * IPV6_MULTICAST_ALL (see {@linkcode setMulticastAll}).
 *
 * @example
 * ```ts
 * import { setMulticast6All } from "@kernio/kernio/sock";
 * declare const fd: number;
 * setMulticast6All(fd, false);
 * ```
 */
export function setMulticast6All(socket: FdLike, enable: boolean): void {
  setFlag(socket, OPT.IPV6_MULTICAST_ALL, enable, "setMulticast6All");
}

/**
 * Whether IPV6_MULTICAST_ALL is on.
 *
 * @example
 * ```ts
 * import { getMulticast6All } from "@kernio/kernio/sock";
 * declare const fd: number;
 * getMulticast6All(fd); // true
 * ```
 */
export function getMulticast6All(socket: FdLike): boolean {
  return getFlag(socket, OPT.IPV6_MULTICAST_ALL, "getMulticast6All");
}
