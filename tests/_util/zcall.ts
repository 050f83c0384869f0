// Shared helpers of the zcall tests (not a test file itself).

import {
  AF,
  AT,
  getsockname,
  O,
  SYS,
  syscall6,
  unsafeAddressOf,
} from "../../zcall/mod.ts";

/** A struct sockaddr_in for 127.0.0.1:`port` (port in host order). */
export function sockaddrIn(
  port = 0,
  ip: number[] = [127, 0, 0, 1],
): Uint8Array {
  const sa = new Uint8Array(16);
  const dv = new DataView(sa.buffer);
  dv.setUint16(0, AF.INET, true);
  dv.setUint16(2, port, false);
  sa.set(ip, 4);
  return sa;
}

/** The port (host order) of a sockaddr_in. */
export function portOf(sa: Uint8Array): number {
  return new DataView(sa.buffer, sa.byteOffset).getUint16(2, false);
}

/** The local port a socket is bound to. */
export function localPort(fd: number): number {
  const sa = new Uint8Array(16), len = new Uint32Array([16]);
  const r = getsockname(fd, sa, len);
  if (r !== 0) throw new Error(`getsockname: ${r}`);
  return portOf(sa);
}

/** openat(2) through syscall6 (zcall has no dedicated wrapper for it). */
export function openPath(path: string, flags: number, mode = 0o600): number {
  const c = new TextEncoder().encode(path + "\0");
  return syscall6(
    SYS.OPENAT,
    AT.FDCWD,
    unsafeAddressOf(c),
    flags | O.CLOEXEC,
    mode,
    0,
    0,
  );
}

/** An 8-byte little-endian u64 counter (eventfd payload). */
export function u64(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
}

/** Reads a little-endian u64 as a Number. */
export function readU64(b: Uint8Array, off = 0): number {
  return Number(new DataView(b.buffer, b.byteOffset).getBigUint64(off, true));
}

/** Whether `fd` is open in this process. */
export function isOpen(fd: number): boolean {
  try {
    Deno.readLinkSync(`/proc/self/fd/${fd}`);
    return true;
  } catch {
    return false;
  }
}

/** Bytes of a string. */
export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
/** String of bytes. */
export const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
