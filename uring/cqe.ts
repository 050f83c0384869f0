// Completion views. The ring copies each CQE's four words (user_data lo/hi,
// res, flags) into caller-owned view objects, so reaping allocates nothing
// and a view stays readable after the CQ slot is recycled; decoding the
// context is done on demand by the accessors.

import type { ExtSQE } from "./context.ts";
import { SQEContext } from "./context.ts";
import { slotOf } from "./_registry.ts";
import { UringError } from "./errors.ts";
import { TWO32 } from "./_constants.ts";

/**
 * CQE flags (cqe->flags).
 *
 * @example
 * ```ts
 * import { IORING_CQE_F } from "@kernio/kernio/uring";
 * IORING_CQE_F.MORE; // 2
 * ```
 */
export const IORING_CQE_F = {
  BUFFER: 1 << 0,
  MORE: 1 << 1,
  SOCK_NONEMPTY: 1 << 2,
  NOTIF: 1 << 3,
  BUF_MORE: 1 << 4,
  SKIP: 1 << 5,
  F32: 1 << 15,
} as const;

/**
 * Shift of the buffer ID in cqe->flags.
 *
 * @example
 * ```ts
 * import { IORING_CQE_BUFFER_SHIFT } from "@kernio/kernio/uring";
 * const flags = (5 << IORING_CQE_BUFFER_SHIFT) | 1;
 * flags >>> IORING_CQE_BUFFER_SHIFT; // 5
 * ```
 */
export const IORING_CQE_BUFFER_SHIFT = 16;

const MODE_SHIFT = 30;

/**
 * Read-only accessors over a 64-byte SQE (the copy kept by an indirect or
 * extended context slot).
 *
 * @example
 * ```ts
 * import { ContextPools, SQEView } from "@kernio/kernio/uring";
 * const pools = new ContextPools(1);
 * const ext = pools.extended()!;
 * new SQEView(ext.sqeU32).opcode(); // 0
 * pools.putExtended(ext);
 * ```
 */
export class SQEView {
  #w: Uint32Array | null;
  /** Wraps 16 SQE words (null: an invalid view, as for direct contexts). */
  constructor(w: Uint32Array | null) {
    this.#w = w;
  }
  /** Whether the view has an SQE behind it. */
  valid(): boolean {
    return this.#w !== null;
  }
  #get(): Uint32Array {
    if (this.#w === null) {
      throw new TypeError("SQEView: no SQE (direct contexts keep none)");
    }
    return this.#w;
  }
  /** sqe->opcode. */
  opcode(): number {
    return this.#get()[0] & 0xff;
  }
  /** sqe->flags (IOSQE_*). */
  flags(): number {
    return (this.#get()[0] >>> 8) & 0xff;
  }
  /** sqe->ioprio. */
  ioPrio(): number {
    return this.#get()[0] >>> 16;
  }
  /** sqe->fd (a registered index with IOSQE_FIXED_FILE). */
  fd(): number {
    return this.#get()[1] | 0;
  }
  /** sqe->off as a Number (exact below 2^53). */
  off(): number {
    const w = this.#get();
    return w[3] * TWO32 + w[2];
  }
  /** sqe->addr as a Number. */
  addr(): number {
    const w = this.#get();
    return w[5] * TWO32 + w[4];
  }
  /** sqe->len. */
  len(): number {
    return this.#get()[6];
  }
  /** The op-specific flags union (rw_flags, msg_flags, poll events...). */
  uflags(): number {
    return this.#get()[7];
  }
  /** sqe->user_data low half. */
  userDataLo(): number {
    return this.#get()[8];
  }
  /** sqe->user_data high half. */
  userDataHi(): number {
    return this.#get()[9];
  }
  /** sqe->buf_index / buf_group. */
  bufIndex(): number {
    return this.#get()[10] & 0xffff;
  }
  /** Same field as bufIndex, named for buffer selection. */
  bufGroup(): number {
    return this.#get()[10] & 0xffff;
  }
  /** sqe->personality. */
  personality(): number {
    return this.#get()[10] >>> 16;
  }
  /** sqe->splice_fd_in. */
  spliceFdIn(): number {
    return this.#get()[11] | 0;
  }
  /** sqe->file_index. */
  fileIndex(): number {
    return this.#get()[11];
  }
  /** IOSQE_FIXED_FILE set. */
  hasFixedFile(): boolean {
    return (this.flags() & 1) !== 0;
  }
  /** IOSQE_IO_DRAIN set. */
  hasIODrain(): boolean {
    return (this.flags() & 2) !== 0;
  }
  /** IOSQE_IO_LINK set. */
  hasIOLink(): boolean {
    return (this.flags() & 4) !== 0;
  }
  /** IOSQE_IO_HARDLINK set. */
  hasIOHardlink(): boolean {
    return (this.flags() & 8) !== 0;
  }
  /** IOSQE_ASYNC set. */
  hasAsync(): boolean {
    return (this.flags() & 16) !== 0;
  }
  /** IOSQE_BUFFER_SELECT set. */
  hasBufferSelect(): boolean {
    return (this.flags() & 32) !== 0;
  }
  /** IOSQE_CQE_SKIP_SUCCESS set. */
  hasCQESkipSuccess(): boolean {
    return (this.flags() & 64) !== 0;
  }
}

const INVALID_SQE = new SQEView(null);

const F_BUFFER = IORING_CQE_F.BUFFER;
const F_MORE = IORING_CQE_F.MORE;
const F_SOCK_NONEMPTY = IORING_CQE_F.SOCK_NONEMPTY;
const F_NOTIF = IORING_CQE_F.NOTIF;
const F_BUF_MORE = IORING_CQE_F.BUF_MORE;

/**
 * What every completion view holds: the kernel's `res` and `flags`, and
 * what the flags say. {@linkcode CQEView}, {@linkcode DirectCQE} and
 * {@linkcode ExtCQE} extend it with the context decoded their way.
 *
 * @example
 * ```ts
 * import { CQEView, type CQEResult } from "@kernio/kernio/uring";
 * const cqe: CQEResult = new CQEView();
 * cqe.hasMore(); // false
 * ```
 */
export abstract class CQEResult {
  /** Completion result (bytes, fd, or -errno). */
  res = 0;
  /** IORING_CQE_F_* flags (buffer ID in the high 16 bits). */
  flags = 0;

  /**
   * `n` reusable views of the class it is called on (1..2^20).
   *
   * @param n How many views.
   * @returns The views, to pass to a wait.
   */
  static array<T extends CQEResult>(this: new () => T, n: number): T[] {
    if (!(Number.isInteger(n) && n >= 1 && n <= 1 << 20)) {
      throw new RangeError(
        `${this.name}.array: count must be in 1..2^20, got ${n}`,
      );
    }
    const a: T[] = [];
    for (let i = 0; i < n; i++) a.push(new this());
    return a;
  }

  /** Provided-buffer ID (valid when hasBuffer()). */
  bufID(): number {
    return this.flags >>> IORING_CQE_BUFFER_SHIFT;
  }

  /** IORING_CQE_F_BUFFER: a provided buffer was used. */
  hasBuffer(): boolean {
    return (this.flags & F_BUFFER) !== 0;
  }

  /** IORING_CQE_F_BUF_MORE: the (incremental) buffer has more room. */
  hasBufferMore(): boolean {
    return (this.flags & F_BUF_MORE) !== 0;
  }

  /** IORING_CQE_F_MORE: more completions follow (multishot). */
  hasMore(): boolean {
    return (this.flags & F_MORE) !== 0;
  }

  /** IORING_CQE_F_NOTIF: a zero-copy send's notification. */
  isNotification(): boolean {
    return (this.flags & F_NOTIF) !== 0;
  }

  /** IORING_CQE_F_SOCK_NONEMPTY: the socket has more data to read. */
  socketNonEmpty(): boolean {
    return (this.flags & F_SOCK_NONEMPTY) !== 0;
  }

  /** res >= 0. */
  isSuccess(): boolean {
    return this.res >= 0;
  }
}

/**
 * A reusable completion view, filled by `Uring.wait`. `res` and `flags` are
 * the kernel's values; the accessors decode the submission context. Views
 * are plain copies: they stay valid until the next wait refills them (an
 * extended context's slot stays valid until it is returned to its pool).
 *
 * @example
 * ```ts
 * import { CQEView, Uring } from "@kernio/kernio/uring";
 * const cqes = CQEView.array(64);
 * // const n = ring.wait(cqes);
 * ```
 */
export class CQEView extends CQEResult {
  /** user_data low half. */
  userDataLo = 0;
  /** user_data high half. */
  userDataHi = 0;
  /**
   * 32-byte CQE rings (Options.cqe32) only: big_cqe[0] and big_cqe[1] as
   * u32 halves (e.g. a zero-copy receive's area offset); 0 on 16-byte rings.
   */
  extra1Lo = 0;
  /** High half of big_cqe[0]. */
  extra1Hi = 0;
  /** Low half of big_cqe[1]. */
  extra2Lo = 0;
  /** High half of big_cqe[1]. */
  extra2Hi = 0;

  /** IORING_OP_* of the submission. */
  op(): number {
    if (this.userDataHi >>> MODE_SHIFT === 0) return this.userDataLo & 0xff;
    return slotOf(this.userDataLo, this.userDataHi).sqeU32[0] & 0xff;
  }
  /** SQE flags of the submission. */
  sqeFlags(): number {
    if (this.userDataHi >>> MODE_SHIFT === 0) {
      return (this.userDataLo >>> 8) & 0xff;
    }
    return (slotOf(this.userDataLo, this.userDataHi).sqeU32[0] >>> 8) & 0xff;
  }
  /** File descriptor (or fixed-file index) of the submission. */
  fd(): number {
    if (this.userDataHi >>> MODE_SHIFT === 0) {
      return (this.userDataHi << 2) >> 2;
    }
    return slotOf(this.userDataLo, this.userDataHi).sqeU32[1] | 0;
  }
  /** Buffer group of the submission (non-zero only with buffer selection). */
  bufGroup(): number {
    if (this.userDataHi >>> MODE_SHIFT === 0) return this.userDataLo >>> 16;
    return slotOf(this.userDataLo, this.userDataHi).sqeU32[10] & 0xffff;
  }
  /** Whether extended user data is available (extended mode). */
  extended(): boolean {
    return this.userDataHi >>> MODE_SHIFT === 2;
  }
  /** Whether the full SQE is available (indirect and extended modes). */
  fullSQE(): boolean {
    const m = this.userDataHi >>> MODE_SHIFT;
    return m === 1 || m === 2;
  }
  /** The ExtSQE of an extended context. */
  extSQE(): ExtSQE {
    if (!this.extended()) {
      throw new TypeError("CQEView.extSQE: not an extended completion");
    }
    return slotOf(this.userDataLo, this.userDataHi) as ExtSQE;
  }
  /** A view of the submitted SQE (invalid for direct contexts). Allocates. */
  sqe(): SQEView {
    if (!this.fullSQE()) return INVALID_SQE;
    return new SQEView(slotOf(this.userDataLo, this.userDataHi).sqeU32);
  }
  /** The submission context (a new object; see contextInto for hot paths). */
  context(): SQEContext {
    return new SQEContext(this.userDataLo, this.userDataHi);
  }
  /** Writes the submission context into `target` and returns it. */
  contextInto(target: SQEContext): SQEContext {
    return target.assignRaw(this.userDataLo, this.userDataHi);
  }
  /** Throws the typed error of a failed completion (res < 0). */
  throwIfError(op = "completion"): void {
    if (this.res < 0) throw new UringError(op, this.res);
  }
}

/**
 * A completion of a direct-mode submission, decoded eagerly by
 * `Uring.waitDirect` (no mode check per accessor).
 *
 * @example
 * ```ts
 * import { DirectCQE } from "@kernio/kernio/uring";
 * const cqes = DirectCQE.array(64);
 * // const n = ring.waitDirect(cqes);
 * ```
 */
export class DirectCQE extends CQEResult {
  /** IORING_OP_*. */
  op = 0;
  /** SQE flags. */
  sqeFlags = 0;
  /** Buffer group. */
  bufGroup = 0;
  /** File descriptor. */
  fd = 0;
}

/**
 * A completion of an extended-mode submission, filled by
 * `Uring.waitExtended` with its ExtSQE resolved.
 *
 * @example
 * ```ts
 * import { ExtCQE } from "@kernio/kernio/uring";
 * const cqes = ExtCQE.array(64);
 * // const n = ring.waitExtended(cqes);
 * ```
 */
export class ExtCQE extends CQEResult {
  /** The ExtSQE of the submission (null if the context was not extended). */
  ext: ExtSQE | null = null;

  /** IORING_OP_* from the stored SQE. */
  op(): number {
    return this.ext === null ? -1 : this.ext.sqeU32[0] & 0xff;
  }
  /** fd from the stored SQE. */
  fd(): number {
    return this.ext === null ? -1 : this.ext.sqeU32[1] | 0;
  }
}
