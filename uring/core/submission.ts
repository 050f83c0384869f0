// The submission side of the ring: SQ slots, SQE finishing, pins, submit.

import { ioUringEnter4 } from "../../zcall/syscalls.ts";
import { slotOf } from "../_registry.ts";
import { SQEContext } from "../context.ts";
import {
  NotSupportedError,
  RingClosedError,
  UringError,
  uringError,
} from "../errors.ts";
import { prepNop } from "../sqe/control.ts";
import { clearSqeFlags, setSqeFlags } from "../sqe/layout.ts";
import { probeOpcodes } from "../probe.ts";
import { checkOpOptions } from "../_validate.ts";
import { RingMemory } from "./memory.ts";
import * as K from "../_constants.ts";
import type { OpOptions } from "../ops/options.ts";
import type { OpDecl, Prep, PrepArgs } from "../ops/table.ts";

// Module consts: V8 folds them, where an imported binding is loaded and
// hole-checked on every use.
const IOSQE_BUFFER_SELECT = K.IOSQE_BUFFER_SELECT;
const IOSQE_CQE_SKIP_SUCCESS = K.IOSQE_CQE_SKIP_SUCCESS;
const EINTR = K.EINTR;
const EAGAIN = K.EAGAIN;
const EBUSY = K.EBUSY;
const TWO32 = K.TWO32;

// A module const: V8 folds it, where the imported binding is loaded and
// hole-checked on every use.
const SQE_CONTEXT = SQEContext;
const NOP_SLOW_FLAGS = (IOSQE_BUFFER_SELECT | IOSQE_CQE_SKIP_SUCCESS) << 8;

/**
 * Submission: claiming SQ slots, finishing SQEs (flags, user_data, pins),
 * publishing the tail and io_uring_enter; the NOP fast path.
 */
export abstract class RingSubmission extends RingMemory {
  // Opcode support (1: supported), probed on first need.
  _supported: Uint8Array | null = null;
  /**
   * The SQE array as u32 words (SQE_WORD indices from a getSqe() result).
   * Re-read after resizeRings; empty (detached) after stop.
   */
  get sqeWords(): Uint32Array {
    this._check("sqeWords");
    // Whoever holds the words may write any slot: drop the NOP templates.
    this._slotKind.fill(0);
    this._nopAll = -1;
    this._nopRun = 0;
    return this._sqe;
  }

  /**
   * Claims the next SQE slot and returns the word index of its first word
   * in `sqeWords`, or -1 if the SQ is full even after flushing. The slot
   * content is stale: fill every word (the P.prep* functions do).
   */
  getSqe(): number {
    return this._claim("getSqe");
  }

  // Hot path: one compare against #cap, which stop() zeroes so that a
  // closed ring always takes the slow path (and throws there).
  _claim(op: string): number {
    const tail = this._tail;
    if (((tail - this._head) >>> 0) >= this._cap) return this._claimSlow(op);
    this._tail = (tail + 1) >>> 0;
    const slot = tail & this._sqMask;
    this._slotKind[slot] = 0; // whoever claims it rewrites the slot
    this._nopAll = -1;
    this._nopRun = 0;
    return slot << this._strideShift;
  }

  // Validates the context and options before a slot is claimed, so a bad
  // argument never leaves a half-written SQE in the queue.
  _claimFor(op: string, ctx: SQEContext, o: OpOptions | undefined): number {
    if (!(ctx instanceof SQEContext)) {
      throw new TypeError(`${op}: ctx must be an SQEContext`);
    }
    if (o !== undefined) checkOpOptions(op, o);
    return this._claim(op);
  }

  /**
   * The one submit path of every operation method: checks `ctx` and `o`,
   * claims a slot (false when the SQ is full even after a flush), writes it
   * with the declaration's prep and finishes it, keeping `keepA`/`keepB`
   * alive until the final CQE. The prep arguments follow the pins.
   */
  _submit<P extends Prep>(
    d: OpDecl<P>,
    ctx: SQEContext,
    o: OpOptions | undefined,
    keepA: unknown,
    keepB: unknown,
    ...args: PrepArgs<P>
  ): boolean;
  // Fixed parameters, no rest array: nothing is allocated per operation.
  _submit(
    d: OpDecl,
    ctx: SQEContext,
    o: OpOptions | undefined,
    keepA: unknown,
    keepB: unknown,
    a?: unknown,
    b?: unknown,
    c?: unknown,
    e?: unknown,
    f?: unknown,
    g?: unknown,
    h?: unknown,
  ): boolean {
    const i = this._claimFor(d.name, ctx, o);
    if (i < 0) return false;
    const w = this._sqe;
    d.prep(w, i, d.timed ? this._ts(i, a as number) : a, b, c, e, f, g, h);
    if (d.setFlags !== 0) setSqeFlags(w, i, d.setFlags);
    this._finish(i, ctx, o, keepA, keepB);
    if (d.clearFlags !== 0) clearSqeFlags(w, i, d.clearFlags);
    return true;
  }

  /** The fd of `ctx` for operation `op` (a TypeError naming it otherwise). */
  _fdFor(op: string, ctx: SQEContext): number {
    if (!(ctx instanceof SQEContext)) {
      throw new TypeError(`${op}: ctx must be an SQEContext`);
    }
    return this._fdOf(ctx);
  }

  _claimSlow(op: string): number {
    if (this._closed) throw new RingClosedError(op);
    if (this._started) this.submit();
    if (((this._tail - this._head) >>> 0) >= this._cap) return -1;
    return this._claim(op);
  }

  /**
   * Finishes an SQE written by a prep function into slot word index `i`
   * (from getSqe); `op`, when given, must match the opcode in the SQE.
   */
  finishSqe(
    i: number,
    op: number | undefined,
    ctx: SQEContext,
    o: OpOptions | undefined,
    keepA: unknown,
    keepB: unknown,
  ): void {
    this._check("finishSqe");
    if (
      !(Number.isInteger(i) && i >= 0 && i < this._sqe.length &&
        (i & (this._stride - 1)) === 0)
    ) {
      throw new RangeError(`finishSqe: ${i} is not an SQE index from getSqe()`);
    }
    if (!(ctx instanceof SQEContext)) {
      throw new TypeError("finishSqe: ctx must be an SQEContext");
    }
    if (o !== undefined) checkOpOptions("finishSqe", o);
    if (op !== undefined && op !== (this._sqe[i] & 0xff)) {
      throw new TypeError(
        `finishSqe: op ${op} differs from the opcode ${
          this._sqe[i] & 0xff
        } in the SQE`,
      );
    }
    this._finish(i, ctx, o, keepA, keepB);
  }

  /**
   * Keeps `obj` alive until the final CQE whose user_data equals `ctx`
   * exactly (for buffers referenced by hand-written SQEs; note that the
   * prep methods write direct contexts with the op filled in when the
   * context left it 0, so pass that value). Counts as one expected
   * completion.
   */
  keepAlive(ctx: SQEContext, obj: unknown): void {
    this._check("keepAlive");
    if (!(ctx instanceof SQEContext)) {
      throw new TypeError("keepAlive: ctx must be an SQEContext");
    }
    this._pins.pin(ctx.lo, ctx.hi, obj, undefined);
  }

  /**
   * Distinct user_data values whose JS objects (buffers, paths, msghdrs)
   * are pinned until their final CQE: 0 once everything completed.
   */
  get pinnedKeys(): number {
    return this._pins.keys;
  }

  /** The fd prep methods use for `ctx`. */
  _fdOf(ctx: SQEContext): number {
    if (!(ctx instanceof SQEContext)) {
      throw new TypeError("ctx must be an SQEContext");
    }
    const hi = ctx.hi;
    if (hi >>> 30 === 0) return (hi << 2) >> 2;
    return slotOf(ctx.lo, hi).sqeU32[1] | 0;
  }

  _finish(
    i: number,
    ctx: SQEContext,
    o: OpOptions | undefined,
    keepA: unknown,
    keepB: unknown,
  ): void {
    const w = this._sqe;
    const lo = ctx.lo;
    const hi = ctx.hi;
    const mode = hi >>> 30;
    const head = w[i];
    let flags = (head >>> 8) & 0xff;
    let ioprio = head >>> 16;
    if (o !== undefined) {
      if (o.flags !== undefined) flags |= o.flags & 0xff;
      if (o.ioprio !== undefined) ioprio |= o.ioprio & 0xffff;
      if (o.personality !== undefined) {
        w[i + 10] = (w[i + 10] & 0xffff) | ((o.personality & 0xffff) << 16);
      }
    }
    let udLo = lo;
    if (mode === 0) {
      flags |= (lo >>> 8) & 0xff;
      if (this._stripSkip) flags &= ~IOSQE_CQE_SKIP_SUCCESS;
      if ((flags & IOSQE_BUFFER_SELECT) !== 0) {
        w[i + 10] = (w[i + 10] & 0xffff0000) | (lo >>> 16);
      }
      // user_data is the caller's context with the op filled in: option
      // and operation-added flags stay out of it, so removes, updates and
      // cancels find the request from the context the caller holds.
      udLo = ((lo & 0xffffff00) | (head & 0xff)) >>> 0;
    } else {
      if (this._stripSkip) flags &= ~IOSQE_CQE_SKIP_SUCCESS;
      // Buffer selection from a pooled slot: the group set on the slot
      // (SQEContext.withBufGroup), unless the operation wrote one.
      if (
        (flags & IOSQE_BUFFER_SELECT) !== 0 && (w[i + 10] & 0xffff) === 0
      ) {
        w[i + 10] = (w[i + 10] & 0xffff0000) |
          (slotOf(lo, hi).sqeU32[10] & 0xffff);
      }
    }
    const pinning = keepA !== undefined || keepB !== undefined;
    // A pinning op must post a CQE for its pins to end: CQE_SKIP_SUCCESS
    // leaves the SQE (user_data still shows it) and the reap loops drop the
    // successful CQE instead (see _pins.ts).
    const hide = pinning && (flags & IOSQE_CQE_SKIP_SUCCESS) !== 0;
    const sqeFlags = hide ? flags & ~IOSQE_CQE_SKIP_SUCCESS : flags;
    w[i] = (head & 0xff) | (sqeFlags << 8) | (ioprio << 16);
    w[i + 8] = udLo;
    w[i + 9] = hi;
    if (mode !== 0) {
      const s = slotOf(lo, hi).sqeU32;
      for (let k = 0; k < 16; k++) s[k] = w[i + k];
    }
    if (pinning) {
      this._pins.pin(udLo, hi, keepA, keepB, hide);
      // Remembered until published, so cancelPending can unpin.
      if (this._pinnedN === this._pinnedSlots.length) this._growPinned();
      this._pinnedSlots[this._pinnedN++] = i;
    }
  }

  // Writes a relative or absolute time in ms into the scratch timespec of
  // the SQE at word index i and returns its address. The kernel copies the
  // timespec during submission, before the slot can be reused.
  _ts(i: number, ms: number): number {
    const slot = i / this._stride;
    const sec = Math.floor(ms / 1000);
    const nsec = Math.round((ms - sec * 1000) * 1e6);
    const s = this._scratchU32;
    const k = slot * 4;
    s[k] = sec >>> 0;
    s[k + 1] = Math.floor(sec / TWO32);
    s[k + 2] = nsec >= 1e9 ? 999999999 : nsec;
    s[k + 3] = 0;
    return this._scratchAddr + slot * 16;
  }

  /** SQEs prepared but not yet consumed by the kernel. */
  get pending(): number {
    return (this._tail - this._head) >>> 0;
  }

  /** Free SQ slots. */
  sqAvailable(): number {
    this._check("sqAvailable");
    return this._sqEntries - ((this._tail - this._head) >>> 0);
  }

  /**
   * Drops SQEs prepared since the last submission (they never reach the
   * kernel) and releases their pins. Returns how many were dropped.
   */
  cancelPending(): number {
    this._check("cancelPending");
    const n = (this._tail - this._published) >>> 0;
    const w = this._sqe;
    for (let k = 0; k < this._pinnedN; k++) {
      const i = this._pinnedSlots[k];
      this._pins.complete(w[i + 8], w[i + 9]);
    }
    this._pinnedN = 0;
    this._tail = this._published;
    this._nopRun = 0; // rewound slots would count twice
    return n;
  }

  _growPinned(): void {
    const a = new Int32Array(this._pinnedSlots.length * 2);
    a.set(this._pinnedSlots);
    this._pinnedSlots = a;
  }

  /**
   * Publishes prepared SQEs and submits them with one io_uring_enter (on
   * single-issuer rings it also runs deferred task work). Returns the
   * number submitted; 0 when the kernel pushes back (EAGAIN/EBUSY: reap
   * completions, then retry).
   */
  submit(): number {
    if (this._closed) throw new RingClosedError("submit");
    if (!this._started) {
      throw new UringError(
        "submit",
        0,
        "uring: submit: ring not started (call start())",
      );
    }
    const n = (this._tail - this._head) >>> 0;
    if (this._published !== this._tail) {
      // Release: SQE contents become visible before the new tail.
      if (this._atomic) Atomics.store(this._u32, this._sqTailW, this._tail);
      else this._u32[this._sqTailW] = this._tail;
      this._published = this._tail;
      this._pinnedN = 0;
    }
    if (n === 0) return 0;
    let r = ioUringEnter4(this._fd, n, 0, this._enterGetevents);
    if (r === EINTR) r = ioUringEnter4(this._fd, n, 0, this._enterGetevents);
    if (r < 0) {
      if (r === EAGAIN || r === EBUSY || r === EINTR) return 0;
      throw uringError("io_uring_enter", r);
    }
    this._head = (this._head + r) >>> 0;
    this._sqLimit = (this._head + this._cap) >>> 0;
    return r;
  }

  /** IORING_OP_NOP. */
  nop(ctx: SQEContext, o?: OpOptions): boolean {
    // A constructor compare is a map check here, where instanceof walks
    // the prototype chain; anything else takes the checked slow path.
    if (
      o !== undefined || ctx === undefined || ctx === null ||
      ctx.constructor !== SQE_CONTEXT
    ) {
      return this._nopSlow(ctx, o);
    }
    const tail = this._tail;
    const hi = ctx.hi;
    const lo = ctx.lo;
    // Buffer select needs buf_group written, and CQE_SKIP_SUCCESS may need
    // stripping (notifySucceed): both go through #finish.
    if (
      tail === this._sqLimit || hi >= 0x40000000 || (lo & NOP_SLOW_FLAGS) !== 0
    ) return this._nopSlow(ctx, o);
    // The benchmarked path (room in the SQ, direct context, no options):
    // #claim, prepNop and #finish inlined, and kept small so V8 inlines it
    // into the caller. The kernel never writes SQEs, so a slot whose last
    // content was a NOP with the same flags only needs its user_data
    // rewritten (user_data: the context with op NOP = 0).
    this._tail = (tail + 1) >>> 0;
    const slot = tail & this._sqMask;
    const i = slot << this._strideShift;
    const w = this._sqe;
    w[i + 8] = lo & 0xffffff00;
    w[i + 9] = hi;
    // Last: the template never touches user_data, and nothing above has to
    // be re-checked after the (rare) call.
    const flags = (lo >>> 8) & 0xff;
    if (flags !== this._nopAll) this._nopTemplate(slot, flags);
    return true;
  }

  // Writes the NOP template into a slot unless #slotKind says it is there,
  // and tracks whether every slot now holds it (#nopAll).
  _nopTemplate(slot: number, flags: number): void {
    this._nopAll = -1;
    if (flags === this._nopRunFlags) {
      if (++this._nopRun >= this._sqEntries) this._nopAll = flags;
    } else {
      this._nopRunFlags = flags;
      this._nopRun = 1;
    }
    if (this._slotKind[slot] === (0x100 | flags)) return;
    const i = slot << this._strideShift;
    const w = this._sqe;
    const d = this._sqe64;
    const j = i >> 1;
    w[i] = flags << 8;
    w[i + 1] = 0xffffffff;
    d[j + 1] = 0;
    d[j + 2] = 0;
    d[j + 3] = 0;
    d[j + 5] = 0;
    d[j + 6] = 0;
    d[j + 7] = 0;
    this._slotKind[slot] = 0x100 | flags;
  }

  _nopSlow(ctx: SQEContext, o?: OpOptions): boolean {
    const i = this._claimFor("nop", ctx, o);
    if (i < 0) return false;
    prepNop(this._sqe, i);
    this._finish(i, ctx, o, undefined, undefined);
    return true;
  }

  _need128(op: string, opcode: number): void {
    this._check(op);
    if (this._stride !== 32) {
      throw new NotSupportedError(op, "needs a ring created with sqe128: true");
    }
    // Probed once: a kernel without the opcode would fail the SQE with
    // -EINVAL, which says nothing about why.
    if (this._supported === null) {
      const p = probeOpcodes(this._fd);
      this._supported = new Uint8Array(256);
      for (let k = 0; k <= p.lastOp && k < 256; k++) {
        this._supported[k] = p.supports(k) ? 1 : 0;
      }
    }
    if (this._supported[opcode] !== 1) {
      throw new NotSupportedError(
        op,
        `this kernel has no ${
          opcode === 64 ? "IORING_OP_URING_CMD128" : "IORING_OP_NOP128"
        } (opcode ${opcode}; probed)`,
      );
    }
  }

  // A direct target context names the user_data the prep wrote: the op byte
  // is replaced by the op actually submitted, so fill it in when the caller
  // left it 0 (forFD(fd) contexts).
  _targetUserData(target: SQEContext, defaultOp: number): number {
    if (!(target instanceof SQEContext)) {
      throw new TypeError("target must be an SQEContext");
    }
    if (target.hi >>> 30 !== 0 || (target.lo & 0xff) !== 0) return target.lo;
    return (target.lo | defaultOp) >>> 0;
  }
}
