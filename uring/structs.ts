/**
 * Kernel structs io_uring operations and registrations read or write,
 * decoded over their exact kernel layout: {@linkcode Statx} (with
 * {@linkcode StatxTimestamp}), {@linkcode OpenHow}, {@linkcode RegionDesc},
 * {@linkcode MemRegionReg}, {@linkcode RegWait}, {@linkcode AttrPI} and
 * {@linkcode QueryHdr}.
 *
 * Each struct owns (or wraps) a `bytes` Uint8Array in kernel layout, to
 * pass to an operation or registration as is; the accessors read and write
 * it in place (no copy, no allocation). 64-bit fields are Numbers, exact up
 * to 2^53 (setters reject anything larger); `…Lo`/`…Hi` halves are there
 * where a value can exceed that.
 *
 * @example
 * ```ts
 * import { CQEView, forFD, Statx, Uring } from "@kernio/kernio/uring";
 * using ring = new Uring({ entries: 8 });
 * ring.start();
 * const st = new Statx();
 * ring.statx(forFD(-100), "/etc/hostname", 0, 0x7ff, st.bytes);
 * const cqes = [new CQEView()];
 * ring.waitBlocking(cqes, 1, 1000);
 * console.log(st.size, st.mtime.toDate());
 * ```
 *
 * @module
 */

import { unsafeAddressOf, viewByteLength } from "../zcall/memory.ts";
import { TWO32 } from "./_constants.ts";

// The sockaddr structs are the sock layer's (bind/connect/sendMsg take
// them too).
export {
  RawSockaddrAny,
  RawSockaddrInet4,
  RawSockaddrInet6,
  RawSockaddrUnix,
} from "../sock/structs.ts";

function view(
  name: string,
  size: number,
  bytes: Uint8Array | undefined,
): [Uint8Array, DataView] {
  if (bytes === undefined) bytes = new Uint8Array(size);
  if (!(bytes instanceof Uint8Array) || viewByteLength(bytes) < size) {
    throw new TypeError(
      `${name}: expected a Uint8Array of at least ${size} bytes`,
    );
  }
  return [bytes, new DataView(bytes.buffer, bytes.byteOffset, size)];
}

function getU64(dv: DataView, off: number): number {
  return dv.getUint32(off + 4, true) * TWO32 + dv.getUint32(off, true);
}

function getI64(dv: DataView, off: number): number {
  return dv.getInt32(off + 4, true) * TWO32 + dv.getUint32(off, true);
}

function setU64(name: string, dv: DataView, off: number, v: number): void {
  if (!(Number.isSafeInteger(v) && v >= 0)) {
    throw new RangeError(`${name} must be an integer in 0..2^53, got ${v}`);
  }
  dv.setUint32(off, v >>> 0, true);
  dv.setUint32(off + 4, Math.floor(v / TWO32), true);
}

function setI64(name: string, dv: DataView, off: number, v: number): void {
  if (!Number.isSafeInteger(v)) {
    throw new RangeError(`${name} must be a safe integer, got ${v}`);
  }
  dv.setUint32(off, v >>> 0, true);
  dv.setInt32(off + 4, Math.floor(v / TWO32), true);
}

function setU32(name: string, dv: DataView, off: number, v: number): void {
  if (!(Number.isInteger(v) && v >= 0 && v <= 0xffffffff)) {
    throw new RangeError(`${name} must be a u32, got ${v}`);
  }
  dv.setUint32(off, v, true);
}

function setU16(name: string, dv: DataView, off: number, v: number): void {
  if (!(Number.isInteger(v) && v >= 0 && v <= 0xffff)) {
    throw new RangeError(`${name} must be a u16, got ${v}`);
  }
  dv.setUint16(off, v, true);
}

/**
 * A statx timestamp (struct statx_timestamp): seconds since the epoch and
 * nanoseconds, read from the Statx it belongs to.
 *
 * @example
 * ```ts
 * import { Statx } from "@kernio/kernio/uring";
 * const st = new Statx();
 * st.mtime.sec; // 0 until the kernel fills it
 * ```
 */
export class StatxTimestamp {
  readonly #dv: DataView;
  readonly #off: number;

  /** @internal */
  constructor(dv: DataView, off: number) {
    this.#dv = dv;
    this.#off = off;
  }

  /** Seconds since the epoch (signed). */
  get sec(): number {
    return getI64(this.#dv, this.#off);
  }
  /** Nanoseconds (0..999999999). */
  get nsec(): number {
    return this.#dv.getUint32(this.#off + 8, true);
  }
  /** Milliseconds since the epoch (fractional). */
  get epochMs(): number {
    return this.sec * 1000 + this.nsec / 1e6;
  }
  /** The timestamp as a Date (millisecond precision). */
  toDate(): Date {
    return new Date(Math.floor(this.epochMs));
  }
}

/**
 * struct statx (256 bytes): the result buffer of `ring.statx`. Which
 * fields are valid is in `mask` (STATX_* bits).
 *
 * @example
 * ```ts
 * import { Statx } from "@kernio/kernio/uring";
 * const st = new Statx();
 * st.bytes.byteLength; // 256
 * st.isFile(); // false until filled
 * ```
 */
export class Statx {
  /** Size of struct statx. */
  static readonly SIZE = 256;
  /** The struct bytes (pass to ring.statx). */
  readonly bytes: Uint8Array;
  /** Last access. */
  readonly atime: StatxTimestamp;
  /** Creation (when STATX_BTIME is in mask). */
  readonly btime: StatxTimestamp;
  /** Last status change. */
  readonly ctime: StatxTimestamp;
  /** Last modification. */
  readonly mtime: StatxTimestamp;
  readonly #dv: DataView;

  /** Wraps `bytes` (default: a fresh zeroed buffer). */
  constructor(bytes?: Uint8Array) {
    [this.bytes, this.#dv] = view("Statx", Statx.SIZE, bytes);
    this.atime = new StatxTimestamp(this.#dv, 64);
    this.btime = new StatxTimestamp(this.#dv, 80);
    this.ctime = new StatxTimestamp(this.#dv, 96);
    this.mtime = new StatxTimestamp(this.#dv, 112);
  }

  /** STATX_* bits of the fields the kernel filled. */
  get mask(): number {
    return this.#dv.getUint32(0, true);
  }
  /** Preferred I/O block size. */
  get blksize(): number {
    return this.#dv.getUint32(4, true);
  }
  /** STATX_ATTR_* flags. */
  get attributes(): number {
    return getU64(this.#dv, 8);
  }
  /** Hard links. */
  get nlink(): number {
    return this.#dv.getUint32(16, true);
  }
  /** Owner uid. */
  get uid(): number {
    return this.#dv.getUint32(20, true);
  }
  /** Owner gid. */
  get gid(): number {
    return this.#dv.getUint32(24, true);
  }
  /** File type and mode bits (S_IF* | permissions). */
  get mode(): number {
    return this.#dv.getUint16(28, true);
  }
  /** Inode number (exact to 2^53; see inoLo/inoHi). */
  get ino(): number {
    return getU64(this.#dv, 32);
  }
  /** Low 32 bits of the inode number. */
  get inoLo(): number {
    return this.#dv.getUint32(32, true);
  }
  /** High 32 bits of the inode number. */
  get inoHi(): number {
    return this.#dv.getUint32(36, true);
  }
  /** Size in bytes. */
  get size(): number {
    return getU64(this.#dv, 40);
  }
  /** 512-byte blocks allocated. */
  get blocks(): number {
    return getU64(this.#dv, 48);
  }
  /** STATX_ATTR_* bits this filesystem supports. */
  get attributesMask(): number {
    return getU64(this.#dv, 56);
  }
  /** Device major of a device file. */
  get rdevMajor(): number {
    return this.#dv.getUint32(128, true);
  }
  /** Device minor of a device file. */
  get rdevMinor(): number {
    return this.#dv.getUint32(132, true);
  }
  /** Major of the device holding the file. */
  get devMajor(): number {
    return this.#dv.getUint32(136, true);
  }
  /** Minor of the device holding the file. */
  get devMinor(): number {
    return this.#dv.getUint32(140, true);
  }
  /** Mount id (STATX_MNT_ID / STATX_MNT_ID_UNIQUE). */
  get mntId(): number {
    return getU64(this.#dv, 144);
  }
  /** O_DIRECT memory alignment (STATX_DIOALIGN). */
  get dioMemAlign(): number {
    return this.#dv.getUint32(152, true);
  }
  /** O_DIRECT offset alignment (STATX_DIOALIGN). */
  get dioOffsetAlign(): number {
    return this.#dv.getUint32(156, true);
  }
  /** Subvolume id (STATX_SUBVOL). */
  get subvol(): number {
    return getU64(this.#dv, 160);
  }
  /** Minimum atomic write unit (STATX_WRITE_ATOMIC). */
  get atomicWriteUnitMin(): number {
    return this.#dv.getUint32(168, true);
  }
  /** Maximum atomic write unit (STATX_WRITE_ATOMIC). */
  get atomicWriteUnitMax(): number {
    return this.#dv.getUint32(172, true);
  }
  /** Maximum atomic write segments (STATX_WRITE_ATOMIC). */
  get atomicWriteSegmentsMax(): number {
    return this.#dv.getUint32(176, true);
  }
  /** O_DIRECT read offset alignment (STATX_DIO_READ_ALIGN). */
  get dioReadOffsetAlign(): number {
    return this.#dv.getUint32(180, true);
  }
  /** Whether this is a regular file. */
  isFile(): boolean {
    return (this.mode & 0o170000) === 0o100000;
  }
  /** Whether this is a directory. */
  isDirectory(): boolean {
    return (this.mode & 0o170000) === 0o040000;
  }
  /** Whether this is a symbolic link. */
  isSymlink(): boolean {
    return (this.mode & 0o170000) === 0o120000;
  }
}

/**
 * struct open_how (openat2): O_* flags, the creation mode and RESOLVE_*
 * flags.
 *
 * @example
 * ```ts
 * import { OpenHow } from "@kernio/kernio/uring";
 * const how = new OpenHow();
 * how.flags = 0o2000000; // O_CLOEXEC
 * how.resolve = 0x08; // RESOLVE_NO_SYMLINKS
 * how.bytes.byteLength; // 24
 * ```
 */
export class OpenHow {
  /** Size of struct open_how. */
  static readonly SIZE = 24;
  /** The struct bytes. */
  readonly bytes: Uint8Array;
  readonly #dv: DataView;

  /** Wraps `bytes` (default: fresh), optionally setting the fields. */
  constructor(
    init?: { flags?: number; mode?: number; resolve?: number },
    bytes?: Uint8Array,
  ) {
    [this.bytes, this.#dv] = view("OpenHow", OpenHow.SIZE, bytes);
    if (init?.flags !== undefined) this.flags = init.flags;
    if (init?.mode !== undefined) this.mode = init.mode;
    if (init?.resolve !== undefined) this.resolve = init.resolve;
  }

  /** O_* open flags. */
  get flags(): number {
    return getU64(this.#dv, 0);
  }
  set flags(v: number) {
    setU64("OpenHow.flags", this.#dv, 0, v);
  }
  /** Creation mode (with O_CREAT / O_TMPFILE; else 0). */
  get mode(): number {
    return getU64(this.#dv, 8);
  }
  set mode(v: number) {
    setU64("OpenHow.mode", this.#dv, 8, v);
  }
  /** RESOLVE_* flags. */
  get resolve(): number {
    return getU64(this.#dv, 16);
  }
  set resolve(v: number) {
    setU64("OpenHow.resolve", this.#dv, 16, v);
  }
}

/**
 * struct io_uring_region_desc (64 bytes): a memory region for
 * IORING_REGISTER_MEM_REGION or a ZCRX refill ring. With
 * IORING_MEM_REGION_TYPE_USER the memory is the caller's (`userAddr`);
 * otherwise the kernel allocates it and reports `mmapOffset`.
 *
 * @example
 * ```ts
 * import { RegionDesc } from "@kernio/kernio/uring";
 * const rd = new RegionDesc({ size: 4096 });
 * rd.flags; // 0: kernel-allocated
 * ```
 */
export class RegionDesc {
  /** Size of struct io_uring_region_desc. */
  static readonly SIZE = 64;
  /** IORING_MEM_REGION_TYPE_USER: the region is user memory. */
  static readonly TYPE_USER = 1;
  /** The struct bytes. */
  readonly bytes: Uint8Array;
  readonly #dv: DataView;

  /** Wraps `bytes` (default: fresh), optionally setting the fields. */
  constructor(
    init?: { userAddr?: number; size?: number; flags?: number; id?: number },
    bytes?: Uint8Array,
  ) {
    [this.bytes, this.#dv] = view("RegionDesc", RegionDesc.SIZE, bytes);
    if (init?.userAddr !== undefined) this.userAddr = init.userAddr;
    if (init?.size !== undefined) this.size = init.size;
    if (init?.flags !== undefined) this.flags = init.flags;
    if (init?.id !== undefined) this.id = init.id;
  }

  /** Address of user memory (TYPE_USER), else 0. */
  get userAddr(): number {
    return getU64(this.#dv, 0);
  }
  set userAddr(v: number) {
    setU64("RegionDesc.userAddr", this.#dv, 0, v);
  }
  /** Region size in bytes. */
  get size(): number {
    return getU64(this.#dv, 8);
  }
  set size(v: number) {
    setU64("RegionDesc.size", this.#dv, 8, v);
  }
  /** IORING_MEM_REGION_TYPE_* flags. */
  get flags(): number {
    return this.#dv.getUint32(16, true);
  }
  set flags(v: number) {
    setU32("RegionDesc.flags", this.#dv, 16, v);
  }
  /** Region id. */
  get id(): number {
    return this.#dv.getUint32(20, true);
  }
  set id(v: number) {
    setU32("RegionDesc.id", this.#dv, 20, v);
  }
  /** mmap offset of a kernel-allocated region (filled by the kernel). */
  get mmapOffset(): number {
    return getU64(this.#dv, 24);
  }
  set mmapOffset(v: number) {
    setU64("RegionDesc.mmapOffset", this.#dv, 24, v);
  }
}

/**
 * struct io_uring_mem_region_reg (32 bytes): the IORING_REGISTER_MEM_REGION
 * argument, pointing at a {@linkcode RegionDesc}.
 *
 * @example
 * ```ts
 * import { MemRegionReg, RegionDesc } from "@kernio/kernio/uring";
 * const rd = new RegionDesc({ size: 4096 });
 * const reg = new MemRegionReg(rd, MemRegionReg.REG_WAIT_ARG);
 * reg.flags; // 1
 * ```
 */
export class MemRegionReg {
  /** Size of struct io_uring_mem_region_reg. */
  static readonly SIZE = 32;
  /** IORING_MEM_REGION_REG_WAIT_ARG: the region holds RegWait entries. */
  static readonly REG_WAIT_ARG = 1;
  /** The struct bytes. */
  readonly bytes: Uint8Array;
  /** The region the struct points at (kept alive with it). */
  readonly region: RegionDesc;
  readonly #dv: DataView;

  /** Points a fresh struct at `region`, with IORING_MEM_REGION_REG_* `flags`. */
  constructor(region: RegionDesc, flags = 0) {
    if (!(region instanceof RegionDesc)) {
      throw new TypeError("MemRegionReg: expected a RegionDesc");
    }
    [this.bytes, this.#dv] = view("MemRegionReg", MemRegionReg.SIZE, undefined);
    this.region = region;
    setU64(
      "MemRegionReg.regionUptr",
      this.#dv,
      0,
      unsafeAddressOf(region.bytes),
    );
    this.flags = flags;
  }

  /** Address of the RegionDesc. */
  get regionUptr(): number {
    return getU64(this.#dv, 0);
  }
  /** IORING_MEM_REGION_REG_* flags. */
  get flags(): number {
    return getU64(this.#dv, 8);
  }
  set flags(v: number) {
    setU64("MemRegionReg.flags", this.#dv, 8, v);
  }
}

/**
 * struct io_uring_reg_wait (64 bytes): one wait-argument entry in a
 * registered wait region (IORING_ENTER_EXT_ARG_REG): timeout, minimum wait
 * and signal mask, read by the kernel at each wait that names it.
 *
 * @example
 * ```ts
 * import { RegWait } from "@kernio/kernio/uring";
 * const w = new RegWait();
 * w.setTimeoutMs(50);
 * w.flags = RegWait.TS; // use the timeout
 * ```
 */
export class RegWait {
  /** Size of struct io_uring_reg_wait. */
  static readonly SIZE = 64;
  /** IORING_REG_WAIT_TS: `ts` holds a timeout. */
  static readonly TS = 1;
  /** The struct bytes. */
  readonly bytes: Uint8Array;
  readonly #dv: DataView;

  /** Wraps `bytes` (e.g. a slice of a registered region; default fresh). */
  constructor(bytes?: Uint8Array) {
    [this.bytes, this.#dv] = view("RegWait", RegWait.SIZE, bytes);
  }

  /** Timeout seconds (ts.tv_sec). */
  get tsSec(): number {
    return getI64(this.#dv, 0);
  }
  set tsSec(v: number) {
    setI64("RegWait.tsSec", this.#dv, 0, v);
  }
  /** Timeout nanoseconds (ts.tv_nsec). */
  get tsNsec(): number {
    return getI64(this.#dv, 8);
  }
  set tsNsec(v: number) {
    if (!(Number.isInteger(v) && v >= 0 && v < 1e9)) {
      throw new RangeError(`RegWait.tsNsec must be 0..999999999, got ${v}`);
    }
    setI64("RegWait.tsNsec", this.#dv, 8, v);
  }
  /** Sets the timeout from milliseconds. */
  setTimeoutMs(ms: number): this {
    if (!(Number.isFinite(ms) && ms >= 0)) {
      throw new RangeError(`RegWait.setTimeoutMs: bad duration ${ms}`);
    }
    const sec = Math.floor(ms / 1000);
    this.tsSec = sec;
    this.tsNsec = Math.min(999999999, Math.round((ms - sec * 1000) * 1e6));
    return this;
  }
  /** Minimum wait in microseconds before returning with fewer CQEs. */
  get minWaitUsec(): number {
    return this.#dv.getUint32(16, true);
  }
  set minWaitUsec(v: number) {
    setU32("RegWait.minWaitUsec", this.#dv, 16, v);
  }
  /** IORING_REG_WAIT_* flags. */
  get flags(): number {
    return this.#dv.getUint32(20, true);
  }
  set flags(v: number) {
    setU32("RegWait.flags", this.#dv, 20, v);
  }
  /** Address of a signal mask (0: none). */
  get sigmask(): number {
    return getU64(this.#dv, 24);
  }
  set sigmask(v: number) {
    setU64("RegWait.sigmask", this.#dv, 24, v);
  }
  /** Size of the signal mask (8 on Linux). */
  get sigmaskSz(): number {
    return this.#dv.getUint32(32, true);
  }
  set sigmaskSz(v: number) {
    setU32("RegWait.sigmaskSz", this.#dv, 32, v);
  }
}

/**
 * struct io_uring_attr_pi (32 bytes): protection-information attributes
 * for read/write with integrity metadata (sqe attr_ptr, IORING_RW_ATTR_FLAG_PI).
 *
 * @example
 * ```ts
 * import { AttrPI } from "@kernio/kernio/uring";
 * const pi = new AttrPI();
 * pi.appTag = 0x1234;
 * pi.len = 512;
 * ```
 */
export class AttrPI {
  /** Size of struct io_uring_attr_pi. */
  static readonly SIZE = 32;
  /** The struct bytes. */
  readonly bytes: Uint8Array;
  readonly #dv: DataView;

  /** Wraps `bytes` (default: fresh). */
  constructor(bytes?: Uint8Array) {
    [this.bytes, this.#dv] = view("AttrPI", AttrPI.SIZE, bytes);
  }

  /** PI flags (IO_INTEGRITY_CHK_*). */
  get flags(): number {
    return this.#dv.getUint16(0, true);
  }
  set flags(v: number) {
    setU16("AttrPI.flags", this.#dv, 0, v);
  }
  /** Application tag. */
  get appTag(): number {
    return this.#dv.getUint16(2, true);
  }
  set appTag(v: number) {
    setU16("AttrPI.appTag", this.#dv, 2, v);
  }
  /** Length of the integrity buffer. */
  get len(): number {
    return this.#dv.getUint32(4, true);
  }
  set len(v: number) {
    setU32("AttrPI.len", this.#dv, 4, v);
  }
  /** Address of the integrity buffer. */
  get addr(): number {
    return getU64(this.#dv, 8);
  }
  set addr(v: number) {
    setU64("AttrPI.addr", this.#dv, 8, v);
  }
  /** Seed for the reference tag. */
  get seed(): number {
    return getU64(this.#dv, 16);
  }
  set seed(v: number) {
    setU64("AttrPI.seed", this.#dv, 16, v);
  }
}

/**
 * struct io_uring_query_hdr (40 bytes): one entry of an IORING_REGISTER_QUERY
 * chain: the query op, its result buffer and size, and the kernel's
 * result code.
 *
 * @example
 * ```ts
 * import { QueryHdr } from "@kernio/kernio/uring";
 * const h = new QueryHdr();
 * h.queryOp = QueryHdr.OP_OPCODES;
 * h.bytes.byteLength; // 40
 * ```
 */
export class QueryHdr {
  /** Size of struct io_uring_query_hdr. */
  static readonly SIZE = 40;
  /** IO_URING_QUERY_OPCODES. */
  static readonly OP_OPCODES = 0;
  /** IO_URING_QUERY_ZCRX. */
  static readonly OP_ZCRX = 1;
  /** IO_URING_QUERY_SCQ. */
  static readonly OP_SCQ = 2;
  /** The struct bytes. */
  readonly bytes: Uint8Array;
  readonly #dv: DataView;

  /** Wraps `bytes` (default: fresh). */
  constructor(bytes?: Uint8Array) {
    [this.bytes, this.#dv] = view("QueryHdr", QueryHdr.SIZE, bytes);
  }

  /** Address of the next header (0: end of chain). */
  get nextEntry(): number {
    return getU64(this.#dv, 0);
  }
  set nextEntry(v: number) {
    setU64("QueryHdr.nextEntry", this.#dv, 0, v);
  }
  /** Address of the result buffer. */
  get queryData(): number {
    return getU64(this.#dv, 8);
  }
  set queryData(v: number) {
    setU64("QueryHdr.queryData", this.#dv, 8, v);
  }
  /** IO_URING_QUERY_* op. */
  get queryOp(): number {
    return this.#dv.getUint32(16, true);
  }
  set queryOp(v: number) {
    setU32("QueryHdr.queryOp", this.#dv, 16, v);
  }
  /** Size of the result buffer (the kernel writes back what it filled). */
  get size(): number {
    return this.#dv.getUint32(20, true);
  }
  set size(v: number) {
    setU32("QueryHdr.size", this.#dv, 20, v);
  }
  /** Result: 0 or -errno (e.g. -EOPNOTSUPP for an unknown op). */
  get result(): number {
    return this.#dv.getInt32(24, true);
  }
}
