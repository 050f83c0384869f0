// Integer socket options: one getsockopt/setsockopt pair over module-level
// scratch cells (nothing allocated), throwing the typed error for `op`.

import { getsockopt, setsockopt } from "../zcall/syscalls.ts";
import { errorFromErrno } from "./errors.ts";

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
