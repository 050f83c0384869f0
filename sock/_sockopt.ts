// Integer socket options: one getsockopt/setsockopt pair over module-level
// scratch cells (nothing allocated), throwing the typed error for `op`, and
// the checked helpers the option functions of sock are written with: each
// option declared once (sockOpt), each function one call.

import { getsockopt, setsockopt } from "../zcall/syscalls.ts";
import { errorFromErrno } from "./errors.ts";
import { type FdLike, fdOf } from "./socket.ts";
import { bool, intIn } from "../zcall/_validate.ts";

const cell = new Int32Array(1);
const cellBytes = new Uint8Array(cell.buffer);
const lenCell = new Uint32Array(1);

/** setsockopt of a C int; throws the typed error for `op`. */
export function setIntOpt(
  fd: number,
  level: number,
  name: number,
  v: number,
  op: string,
): void {
  cell[0] = v;
  const r = setsockopt(fd, level, name, cellBytes, 4);
  if (r < 0) throw errorFromErrno(r, op);
}

/**
 * getsockopt of a C int; throws the typed error for `op`. Some IPv4
 * options answer with a single byte: that byte is the value.
 */
export function getIntOpt(
  fd: number,
  level: number,
  name: number,
  op: string,
): number {
  cell[0] = 0;
  lenCell[0] = 4;
  const r = getsockopt(fd, level, name, cellBytes, lenCell);
  if (r < 0) throw errorFromErrno(r, op);
  return lenCell[0] === 1 ? cellBytes[0] : cell[0];
}

/**
 * An integer socket option: its level and name, the values it takes, and
 * the kernel names its errors report (the public function's name when
 * absent).
 */
export interface SockOpt {
  readonly level: number;
  readonly name: number;
  readonly min: number;
  readonly max: number;
  readonly setOp: string | undefined;
  readonly getOp: string | undefined;
}

/**
 * Declares a socket option once; `label` (as "IP_MULTICAST_TTL") makes its
 * errors read `setsockopt(IP_MULTICAST_TTL)` / `getsockopt(...)`.
 */
export function sockOpt(
  level: number,
  name: number,
  label?: string,
  min = 0,
  max = 0x7fffffff,
): SockOpt {
  return {
    level,
    name,
    min,
    max,
    setOp: label === undefined ? undefined : `setsockopt(${label})`,
    getOp: label === undefined ? undefined : `getsockopt(${label})`,
  };
}

/** Sets option `o` of a socket or fd to `v`, an integer in o.min..o.max. */
export function setOption(
  s: FdLike,
  o: SockOpt,
  v: number,
  fn: string,
  what: string,
): void {
  intIn(v, o.min, o.max, fn, what);
  setIntOpt(fdOf(s, fn), o.level, o.name, v, o.setOp ?? fn);
}

/** Option `o` of a socket or fd. */
export function getOption(s: FdLike, o: SockOpt, fn: string): number {
  return getIntOpt(fdOf(s, fn), o.level, o.name, o.getOp ?? fn);
}

/** Turns boolean option `o` of a socket or fd on or off. */
export function setFlag(
  s: FdLike,
  o: SockOpt,
  on: boolean,
  fn: string,
  what = "enable",
): void {
  bool(on, fn, what);
  setIntOpt(fdOf(s, fn), o.level, o.name, on ? 1 : 0, o.setOp ?? fn);
}

/** Whether boolean option `o` of a socket or fd is on. */
export function getFlag(s: FdLike, o: SockOpt, fn: string): boolean {
  return getIntOpt(fdOf(s, fn), o.level, o.name, o.getOp ?? fn) !== 0;
}
