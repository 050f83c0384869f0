// SQEContext: the submission identity carried in user_data, as two u32
// halves (a JS Number cannot hold 64 bits exactly, and BigInt allocates).
//
// Direct mode (mode bits 00):
//   lo = op (bits 0-7) | SQE flags (8-15) | buffer group (16-31)
//   hi = fd (30 bits, sign-extended on read) | mode << 30
// Indirect (01) and extended (10) modes: lo = slot index, hi = pool id |
// mode << 30. The pool id names a ContextPools in a process-wide table, so a
// CQE can find its slot without a pointer in user_data (JS has none to give).

import { RingClosedError } from "./errors.ts";
import { FREE_IDS, POOLS, slotOf as registrySlotOf } from "./_registry.ts";
import { TWO32 } from "./_constants.ts";
import { checkFd as checkFdBits } from "./_validate.ts";

const MODE_SHIFT = 30;
/**
 * Mode value of direct contexts (bits 62-63 = 00).
 *
 * @example
 * ```ts
 * import { CTX_MODE_DIRECT, forFD } from "@kernio/kernio/uring";
 * forFD(1).mode() === CTX_MODE_DIRECT; // true
 * ```
 */
export const CTX_MODE_DIRECT = 0;
/**
 * Mode value of indirect contexts (bits 62-63 = 01).
 *
 * @example
 * ```ts
 * import { CTX_MODE_INDIRECT, ContextPools } from "@kernio/kernio/uring";
 * const pools = new ContextPools(1);
 * pools.indirect()!.context.mode() === CTX_MODE_INDIRECT; // true
 * ```
 */
export const CTX_MODE_INDIRECT = 1;
/**
 * Mode value of extended contexts (bits 62-63 = 10).
 *
 * @example
 * ```ts
 * import { CTX_MODE_EXTENDED, ContextPools } from "@kernio/kernio/uring";
 * const pools = new ContextPools(1);
 * pools.extended()!.context.mode() === CTX_MODE_EXTENDED; // true
 * ```
 */
export const CTX_MODE_EXTENDED = 2;

const FD_MASK = 0x3fffffff;

function checkU8(where: string, v: number): void {
  if (!(Number.isInteger(v) && v >= 0 && v <= 0xff)) {
    throw new RangeError(`${where}: expected an integer in 0..255, got ${v}`);
  }
}

function checkU16(where: string, v: number): void {
  if (!(Number.isInteger(v) && v >= 0 && v <= 0xffff)) {
    throw new RangeError(`${where}: expected an integer in 0..65535, got ${v}`);
  }
}

function checkFd(where: string, fd: number): void {
  checkFdBits(where, fd, 30, true);
}

/**
 * The submission identity stored in an SQE's user_data and handed back by
 * its CQE. Build contexts once (they are small immutable-by-convention
 * objects) and reuse them for every submission: prep methods copy the two
 * halves into the SQE, so no object is created per operation.
 *
 * @example
 * ```ts
 * import { forFD } from "@kernio/kernio/uring";
 * import { IORING_OP } from "@kernio/kernio/zcall";
 * const ctx = forFD(7).withOp(IORING_OP.RECV).withBufGroup(3);
 * ctx.fd(); // 7
 * ctx.bufGroup(); // 3
 * ```
 */
export class SQEContext {
  /** Low 32 bits of user_data. */
  lo: number;
  /** High 32 bits of user_data. */
  hi: number;

  /** Wraps raw halves (no validation beyond u32 coercion). */
  constructor(lo = 0, hi = 0) {
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  /** 0 direct, 1 indirect, 2 extended. */
  mode(): number {
    return this.hi >>> MODE_SHIFT;
  }
  /** Whether the context is direct (inline). */
  isDirect(): boolean {
    return this.hi >>> MODE_SHIFT === CTX_MODE_DIRECT;
  }
  /** Whether the context names an IndirectSQE slot. */
  isIndirect(): boolean {
    return this.hi >>> MODE_SHIFT === CTX_MODE_INDIRECT;
  }
  /** Whether the context names an ExtSQE slot. */
  isExtended(): boolean {
    return this.hi >>> MODE_SHIFT === CTX_MODE_EXTENDED;
  }
  /** IORING_OP_* (direct mode; the slot's SQE opcode otherwise). */
  op(): number {
    if (this.hi >>> MODE_SHIFT === 0) return this.lo & 0xff;
    return slotOf(this.lo, this.hi).sqeU32[0] & 0xff;
  }
  /** IOSQE_* flags (direct mode; the slot's SQE flags otherwise). */
  flags(): number {
    if (this.hi >>> MODE_SHIFT === 0) return (this.lo >>> 8) & 0xff;
    return (slotOf(this.lo, this.hi).sqeU32[0] >>> 8) & 0xff;
  }
  /** Buffer group (direct mode; the slot's SQE buf_group otherwise). */
  bufGroup(): number {
    if (this.hi >>> MODE_SHIFT === 0) return this.lo >>> 16;
    return slotOf(this.lo, this.hi).sqeU32[10] & 0xffff;
  }
  /** File descriptor, or registered file index with IOSQE_FIXED_FILE. */
  fd(): number {
    if (this.hi >>> MODE_SHIFT === 0) return (this.hi << 2) >> 2;
    return slotOf(this.lo, this.hi).sqeU32[1] | 0;
  }
  /** Whether IOSQE_BUFFER_SELECT is among the flags. */
  hasBufferSelect(): boolean {
    return (this.flags() & 0x20) !== 0;
  }
  /** A copy with another opcode (direct mode only). */
  withOp(op: number): SQEContext {
    this.#direct("withOp");
    checkU8("SQEContext.withOp", op);
    return new SQEContext((this.lo & 0xffffff00) | op, this.hi);
  }
  /** A copy with the SQE flag set replaced (not merged) by `flags`. */
  withFlags(flags: number): SQEContext {
    this.#direct("withFlags");
    checkU8("SQEContext.withFlags", flags);
    return new SQEContext((this.lo & 0xffff00ff) | (flags << 8), this.hi);
  }
  /**
   * A direct context: a copy with another buffer group. An indirect or
   * extended context names a pooled SQE slot: the group is written into
   * that slot (where buffer-selecting operations read it) and the same
   * context is returned.
   */
  withBufGroup(group: number): SQEContext {
    checkU16("SQEContext.withBufGroup", group);
    if (this.hi >>> MODE_SHIFT !== 0) {
      const w = slotOf(this.lo, this.hi).sqeU32;
      w[10] = ((w[10] & 0xffff0000) | group) >>> 0;
      return this;
    }
    return new SQEContext((this.lo & 0xffff) | (group << 16), this.hi);
  }
  /** A copy with another fd. */
  withFD(fd: number): SQEContext {
    this.#direct("withFD");
    checkFd("SQEContext.withFD", fd);
    return new SQEContext(this.lo, fd & FD_MASK);
  }
  /**
   * Rewrites this object in place as a direct context: the allocation-free
   * way to vary a context on a hot path.
   */
  assignDirect(
    op: number,
    flags: number,
    bufGroup: number,
    fd: number,
  ): this {
    checkU8("SQEContext.assignDirect op", op);
    checkU8("SQEContext.assignDirect flags", flags);
    checkU16("SQEContext.assignDirect bufGroup", bufGroup);
    checkFd("SQEContext.assignDirect", fd);
    this.lo = (op | (flags << 8) | (bufGroup << 16)) >>> 0;
    this.hi = fd & FD_MASK;
    return this;
  }
  /** Sets both halves (for contexts read back from a CQE). */
  assignRaw(lo: number, hi: number): this {
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
    return this;
  }
  /** Whether two contexts carry the same 64 bits. */
  equals(other: SQEContext): boolean {
    return this.lo === other.lo && this.hi === other.hi;
  }
  /** The 64-bit value (allocates a BigInt: not for hot paths). */
  raw(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }
  /** The IndirectSQE slot of an indirect context. */
  indirectSQE(): IndirectSQE {
    if (!this.isIndirect()) {
      throw new TypeError("SQEContext.indirectSQE: not an indirect context");
    }
    return slotOf(this.lo, this.hi) as IndirectSQE;
  }
  /** The ExtSQE slot of an extended context. */
  extSQE(): ExtSQE {
    if (!this.isExtended()) {
      throw new TypeError("SQEContext.extSQE: not an extended context");
    }
    return slotOf(this.lo, this.hi) as ExtSQE;
  }
  #direct(where: string): void {
    if (this.hi >>> MODE_SHIFT !== 0) {
      throw new TypeError(
        `SQEContext.${where}: only direct contexts carry inline fields`,
      );
    }
  }
}

/**
 * A direct context for `fd` (op, flags and buffer group zero).
 *
 * @example
 * ```ts
 * import { forFD } from "@kernio/kernio/uring";
 * forFD(5).fd(); // 5
 * ```
 */
export function forFD(fd: number): SQEContext {
  checkFd("forFD", fd);
  return new SQEContext(0, fd & FD_MASK);
}

/**
 * A direct context from its four fields.
 *
 * @example
 * ```ts
 * import { packDirect } from "@kernio/kernio/uring";
 * import { IORING_OP } from "@kernio/kernio/zcall";
 * const ctx = packDirect(IORING_OP.RECV, 0, 2, 9);
 * ctx.op(); // 27
 * ```
 */
export function packDirect(
  op: number,
  flags: number,
  bufGroup: number,
  fd: number,
): SQEContext {
  return new SQEContext().assignDirect(op, flags, bufGroup, fd);
}

/**
 * The context naming an IndirectSQE slot.
 *
 * @example
 * ```ts
 * import { ContextPools, packIndirect } from "@kernio/kernio/uring";
 * const pools = new ContextPools(4);
 * const ind = pools.indirect()!;
 * packIndirect(ind).isIndirect(); // true
 * pools.putIndirect(ind);
 * ```
 */
export function packIndirect(sqe: IndirectSQE): SQEContext {
  return sqe.context;
}

/**
 * The context naming an ExtSQE slot.
 *
 * @example
 * ```ts
 * import { ContextPools, packExtended } from "@kernio/kernio/uring";
 * const pools = new ContextPools(4);
 * const ext = pools.extended()!;
 * packExtended(ext).isExtended(); // true
 * pools.putExtended(ext);
 * ```
 */
export function packExtended(sqe: ExtSQE): SQEContext {
  return sqe.context;
}

/**
 * A context from a raw 64-bit user_data value.
 *
 * @example
 * ```ts
 * import { sqeContextFromRaw } from "@kernio/kernio/uring";
 * sqeContextFromRaw(0x0000_0005_0000_001bn).fd(); // 5
 * ```
 */
export function sqeContextFromRaw(v: bigint): SQEContext {
  if (typeof v !== "bigint" || v < 0n || v > 0xffff_ffff_ffff_ffffn) {
    throw new RangeError("sqeContextFromRaw: expected a u64 bigint");
  }
  return new SQEContext(Number(v & 0xffffffffn), Number(v >> 32n));
}

// ---- pools -------------------------------------------------------------------

function slotOf(lo: number, hi: number): IndirectSQE | ExtSQE {
  return registrySlotOf(lo, hi) as IndirectSQE | ExtSQE;
}

/**
 * An IndirectSQE: a pooled 64-byte copy of a submitted SQE, for contexts
 * that need the whole submission back at completion. Valid until returned
 * to its pool.
 *
 * @example
 * ```ts
 * import { ContextPools } from "@kernio/kernio/uring";
 * const pools = new ContextPools(2);
 * const ind = pools.indirect()!;
 * ind.fd = 4; // the fd prep methods use for this context
 * pools.putIndirect(ind);
 * ```
 */
export class IndirectSQE {
  /** The slot index within its pool. */
  readonly index: number;
  /** The 64 SQE bytes. */
  readonly sqe: Uint8Array;
  /** The same bytes as 16 u32 words (SQE_WORD indices). */
  readonly sqeU32: Uint32Array;
  /** The context naming this slot (reused: no allocation per use). */
  readonly context: SQEContext;
  readonly #pool: ContextPools;

  /** @internal */
  constructor(
    pool: ContextPools,
    index: number,
    buf: ArrayBuffer,
    off: number,
  ) {
    this.#pool = pool;
    this.index = index;
    this.sqe = new Uint8Array(buf, off, 64);
    this.sqeU32 = new Uint32Array(buf, off, 16);
    this.context = new SQEContext(
      index,
      (CTX_MODE_INDIRECT << MODE_SHIFT) | pool.id,
    );
  }

  /** The fd prep methods target for this context (sqe->fd). */
  get fd(): number {
    this.#pool._check();
    return this.sqeU32[1] | 0;
  }
  set fd(fd: number) {
    this.#pool._check();
    checkFd("IndirectSQE.fd", fd);
    this.sqeU32[1] = fd;
  }
}

/**
 * An ExtSQE: a pooled full SQE copy plus 64 bytes of caller-owned user data
 * and a side table of JS references (JS objects cannot live in raw bytes).
 * Typed views over the user data (the Ctx* views) lay it out as 8 bytes for
 * a handler slot, then refs, then 64-bit vals, then raw data.
 *
 * @example
 * ```ts
 * import { ContextPools, ctxV1Of } from "@kernio/kernio/uring";
 * const pools = new ContextPools(2);
 * const ext = pools.extended()!;
 * ctxV1Of(ext).val1 = 42;
 * pools.putExtended(ext);
 * ```
 */
export class ExtSQE {
  /** The slot index within its pool. */
  readonly index: number;
  /** The 64 SQE bytes (the submitted SQE, copied at prep). */
  readonly sqe: Uint8Array;
  /** The same bytes as 16 u32 words. */
  readonly sqeU32: Uint32Array;
  /** 64 bytes of caller-owned data. */
  readonly userData: Uint8Array;
  /** The user data as 16 u32 words (vals are lo/hi pairs). */
  readonly userDataU32: Uint32Array;
  /** The context naming this slot. */
  readonly context: SQEContext;
  /** Side table: [fn, ref1..ref7]; cleared when the slot is returned. */
  readonly refs: unknown[] = [
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
  ];
  readonly #pool: ContextPools;
  readonly #view: CtxView;

  /** @internal */
  constructor(
    pool: ContextPools,
    index: number,
    buf: ArrayBuffer,
    off: number,
  ) {
    this.#pool = pool;
    this.index = index;
    this.sqe = new Uint8Array(buf, off, 64);
    this.sqeU32 = new Uint32Array(buf, off, 16);
    this.userData = new Uint8Array(buf, off + 64, 64);
    this.userDataU32 = new Uint32Array(buf, off + 64, 16);
    this.context = new SQEContext(
      index,
      (CTX_MODE_EXTENDED << MODE_SHIFT) >>> 0 | pool.id,
    );
    this.#view = new CtxView(this);
  }

  /** The fd prep methods target for this context (sqe->fd). */
  get fd(): number {
    this.#pool._check();
    return this.sqeU32[1] | 0;
  }
  set fd(fd: number) {
    this.#pool._check();
    checkFd("ExtSQE.fd", fd);
    this.sqeU32[1] = fd;
  }

  /** @internal The one reusable typed view of this slot. */
  _view(refs: number, vals: number): CtxView {
    this.#pool._check();
    return this.#view._shape(refs, vals);
  }
}

/**
 * A typed view of an ExtSQE's user data with `refs` references and `vals`
 * 64-bit values (refs + vals <= 7): `fn` and `ref1..ref7` live in the side
 * table, `val1..val7` in the bytes after them (as Numbers, exact to 2^53;
 * `valLo`/`valHi` give the raw halves), and `data` is the remaining bytes.
 * Each ExtSQE owns one view object, reshaped by every call, so taking a
 * view allocates nothing.
 *
 * @example
 * ```ts
 * import { ContextPools, viewCtx } from "@kernio/kernio/uring";
 * const pools = new ContextPools(1);
 * const ext = pools.extended()!;
 * const c = viewCtx(ext, 1).vals(2);
 * c.ref1 = { conn: 1 };
 * c.val1 = 7;
 * c.data.byteLength; // 64 - 8 - 8 - 16 = 32
 * pools.putExtended(ext);
 * ```
 */
export class CtxView {
  readonly #ext: ExtSQE;
  #refs = 0;
  #vals = 0;
  readonly #data: Uint8Array[] = [];

  /** @internal */
  constructor(ext: ExtSQE) {
    this.#ext = ext;
    for (let k = 0; k <= 7; k++) {
      this.#data.push(ext.userData.subarray(8 + 8 * k));
    }
  }

  /** @internal */
  _shape(refs: number, vals: number): this {
    if (
      !(Number.isInteger(refs) && Number.isInteger(vals) && refs >= 0 &&
        vals >= 0 && refs + vals <= 7)
    ) {
      throw new RangeError(
        `CtxView: refs + vals must be integers with refs + vals <= 7, got ${refs} + ${vals}`,
      );
    }
    this.#refs = refs;
    this.#vals = vals;
    return this;
  }

  /** Number of refs of this shape. */
  get refCount(): number {
    return this.#refs;
  }
  /** Number of vals of this shape. */
  get valCount(): number {
    return this.#vals;
  }
  /** The handler slot (side table entry 0). */
  get fn(): unknown {
    return this.#ext.refs[0];
  }
  set fn(f: unknown) {
    this.#ext.refs[0] = f;
  }
  /** The raw data bytes after the handler, refs and vals. */
  get data(): Uint8Array {
    return this.#data[this.#refs + this.#vals];
  }
  /** Reference `k` (1-based). */
  ref(k: number): unknown {
    this.#checkRef(k);
    return this.#ext.refs[k];
  }
  /** Sets reference `k` (1-based). */
  setRef(k: number, v: unknown): void {
    this.#checkRef(k);
    this.#ext.refs[k] = v;
  }
  /** Val `k` (1-based) as a Number (int64, exact within ±2^53). */
  val(k: number): number {
    const w = this.#valWord(k);
    const u = this.#ext.userDataU32;
    return (u[w + 1] | 0) * TWO32 + u[w];
  }
  /** Sets val `k` from a safe integer. */
  setVal(k: number, v: number): void {
    if (!Number.isSafeInteger(v)) {
      throw new RangeError(`CtxView.setVal: ${v} is not a safe integer`);
    }
    const w = this.#valWord(k);
    const u = this.#ext.userDataU32;
    u[w] = v >>> 0;
    u[w + 1] = Math.floor(v / TWO32) >>> 0;
  }
  /** Low u32 half of val `k`. */
  valLo(k: number): number {
    return this.#ext.userDataU32[this.#valWord(k)];
  }
  /** High u32 half of val `k`. */
  valHi(k: number): number {
    return this.#ext.userDataU32[this.#valWord(k) + 1];
  }
  /** Sets val `k` from two u32 halves. */
  setValHalves(k: number, lo: number, hi: number): void {
    const w = this.#valWord(k);
    this.#ext.userDataU32[w] = lo;
    this.#ext.userDataU32[w + 1] = hi;
  }

  /** Reference 1 (same as `ref(1)`). */
  get ref1(): unknown {
    return this.ref(1);
  }
  set ref1(v: unknown) {
    this.setRef(1, v);
  }
  /** Reference 2 (same as `ref(2)`). */
  get ref2(): unknown {
    return this.ref(2);
  }
  set ref2(v: unknown) {
    this.setRef(2, v);
  }
  /** Reference 3 (same as `ref(3)`). */
  get ref3(): unknown {
    return this.ref(3);
  }
  set ref3(v: unknown) {
    this.setRef(3, v);
  }
  /** Val 1 as a Number (same as `val(1)`). */
  get val1(): number {
    return this.val(1);
  }
  set val1(v: number) {
    this.setVal(1, v);
  }
  /** Val 2 as a Number (same as `val(2)`). */
  get val2(): number {
    return this.val(2);
  }
  set val2(v: number) {
    this.setVal(2, v);
  }
  /** Val 3 as a Number (same as `val(3)`). */
  get val3(): number {
    return this.val(3);
  }
  set val3(v: number) {
    this.setVal(3, v);
  }

  #checkRef(k: number): void {
    if (!(Number.isInteger(k) && k >= 1 && k <= this.#refs)) {
      throw new RangeError(
        `CtxView: ref index ${k} out of range 1..${this.#refs}`,
      );
    }
  }
  #valWord(k: number): number {
    if (!(Number.isInteger(k) && k >= 1 && k <= this.#vals)) {
      throw new RangeError(
        `CtxView: val index ${k} out of range 1..${this.#vals}`,
      );
    }
    return 2 + 2 * (this.#refs + k - 1);
  }
}

/**
 * Refs-first view selector: choose the
 * number of refs, then `.vals(n)` picks the number of vals.
 *
 * @example
 * ```ts
 * import { ContextPools, viewCtx } from "@kernio/kernio/uring";
 * const pools = new ContextPools(1);
 * const ext = pools.extended()!;
 * viewCtx(ext).vals(3).val3 = 1;
 * pools.putExtended(ext);
 * ```
 */
export function viewCtx(
  ext: ExtSQE,
  refs = 0,
): { vals(n: number): CtxView } {
  return {
    vals: (n: number) => ext._view(refs, n),
  };
}

/**
 * A view with `refs` refs and `vals` vals (allocation-free).
 *
 * @example
 * ```ts
 * import { ContextPools, ctxOf } from "@kernio/kernio/uring";
 * const pools = new ContextPools(1);
 * const ext = pools.extended()!;
 * ctxOf(ext, 2, 1).ref2 = "conn";
 * pools.putExtended(ext);
 * ```
 */
export function ctxOf(ext: ExtSQE, refs = 0, vals = 0): CtxView {
  return ext._view(refs, vals);
}

/**
 * 0 refs, 1 val (Ctx0V1).
 *
 * @example
 * ```ts
 * import { ContextPools, ctxV1Of } from "@kernio/kernio/uring";
 * const pools = new ContextPools(1);
 * const ext = pools.extended()!;
 * ctxV1Of(ext).val1 = 7;
 * pools.putExtended(ext);
 * ```
 */
export function ctxV1Of(ext: ExtSQE): CtxView {
  return ext._view(0, 1);
}
/**
 * 0 refs, 2 vals (Ctx0V2).
 *
 * @example
 * ```ts
 * import { ContextPools, ctxV2Of } from "@kernio/kernio/uring";
 * const pools = new ContextPools(1);
 * const ext = pools.extended()!;
 * ctxV2Of(ext).val2 = 7;
 * pools.putExtended(ext);
 * ```
 */
export function ctxV2Of(ext: ExtSQE): CtxView {
  return ext._view(0, 2);
}
/**
 * 0 refs, 3 vals (Ctx0V3).
 *
 * @example
 * ```ts
 * import { ContextPools, ctxV3Of } from "@kernio/kernio/uring";
 * const pools = new ContextPools(1);
 * const ext = pools.extended()!;
 * ctxV3Of(ext).val3 = 7;
 * pools.putExtended(ext);
 * ```
 */
export function ctxV3Of(ext: ExtSQE): CtxView {
  return ext._view(0, 3);
}
/**
 * 1 ref, 0 vals (Ctx1).
 *
 * @example
 * ```ts
 * import { ContextPools, ctx1Of } from "@kernio/kernio/uring";
 * const pools = new ContextPools(1);
 * const ext = pools.extended()!;
 * ctx1Of(ext).ref1 = { conn: 1 };
 * pools.putExtended(ext);
 * ```
 */
export function ctx1Of(ext: ExtSQE): CtxView {
  return ext._view(1, 0);
}
/**
 * 1 ref, 1 val (Ctx1V1).
 *
 * @example
 * ```ts
 * import { ContextPools, ctx1V1Of } from "@kernio/kernio/uring";
 * const pools = new ContextPools(1);
 * const ext = pools.extended()!;
 * ctx1V1Of(ext).val1 = 7;
 * pools.putExtended(ext);
 * ```
 */
export function ctx1V1Of(ext: ExtSQE): CtxView {
  return ext._view(1, 1);
}
/**
 * 2 refs, 0 vals (Ctx2).
 *
 * @example
 * ```ts
 * import { ContextPools, ctx2Of } from "@kernio/kernio/uring";
 * const pools = new ContextPools(1);
 * const ext = pools.extended()!;
 * ctx2Of(ext).ref2 = { conn: 1 };
 * pools.putExtended(ext);
 * ```
 */
export function ctx2Of(ext: ExtSQE): CtxView {
  return ext._view(2, 0);
}

/**
 * Pools of IndirectSQE (64-byte) and ExtSQE (128-byte) slots, each with
 * `capacity` entries preallocated: borrowing and returning allocate
 * nothing. Borrow returns null when exhausted (natural backpressure).
 *
 * @example
 * ```ts
 * import { ContextPools } from "@kernio/kernio/uring";
 * using pools = new ContextPools(16);
 * const ext = pools.extended();
 * if (ext) pools.putExtended(ext);
 * pools.extendedAvailable(); // 16
 * ```
 */
export class ContextPools {
  /** The id carried in indirect/extended user_data. */
  readonly id: number;
  readonly #capacity: number;
  readonly #ind: IndirectSQE[] = [];
  readonly #ext: ExtSQE[] = [];
  readonly #indFree: Int32Array;
  readonly #extFree: Int32Array;
  readonly #indBorrowed: Uint8Array;
  readonly #extBorrowed: Uint8Array;
  #indTop: number;
  #extTop: number;
  #closed = false;

  /** Creates pools with `capacity` slots each (1..65536). */
  constructor(capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1 && capacity <= 65536)) {
      throw new RangeError(
        `ContextPools: capacity must be an integer in 1..65536, got ${capacity}`,
      );
    }
    this.#capacity = capacity;
    this.id = FREE_IDS.length > 0 ? FREE_IDS.pop()! : POOLS.length;
    if (this.id > FD_MASK) throw new RangeError("ContextPools: too many pools");
    POOLS[this.id] = this;
    const indBuf = new ArrayBuffer(capacity * 64);
    const extBuf = new ArrayBuffer(capacity * 128);
    for (let k = 0; k < capacity; k++) {
      this.#ind.push(new IndirectSQE(this, k, indBuf, k * 64));
      this.#ext.push(new ExtSQE(this, k, extBuf, k * 128));
    }
    this.#indFree = new Int32Array(capacity);
    this.#extFree = new Int32Array(capacity);
    this.#indBorrowed = new Uint8Array(capacity);
    this.#extBorrowed = new Uint8Array(capacity);
    this.#indTop = 0;
    this.#extTop = 0;
    this.reset();
  }

  /** Per-pool slot count. */
  capacity(): number {
    return this.#capacity;
  }
  /** Free IndirectSQE slots. */
  indirectAvailable(): number {
    return this.#indTop;
  }
  /** Free ExtSQE slots. */
  extendedAvailable(): number {
    return this.#extTop;
  }
  /** Borrows an IndirectSQE (zeroed), or null when exhausted. */
  indirect(): IndirectSQE | null {
    this._check();
    if (this.#indTop === 0) return null;
    const k = this.#indFree[--this.#indTop];
    this.#indBorrowed[k] = 1;
    const s = this.#ind[k];
    s.sqeU32.fill(0);
    return s;
  }
  /** Borrows an ExtSQE (zeroed, side table empty), or null when exhausted. */
  extended(): ExtSQE | null {
    this._check();
    if (this.#extTop === 0) return null;
    const k = this.#extFree[--this.#extTop];
    this.#extBorrowed[k] = 1;
    const s = this.#ext[k];
    s.sqeU32.fill(0);
    s.userDataU32.fill(0);
    return s;
  }
  /** Returns an IndirectSQE. Returning a slot twice throws. */
  putIndirect(s: IndirectSQE): void {
    this._check();
    if (!(s instanceof IndirectSQE)) {
      throw new TypeError("ContextPools.putIndirect: expected an IndirectSQE");
    }
    const k = s.index;
    if (this.#ind[k] !== s) {
      throw new TypeError("ContextPools.putIndirect: slot of another pool");
    }
    if (this.#indBorrowed[k] === 0) {
      throw new TypeError("ContextPools.putIndirect: slot returned twice");
    }
    this.#indBorrowed[k] = 0;
    this.#indFree[this.#indTop++] = k;
  }
  /** Returns an ExtSQE and releases its side-table references. */
  putExtended(s: ExtSQE): void {
    this._check();
    if (!(s instanceof ExtSQE)) {
      throw new TypeError("ContextPools.putExtended: expected an ExtSQE");
    }
    const k = s.index;
    if (this.#ext[k] !== s) {
      throw new TypeError("ContextPools.putExtended: slot of another pool");
    }
    if (this.#extBorrowed[k] === 0) {
      throw new TypeError("ContextPools.putExtended: slot returned twice");
    }
    this.#extBorrowed[k] = 0;
    s.refs.fill(undefined);
    this.#extFree[this.#extTop++] = k;
  }
  /** Makes every slot available again (call only when none is in use). */
  reset(): void {
    this._check();
    const n = this.#capacity;
    for (let k = 0; k < n; k++) {
      this.#indFree[k] = n - 1 - k;
      this.#extFree[k] = n - 1 - k;
      this.#ext[k].refs.fill(undefined);
    }
    this.#indBorrowed.fill(0);
    this.#extBorrowed.fill(0);
    this.#indTop = n;
    this.#extTop = n;
  }
  /** Whether close() was called. */
  get closed(): boolean {
    return this.#closed;
  }
  /** Releases the pool id; slots and contexts naming them become invalid. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const e of this.#ext) e.refs.fill(undefined);
    POOLS[this.id] = undefined;
    FREE_IDS.push(this.id);
  }
  /** Same as close(). */
  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal */
  indirectSlot(k: number): IndirectSQE {
    this._check();
    const s = this.#ind[k];
    if (s === undefined) throw new RangeError(`ContextPools: no slot ${k}`);
    return s;
  }
  /** @internal */
  extSlot(k: number): ExtSQE {
    this._check();
    const s = this.#ext[k];
    if (s === undefined) throw new RangeError(`ContextPools: no slot ${k}`);
    return s;
  }
  /** @internal */
  _check(): void {
    if (this.#closed) {
      throw new RingClosedError("context pool (closed with its ring)");
    }
  }
}
