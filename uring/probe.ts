// Capability queries: IORING_REGISTER_PROBE (per-opcode support, every
// kernel since 5.6) and IORING_REGISTER_QUERY (ring-independent facts,
// newer kernels; a NotSupportedError where absent).

import { IORING_REGISTER } from "../zcall/constants.ts";
import { unsafeAddressOf } from "../zcall/memory.ts";
import { ioUringRegister } from "../zcall/syscalls.ts";
import { NotSupportedError, uringError } from "./errors.ts";
import { TWO32 } from "./_constants.ts";

/**
 * IO_URING_OP_SUPPORTED in struct io_uring_probe_op.flags.
 *
 * @example
 * ```ts
 * import { IO_URING_OP_SUPPORTED } from "@kernio/kernio/uring";
 * IO_URING_OP_SUPPORTED; // 1
 * ```
 */
export const IO_URING_OP_SUPPORTED = 1;

/**
 * Query operation types for IORING_REGISTER_QUERY.
 *
 * @example
 * ```ts
 * import { IO_URING_QUERY } from "@kernio/kernio/uring";
 * IO_URING_QUERY.OPCODES; // 0
 * ```
 */
export const IO_URING_QUERY = { OPCODES: 0, ZCRX: 1, SCQ: 2 } as const;

/**
 * Result of an opcode probe.
 *
 * @example
 * ```ts
 * import type { Probe } from "@kernio/kernio/uring";
 * declare const p: Probe;
 * p.supports(0);
 * ```
 */
export interface Probe {
  /** Highest opcode the kernel knows. */
  lastOp: number;
  /** Whether an opcode is supported. */
  supports(op: number): boolean;
}

/**
 * Probes opcode support with IORING_REGISTER_PROBE.
 *
 * @example
 * ```ts
 * import { probeOpcodes } from "@kernio/kernio/uring";
 * declare const ringFd: number;
 * probeOpcodes(ringFd).supports(0); // NOP: true
 * ```
 */
export function probeOpcodes(fd: number): Probe {
  const N = 256;
  const buf = new Uint8Array(16 + N * 8); // struct io_uring_probe + ops[256]
  const r = ioUringRegister(fd, IORING_REGISTER.PROBE, buf, N);
  if (r < 0) throw uringError("probe", r);
  const lastOp = buf[0];
  const opsLen = buf[1];
  const flags = new Uint8Array(N);
  for (let i = 0; i < opsLen; i++) {
    const off = 16 + i * 8;
    flags[buf[off]] = buf[off + 2] | (buf[off + 3] << 8);
  }
  return {
    lastOp,
    supports: (op: number) =>
      Number.isInteger(op) && op >= 0 && op <= lastOp &&
      (flags[op] & IO_URING_OP_SUPPORTED) !== 0,
  };
}

/**
 * Ring-independent capabilities (struct io_uring_query_opcode). 64-bit
 * masks are given as Numbers (every defined bit is below 2^53).
 *
 * @example
 * ```ts
 * import type { QueryOpcode } from "@kernio/kernio/uring";
 * declare const q: QueryOpcode;
 * q.nrRequestOpcodes;
 * ```
 */
export interface QueryOpcode {
  /** Number of SQE opcodes the kernel knows. */
  nrRequestOpcodes: number;
  /** Number of io_uring_register opcodes the kernel knows. */
  nrRegisterOpcodes: number;
  /** IORING_FEAT_* flags the kernel supports. */
  featureFlags: number;
  /** IORING_SETUP_* flags the kernel accepts. */
  ringSetupFlags: number;
  /** IORING_ENTER_* flags the kernel accepts. */
  enterFlags: number;
  /** IOSQE_* flags the kernel accepts. */
  sqeFlags: number;
  /** Number of query opcodes the kernel knows. */
  nrQueryOpcodes: number;
}

/**
 * SQ/CQ ring header facts (struct io_uring_query_scq).
 *
 * @example
 * ```ts
 * import type { QuerySCQ } from "@kernio/kernio/uring";
 * declare const q: QuerySCQ;
 * q.hdrSize;
 * ```
 */
export interface QuerySCQ {
  /** Size of the ring header in bytes. */
  hdrSize: number;
  /** Required alignment of the ring header in bytes. */
  hdrAlignment: number;
}

function u64(dv: DataView, off: number): number {
  return dv.getUint32(off, true) + dv.getUint32(off + 4, true) * TWO32;
}

function query(fd: number, op: number, size: number): DataView {
  const data = new Uint8Array(size);
  const hdr = new Uint8Array(40); // struct io_uring_query_hdr
  const dv = new DataView(hdr.buffer);
  const addr = unsafeAddressOf(data);
  dv.setUint32(8, addr >>> 0, true);
  dv.setUint32(12, Math.floor(addr / TWO32), true);
  dv.setUint32(16, op, true);
  dv.setUint32(20, size, true);
  const r = ioUringRegister(fd, IORING_REGISTER.QUERY, hdr, 0);
  if (r === -22 || r === -95 || r === -38) {
    throw new NotSupportedError(
      "query",
      "IORING_REGISTER_QUERY is not available on this kernel",
      r,
    );
  }
  if (r < 0) throw uringError("query", r);
  const res = dv.getInt32(24, true);
  if (res < 0) {
    throw new NotSupportedError(
      "query",
      `query op ${op} unknown to this kernel`,
      res,
    );
  }
  return new DataView(data.buffer);
}

/**
 * IORING_REGISTER_QUERY / IO_URING_QUERY_OPCODES.
 *
 * @example
 * ```ts
 * import { queryOpcodes } from "@kernio/kernio/uring";
 * declare const ringFd: number;
 * try {
 *   queryOpcodes(ringFd).nrRequestOpcodes;
 * } catch {
 *   // NotSupportedError on older kernels
 * }
 * ```
 */
export function queryOpcodes(fd: number): QueryOpcode {
  const dv = query(fd, IO_URING_QUERY.OPCODES, 48);
  return {
    nrRequestOpcodes: dv.getUint32(0, true),
    nrRegisterOpcodes: dv.getUint32(4, true),
    featureFlags: u64(dv, 8),
    ringSetupFlags: u64(dv, 16),
    enterFlags: u64(dv, 24),
    sqeFlags: u64(dv, 32),
    nrQueryOpcodes: dv.getUint32(40, true),
  };
}

/**
 * IORING_REGISTER_QUERY / IO_URING_QUERY_SCQ.
 *
 * @example
 * ```ts
 * import { querySCQ } from "@kernio/kernio/uring";
 * declare const ringFd: number;
 * try {
 *   querySCQ(ringFd).hdrSize;
 * } catch {
 *   // NotSupportedError on older kernels
 * }
 * ```
 */
export function querySCQ(fd: number): QuerySCQ {
  const dv = query(fd, IO_URING_QUERY.SCQ, 16);
  return { hdrSize: u64(dv, 0), hdrAlignment: u64(dv, 8) };
}
