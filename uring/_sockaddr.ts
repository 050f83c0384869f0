// Socket addresses for bind/connect/sendMsg: raw sockaddr bytes, the sock
// layer's address objects (SockaddrInet4/6/Unix, any RawSockaddr), and
// Deno's address shapes (Deno.NetAddr, Deno.UnixAddr, { hostname, port },
// { path }). Internal: the address types are exported from ops.

import {
  type HostPort,
  type RawSockaddr,
  tcpAddrToSockaddr,
  unixAddrToSockaddr,
  type UnixPath,
} from "../sock/sockaddr.ts";

/**
 * An address bind/connect/sendMsg accept: raw sockaddr bytes, a sock
 * address object (anything with `bytes` and `length`), or a Deno address
 * shape (`Deno.NetAddr`, `Deno.UnixAddr`, `{ hostname, port }`, `{ path }`;
 * IP literals and "localhost" only, no DNS).
 *
 * @example
 * ```ts
 * import type { SockaddrInput } from "@kernio/kernio/uring";
 * const a: SockaddrInput = { hostname: "127.0.0.1", port: 8080 };
 * const b: SockaddrInput = { path: "/tmp/app.sock" };
 * ```
 */
export type SockaddrInput =
  | Uint8Array
  | RawSockaddr
  | Deno.NetAddr
  | Deno.UnixAddr
  | HostPort
  | UnixPath;

/** The kernel-layout bytes (exact length) of `addr`, or a TypeError. */
export function sockaddrBytes(where: string, addr: SockaddrInput): Uint8Array {
  if (addr instanceof Uint8Array) {
    if (addr.byteLength < 2) {
      throw new TypeError(`${where}: a raw sockaddr needs at least 2 bytes`);
    }
    return addr;
  }
  if (addr === null || typeof addr !== "object") {
    throw new TypeError(
      `${where}: expected a sockaddr (Uint8Array, sock address, Deno.NetAddr or { path })`,
    );
  }
  const raw = addr as Partial<RawSockaddr>;
  if (raw.bytes instanceof Uint8Array && raw.length === undefined) {
    // A kernel struct (RawSockaddrInet4/6/Unix/Any): its length follows
    // from the family.
    return structBytes(where, raw.bytes);
  }
  if (raw.bytes instanceof Uint8Array && typeof raw.length === "number") {
    if (!(raw.length >= 2 && raw.length <= raw.bytes.byteLength)) {
      throw new RangeError(`${where}: bad sockaddr length ${raw.length}`);
    }
    return raw.length === raw.bytes.byteLength
      ? raw.bytes
      : raw.bytes.subarray(0, raw.length);
  }
  const shape = addr as { transport?: string; path?: unknown; port?: unknown };
  if (typeof shape.path === "string") {
    const sa = unixAddrToSockaddr(addr as UnixPath);
    return sa.bytes.subarray(0, sa.length);
  }
  if (typeof shape.port === "number") {
    try {
      const sa = tcpAddrToSockaddr(addr as HostPort);
      return sa.bytes.subarray(0, sa.length);
    } catch (e) {
      if (e instanceof TypeError || e instanceof RangeError) {
        throw new (e.constructor as typeof TypeError)(
          `${where}: ${e.message}`,
        );
      }
      throw e;
    }
  }
  throw new TypeError(
    `${where}: expected a sockaddr (Uint8Array, sock address, Deno.NetAddr or { path })`,
  );
}

function structBytes(where: string, b: Uint8Array): Uint8Array {
  const family = b.byteLength >= 2 ? b[0] | (b[1] << 8) : 0;
  let len = 0;
  if (family === AF_INET) len = 16;
  else if (family === AF_INET6) len = 28;
  else if (family === AF_UNIX) {
    const nul = b.indexOf(0, 2);
    len = nul < 0 ? Math.min(b.byteLength, 110) : nul + 1;
  }
  if (len === 0 || len > b.byteLength) {
    throw new TypeError(
      `${where}: the sockaddr struct has no usable family (${family})`,
    );
  }
  return b.subarray(0, len);
}

const AF_UNIX = 1;
const AF_INET = 2;
const AF_INET6 = 10;
