// Socket operations of a ring: socket creation (and the per-protocol
// shorthands), bind, listen, accept, connect, shutdown, send and receive,
// socket options. SocketOps is the root of the operation classes and holds
// the ring core; FileOps and UringOps extend it.

import { AF, IPPROTO, MSG, SOCK } from "../../zcall/constants.ts";
import { unsafeAddressOf, viewByteLength } from "../../zcall/memory.ts";
import { Msghdr } from "../../zcall/structs.ts";
import type { SQEContext } from "../context.ts";
import type { Options } from "../options.ts";
import { IORING_FILE_INDEX_ALLOC, SOCKET_URING_OP } from "../sqe/layout.ts";
import { RingCore } from "../core/registration.ts";
import { OPS } from "./table.ts";
import { peerAddress, peerLenAddress, socketCmdLength } from "./_args.ts";
import { checkBuf, checkInt32, checkLen, checkU32 } from "../_validate.ts";
import { addrOf } from "../_addr.ts";
import { sockaddrBytes, type SockaddrInput } from "../_sockaddr.ts";
import type {
  ListenOptions,
  MessageOptions,
  SocketCmdFields,
  SocketOpOptions,
  SQEOptions,
} from "./options.ts";

let coreOf: (ring: SocketOps) => RingCore;

/** The ring core behind a Uring (internal). */
export function ringCore(ring: SocketOps): RingCore {
  return coreOf(ring);
}

// No object to keep alive.
const NONE = undefined;

// The socket types of the shorthands (direct descriptors take no
// SOCK_CLOEXEC).
const STREAM = SOCK.STREAM | SOCK.CLOEXEC;
const DGRAM = SOCK.DGRAM | SOCK.CLOEXEC;
const STREAM_DIRECT = SOCK.STREAM;
const DGRAM_DIRECT = SOCK.DGRAM;

/**
 * The socket operations every {@linkcode Uring} has (one method per
 * io_uring operation, declared once in the operation table): each checks
 * its arguments, writes one SQE straight into the submission queue and
 * returns false when the queue is full even after a flush (would-block as
 * a value). Nothing reaches the kernel until `submit()` or a wait.
 *
 * @example
 * ```ts
 * import { forFD, type SocketOps, Uring } from "@kernio/kernio/uring";
 * const ring = new Uring({ entries: 8 });
 * const ops: SocketOps = ring;
 * ops.tcp4Socket(forFD(0)); // true: queued, not yet submitted
 * ring.stop();
 * ```
 */
export abstract class SocketOps {
  #r: RingCore;

  /** Creates the ring core (see {@linkcode Uring}). */
  constructor(options?: Partial<Options>) {
    this.#r = new RingCore(options);
  }

  static {
    coreOf = (ring) => ring.#r;
  }

  /**
   * IORING_OP_SOCKET with explicit domain/type/protocol (o.msgFlags: socket flags).
   *
   * @param ctx The submission context (its fd is ignored).
   * @param domain AF_* address family.
   * @param type SOCK_* type, with SOCK_NONBLOCK/SOCK_CLOEXEC.
   * @param protocol IPPROTO_* protocol (0: the default).
   * @param o SQE flags, ioprio and personality; also msgFlags: socket flags.
   * @returns false when the submission queue is full even after a flush.
   */
  socket(
    ctx: SQEContext,
    domain: number,
    type: number,
    protocol: number,
    o?: SocketOpOptions,
  ): boolean {
    const r = this.#r;
    checkInt32("socket domain", domain);
    checkInt32("socket type", type);
    checkInt32("socket protocol", protocol);
    const flags = o?.msgFlags ?? 0;
    const d = OPS.socket;
    return r._submit(d, ctx, o, NONE, NONE, domain, type, protocol, flags);
  }

  /**
   * IORING_OP_SOCKET into a direct slot (fileIndex; default IORING_FILE_INDEX_ALLOC).
   *
   * @param ctx The submission context (its fd is ignored).
   * @param domain AF_* address family.
   * @param type SOCK_* type (no SOCK_CLOEXEC).
   * @param protocol IPPROTO_* protocol (0: the default).
   * @param fileIndex Direct descriptor slot (default: the kernel picks).
   * @param o SQE flags, ioprio and personality.
   * @returns false when the submission queue is full even after a flush.
   */
  socketDirect(
    ctx: SQEContext,
    domain: number,
    type: number,
    protocol: number,
    fileIndex: number = IORING_FILE_INDEX_ALLOC,
    o?: SocketOpOptions,
  ): boolean {
    const r = this.#r;
    checkInt32("socketDirect domain", domain);
    checkInt32("socketDirect type", type);
    checkInt32("socketDirect protocol", protocol);
    checkU32("socketDirect fileIndex", fileIndex);
    if ((type & SOCK.CLOEXEC) !== 0) {
      throw new TypeError(
        "socketDirect: SOCK_CLOEXEC is not allowed for direct descriptors",
      );
    }
    const flags = o?.msgFlags ?? 0;
    const d = OPS.socketDirect;
    return r._submit(
      d,
      ctx,
      o,
      NONE,
      NONE,
      domain,
      type,
      protocol,
      fileIndex,
      flags,
    );
  }

  // The direct shorthands: the slot is o.fileIndex (default: allocated).
  #direct(
    ctx: SQEContext,
    domain: number,
    type: number,
    protocol: number,
    o: SocketOpOptions | undefined,
  ): boolean {
    return this.socketDirect(ctx, domain, type, protocol, o?.fileIndex, o);
  }

  /** TCP over IPv4 (SOCK_STREAM | SOCK_CLOEXEC). */
  tcp4Socket(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return this.socket(ctx, AF.INET, STREAM, IPPROTO.TCP, o);
  }

  /** TCP over IPv6. */
  tcp6Socket(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return this.socket(ctx, AF.INET6, STREAM, IPPROTO.TCP, o);
  }

  /** UDP over IPv4. */
  udp4Socket(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return this.socket(ctx, AF.INET, DGRAM, IPPROTO.UDP, o);
  }

  /** UDP over IPv6. */
  udp6Socket(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return this.socket(ctx, AF.INET6, DGRAM, IPPROTO.UDP, o);
  }

  /** UDP-Lite over IPv4. */
  udplite4Socket(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return this.socket(ctx, AF.INET, DGRAM, IPPROTO.UDPLITE, o);
  }

  /** UDP-Lite over IPv6. */
  udplite6Socket(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return this.socket(ctx, AF.INET6, DGRAM, IPPROTO.UDPLITE, o);
  }

  /** SCTP over IPv4 (one-to-one style; EPROTONOSUPPORT without SCTP). */
  sctp4Socket(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return this.socket(ctx, AF.INET, STREAM, IPPROTO.SCTP, o);
  }

  /** SCTP over IPv6. */
  sctp6Socket(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return this.socket(ctx, AF.INET6, STREAM, IPPROTO.SCTP, o);
  }

  /** Unix stream socket. */
  unixSocket(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return this.socket(ctx, AF.UNIX, STREAM, 0, o);
  }

  /** TCP/IPv4 into a direct slot (o.fileIndex, default ALLOC). */
  tcp4SocketDirect(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return this.#direct(ctx, AF.INET, STREAM_DIRECT, IPPROTO.TCP, o);
  }

  /** TCP/IPv6 into a direct slot. */
  tcp6SocketDirect(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return this.#direct(ctx, AF.INET6, STREAM_DIRECT, IPPROTO.TCP, o);
  }

  /** UDP/IPv4 into a direct slot. */
  udp4SocketDirect(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return this.#direct(ctx, AF.INET, DGRAM_DIRECT, IPPROTO.UDP, o);
  }

  /** UDP/IPv6 into a direct slot. */
  udp6SocketDirect(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return this.#direct(ctx, AF.INET6, DGRAM_DIRECT, IPPROTO.UDP, o);
  }

  /** UDP-Lite/IPv4 into a direct slot. */
  udplite4SocketDirect(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return this.#direct(ctx, AF.INET, DGRAM_DIRECT, IPPROTO.UDPLITE, o);
  }

  /** UDP-Lite/IPv6 into a direct slot. */
  udplite6SocketDirect(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return this.#direct(ctx, AF.INET6, DGRAM_DIRECT, IPPROTO.UDPLITE, o);
  }

  /** SCTP/IPv4 into a direct slot. */
  sctp4SocketDirect(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return this.#direct(ctx, AF.INET, STREAM_DIRECT, IPPROTO.SCTP, o);
  }

  /** SCTP/IPv6 into a direct slot. */
  sctp6SocketDirect(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return this.#direct(ctx, AF.INET6, STREAM_DIRECT, IPPROTO.SCTP, o);
  }

  /** Unix stream socket into a direct slot. */
  unixSocketDirect(ctx: SQEContext, o?: SocketOpOptions): boolean {
    return this.#direct(ctx, AF.UNIX, STREAM_DIRECT, 0, o);
  }

  /**
   * IORING_OP_BIND of ctx's socket to `addr`: raw sockaddr bytes, a sock
   * address object (SockaddrInet4/6/Unix), or a Deno address shape
   * (Deno.NetAddr, `{ hostname, port }`, `{ path }`; IP literals and
   * "localhost", no DNS).
   */
  bind(ctx: SQEContext, addr: SockaddrInput, o?: SQEOptions): boolean {
    const r = this.#r;
    const a = sockaddrBytes("bind", addr);
    const fd = r._fdFor("bind", ctx);
    const d = OPS.bind;
    return r._submit(d, ctx, o, a, NONE, fd, addrOf(a), viewByteLength(a));
  }

  /** IORING_OP_LISTEN (o.backlog, default 511). */
  listen(ctx: SQEContext, o?: ListenOptions): boolean {
    const r = this.#r;
    const backlog = o?.backlog ?? 511;
    checkInt32("listen backlog", backlog);
    const fd = r._fdFor("listen", ctx);
    return r._submit(OPS.listen, ctx, o, NONE, NONE, fd, backlog);
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
    const r = this.#r;
    const a = peerAddress("accept", peer, peerLen);
    const l = peerLenAddress(peer, peerLen);
    const flags = o?.msgFlags ?? SOCK.CLOEXEC;
    const fd = r._fdFor("accept", ctx);
    return r._submit(OPS.accept, ctx, o, peer, peerLen, fd, a, l, flags);
  }

  /** IORING_OP_ACCEPT into a direct slot (fileIndex or ALLOC). */
  acceptDirect(
    ctx: SQEContext,
    fileIndex: number = IORING_FILE_INDEX_ALLOC,
    o?: SocketOpOptions,
    peer?: Uint8Array,
    peerLen?: Uint32Array,
  ): boolean {
    const r = this.#r;
    checkU32("acceptDirect fileIndex", fileIndex);
    const flags = o?.msgFlags ?? 0;
    if ((flags & SOCK.CLOEXEC) !== 0) {
      throw new TypeError(
        "acceptDirect: SOCK_CLOEXEC is not allowed for direct descriptors",
      );
    }
    const a = peerAddress("acceptDirect", peer, peerLen);
    const l = peerLenAddress(peer, peerLen);
    const fd = r._fdFor("acceptDirect", ctx);
    const d = OPS.acceptDirect;
    return r._submit(d, ctx, o, peer, peerLen, fd, a, l, flags, fileIndex);
  }

  /** IORING_OP_CONNECT of ctx's socket to `addr` (the shapes bind takes). */
  connect(ctx: SQEContext, addr: SockaddrInput, o?: SQEOptions): boolean {
    const r = this.#r;
    const a = sockaddrBytes("connect", addr);
    const fd = r._fdFor("connect", ctx);
    const d = OPS.connect;
    return r._submit(d, ctx, o, a, NONE, fd, addrOf(a), viewByteLength(a));
  }

  /** IORING_OP_SHUTDOWN (how: SHUT_RD/WR/RDWR). */
  shutdown(ctx: SQEContext, how: number, o?: SQEOptions): boolean {
    const r = this.#r;
    if (!(how === 0 || how === 1 || how === 2)) {
      throw new RangeError(`shutdown: how must be 0, 1 or 2, got ${how}`);
    }
    const fd = r._fdFor("shutdown", ctx);
    return r._submit(OPS.shutdown, ctx, o, NONE, NONE, fd, how);
  }

  /** IORING_OP_SEND of `buf` (o.n bytes, o.msgFlags). */
  send(ctx: SQEContext, buf: ArrayBufferView, o?: MessageOptions): boolean {
    const r = this.#r;
    checkBuf("send", buf);
    const n = checkLen("send", buf, o?.n);
    const flags = o?.msgFlags ?? 0;
    const fd = r._fdFor("send", ctx);
    return r._submit(OPS.send, ctx, o, buf, NONE, fd, addrOf(buf), n, flags);
  }

  /**
   * IORING_OP_RECV into `buf`: on a stream socket it completes once `buf`
   * (o.n bytes) is full, at end of stream or on an error (MSG_WAITALL);
   * pass `msgFlags` (e.g. 0) for whatever is there. With `buf` null, a
   * buffer-selected receive of what is there from ctx's buffer group
   * (IOSQE_BUFFER_SELECT, o.readBufferSize bytes at most; for extended
   * and indirect contexts, the group set with withBufGroup).
   */
  recv(
    ctx: SQEContext,
    buf: ArrayBufferView | null,
    o?: MessageOptions,
  ): boolean {
    const r = this.#r;
    if (buf === null) {
      const size = o?.readBufferSize ?? r.options.readBufferSize;
      checkU32("recv readBufferSize", size);
      const fd = r._fdFor("recv", ctx);
      const flags = o?.msgFlags ?? 0;
      return r._submit(OPS.recvSelect, ctx, o, NONE, NONE, fd, 0, size, flags);
    }
    checkBuf("recv", buf);
    const n = checkLen("recv", buf, o?.n);
    // Into a caller's buffer: the whole of it (MSG_WAITALL: the kernel
    // retries short stream reads; end of stream or an error ends it early)
    // unless msgFlags says otherwise.
    const flags = o?.msgFlags ?? MSG.WAITALL;
    const fd = r._fdFor("recv", ctx);
    return r._submit(OPS.recv, ctx, o, buf, NONE, fd, addrOf(buf), n, flags);
  }

  /**
   * IORING_OP_RECV_ZC: a multishot zero-copy receive on ctx's socket
   * through ZCRX instance `ifqId` (see registerZcrxIfq / ZCRXReceiver),
   * up to `n` bytes in total (0: unlimited). Each CQE: `res` bytes at the
   * area offset in `extra1Lo`/`extra1Hi` (a cqe32 ring).
   */
  recvZc(
    ctx: SQEContext,
    n: number,
    ifqId: number,
    o?: MessageOptions,
  ): boolean {
    const r = this.#r;
    checkU32("recvZc length", n);
    checkU32("recvZc ifq id", ifqId);
    const flags = o?.msgFlags ?? 0;
    const fd = r._fdFor("recvZc", ctx);
    return r._submit(OPS.recvZc, ctx, o, NONE, NONE, fd, n, flags, ifqId);
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
    if (!(msg instanceof Msghdr)) {
      throw new TypeError("sendMsg: expected a Msghdr");
    }
    const r = this.#r;
    if (to !== undefined) {
      const addr = sockaddrBytes("sendMsg", to);
      r._check("sendMsg");
      msg.setName(addr); // the Msghdr keeps it alive with itself
    }
    const fd = r._fdFor("sendMsg", ctx);
    const m = unsafeAddressOf(msg.bytes);
    return r._submit(OPS.sendMsg, ctx, o, msg, NONE, fd, m, o?.msgFlags ?? 0);
  }

  /** IORING_OP_RECVMSG into a zcall Msghdr. */
  recvMsg(ctx: SQEContext, msg: Msghdr, o?: MessageOptions): boolean {
    const r = this.#r;
    if (!(msg instanceof Msghdr)) {
      throw new TypeError("recvMsg: expected a Msghdr");
    }
    const fd = r._fdFor("recvMsg", ctx);
    const m = unsafeAddressOf(msg.bytes);
    const flags = o?.msgFlags ?? 0;
    return r._submit(OPS.recvMsg, ctx, o, msg, NONE, fd, m, flags);
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
    const f = { level, optname, optval };
    const op = SOCKET_URING_OP.GETSOCKOPT;
    return submitSocketCmd(this.#r, OPS.socketGetsockopt, ctx, op, f, o);
  }

  /** setsockopt through io_uring (SOCKET_URING_OP.SETSOCKOPT; any level). */
  socketSetsockopt(
    ctx: SQEContext,
    level: number,
    optname: number,
    optval: Uint8Array,
    o?: SQEOptions,
  ): boolean {
    const f = { level, optname, optval };
    const op = SOCKET_URING_OP.SETSOCKOPT;
    return submitSocketCmd(this.#r, OPS.socketSetsockopt, ctx, op, f, o);
  }

  /**
   * The former name of {@linkcode UringOps.recv}.
   *
   * @deprecated Use `recv` (the same operation).
   */
  receive(
    ctx: SQEContext,
    buf: ArrayBufferView | null,
    o?: MessageOptions,
  ): boolean {
    return this.recv(ctx, buf, o);
  }

  /**
   * The former name of {@linkcode UringOps.recvZc}.
   *
   * @deprecated Use `recvZc` (the same operation).
   */
  receiveZeroCopy(
    ctx: SQEContext,
    n: number,
    ifqId: number,
    o?: MessageOptions,
  ): boolean {
    return this.recvZc(ctx, n, ifqId, o);
  }

  /**
   * The former name of {@linkcode SocketOps.socket}.
   *
   * @deprecated Use `socket` (the same operation).
   */
  socketRaw(
    ctx: SQEContext,
    domain: number,
    type: number,
    protocol: number,
    o?: SocketOpOptions,
  ): boolean {
    return this.socket(ctx, domain, type, protocol, o);
  }
}

// getsockopt/setsockopt passthrough (and uringCmd with option fields).
export function submitSocketCmd(
  r: RingCore,
  d: typeof OPS.socketGetsockopt,
  ctx: SQEContext,
  cmdOp: number,
  f: SocketCmdFields,
  o: SQEOptions | undefined,
): boolean {
  const len = socketCmdLength(d.name, cmdOp, f);
  const fd = r._fdFor(d.name, ctx);
  const v = f.optval.byteLength === 0 ? 0 : unsafeAddressOf(f.optval);
  const { level, optname } = f;
  return r._submit(
    d,
    ctx,
    o,
    f.optval,
    NONE,
    cmdOp,
    fd,
    level,
    optname,
    v,
    len,
  );
}
