/**
 * Network links over rtnetlink: an RTM_GETLINK request on an AF_NETLINK
 * socket through zcall (no `ip` process, no /sys reads), decoded from the
 * kernel's ifinfomsg and IFLA_* attributes. Also resolves IPv6 zone names
 * ("fe80::1%lo") to interface indexes and back.
 *
 * @example
 * ```ts
 * import { linkByIndex, linkByName, links } from "@kernio/kernio/sock";
 * for (const l of links()) console.log(l.index, l.name, l.mtu);
 * const lo = linkByName("lo");
 * linkByIndex(lo.index).name; // "lo"
 * ```
 *
 * @module
 */

import { AF, SO, SOCK, SOL } from "../zcall/constants.ts";
import { Errno } from "../zcall/errno.ts";
import {
  close,
  recvfrom,
  sendto,
  setsockopt,
  socket,
} from "../zcall/syscalls.ts";
import { errorFromErrno } from "./errors.ts";
import { intIn } from "../zcall/_validate.ts";

const NETLINK_ROUTE = 0;
const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const NLM_F_REQUEST = 0x1;
const NLM_F_DUMP = 0x300;
const IFLA_ADDRESS = 1;
const IFLA_BROADCAST = 2;
const IFLA_IFNAME = 3;
const IFLA_MTU = 4;
const IFLA_LINK = 5;
const IFLA_QDISC = 6;
const IFLA_MASTER = 10;
const IFLA_TXQLEN = 13;
const IFLA_OPERSTATE = 16;
const IFLA_LINKMODE = 17;
const IFLA_GROUP = 27;
const IFLA_PROP_LIST = 52;
const IFLA_ALT_IFNAME = 53;
const NLA_F_NESTED = 0x8000;
const RTEXT_FILTER_SKIP_STATS = 1 << 3;
const IFLA_EXT_MASK = 29;

/**
 * Interface flags (`ifi_flags`, IFF_*).
 *
 * @example
 * ```ts
 * import { IFF, linkByName } from "@kernio/kernio/sock";
 * (linkByName("lo").flags & IFF.LOOPBACK) !== 0; // true
 * ```
 */
export const IFF = {
  UP: 0x1,
  BROADCAST: 0x2,
  DEBUG: 0x4,
  LOOPBACK: 0x8,
  POINTOPOINT: 0x10,
  NOTRAILERS: 0x20,
  RUNNING: 0x40,
  NOARP: 0x80,
  PROMISC: 0x100,
  ALLMULTI: 0x200,
  MASTER: 0x400,
  SLAVE: 0x800,
  MULTICAST: 0x1000,
  PORTSEL: 0x2000,
  AUTOMEDIA: 0x4000,
  DYNAMIC: 0x8000,
  LOWER_UP: 0x10000,
  DORMANT: 0x20000,
  ECHO: 0x40000,
} as const;

const OPER_STATES = [
  "UNKNOWN",
  "NOTPRESENT",
  "DOWN",
  "LOWERLAYERDOWN",
  "TESTING",
  "DORMANT",
  "UP",
] as const;

/**
 * One network link (interface) as rtnetlink reports it.
 *
 * @example
 * ```ts
 * import { type Link, linkByName } from "@kernio/kernio/sock";
 * const lo: Link = linkByName("lo");
 * lo.index; // 1 on most systems
 * ```
 */
export interface Link {
  /** Interface index (> 0). */
  index: number;
  /** Interface name ("lo", "eth0"). */
  name: string;
  /** Alternative names (IFLA_ALT_IFNAME). */
  altNames: string[];
  /** Link type (ARPHRD_*: 1 ether, 772 loopback). */
  type: number;
  /** IFF_* flags (see {@linkcode IFF}). */
  flags: number;
  /** MTU in bytes. */
  mtu: number;
  /** Hardware address as "aa:bb:cc:dd:ee:ff" ("" when none). */
  hardwareAddr: string;
  /** Broadcast hardware address ("" when none). */
  broadcast: string;
  /** RFC 2863 operational state: "UP", "DOWN", "UNKNOWN"... */
  operState: string;
  /** Transmit queue length. */
  txQueueLen: number;
  /** Queueing discipline name ("" when none). */
  qdisc: string;
  /** Index of the master device (bridge, bond), 0 if none. */
  master: number;
  /** Index of the underlying/peer link (IFLA_LINK), 0 if none. */
  link: number;
  /** Link mode (0 default, 1 dormant). */
  linkMode: number;
  /** Device group. */
  group: number;
}

const decoder = new TextDecoder();
const RECV_SIZE = 32768;

function hex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) {
    if (i > 0) s += ":";
    s += b[i].toString(16).padStart(2, "0");
  }
  return s;
}

function cstr(b: Uint8Array): string {
  const z = b.indexOf(0);
  return decoder.decode(z < 0 ? b : b.subarray(0, z));
}

function parseLink(msg: Uint8Array): Link {
  const dv = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  // struct ifinfomsg after the 16-byte nlmsghdr.
  const link: Link = {
    index: dv.getInt32(20, true),
    name: "",
    altNames: [],
    type: dv.getUint16(18, true),
    flags: dv.getUint32(24, true),
    mtu: 0,
    hardwareAddr: "",
    broadcast: "",
    operState: "UNKNOWN",
    txQueueLen: 0,
    qdisc: "",
    master: 0,
    link: 0,
    linkMode: 0,
    group: 0,
  };
  let off = 32;
  while (off + 4 <= msg.byteLength) {
    const len = dv.getUint16(off, true);
    const type = dv.getUint16(off + 2, true) & ~NLA_F_NESTED;
    if (len < 4 || off + len > msg.byteLength) break;
    const data = msg.subarray(off + 4, off + len);
    const u32 = () => data.byteLength >= 4 ? dv.getUint32(off + 4, true) : 0;
    switch (type) {
      case IFLA_IFNAME:
        link.name = cstr(data);
        break;
      case IFLA_ADDRESS:
        link.hardwareAddr = hex(data);
        break;
      case IFLA_BROADCAST:
        link.broadcast = hex(data);
        break;
      case IFLA_MTU:
        link.mtu = u32();
        break;
      case IFLA_LINK:
        link.link = u32();
        break;
      case IFLA_QDISC:
        link.qdisc = cstr(data);
        break;
      case IFLA_MASTER:
        link.master = u32();
        break;
      case IFLA_TXQLEN:
        link.txQueueLen = u32();
        break;
      case IFLA_OPERSTATE:
        link.operState = OPER_STATES[data[0]] ?? "UNKNOWN";
        break;
      case IFLA_LINKMODE:
        link.linkMode = data[0] ?? 0;
        break;
      case IFLA_GROUP:
        link.group = u32();
        break;
      case IFLA_PROP_LIST: {
        // Nested IFLA_ALT_IFNAME attributes.
        let o = 0;
        const ndv = new DataView(data.buffer, data.byteOffset, data.byteLength);
        while (o + 4 <= data.byteLength) {
          const l = ndv.getUint16(o, true);
          if (l < 4 || o + l > data.byteLength) break;
          if (
            (ndv.getUint16(o + 2, true) & ~NLA_F_NESTED) === IFLA_ALT_IFNAME
          ) {
            link.altNames.push(cstr(data.subarray(o + 4, o + l)));
          }
          o += (l + 3) & ~3;
        }
        break;
      }
    }
    off += (len + 3) & ~3;
  }
  return link;
}

let seq = 0;

// One request/response exchange: builds nlmsghdr + ifinfomsg (+ attributes),
// sends it to the kernel and collects every RTM_NEWLINK until NLMSG_DONE (a
// dump) or the single answer. The socket is blocking with a receive
// timeout: the kernel answers from inside sendto/recvfrom, so this never
// waits on the network.
function request(
  op: string,
  index: number,
  name: string | null,
  dump: boolean,
): Link[] {
  const fd = socket(AF.NETLINK, SOCK.RAW | SOCK.CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) throw errorFromErrno(fd, `${op}: socket(AF_NETLINK)`);
  try {
    const tv = new Uint8Array(16);
    new DataView(tv.buffer).setUint32(0, 2, true); // 2 s
    setsockopt(fd, SOL.SOCKET, SO.RCVTIMEO, tv);

    const nameBytes = name === null ? null : new TextEncoder().encode(name);
    const nameAttr = nameBytes === null
      ? 0
      : (4 + nameBytes.byteLength + 1 + 3) & ~3;
    const total = 16 + 16 + 8 + nameAttr;
    const req = new Uint8Array(total);
    const dv = new DataView(req.buffer);
    const mySeq = ++seq;
    dv.setUint32(0, total, true);
    dv.setUint16(4, RTM_GETLINK, true);
    dv.setUint16(6, NLM_F_REQUEST | (dump ? NLM_F_DUMP : 0), true);
    dv.setUint32(8, mySeq, true);
    dv.setUint32(12, 0, true);
    req[16] = AF.UNSPEC;
    dv.setInt32(20, index, true);
    // IFLA_EXT_MASK: skip the large statistics blocks.
    dv.setUint16(32, 8, true);
    dv.setUint16(34, IFLA_EXT_MASK, true);
    dv.setUint32(36, RTEXT_FILTER_SKIP_STATS, true);
    if (nameBytes !== null) {
      dv.setUint16(40, 4 + nameBytes.byteLength + 1, true);
      dv.setUint16(42, IFLA_IFNAME, true);
      req.set(nameBytes, 44);
    }
    const kernel = new Uint8Array(12);
    new DataView(kernel.buffer).setUint16(0, AF.NETLINK, true);
    const s = sendto(fd, req, 0, kernel, 12);
    if (s < 0) throw errorFromErrno(s, `${op}: sendto(RTM_GETLINK)`);

    const out: Link[] = [];
    const buf = new Uint8Array(RECV_SIZE);
    const bdv = new DataView(buf.buffer);
    // Bounded: a dump of thousands of links still ends with NLMSG_DONE.
    for (let rounds = 0; rounds < 100000; rounds++) {
      const n = recvfrom(fd, buf, 0, null, null);
      if (n < 0) throw errorFromErrno(n, `${op}: recvfrom(netlink)`);
      let off = 0;
      while (off + 16 <= n) {
        const len = bdv.getUint32(off, true);
        const type = bdv.getUint16(off + 4, true);
        if (len < 16 || off + len > n) break;
        if (bdv.getUint32(off + 8, true) === mySeq) {
          if (type === NLMSG_DONE) return out;
          if (type === NLMSG_ERROR) {
            const err = bdv.getInt32(off + 16, true);
            if (err === 0) return out;
            throw errorFromErrno(err, op);
          }
          if (type === RTM_NEWLINK) {
            out.push(parseLink(buf.subarray(off, off + len)));
            if (!dump) return out;
          }
        }
        off += (len + 3) & ~3;
      }
    }
    throw new Error(`${op}: netlink dump did not end`);
  } finally {
    close(fd);
  }
}

/**
 * Every network link of the current network namespace (RTM_GETLINK dump).
 *
 * @example
 * ```ts
 * import { links } from "@kernio/kernio/sock";
 * links().map((l) => l.name); // ["lo", "eth0", ...]
 * ```
 */
export function links(): Link[] {
  return request("links", 0, null, true);
}

/**
 * The link with interface index `index`. Throws a SockError with code
 * "ENODEV" when there is none.
 *
 * @example
 * ```ts
 * import { linkByIndex } from "@kernio/kernio/sock";
 * linkByIndex(1).name; // "lo"
 * ```
 */
export function linkByIndex(index: number): Link {
  intIn(index, 1, 0x7fffffff, "linkByIndex", "index");
  return request("linkByIndex", index, null, false)[0];
}

/**
 * The link named `name` (or one of its alternative names). Throws a
 * SockError with code "ENODEV" when there is none.
 *
 * @example
 * ```ts
 * import { linkByName } from "@kernio/kernio/sock";
 * linkByName("lo").index; // 1
 * ```
 */
export function linkByName(name: string): Link {
  if (typeof name !== "string" || name.length === 0 || name.length > 127) {
    throw new TypeError(
      `linkByName: name must be a non-empty string, got ${String(name)}`,
    );
  }
  if (name.includes("\0") || name.includes("/")) {
    throw new TypeError(`linkByName: invalid interface name "${name}"`);
  }
  const r = request("linkByName", 0, name, false);
  if (r.length === 0) throw errorFromErrno(-Errno.ENODEV, "linkByName");
  return r[0];
}

/**
 * The interface index an IPv6 zone names: a decimal index is taken as is,
 * a name is looked up over rtnetlink ("" means 0, no zone).
 *
 * @example
 * ```ts
 * import { zoneToIndex } from "@kernio/kernio/sock";
 * zoneToIndex("lo"); // 1
 * zoneToIndex("3"); // 3
 * ```
 */
export function zoneToIndex(zone: string): number {
  if (typeof zone !== "string") {
    throw new TypeError("zoneToIndex: zone must be a string");
  }
  if (zone === "") return 0;
  if (/^[0-9]+$/.test(zone)) {
    return intIn(Number(zone), 0, 0xffffffff, "zoneToIndex", "zone index");
  }
  return linkByName(zone).index;
}

/**
 * The zone text for an interface index: the link's name, or the decimal
 * index when no such link exists ("" for 0).
 *
 * @example
 * ```ts
 * import { indexToZone } from "@kernio/kernio/sock";
 * indexToZone(1); // "lo"
 * ```
 */
export function indexToZone(index: number): string {
  intIn(index, 0, 0xffffffff, "indexToZone", "index");
  if (index === 0) return "";
  if (index > 0x7fffffff) return String(index);
  try {
    return linkByIndex(index).name;
  } catch {
    return String(index);
  }
}

/**
 * Splits "addr%zone" and resolves the zone: `{ host, scopeId }`.
 *
 * @example
 * ```ts
 * import { splitZone } from "@kernio/kernio/sock";
 * splitZone("fe80::1%lo"); // { host: "fe80::1", scopeId: 1 }
 * ```
 */
export function splitZone(address: string): { host: string; scopeId: number } {
  if (typeof address !== "string") {
    throw new TypeError("splitZone: address must be a string");
  }
  const i = address.indexOf("%");
  if (i < 0) return { host: address, scopeId: 0 };
  return {
    host: address.slice(0, i),
    scopeId: zoneToIndex(address.slice(i + 1)),
  };
}
