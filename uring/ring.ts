// The public ring: `Uring` wraps the ring core (uring/core/: memory and
// lifecycle, submission and pins, completion and waits, registration) and
// exposes one method per operation (uring/ops/: sockets, files, control).

import type { Iovecs, Msghdr } from "../zcall/structs.ts";
import type {
  ContextPools,
  ExtSQE,
  IndirectSQE,
  SQEContext,
} from "./context.ts";
import type { CQEView, DirectCQE, ExtCQE } from "./cqe.ts";
import type { Options } from "./options.ts";
import type { MemRegionReg, OpenHow, Statx } from "./structs.ts";
import type { Probe, QueryOpcode, QuerySCQ } from "./probe.ts";
import { RegisterBufferPool, type RingBuffers } from "./ring_buffers.ts";
import { mustExtSQE, ScopedExtSQE, withExtSQE } from "./scoped.ts";
import { IORING_FILE_INDEX_ALLOC, SOCKET_URING_OP } from "./sqe/layout.ts";
import type { Features } from "./core/memory.ts";
import type { WaitAsyncOptions } from "./core/completion.ts";
import { RingCore } from "./core/registration.ts";
import * as net from "./ops/net.ts";
import * as file from "./ops/file.ts";
import * as control from "./ops/control.ts";
import type { SockaddrInput } from "./_sockaddr.ts";
import type {
  FileOpOptions,
  ListenOptions,
  MessageOptions,
  ReadWriteOptions,
  SocketCmdFields,
  SocketOpOptions,
  SpliceOptions,
  SQEOptions,
  SyncOptions,
  TimeoutOptions,
} from "./ops/options.ts";
import { FUTEX2_U32_PRIVATE } from "./_constants.ts";

export type { Features } from "./core/memory.ts";
export type { WaitAsyncOptions } from "./core/completion.ts";
export * from "./ops/options.ts";
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
export class Uring {
  /** The resolved options. */
  readonly options: Readonly<Options>;
  /** Ring sizing reported by the kernel. */
  readonly features: Readonly<Features>;
  #r: RingCore;
  #bufferPool: RegisterBufferPool | null = null;

  /** Creates a disabled ring (call start() before submitting). */
  constructor(options?: Partial<Options>) {
    this.#r = new RingCore(options);
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
    this.#bufferPool?._close();
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
   */
  cloneBuffers(
    src: Uring | number,
    srcOff = 0,
    dstOff = 0,
    count = 0,
    replace = false,
  ): void {
    return this.#r.cloneBuffers(
      typeof src === "number" ? src : src.#r,
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

  /** IORING_OP_NOP. */
  nop(ctx: SQEContext, o?: SQEOptions): boolean {
    return this.#r.nop(ctx, o);
  }

  /**
   * IORING_OP_NOP128 (needs a ring with sqe128 and a kernel with the
   * opcode: NotSupportedError otherwise, probed before anything is queued).
   */
  nop128(ctx: SQEContext, o?: SQEOptions): boolean {
    return control.nop128(this.#r, ctx, o);
  }

  /** IORING_OP_SOCKET with explicit domain/type/protocol (o.msgFlags: socket flags). */
  socketRaw(
    ctx: SQEContext,
    domain: number,
    type: number,
    protocol: number,
    o?: SocketOpOptions,
  ): boolean {
    return net.socketRaw(this.#r, ctx, domain, type, protocol, o);
  }

  /** IORING_OP_SOCKET into a direct slot (fileIndex; default IORING_FILE_INDEX_ALLOC). */
  socketDirect(
    ctx: SQEContext,
    domain: number,
    type: number,
    protocol: number,
    fileIndex: number = IORING_FILE_INDEX_ALLOC,
    o?: SocketOpOptions,
  ): boolean {
    return net.socketDirect(this.#r, ctx, domain, type, protocol, fileIndex, o);
  }

  /** TCP over IPv4 (SOCK_STREAM | SOCK_CLOEXEC). */
  tcp4Socket(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.tcp4Socket(this.#r, ctx, o);
  }

  /** TCP over IPv6. */
  tcp6Socket(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.tcp6Socket(this.#r, ctx, o);
  }

  /** UDP over IPv4. */
  udp4Socket(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.udp4Socket(this.#r, ctx, o);
  }

  /** UDP over IPv6. */
  udp6Socket(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.udp6Socket(this.#r, ctx, o);
  }

  /** UDP-Lite over IPv4. */
  udplite4Socket(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.udplite4Socket(this.#r, ctx, o);
  }

  /** UDP-Lite over IPv6. */
  udplite6Socket(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.udplite6Socket(this.#r, ctx, o);
  }

  /** SCTP over IPv4 (one-to-one style; EPROTONOSUPPORT without SCTP). */
  sctp4Socket(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.sctp4Socket(this.#r, ctx, o);
  }

  /** SCTP over IPv6. */
  sctp6Socket(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.sctp6Socket(this.#r, ctx, o);
  }

  /** Unix stream socket. */
  unixSocket(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.unixSocket(this.#r, ctx, o);
  }

  /** TCP/IPv4 into a direct slot (o.fileIndex, default ALLOC). */
  tcp4SocketDirect(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.tcp4SocketDirect(this.#r, ctx, o);
  }

  /** TCP/IPv6 into a direct slot. */
  tcp6SocketDirect(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.tcp6SocketDirect(this.#r, ctx, o);
  }

  /** UDP/IPv4 into a direct slot. */
  udp4SocketDirect(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.udp4SocketDirect(this.#r, ctx, o);
  }

  /** UDP/IPv6 into a direct slot. */
  udp6SocketDirect(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.udp6SocketDirect(this.#r, ctx, o);
  }

  /** UDP-Lite/IPv4 into a direct slot. */
  udplite4SocketDirect(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.udplite4SocketDirect(this.#r, ctx, o);
  }

  /** UDP-Lite/IPv6 into a direct slot. */
  udplite6SocketDirect(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.udplite6SocketDirect(this.#r, ctx, o);
  }

  /** SCTP/IPv4 into a direct slot. */
  sctp4SocketDirect(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.sctp4SocketDirect(this.#r, ctx, o);
  }

  /** SCTP/IPv6 into a direct slot. */
  sctp6SocketDirect(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.sctp6SocketDirect(this.#r, ctx, o);
  }

  /** Unix stream socket into a direct slot. */
  unixSocketDirect(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return net.unixSocketDirect(this.#r, ctx, o);
  }

  /**
   * IORING_OP_BIND of ctx's socket to `addr`: raw sockaddr bytes, a sock
   * address object (SockaddrInet4/6/Unix), or a Deno address shape
   * (Deno.NetAddr, `{ hostname, port }`, `{ path }`; IP literals and
   * "localhost", no DNS).
   */
  bind(ctx: SQEContext, addr: SockaddrInput, o?: SQEOptions): boolean {
    return net.bind(this.#r, ctx, addr, o);
  }

  /** IORING_OP_LISTEN (o.backlog, default 511). */
  listen(ctx: SQEContext, o?: ListenOptions): boolean {
    return net.listen(this.#r, ctx, o);
  }

  /**
   * IORING_OP_ACCEPT on ctx's listener (res: the new fd; o.msgFlags:
   * accept4 flags, default SOCK_CLOEXEC). With `peer` and `peerLen`
   * (a Uint32Array(1)), the kernel writes the peer sockaddr and its length.
   */
  accept(
    ctx: SQEContext,
    o?: SocketOpOptions,
    peer?: Uint8Array,
    peerLen?: Uint32Array,
  ): boolean {
    return net.accept(this.#r, ctx, o, peer, peerLen);
  }

  /** IORING_OP_ACCEPT into a direct slot (fileIndex or ALLOC). */
  acceptDirect(
    ctx: SQEContext,
    fileIndex: number = IORING_FILE_INDEX_ALLOC,
    o?: SocketOpOptions,
    peer?: Uint8Array,
    peerLen?: Uint32Array,
  ): boolean {
    return net.acceptDirect(this.#r, ctx, fileIndex, o, peer, peerLen);
  }

  /** IORING_OP_CONNECT of ctx's socket to `addr` (the shapes bind takes). */
  connect(ctx: SQEContext, addr: SockaddrInput, o?: SQEOptions): boolean {
    return net.connect(this.#r, ctx, addr, o);
  }

  /** IORING_OP_SHUTDOWN (how: SHUT_RD/WR/RDWR). */
  shutdown(ctx: SQEContext, how: number, o?: SQEOptions): boolean {
    return net.shutdown(this.#r, ctx, how, o);
  }

  /** IORING_OP_SEND of `buf` (o.n bytes, o.msgFlags). */
  send(ctx: SQEContext, buf: ArrayBufferView, o?: MessageOptions): boolean {
    return net.send(this.#r, ctx, buf, o);
  }

  /**
   * IORING_OP_RECV into `buf`: on a stream socket it completes once `buf`
   * (o.n bytes) is full, at end of stream or on an error (MSG_WAITALL);
   * pass `msgFlags` (e.g. 0) for whatever is there. With `buf` null, a
   * buffer-selected receive of what is there from ctx's buffer group
   * (IOSQE_BUFFER_SELECT, o.readBufferSize bytes at most; for extended
   * and indirect contexts, the group set with withBufGroup).
   */
  receive(
    ctx: SQEContext,
    buf: ArrayBufferView | null,
    o?: MessageOptions,
  ): boolean {
    return net.receive(this.#r, ctx, buf, o);
  }

  /**
   * IORING_OP_RECV_ZC: a multishot zero-copy receive on ctx's socket
   * through ZCRX instance `ifqId` (see registerZcrxIfq / ZCRXReceiver),
   * up to `n` bytes in total (0: unlimited). Each CQE: `res` bytes at the
   * area offset in `extra1Lo`/`extra1Hi` (a cqe32 ring).
   */
  receiveZeroCopy(
    ctx: SQEContext,
    n: number,
    ifqId: number,
    o?: MessageOptions,
  ): boolean {
    return net.receiveZeroCopy(this.#r, ctx, n, ifqId, o);
  }

  /**
   * IORING_OP_SENDMSG of a zcall Msghdr (kept alive with its buffers). With
   * `to` (the shapes bind takes), the message goes there: it becomes the
   * Msghdr's name.
   */
  sendMsg(
    ctx: SQEContext,
    msg: Msghdr,
    o?: MessageOptions,
    to?: SockaddrInput,
  ): boolean {
    return net.sendMsg(this.#r, ctx, msg, o, to);
  }

  /** IORING_OP_RECVMSG into a zcall Msghdr. */
  recvMsg(ctx: SQEContext, msg: Msghdr, o?: MessageOptions): boolean {
    return net.recvMsg(this.#r, ctx, msg, o);
  }

  /** IORING_OP_READ into `buf` at o.offset (default -1: current position). */
  read(ctx: SQEContext, buf: ArrayBufferView, o?: ReadWriteOptions): boolean {
    return file.read(this.#r, ctx, buf, o);
  }

  /** IORING_OP_WRITE from `buf`. */
  write(ctx: SQEContext, buf: ArrayBufferView, o?: ReadWriteOptions): boolean {
    return file.write(this.#r, ctx, buf, o);
  }

  /** IORING_OP_READV over a zcall Iovecs (all entries). */
  readV(ctx: SQEContext, iovs: Iovecs, o?: ReadWriteOptions): boolean {
    return file.readV(this.#r, ctx, iovs, o);
  }

  /** IORING_OP_WRITEV. */
  writeV(ctx: SQEContext, iovs: Iovecs, o?: ReadWriteOptions): boolean {
    return file.writeV(this.#r, ctx, iovs, o);
  }

  /** IORING_OP_READ_FIXED into registered buffer `bufIndex` (o.n bytes). */
  readFixed(ctx: SQEContext, bufIndex: number, o?: ReadWriteOptions): boolean {
    return file.readFixed(this.#r, ctx, bufIndex, o);
  }

  /** IORING_OP_WRITE_FIXED from registered buffer `bufIndex` (first n bytes). */
  writeFixed(
    ctx: SQEContext,
    bufIndex: number,
    n: number,
    o?: ReadWriteOptions,
  ): boolean {
    return file.writeFixed(this.#r, ctx, bufIndex, n, o);
  }

  /**
   * IORING_OP_READV_FIXED: scatter into ranges of registered buffer
   * `bufIndex` (the kernel resolves every iovec inside that one buffer), at
   * o.offset (default -1: current position).
   */
  readvFixed(
    ctx: SQEContext,
    bufIndex: number,
    iovs: Iovecs,
    o?: ReadWriteOptions,
  ): boolean {
    return file.readvFixed(this.#r, ctx, bufIndex, iovs, o);
  }

  /** IORING_OP_WRITEV_FIXED: gather from ranges of registered buffer `bufIndex`. */
  writevFixed(
    ctx: SQEContext,
    bufIndex: number,
    iovs: Iovecs,
    o?: ReadWriteOptions,
  ): boolean {
    return file.writevFixed(this.#r, ctx, bufIndex, iovs, o);
  }

  /** IORING_OP_OPENAT relative to ctx's fd (AT_FDCWD via forFD(AT.FDCWD)). */
  openAt(
    ctx: SQEContext,
    path: string | Uint8Array,
    flags: number,
    mode = 0,
    o?: FileOpOptions,
  ): boolean {
    return file.openAt(this.#r, ctx, path, flags, mode, o);
  }

  /**
   * IORING_OP_OPENAT2 relative to ctx's fd: openat2(2) with an
   * {@linkcode OpenHow} (flags, mode, RESOLVE_* restrictions). The result
   * is the new fd (or the direct slot with o.fileIndex).
   */
  openAt2(
    ctx: SQEContext,
    path: string | Uint8Array,
    how: OpenHow,
    o?: FileOpOptions,
  ): boolean {
    return file.openAt2(this.#r, ctx, path, how, o);
  }

  /** IORING_OP_CLOSE of ctx's fd (o.fileIndex closes a direct slot instead). */
  close(ctx: SQEContext, o?: FileOpOptions): boolean {
    return file.close(this.#r, ctx, o);
  }

  /** IORING_OP_FSYNC (o.fsyncFlags: IORING_FSYNC_DATASYNC). */
  sync(ctx: SQEContext, o?: SyncOptions): boolean {
    return file.sync(this.#r, ctx, o);
  }

  /** IORING_OP_FALLOCATE. */
  fallocate(
    ctx: SQEContext,
    mode: number,
    offset: number,
    length: number,
    o?: SQEOptions,
  ): boolean {
    return file.fallocate(this.#r, ctx, mode, offset, length, o);
  }

  /** IORING_OP_FTRUNCATE. */
  ftruncate(ctx: SQEContext, length: number, o?: SQEOptions): boolean {
    return file.ftruncate(this.#r, ctx, length, o);
  }

  /** IORING_OP_STATX into a {@linkcode Statx} (or 256+ bytes of one). */
  statx(
    ctx: SQEContext,
    path: string | Uint8Array,
    flags: number,
    mask: number,
    statxbuf: Uint8Array | Statx,
    o?: SQEOptions,
  ): boolean {
    return file.statx(this.#r, ctx, path, flags, mask, statxbuf, o);
  }

  /** IORING_OP_RENAMEAT (both paths relative to ctx's fd). */
  renameAt(
    ctx: SQEContext,
    oldPath: string | Uint8Array,
    newPath: string | Uint8Array,
    flags = 0,
    o?: SQEOptions,
  ): boolean {
    return file.renameAt(this.#r, ctx, oldPath, newPath, flags, o);
  }

  /** IORING_OP_UNLINKAT (flags: AT_REMOVEDIR). */
  unlinkAt(
    ctx: SQEContext,
    path: string | Uint8Array,
    flags = 0,
    o?: SQEOptions,
  ): boolean {
    return file.unlinkAt(this.#r, ctx, path, flags, o);
  }

  /** IORING_OP_MKDIRAT. */
  mkdirAt(
    ctx: SQEContext,
    path: string | Uint8Array,
    mode = 0o777,
    o?: FileOpOptions,
  ): boolean {
    return file.mkdirAt(this.#r, ctx, path, mode, o);
  }

  /** IORING_OP_SYMLINKAT: creates `linkPath` (relative to ctx's fd) -> `target`. */
  symlinkAt(
    ctx: SQEContext,
    target: string | Uint8Array,
    linkPath: string | Uint8Array,
    o?: SQEOptions,
  ): boolean {
    return file.symlinkAt(this.#r, ctx, target, linkPath, o);
  }

  /** IORING_OP_LINKAT: hard link `newPath` (relative to ctx's fd) to `oldPath` (relative to oldDirfd). */
  linkAt(
    ctx: SQEContext,
    oldDirfd: number,
    oldPath: string | Uint8Array,
    newPath: string | Uint8Array,
    flags = 0,
    o?: SQEOptions,
  ): boolean {
    return file.linkAt(this.#r, ctx, oldDirfd, oldPath, newPath, flags, o);
  }

  /** IORING_OP_FGETXATTR of ctx's fd into `value` (res: attribute length). */
  fgetXattr(
    ctx: SQEContext,
    name: string,
    value: Uint8Array,
    o?: SQEOptions,
  ): boolean {
    return file.fgetXattr(this.#r, ctx, name, value, o);
  }

  /** IORING_OP_FSETXATTR (flags: XATTR_CREATE 1 / XATTR_REPLACE 2). */
  fsetXattr(
    ctx: SQEContext,
    name: string,
    value: Uint8Array,
    flags = 0,
    o?: SQEOptions,
  ): boolean {
    return file.fsetXattr(this.#r, ctx, name, value, flags, o);
  }

  /** IORING_OP_GETXATTR of a path. */
  getXattr(
    ctx: SQEContext,
    path: string,
    name: string,
    value: Uint8Array,
    o?: SQEOptions,
  ): boolean {
    return file.getXattr(this.#r, ctx, path, name, value, o);
  }

  /** IORING_OP_SETXATTR of a path. */
  setXattr(
    ctx: SQEContext,
    path: string,
    name: string,
    value: Uint8Array,
    flags = 0,
    o?: SQEOptions,
  ): boolean {
    return file.setXattr(this.#r, ctx, path, name, value, flags, o);
  }

  /**
   * IORING_OP_SPLICE from `fdIn` into ctx's fd, `n` bytes. Offsets come
   * from o.offset (output) and `offIn` (input), -1 for none.
   */
  splice(
    ctx: SQEContext,
    fdIn: number,
    n: number,
    o?: SpliceOptions,
    offIn = -1,
  ): boolean {
    return file.splice(this.#r, ctx, fdIn, n, o, offIn);
  }

  /** IORING_OP_TEE from pipe `fdIn` into ctx's pipe. */
  tee(
    ctx: SQEContext,
    fdIn: number,
    length: number,
    o?: SpliceOptions,
  ): boolean {
    return file.tee(this.#r, ctx, fdIn, length, o);
  }

  /** IORING_OP_PIPE: the kernel writes [read end, write end] into `fds`. */
  pipe(
    ctx: SQEContext,
    fds: Int32Array,
    pipeFlags = 0,
    o?: SQEOptions,
  ): boolean {
    return file.pipe(this.#r, ctx, fds, pipeFlags, o);
  }

  /** IORING_OP_SYNC_FILE_RANGE. */
  syncFileRange(
    ctx: SQEContext,
    offset: number,
    length: number,
    syncFlags = 0,
    o?: SQEOptions,
  ): boolean {
    return file.syncFileRange(this.#r, ctx, offset, length, syncFlags, o);
  }

  /** IORING_OP_FADVISE. */
  fileAdvise(
    ctx: SQEContext,
    offset: number,
    length: number,
    advice: number,
    o?: SQEOptions,
  ): boolean {
    return file.fileAdvise(this.#r, ctx, offset, length, advice, o);
  }

  /**
   * IORING_OP_TIMEOUT after `ms` milliseconds (or at absolute time `ms` with
   * o.timeoutFlags IORING_TIMEOUT.ABS), or after o.count completions.
   * `ms` undefined: o.duration. Completes with -ETIME when it fires.
   */
  timeout(
    ctx: SQEContext,
    ms: number | undefined,
    o?: TimeoutOptions,
  ): boolean {
    return control.timeout(this.#r, ctx, ms, o);
  }

  /**
   * IORING_OP_TIMEOUT_REMOVE of the timeout submitted with `target` (the
   * context it was submitted with; option flags do not matter).
   */
  timeoutRemove(
    ctx: SQEContext,
    target: SQEContext,
    o?: TimeoutOptions,
  ): boolean {
    return control.timeoutRemove(this.#r, ctx, target, o);
  }

  /**
   * Re-arms the timeout submitted with `target` to `ms` (absolute if
   * `absolute`; undefined: o.duration).
   */
  timeoutUpdate(
    ctx: SQEContext,
    target: SQEContext,
    ms: number | undefined,
    absolute = false,
    o?: TimeoutOptions,
  ): boolean {
    return control.timeoutUpdate(this.#r, ctx, target, ms, absolute, o);
  }

  /**
   * IORING_OP_LINK_TIMEOUT: a deadline for the previous SQE, which must
   * carry IOSQE_IO_LINK. Exactly one of the two completes normally. `ms`
   * undefined: o.duration.
   */
  linkTimeout(
    ctx: SQEContext,
    ms: number | undefined,
    o?: TimeoutOptions,
  ): boolean {
    return control.linkTimeout(this.#r, ctx, ms, o);
  }

  /**
   * IORING_OP_ASYNC_CANCEL of the request submitted with context `target`
   * (whatever option flags it was submitted with). A bare fd context (op
   * never set, like `forFD(fd)`) names the requests on that fd: the first
   * one, or all with `cancelAll`.
   */
  asyncCancel(
    ctx: SQEContext,
    target: SQEContext,
    o?: SQEOptions,
    cancelAll = false,
  ): boolean {
    return control.asyncCancel(this.#r, ctx, target, o, cancelAll);
  }

  /** Cancels requests on ctx's fd (all of them if `cancelAll`; res = count). */
  asyncCancelFD(ctx: SQEContext, cancelAll = false, o?: SQEOptions): boolean {
    return control.asyncCancelFD(this.#r, ctx, cancelAll, o);
  }

  /** Cancels requests with opcode `opcode` (all if `cancelAll`). */
  asyncCancelOpcode(
    ctx: SQEContext,
    opcode: number,
    cancelAll = false,
    o?: SQEOptions,
  ): boolean {
    return control.asyncCancelOpcode(this.#r, ctx, opcode, cancelAll, o);
  }

  /**
   * Cancels pending requests matching anything (IORING_ASYNC_CANCEL_ANY).
   * The kernel treats ANY like ALL: res is the number cancelled, or
   * -ENOENT when nothing was pending.
   */
  asyncCancelAny(ctx: SQEContext, o?: SQEOptions): boolean {
    return control.asyncCancelAny(this.#r, ctx, o);
  }

  /** Cancels every pending request (res = count). */
  asyncCancelAll(ctx: SQEContext, o?: SQEOptions): boolean {
    return control.asyncCancelAll(this.#r, ctx, o);
  }

  /** IORING_OP_POLL_ADD (one shot) on ctx's fd. */
  pollAdd(ctx: SQEContext, events: number, o?: SQEOptions): boolean {
    return control.pollAdd(this.#r, ctx, events, o);
  }

  /**
   * Level-triggered one-shot poll. A one-shot poll already reports a
   * condition that holds when it is armed (level semantics), and Linux
   * (6.18 included) rejects IORING_POLL_ADD_LEVEL on POLL_ADD with EINVAL,
   * so this submits a plain one-shot poll.
   */
  pollAddLevel(ctx: SQEContext, events: number, o?: SQEOptions): boolean {
    return control.pollAddLevel(this.#r, ctx, events, o);
  }

  /** Multishot poll: one CQE per event with IORING_CQE_F_MORE until cancelled. */
  pollAddMultishot(ctx: SQEContext, events: number, o?: SQEOptions): boolean {
    return control.pollAddMultishot(this.#r, ctx, events, o);
  }

  /**
   * Multishot level-triggered poll (ADD_MULTI | ADD_LEVEL). Kernels that do
   * not accept IORING_POLL_ADD_LEVEL complete it with -EINVAL.
   */
  pollAddMultishotLevel(
    ctx: SQEContext,
    events: number,
    o?: SQEOptions,
  ): boolean {
    return control.pollAddMultishotLevel(this.#r, ctx, events, o);
  }

  /** IORING_OP_POLL_REMOVE of the poll submitted with `target`. */
  pollRemove(ctx: SQEContext, target: SQEContext, o?: SQEOptions): boolean {
    return control.pollRemove(this.#r, ctx, target, o);
  }

  /**
   * Updates the poll submitted with `target`: new events and/or user_data
   * (updateFlags: IORING_POLL.UPDATE_EVENTS | UPDATE_USER_DATA | ADD_MULTI).
   */
  pollUpdate(
    ctx: SQEContext,
    target: SQEContext,
    newUserData: SQEContext,
    newEvents: number,
    updateFlags: number,
    o?: SQEOptions,
  ): boolean {
    return control.pollUpdate(
      this.#r,
      ctx,
      target,
      newUserData,
      newEvents,
      updateFlags,
      o,
    );
  }

  /**
   * IORING_OP_EPOLL_WAIT on the epoll fd in ctx into a zcall EpollEvents
   * buffer (`events.bytes`, `maxEvents`). Timeout must stay 0: use
   * linkTimeout for a deadline.
   */
  epollWait(
    ctx: SQEContext,
    events: Uint8Array,
    maxEvents: number,
    timeout = 0,
    o?: SQEOptions,
  ): boolean {
    return control.epollWait(this.#r, ctx, events, maxEvents, timeout, o);
  }

  /**
   * IORING_OP_FUTEX_WAIT on `word[index]` while it equals `val` (32-bit
   * futex2 by default: futexFlags FUTEX2.SIZE_U32 | PRIVATE). The array may
   * be over a SharedArrayBuffer or a Mapping.
   */
  futexWait(
    ctx: SQEContext,
    word: Uint32Array | Int32Array,
    index: number,
    val: number,
    mask = 0xffffffff,
    futexFlags: number = FUTEX2_U32_PRIVATE,
    o?: SQEOptions,
  ): boolean {
    return control.futexWait(
      this.#r,
      ctx,
      word,
      index,
      val,
      mask,
      futexFlags,
      o,
    );
  }

  /** IORING_OP_FUTEX_WAKE: wakes up to `count` waiters of `word[index]` (res = woken). */
  futexWake(
    ctx: SQEContext,
    word: Uint32Array | Int32Array,
    index: number,
    count: number,
    mask = 0xffffffff,
    futexFlags: number = FUTEX2_U32_PRIVATE,
    o?: SQEOptions,
  ): boolean {
    return control.futexWake(
      this.#r,
      ctx,
      word,
      index,
      count,
      mask,
      futexFlags,
      o,
    );
  }

  /**
   * IORING_OP_FUTEX_WAITV over a struct futex_waitv array (`waitv`, 24
   * bytes per entry: u64 val, u64 uaddr, u32 flags, u32 reserved). res =
   * index of the woken futex. `keep` holds the futex words alive.
   */
  futexWaitV(
    ctx: SQEContext,
    waitv: Uint8Array,
    count: number,
    keep?: unknown,
    o?: SQEOptions,
  ): boolean {
    return control.futexWaitV(this.#r, ctx, waitv, count, keep, o);
  }

  /** IORING_OP_WAITID (idtype P_PID 1 / P_PGID 2 / P_ALL 0) into a 128-byte siginfo. */
  waitid(
    ctx: SQEContext,
    idtype: number,
    id: number,
    infop: Uint8Array,
    options: number,
    o?: SQEOptions,
  ): boolean {
    return control.waitid(this.#r, ctx, idtype, id, infop, options, o);
  }

  /**
   * IORING_OP_MSG_RING: posts a CQE with res=`result` and user_data =
   * `userData` on the ring whose fd is in ctx.
   */
  msgRing(
    ctx: SQEContext,
    userData: SQEContext,
    result: number,
    o?: SQEOptions,
  ): boolean {
    return control.msgRing(this.#r, ctx, userData, result, o);
  }

  /**
   * IORING_OP_MSG_RING (SEND_FD): installs our fixed file `srcIndex` into
   * the target ring's slot `dstIndex` (or ALLOC); `skipCQE` posts nothing
   * on the target.
   */
  msgRingFD(
    ctx: SQEContext,
    srcIndex: number,
    dstIndex: number,
    userData: SQEContext,
    skipCQE = false,
    o?: SQEOptions,
  ): boolean {
    return control.msgRingFD(
      this.#r,
      ctx,
      srcIndex,
      dstIndex,
      userData,
      skipCQE,
      o,
    );
  }

  /** IORING_OP_FIXED_FD_INSTALL: registered slot `fixedIndex` into a normal fd (res). */
  fixedFdInstall(
    ctx: SQEContext,
    fixedIndex: number,
    flags = 0,
    o?: SQEOptions,
  ): boolean {
    return control.fixedFdInstall(this.#r, ctx, fixedIndex, flags, o);
  }

  /**
   * IORING_OP_FILES_UPDATE: replaces registered slots from `offset` with
   * `fds` (-1 clears; IORING_FILE_INDEX_ALLOC offset allocates and writes
   * the chosen slots back into `fds`).
   */
  filesUpdate(
    ctx: SQEContext,
    fds: Int32Array,
    offset: number,
    o?: SQEOptions,
  ): boolean {
    return control.filesUpdate(this.#r, ctx, fds, offset, o);
  }

  /**
   * IORING_OP_URING_CMD with `cmdOp` on ctx's fd: up to 16 bytes of
   * `cmdData` copied inline into the SQE command area (80 on sqe128
   * rings), or, for the socket commands (SOCKET_URING_OP.GETSOCKOPT /
   * SETSOCKOPT), the option fields `{ level, optname, optval, optlen? }`.
   */
  uringCmd(
    ctx: SQEContext,
    cmdOp: number,
    cmdData?: Uint8Array | SocketCmdFields,
    o?: SQEOptions,
  ): boolean {
    return control.uringCmd(this.#r, ctx, cmdOp, cmdData, o);
  }

  /**
   * getsockopt through io_uring (SOCKET_URING_OP.GETSOCKOPT): the kernel
   * writes the value into `optval`; the CQE result is its length. The
   * kernel serves level SOL_SOCKET only (others: -EOPNOTSUPP).
   */
  socketGetsockopt(
    ctx: SQEContext,
    level: number,
    optname: number,
    optval: Uint8Array,
    o?: SQEOptions,
  ): boolean {
    return control.socketCmd(
      this.#r,
      "socketGetsockopt",
      ctx,
      SOCKET_URING_OP.GETSOCKOPT,
      { level, optname, optval },
      o,
    );
  }

  /** setsockopt through io_uring (SOCKET_URING_OP.SETSOCKOPT; any level). */
  socketSetsockopt(
    ctx: SQEContext,
    level: number,
    optname: number,
    optval: Uint8Array,
    o?: SQEOptions,
  ): boolean {
    return control.socketCmd(
      this.#r,
      "socketSetsockopt",
      ctx,
      SOCKET_URING_OP.SETSOCKOPT,
      { level, optname, optval },
      o,
    );
  }

  /**
   * IORING_OP_URING_CMD128 (sqe128 rings): up to 80 inline command bytes.
   * Throws NotSupportedError when the kernel lacks the opcode (probed).
   */
  uringCmd128(
    ctx: SQEContext,
    cmdOp: number,
    cmdData?: Uint8Array,
    o?: SQEOptions,
  ): boolean {
    return control.uringCmd128(this.#r, ctx, cmdOp, cmdData, o);
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
