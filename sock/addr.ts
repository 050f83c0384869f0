// IP endpoint values beyond sockaddrs: IPAddr (an address and zone, no
// port), conversions between endpoint kinds, "ip:port" text, and name
// resolution (the hosts file, then DNS through Deno.resolveDns).

import {
  AddrError,
  InvalidAddrError,
  MissingPermissionError,
  UnknownNetworkError,
} from "./errors.ts";
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from "./ip.ts";

/**
 * An IP address without a port (the `ip` networks of raw sockets and
 * ping): the address text and, for link-local IPv6, the zone (interface
 * name or index).
 *
 * @example
 * ```ts
 * import type { IPAddr } from "@kernio/kernio/sock";
 * const a: IPAddr = { hostname: "fe80::1", zone: "eth0" };
 * ```
 */
export interface IPAddr {
  /** IPv4 or IPv6 literal. */
  hostname: string;
  /** IPv6 zone, when the address has one. */
  zone?: string;
}

/**
 * An IP endpoint with an optional zone: Deno.NetAddr, `{ hostname, port }`
 * or an SCTPAddr. A zone may also follow the hostname ("fe80::1%eth0").
 *
 * @example
 * ```ts
 * import type { ZonedHostPort } from "@kernio/kernio/sock";
 * const a: ZonedHostPort = { hostname: "fe80::1", port: 22, zone: "eth0" };
 * ```
 */
export interface ZonedHostPort {
  /** IP literal, optionally with "%zone". */
  hostname?: string;
  /** Port. */
  port: number;
  /** IPv6 zone (interface name or index). */
  zone?: string;
}

function splitHostZone(hostname: string): { host: string; zone?: string } {
  const i = hostname.indexOf("%");
  return i < 0
    ? { host: hostname }
    : { host: hostname.slice(0, i), zone: hostname.slice(i + 1) };
}

function ipAddrOf(a: ZonedHostPort, fn: string): IPAddr {
  if (a === null || typeof a !== "object") {
    throw new InvalidAddrError(fn, "expected an address object", String(a));
  }
  const { host, zone } = splitHostZone(a.hostname ?? "");
  const z = a.zone ?? zone;
  return z ? { hostname: host, zone: z } : { hostname: host };
}

/**
 * The IP part of a TCP endpoint (Deno.NetAddr or `{ hostname, port }`):
 * address and zone, without the port.
 *
 * @example
 * ```ts
 * import { ipAddrFromTCPAddr } from "@kernio/kernio/sock";
 * ipAddrFromTCPAddr({ hostname: "fe80::1%lo", port: 80 }); // { hostname: "fe80::1", zone: "lo" }
 * ```
 */
export function ipAddrFromTCPAddr(addr: ZonedHostPort): IPAddr {
  return ipAddrOf(addr, "ipAddrFromTCPAddr");
}

/**
 * The IP part of a UDP endpoint (see {@linkcode ipAddrFromTCPAddr}).
 *
 * @example
 * ```ts
 * import { ipAddrFromUDPAddr } from "@kernio/kernio/sock";
 * ipAddrFromUDPAddr({ hostname: "10.0.0.1", port: 53 }); // { hostname: "10.0.0.1" }
 * ```
 */
export function ipAddrFromUDPAddr(addr: ZonedHostPort): IPAddr {
  return ipAddrOf(addr, "ipAddrFromUDPAddr");
}

/**
 * The IP part of an SCTP endpoint (see {@linkcode ipAddrFromTCPAddr}).
 *
 * @example
 * ```ts
 * import { ipAddrFromSCTPAddr } from "@kernio/kernio/sock";
 * ipAddrFromSCTPAddr({ hostname: "::1", port: 9, zone: "lo" }); // { hostname: "::1", zone: "lo" }
 * ```
 */
export function ipAddrFromSCTPAddr(addr: ZonedHostPort): IPAddr {
  return ipAddrOf(addr, "ipAddrFromSCTPAddr");
}

/**
 * Parses "ip:port" text: "10.0.0.1:80", "[::1]:443", "[fe80::1%eth0]:22".
 * The address must be a literal and the port decimal 0..65535; an
 * InvalidAddrError otherwise. The zone stays in the hostname ("fe80::1%eth0").
 *
 * @example
 * ```ts
 * import { parseAddrPort } from "@kernio/kernio/sock";
 * parseAddrPort("[::1]:8080"); // { hostname: "::1", port: 8080 }
 * ```
 */
export function parseAddrPort(
  text: string,
): { hostname: string; port: number } {
  const fn = "parseAddrPort";
  if (typeof text !== "string") {
    throw new InvalidAddrError(fn, "expected ip:port text", String(text));
  }
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):([0-9]{1,5})$/.exec(text);
  if (m === null) {
    throw new InvalidAddrError(fn, "not ip:port (IPv6 in brackets)", text);
  }
  const port = Number(m[3]);
  if (port > 65535) throw new InvalidAddrError(fn, "port out of range", text);
  const hostname = canonicalLiteral(m[1] ?? m[2], m[1] !== undefined, fn, text);
  return { hostname, port };
}

// The canonical text of an IP literal (zone kept), or an InvalidAddrError.
function canonicalLiteral(
  h: string,
  v6Only: boolean,
  fn: string,
  text: string,
): string {
  const { host, zone } = splitHostZone(h);
  if (!v6Only && zone === undefined) {
    const v4 = parseIPv4(host);
    if (v4) return formatIPv4(v4);
  }
  const v6 = parseIPv6(host);
  if (v6 === null) throw new InvalidAddrError(fn, "not an IP address", text);
  if (zone !== undefined && zone === "") {
    throw new InvalidAddrError(fn, "empty zone", text);
  }
  return formatIPv6(v6) + (zone ? `%${zone}` : "");
}

function addrFromAddrPort(
  ip: string,
  port: number,
  transport: "tcp" | "udp",
  fn: string,
): Deno.NetAddr {
  if (typeof ip !== "string") {
    throw new InvalidAddrError(fn, "expected an IP literal", String(ip));
  }
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new RangeError(
      `${fn}: port must be an integer in 0..65535, got ${port}`,
    );
  }
  // An empty address is the family-agnostic unspecified address.
  const hostname = ip === "" ? "" : canonicalLiteral(ip, false, fn, ip);
  return { transport, hostname, port };
}

/**
 * A TCP endpoint (Deno.NetAddr) from an IP literal and a port; "" stands
 * for the unspecified address of either family.
 *
 * @example
 * ```ts
 * import { tcpAddrFromAddrPort } from "@kernio/kernio/sock";
 * tcpAddrFromAddrPort("::ffff:10.0.0.1", 80); // { transport: "tcp", hostname: "::ffff:10.0.0.1", port: 80 }
 * ```
 */
export function tcpAddrFromAddrPort(ip: string, port: number): Deno.NetAddr {
  return addrFromAddrPort(ip, port, "tcp", "tcpAddrFromAddrPort");
}

/**
 * A UDP endpoint (Deno.NetAddr) from an IP literal and a port.
 *
 * @example
 * ```ts
 * import { udpAddrFromAddrPort } from "@kernio/kernio/sock";
 * udpAddrFromAddrPort("127.0.0.1", 53).transport; // "udp"
 * ```
 */
export function udpAddrFromAddrPort(ip: string, port: number): Deno.NetAddr {
  return addrFromAddrPort(ip, port, "udp", "udpAddrFromAddrPort");
}

// ---- name resolution -------------------------------------------------------

const HOSTS = "/etc/hosts";

// Addresses the hosts file gives `name`, or null when it cannot be read
// without asking (no --allow-read for it).
function fromHostsFile(name: string): string[] | null {
  let text: string;
  try {
    const st = Deno.permissions.querySync({ name: "read", path: HOSTS });
    if (st.state !== "granted") return null;
    text = Deno.readTextFileSync(HOSTS);
  } catch {
    return null;
  }
  const want = name.toLowerCase();
  const out: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    if (line === "") continue;
    const [addr, ...names] = line.split(/\s+/);
    if (names.some((n) => n.toLowerCase() === want)) out.push(addr);
  }
  return out;
}

function familyOf(ip: string): 4 | 6 | 0 {
  if (parseIPv4(ip)) return 4;
  return parseIPv6(splitHostZone(ip).host) ? 6 : 0;
}

/**
 * The addresses of `host` for the wanted family (0: both, IPv4 first):
 * IP literals as they are; "localhost" from the hosts file, else the
 * loopback addresses; other names from the hosts file, then DNS
 * (Deno.resolveDns, which needs --allow-net; without it a
 * MissingPermissionError names the flag).
 */
async function lookup(
  host: string,
  want: 0 | 4 | 6,
  fn: string,
): Promise<string[]> {
  const lit = familyOf(host);
  if (lit !== 0) {
    if (want !== 0 && lit !== want) {
      throw new AddrError(fn, `not an IPv${want} address`, host);
    }
    return [host];
  }
  if (!/^[A-Za-z0-9_.-]{1,253}$/.test(host)) {
    throw new InvalidAddrError(fn, "not a host name or IP literal", host);
  }
  const pick = (addrs: string[]) => {
    const fams = addrs.filter((a) => familyOf(a) !== 0);
    const v4 = fams.filter((a) => familyOf(a) === 4);
    const v6 = fams.filter((a) => familyOf(a) === 6);
    return want === 4 ? v4 : want === 6 ? v6 : [...v4, ...v6];
  };
  const hosts = fromHostsFile(host);
  if (hosts !== null && pick(hosts).length > 0) return pick(hosts);
  if (
    host.toLowerCase() === "localhost" ||
    host.toLowerCase().endsWith(".localhost")
  ) {
    // RFC 6761: localhost names are always the loopback addresses.
    return pick([IPV4_LOOPBACK, IPV6_LOOPBACK]);
  }
  const out: string[] = [];
  for (
    const type of want === 6 ? ["AAAA"] : want === 4 ? ["A"] : ["A", "AAAA"]
  ) {
    try {
      out.push(...await Deno.resolveDns(host, type as "A" | "AAAA"));
    } catch (e) {
      if (
        e instanceof Deno.errors.NotCapable ||
        e instanceof Deno.errors.PermissionDenied
      ) {
        throw new MissingPermissionError(
          `${fn} ${host} (DNS lookup)`,
          "--allow-net",
          "Deno.resolveDns",
          { cause: e },
        );
      }
      if (e instanceof Deno.errors.NotFound) continue;
      throw new AddrError(fn, `cannot resolve: ${(e as Error).message}`, host, {
        cause: e,
      });
    }
  }
  if (out.length === 0) throw new AddrError(fn, "no such host", host);
  return out;
}

const IPV4_LOOPBACK = "127.0.0.1";
const IPV6_LOOPBACK = "::1";

function splitHostPort(
  address: string,
  transport: "tcp" | "udp",
  fn: string,
): [string, number] {
  if (typeof address !== "string") {
    throw new InvalidAddrError(fn, "expected host:port text", String(address));
  }
  const m =
    /^(?:\[([^\]]*)\]|([^:[\]]*)):([0-9]{1,5}|[A-Za-z][A-Za-z0-9_-]{0,31})$/
      .exec(address);
  if (m === null) {
    throw new InvalidAddrError(fn, "not host:port (IPv6 in brackets)", address);
  }
  const port = /^[0-9]/.test(m[3])
    ? Number(m[3])
    : servicePort(m[3], transport, fn);
  if (port > 65535) {
    throw new InvalidAddrError(fn, "port out of range", address);
  }
  return [m[1] ?? m[2], port];
}

const SERVICES = "/etc/services";

// A service name ("http") to its port through the services file, which
// needs --allow-read for it.
function servicePort(
  name: string,
  transport: "tcp" | "udp",
  fn: string,
): number {
  let text: string;
  try {
    const st = Deno.permissions.querySync({ name: "read", path: SERVICES });
    if (st.state !== "granted") {
      throw new MissingPermissionError(
        `${fn}: service name "${name}" (read ${SERVICES})`,
        `--allow-read=${SERVICES}`,
      );
    }
    text = Deno.readTextFileSync(SERVICES);
  } catch (e) {
    if (e instanceof MissingPermissionError) throw e;
    throw new AddrError(
      fn,
      `cannot read ${SERVICES} for a service name`,
      name,
      {
        cause: e,
      },
    );
  }
  const want = name.toLowerCase();
  for (const raw of text.split("\n")) {
    const [entry, ...aliases] = raw.replace(/#.*/, "").trim().split(/\s+/);
    if (entry === "" || aliases.length === 0) continue;
    const [portProto, ...names] = aliases;
    const [port, proto] = portProto.split("/");
    if (proto !== transport) continue;
    if ([entry, ...names].some((n) => n.toLowerCase() === want)) {
      return Number(port);
    }
  }
  throw new AddrError(fn, `unknown ${transport} service`, name);
}

function wantOf(network: string, base: string, fn: string): 0 | 4 | 6 {
  if (network === base) return 0;
  if (network === base + "4") return 4;
  if (network === base + "6") return 6;
  throw new UnknownNetworkError(fn, network, `${base}, ${base}4 or ${base}6`);
}

async function resolveHostPort(
  network: string,
  address: string,
  transport: "tcp" | "udp",
  fn: string,
): Promise<Deno.NetAddr> {
  const want = wantOf(network, transport, fn);
  const [host, port] = splitHostPort(address, transport, fn);
  if (host === "") return { transport, hostname: "", port };
  const [first] = await lookup(host, want, fn);
  return { transport, hostname: first, port };
}

/**
 * Resolves "host:port" for a TCP network ("tcp", "tcp4", "tcp6") to a
 * Deno.NetAddr with an IP literal: literals as they are, names through the
 * hosts file (read when --allow-read covers /etc/hosts) and then DNS
 * (Deno.resolveDns, --allow-net; a MissingPermissionError names the flag
 * when it is missing). "localhost" needs no permission. "tcp" prefers
 * IPv4, as the listen and dial functions do. The port is a number or a
 * service name ("http") from /etc/services (--allow-read for it).
 *
 * @example
 * ```ts
 * import { resolveTCPAddr } from "@kernio/kernio/sock";
 * await resolveTCPAddr("tcp", "localhost:8080"); // { transport: "tcp", hostname: "127.0.0.1", port: 8080 }
 * await resolveTCPAddr("tcp6", "localhost:8080"); // hostname "::1"
 * ```
 */
export function resolveTCPAddr(
  network: "tcp" | "tcp4" | "tcp6",
  address: string,
): Promise<Deno.NetAddr> {
  return resolveHostPort(network, address, "tcp", "resolveTCPAddr");
}

/**
 * Resolves "host:port" for a UDP network (see {@linkcode resolveTCPAddr}).
 *
 * @example
 * ```ts
 * import { resolveUDPAddr } from "@kernio/kernio/sock";
 * await resolveUDPAddr("udp4", "127.0.0.1:53"); // { transport: "udp", hostname: "127.0.0.1", port: 53 }
 * ```
 */
export function resolveUDPAddr(
  network: "udp" | "udp4" | "udp6",
  address: string,
): Promise<Deno.NetAddr> {
  return resolveHostPort(network, address, "udp", "resolveUDPAddr");
}

/**
 * Resolves a host (no port) for an IP network ("ip", "ip4", "ip6", also
 * with a ":protocol" suffix as raw sockets take, such as "ip4:icmp") to an
 * {@linkcode IPAddr}. A "%zone" suffix is kept.
 *
 * @example
 * ```ts
 * import { resolveIPAddr } from "@kernio/kernio/sock";
 * await resolveIPAddr("ip6", "localhost"); // { hostname: "::1" }
 * ```
 */
export async function resolveIPAddr(
  network: string,
  address: string,
): Promise<IPAddr> {
  const fn = "resolveIPAddr";
  const base = typeof network === "string" ? network.split(":")[0] : "";
  const want = wantOf(base, "ip", fn);
  if (typeof address !== "string") {
    throw new InvalidAddrError(fn, "expected a host", String(address));
  }
  const { host, zone } = splitHostZone(address);
  if (host === "") return { hostname: "" };
  const [first] = await lookup(host, want, fn);
  return zone ? { hostname: first, zone } : { hostname: first };
}
