// Listening on every address of both families with one socket: an IPv6
// socket on [::] with IPV6_V6ONLY off (IPv4 peers appear as
// ::ffff:a.b.c.d), for the unqualified networks "tcp" and "udp" with no
// host.

import { AF, SOCK } from "../zcall/constants.ts";
import {
  AddressFamilyNotSupportedError,
  ProtocolNotSupportedError,
} from "./errors.ts";
import { setIPv6Only, setReuseAddr } from "./options.ts";
import { type HostPort, SockaddrInet6 } from "./sockaddr.ts";
import { closeOnError, type NetSocket, openSocket } from "./socket.ts";

/**
 * Whether a listen on `network` at `laddr` means "every address of both
 * families": the unqualified network ("tcp", "udp") with no hostname.
 */
export function isDualStackWildcard(network: string, laddr: HostPort): boolean {
  return (network === "tcp" || network === "udp") &&
    (laddr.hostname === undefined || laddr.hostname === "");
}

/**
 * An AF_INET6 socket with IPV6_V6ONLY off and its [::]:port address, so it
 * serves IPv4 (as ::ffff:a.b.c.d) and IPv6 alike; null when this host has
 * no IPv6 (the caller falls back to 0.0.0.0).
 */
export function dualStackSocket<T extends NetSocket>(
  C: new (fd: number, domain: number) => T,
  type: number,
  port: number,
): [T, SockaddrInet6] | null {
  let fd: number;
  try {
    fd = openSocket(AF.INET6, type, 0);
  } catch (e) {
    if (
      e instanceof AddressFamilyNotSupportedError ||
      e instanceof ProtocolNotSupportedError
    ) return null;
    throw e;
  }
  const s = new C(fd, AF.INET6);
  closeOnError(s, () => {
    if (type === SOCK.STREAM) setReuseAddr(s, true);
    setIPv6Only(s, false);
  });
  return [s, new SockaddrInet6(undefined, port)];
}
