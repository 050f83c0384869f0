// The public ring: `Uring` wraps the ring core (uring/core/: memory and
// lifecycle, submission and pins, completion and waits, registration) and
// exposes one method per operation (UringOps, uring/ring_ops.ts, declared in
// uring/ops/table.ts).

import type {
  ContextPools,
  ExtSQE,
  IndirectSQE,
  SQEContext,
} from "./context.ts";
import type { CQEView, DirectCQE, ExtCQE } from "./cqe.ts";
import type { Options } from "./options.ts";
import type { MemRegionReg } from "./structs.ts";
import type { Probe, QueryOpcode, QuerySCQ } from "./probe.ts";
import { RegisterBufferPool, type RingBuffers } from "./ring_buffers.ts";
import { mustExtSQE, ScopedExtSQE, withExtSQE } from "./scoped.ts";
import type { Features } from "./core/memory.ts";
import type { WaitAsyncOptions } from "./core/completion.ts";
import type { RingCore } from "./core/registration.ts";
import { ringCore, UringOps } from "./ring_ops.ts";
import type { SQEOptions } from "./ops/options.ts";
import { setTeardown } from "./_teardown.ts";

export type { Features } from "./core/memory.ts";
export type { WaitAsyncOptions } from "./core/completion.ts";
export * from "./ops/options.ts";
export { UringOps } from "./ring_ops.ts";
export type { FileOps } from "./ops/file.ts";
export type { SocketOps } from "./ops/socket.ts";
export type { SockaddrInput } from "./_sockaddr.ts";

/**
 * An io_uring instance. Created disabled (IORING_SETUP_R_DISABLED);
 * `start()` registers resources and enables it; `stop()` tears it down.
 *
 * Single-issuer by default (SINGLE_ISSUER + DEFER_TASKRUN): the thread
 * that starts the ring must do all submissions and waits, which in Deno is
 * the JS thread. Prep methods write SQEs straight into the mmap'd SQE array
 * and return true, or false when the SQ is full even after flushing
 * (would-block as a value). Nothing reaches the kernel until `submit()` or
 * a wait, so a batch costs one io_uring_enter.
 *
 * @example
 * ```ts
 * import { CQEView, forFD, Uring } from "@kernio/kernio/uring";
 * const ring = new Uring({ entries: 64 });
 * ring.start();
 * ring.nop(forFD(0));
 * const cqes = CQEView.array(8);
 * const n = ring.wait(cqes); // 1
 * ring.stop();
 * ```
 */
export class Uring extends UringOps {
  /** The resolved options. */
  readonly options: Readonly<Options>;
  /** Ring sizing reported by the kernel. */
  readonly features: Readonly<Features>;
  #r: RingCore;
  #bufferPool: RegisterBufferPool | null = null;

  /** Creates a disabled ring (call start() before submitting). */
  constructor(options?: Partial<Options>) {
    super(options);
    this.#r = ringCore(this);
    // Buffer rings registered on this object release their memory after
    // this ring's teardown.
    setTeardown(this, this.#r._teardown);
    this.options = this.#r.options;
    this.features = this.#r.features;
  }

  /** The ring file descriptor (for MSG_RING targets and register calls). */
  get fd(): number {
    return this.#r.fd;
  }

  /** Same as `fd`. */
  ringFD(): number {
    return this.fd;
  }

  /**
   * The buffers the options describe, registered by start(): the
   * read-buffer group, the multi-size groups and the write-buffer pool
   * (each null when its options are 0).
   */
  get buffers(): RingBuffers {
    return this.#r.buffers;
  }

  /** Whether start() succeeded. */
  get started(): boolean {
    return this.#r.started;
  }

  /** Whether stop() was called. */
  get closed(): boolean {
    return this.#r.closed;
  }

  /**
   * Registers the configured resources (registered buffers from
   * lockedBufferMem and writeBufferNum, provided-buffer groups from
   * readBufferNum and multiSizeBuffer; see {@linkcode Uring.buffers}) and
   * enables the ring. The JS thread becomes the
   * ring's single issuer.
   */
  start(): void {
    return this.#r.start();
  }

  /**
   * Tears the ring down: closes its eventfds and fd, unmaps the rings and
   * registered buffers (detaching every view), releases pins and the
   * ring's context pools. Idempotent. Drain in-flight operations first:
   * the kernel cancels what is left.
   */
  stop(): void {
    this.#r.stop();
    this.#bufferPool?._close(this.#r._teardown.armedFence() ?? undefined);
    this.#bufferPool = null;
  }

  /** Same as stop(). */
  [Symbol.dispose](): void {
    this.stop();
  }

  /**
   * The SQE array as u32 words (SQE_WORD indices from a getSqe() result).
   * Re-read after resizeRings; empty (detached) after stop.
   */
  get sqeWords(): Uint32Array {
    return this.#r.sqeWords;
  }

  /**
   * Claims the next SQE slot and returns the word index of its first word
   * in `sqeWords`, or -1 if the SQ is full even after flushing. The slot
   * content is stale: fill every word (the P.prep* functions do).
   */
  getSqe(): number {
    return this.#r.getSqe();
  }

  /**
   * Finishes an SQE written by a prep function (`@kernio/kernio/uring/raw`)
   * into the slot getSqe() returned: merges the context's and options'
   * flags, ioprio and personality, writes user_data (a direct context gets
   * the opcode the prep wrote), copies the SQE into an indirect or extended
   * context's slot, and keeps `keepA`/`keepB` alive until the final CQE.
   *
   * @param i The SQE's word index, as returned by getSqe().
   * @param ctx The submission context: becomes the CQE's user_data.
   * @param o SQE flags, ioprio and personality to merge.
   * @param keepA An object the kernel reads through (e.g. the buffer).
   * @param keepB A second such object.
   */
  finishSqe(
    i: number,
    ctx: SQEContext,
    o?: SQEOptions,
    keepA?: unknown,
    keepB?: unknown,
  ): void;
  /**
   * The older form, with the opcode repeated: `op` must equal the opcode
   * the prep wrote.
   *
   * @deprecated The opcode is read from the SQE: call
   * `finishSqe(i, ctx, o, keepA, keepB)`.
   */
  finishSqe(
    i: number,
    op: number,
    ctx: SQEContext,
    o?: SQEOptions,
    keepA?: unknown,
    keepB?: unknown,
  ): void;
  finishSqe(
    i: number,
    a: SQEContext | number,
    b?: unknown,
    c?: unknown,
    d?: unknown,
    e?: unknown,
  ): void {
    if (typeof a === "number") {
      this.#r.finishSqe(i, a, b as SQEContext, c as SQEOptions, d, e);
    } else this.#r.finishSqe(i, undefined, a, b as SQEOptions, c, d);
  }

  /**
   * Keeps `obj` alive until the final CQE whose user_data equals `ctx`
   * exactly (for buffers referenced by hand-written SQEs; note that the
   * prep methods write direct contexts with the op and merged SQE flags
   * filled in, so pass that value). Counts as one expected completion.
   */
  keepAlive(ctx: SQEContext, obj: unknown): void {
    return this.#r.keepAlive(ctx, obj);
  }

  /**
   * Distinct user_data values whose JS objects (buffers, paths, msghdrs)
   * are pinned until their final CQE: 0 once everything completed.
   */
  get pinnedKeys(): number {
    return this.#r.pinnedKeys;
  }

  /** SQEs prepared but not yet consumed by the kernel. */
  get pending(): number {
    return this.#r.pending;
  }

  /** Free SQ slots. */
  sqAvailable(): number {
    return this.#r.sqAvailable();
  }

  /** CQEs waiting to be reaped. */
  cqPending(): number {
    return this.#r.cqPending();
  }

  /** Completions the kernel dropped (cq.overflow counter). */
  cqOverflowCount(): number {
    return this.#r.cqOverflowCount();
  }

  /**
   * Whether completion work is queued in the kernel and not yet run
   * (IORING_SQ_TASKRUN): entering the ring (wait()) posts more
   * completions, so an event loop should not park yet.
   */
  taskrunPending(): boolean {
    return this.#r.taskrunPending();
  }

  /**
   * Drops SQEs prepared since the last submission (they never reach the
   * kernel) and releases their pins. Returns how many were dropped.
   */
  cancelPending(): number {
    return this.#r.cancelPending();
  }

  /**
   * Publishes prepared SQEs and submits them with one io_uring_enter (on
   * single-issuer rings it also runs deferred task work). Returns the
   * number submitted; 0 when the kernel pushes back (EAGAIN/EBUSY: reap
   * completions, then retry).
   */
  submit(): number {
    return this.#r.submit();
  }

  /**
   * Flushes pending submissions, runs deferred task work, and copies up to
   * `cqes.length` completions into the given reusable views. Returns the
   * count; 0 means nothing is ready yet (a value, not an error). Throws
   * CQOverflowError when the CQ overflowed and nothing was claimable.
   * Never blocks.
   */
  wait(cqes: CQEView[]): number {
    return this.#r.wait(cqes);
  }

  /**
   * wait() for rings that only use direct contexts: fields are decoded
   * straight into DirectCQE objects, without the mode dispatch.
   */
  waitDirect(cqes: DirectCQE[]): number {
    return this.#r.waitDirect(cqes);
  }

  /**
   * wait() for rings that only use extended contexts: each ExtCQE gets its
   * ExtSQE resolved (null for a completion whose context is not extended).
   */
  waitExtended(cqes: ExtCQE[]): number {
    return this.#r.waitExtended(cqes);
  }

  /**
   * Blocking wait: submits and sleeps in io_uring_enter until at least
   * `minComplete` completions are ready or `timeoutMs` passes, then reaps.
   * BLOCKS THE CALLING THREAD (and so Deno's event loop): use waitAsync in
   * async code.
   *
   * @param cqes Reusable views that receive the completions.
   * @param minComplete Completions to wait for (0: none).
   * @param timeoutMs Give up after this many milliseconds.
   * @returns The number of completions copied into `cqes`.
   */
  waitBlocking(cqes: CQEView[], minComplete = 1, timeoutMs?: number): number {
    return this.#r.waitBlocking(cqes, minComplete, timeoutMs);
  }

  /**
   * The eventfd the ring signals on completions (and, on single-issuer
   * rings, when deferred task work is queued). Created and registered on
   * first use; closed by stop().
   */
  eventfd(): number {
    return this.#r.eventfd();
  }

  /** Registers a caller-owned eventfd (it stays open after stop). */
  registerEventfd(efd: number, asyncOnly = false): void {
    return this.#r.registerEventfd(efd, asyncOnly);
  }

  /** Unregisters the eventfd (closing it if the ring created it). */
  unregisterEventfd(): void {
    return this.#r.unregisterEventfd();
  }

  /**
   * Waits for completions without blocking the event loop: polls the
   * ring's eventfd on Deno's blocking thread pool, then reaps on the JS
   * thread. Resolves with the count (0 on timeout); rejects with the
   * signal's reason on abort. One waitAsync at a time per ring.
   */
  waitAsync(
    cqes: CQEView[],
    options: WaitAsyncOptions = {},
  ): Promise<number> {
    return this.#r.waitAsync(cqes, options);
  }

  /** Raw io_uring_register passthrough on this ring (typed error on failure). */
  register(opcode: number, arg: Uint8Array | null, nrArgs: number): number {
    return this.#r.register(opcode, arg, nrArgs);
  }

  /** Registers a file table (use the indexes with IOSQE_FIXED_FILE). */
  registerFiles(fds: Int32Array | readonly number[]): void {
    return this.#r.registerFiles(fds);
  }

  /** Registers `count` empty file slots. */
  registerFilesSparse(count: number): void {
    return this.#r.registerFilesSparse(count);
  }

  /** Replaces registered file slots from `offset` (-1 clears). */
  registerFilesUpdate(
    offset: number,
    fds: Int32Array | readonly number[],
  ): number {
    return this.#r.registerFilesUpdate(offset, fds);
  }

  /** Drops the registered file table. */
  unregisterFiles(): void {
    return this.#r.unregisterFiles();
  }

  /** Size of the registered file table (0 if none). */
  registeredFileCount(): number {
    return this.#r.registeredFileCount();
  }

  /**
   * Registers caller buffers for readFixed/writeFixed (kept alive by the
   * ring until unregisterBuffers or stop).
   */
  registerBuffers(bufs: readonly Uint8Array[]): void {
    return this.#r.registerBuffers(bufs);
  }

  /** Unregisters the registered buffers (and unmaps ring-owned ones). */
  unregisterBuffers(): void {
    this.#r.unregisterBuffers();
    this.#bufferPool?._close();
    this.#bufferPool = null;
  }

  /**
   * Registers a filled {@linkcode RegisterBufferPool} as the ring's fixed
   * buffers (indexes from 0; the ring must have none registered yet, so no
   * lockedBufferMem or writeBufferNum). The pool's buffers are detached
   * (and its own mapping unmapped) when the ring stops or unregisters them.
   */
  registerBufferPool(pool: RegisterBufferPool): void {
    if (!(pool instanceof RegisterBufferPool)) {
      throw new TypeError("registerBufferPool: expected a RegisterBufferPool");
    }
    if (pool.firstIndex >= 0) {
      throw new TypeError("registerBufferPool: the pool is already registered");
    }
    this.#r.registerBuffers(pool.buffers());
    pool._bind(0);
    this.#bufferPool = pool;
  }

  /** Registered buffer `index` (shares memory with the kernel), or null. */
  registeredBuffer(index: number): Uint8Array | null {
    return this.#r.registeredBuffer(index);
  }

  /** Number of registered buffers. */
  registeredBufferCount(): number {
    return this.#r.registeredBufferCount();
  }

  /** Opcode support via IORING_REGISTER_PROBE. */
  probe(): Probe {
    return this.#r.probe();
  }

  /** IORING_REGISTER_QUERY opcodes (NotSupportedError on kernels without it). */
  queryOpcodes(): QueryOpcode {
    return this.#r.queryOpcodes();
  }

  /** IORING_REGISTER_QUERY SQ/CQ facts (NotSupportedError without it). */
  querySCQ(): QuerySCQ {
    return this.#r.querySCQ();
  }

  /**
   * Resizes the SQ and CQ (IORING_REGISTER_RESIZE_RINGS; single-issuer
   * rings only). 0 keeps the SQ size; cq 0 means twice the SQ. Pending
   * SQEs are submitted first. Re-read `sqeWords` afterwards: the old views
   * are detached.
   */
  resizeRings(sqEntries: number, cqEntries = 0): void {
    return this.#r.resizeRings(sqEntries, cqEntries);
  }

  /**
   * Clones registered buffers from another ring (IORING_REGISTER_CLONE_BUFFERS).
   *
   * @param src The ring (or ring fd) to clone registered buffers from.
   * @param srcOff First source buffer index.
   * @param dstOff First destination index.
   * @param count Buffers to clone (0: all from srcOff).
   * @param replace Replace buffers already registered here.
   */
  cloneBuffers(
    src: Uring | number,
    srcOff = 0,
    dstOff = 0,
    count = 0,
    replace = false,
  ): void {
    return this.#r.cloneBuffers(
      typeof src === "number" ? src : ringCore(src),
      srcOff,
      dstOff,
      count,
      replace,
    );
  }

  /**
   * Registers this ring in the thread's registered-ring table
   * (IORING_REGISTER_RING_FDS; up to 16 per thread) and returns its slot,
   * the source index {@linkcode Uring.cloneBuffersFromRegistered} takes.
   * Dropped again by `unregisterRingFd()` or `stop()`.
   */
  registerRingFd(): number {
    return this.#r.registerRingFd();
  }

  /** Drops the slot `registerRingFd()` took (no-op when none). */
  unregisterRingFd(): void {
    return this.#r.unregisterRingFd();
  }

  /**
   * Clones registered buffers from the ring in registered-ring slot
   * `srcIndex` (IORING_REGISTER_SRC_REGISTERED): `count` (0: all from
   * `srcOff`) into this ring's table at `dstOff`; `replace` overwrites an
   * existing table.
   */
  cloneBuffersFromRegistered(
    srcIndex: number,
    srcOff = 0,
    dstOff = 0,
    count = 0,
    replace = false,
  ): void {
    return this.#r.cloneBuffersFromRegistered(
      srcIndex,
      srcOff,
      dstOff,
      count,
      replace,
    );
  }

  /**
   * Registers a memory region (IORING_REGISTER_MEM_REGION): with
   * MemRegionReg.REG_WAIT_ARG a registered wait region, which needs a ring
   * that is not started yet.
   */
  registerMemRegion(region: MemRegionReg): void {
    return this.#r.registerMemRegion(region);
  }

  /** The ring's own context pools (closed by stop). */
  get pools(): ContextPools {
    return this.#r.pools;
  }

  /** Borrows an ExtSQE from the ring's pool (null when exhausted). */
  extSQE(): ExtSQE | null {
    return this.#r.extSQE();
  }

  /** Returns an ExtSQE to the ring's pool. */
  putExtSQE(ext: ExtSQE): void {
    return this.#r.putExtSQE(ext);
  }

  /**
   * Borrows an ExtSQE in a {@linkcode ScopedExtSQE} (its `ext` is null when
   * the pool is exhausted): released at the end of a `using` block unless
   * `submitted()` was called.
   */
  newScopedExtSQE(): ScopedExtSQE {
    return new ScopedExtSQE(this, this.extSQE());
  }

  /** Borrows an ExtSQE or throws PoolExhaustedError (see mustExtSQE). */
  mustExtSQE(): ExtSQE {
    return mustExtSQE(this);
  }

  /** Runs `fn` with a borrowed ExtSQE it keeps only by returning true (see withExtSQE). */
  withExtSQE(fn: (ext: ExtSQE) => boolean): boolean {
    return withExtSQE(this, fn);
  }

  /** Borrows an IndirectSQE from the ring's pool (null when exhausted). */
  indirectSQE(): IndirectSQE | null {
    return this.#r.indirectSQE();
  }

  /** Returns an IndirectSQE to the ring's pool. */
  putIndirectSQE(s: IndirectSQE): void {
    return this.#r.putIndirectSQE(s);
  }
}

/**
 * Creates an unstarted ring (same as `new Uring(options)`).
 *
 * @example
 * ```ts
 * import { newUring } from "@kernio/kernio/uring";
 * const ring = newUring({ entries: 32 });
 * ring.start();
 * ring.stop();
 * ```
 */
export function newUring(options?: Partial<Options>): Uring {
  return new Uring(options);
}
