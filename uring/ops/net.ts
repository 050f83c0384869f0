// Socket operations: socket, bind, listen, accept, connect, send, receive.

import { AF, IPPROTO, SOCK } from "../../zcall/constants.ts";
import { unsafeAddressOf, viewByteLength } from "../../zcall/memory.ts";
import { Msghdr } from "../../zcall/structs.ts";
import {
  isSharedBuffer,
  isU32Cell,
  isUnstableView,
  taBuffer,
} from "../../zcall/_views.ts";
import type { SQEContext } from "../context.ts";
import {
  prepAccept,
  prepAcceptDirect,
  prepBind,
  prepConnect,
  prepListen,
  prepRecv,
  prepRecvmsg,
  prepRecvZc,
  prepSend,
  prepSendmsg,
  prepShutdown,
  prepSocket,
  prepSocketDirect,
} from "../sqe/net.ts";
import { IORING_FILE_INDEX_ALLOC } from "../sqe/layout.ts";
import { IOSQE_BUFFER_SELECT } from "../_constants.ts";
import { setSqeFlags } from "../sqe/layout.ts";
import { checkBuf, checkInt32, checkLen, checkU32 } from "../_validate.ts";
import type { RingCore } from "../core/registration.ts";
import { sockaddrBytes, type SockaddrInput } from "../_sockaddr.ts";

const MSG_WAITALL = 0x100;
import type {
  ListenOptions,
  MessageOptions,
  SocketOpOptions,
  SQEOptions,
} from "./options.ts";
import { addrOf } from "../_addr.ts";

export function socketRaw(
  r: RingCore,
  ctx: SQEContext,
  domain: number,
  type: number,
  protocol: number,
  o?: SocketOpOptions,
): boolean {
  checkInt32("socketRaw domain", domain);
  checkInt32("socketRaw type", type);
  checkInt32("socketRaw protocol", protocol);
  const i = r._claimFor("socket", ctx, o);
  if (i < 0) return false;
  prepSocket(r._sqe, i, domain, type, protocol, o?.msgFlags ?? 0);
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}

export function socketDirect(
  r: RingCore,
  ctx: SQEContext,
  domain: number,
  type: number,
  protocol: number,
  fileIndex: number = IORING_FILE_INDEX_ALLOC,
  o?: SocketOpOptions,
): boolean {
  checkInt32("socketDirect domain", domain);
  checkInt32("socketDirect type", type);
  checkInt32("socketDirect protocol", protocol);
  checkU32("socketDirect fileIndex", fileIndex);
  if ((type & SOCK.CLOEXEC) !== 0) {
    throw new TypeError(
      "socketDirect: SOCK_CLOEXEC is not allowed for direct descriptors",
    );
  }
  const i = r._claimFor("socketDirect", ctx, o);
  if (i < 0) return false;
  prepSocketDirect(
    r._sqe,
    i,
    domain,
    type,
    protocol,
    fileIndex,
    o?.msgFlags ?? 0,
  );
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}

export function tcp4Socket(
  r: RingCore,
  ctx: SQEContext,
  o?: SocketOpOptions,
): boolean {
  return socketRaw(r, ctx, AF.INET, SOCK.STREAM | SOCK.CLOEXEC, IPPROTO.TCP, o);
}

export function tcp6Socket(
  r: RingCore,
  ctx: SQEContext,
  o?: SocketOpOptions,
): boolean {
  return socketRaw(
    r,
    ctx,
    AF.INET6,
    SOCK.STREAM | SOCK.CLOEXEC,
    IPPROTO.TCP,
    o,
  );
}

export function udp4Socket(
  r: RingCore,
  ctx: SQEContext,
  o?: SocketOpOptions,
): boolean {
  return socketRaw(r, ctx, AF.INET, SOCK.DGRAM | SOCK.CLOEXEC, IPPROTO.UDP, o);
}

export function udp6Socket(
  r: RingCore,
  ctx: SQEContext,
  o?: SocketOpOptions,
): boolean {
  return socketRaw(r, ctx, AF.INET6, SOCK.DGRAM | SOCK.CLOEXEC, IPPROTO.UDP, o);
}

export function udplite4Socket(
  r: RingCore,
  ctx: SQEContext,
  o?: SocketOpOptions,
): boolean {
  return socketRaw(
    r,
    ctx,
    AF.INET,
    SOCK.DGRAM | SOCK.CLOEXEC,
    IPPROTO.UDPLITE,
    o,
  );
}

export function udplite6Socket(
  r: RingCore,
  ctx: SQEContext,
  o?: SocketOpOptions,
): boolean {
  return socketRaw(
    r,
    ctx,
    AF.INET6,
    SOCK.DGRAM | SOCK.CLOEXEC,
    IPPROTO.UDPLITE,
    o,
  );
}

export function sctp4Socket(
  r: RingCore,
  ctx: SQEContext,
  o?: SocketOpOptions,
): boolean {
  return socketRaw(
    r,
    ctx,
    AF.INET,
    SOCK.STREAM | SOCK.CLOEXEC,
    IPPROTO.SCTP,
    o,
  );
}

export function sctp6Socket(
  r: RingCore,
  ctx: SQEContext,
  o?: SocketOpOptions,
): boolean {
  return socketRaw(
    r,
    ctx,
    AF.INET6,
    SOCK.STREAM | SOCK.CLOEXEC,
    IPPROTO.SCTP,
    o,
  );
}

export function unixSocket(
  r: RingCore,
  ctx: SQEContext,
  o?: SocketOpOptions,
): boolean {
  return socketRaw(r, ctx, AF.UNIX, SOCK.STREAM | SOCK.CLOEXEC, 0, o);
}

export function tcp4SocketDirect(
  r: RingCore,
  ctx: SQEContext,
  o?: SocketOpOptions,
): boolean {
  return socketDirect(
    r,
    ctx,
    AF.INET,
    SOCK.STREAM,
    IPPROTO.TCP,
    o?.fileIndex,
    o,
  );
}

export function tcp6SocketDirect(
  r: RingCore,
  ctx: SQEContext,
  o?: SocketOpOptions,
): boolean {
  return socketDirect(
    r,
    ctx,
    AF.INET6,
    SOCK.STREAM,
    IPPROTO.TCP,
    o?.fileIndex,
    o,
  );
}

export function udp4SocketDirect(
  r: RingCore,
  ctx: SQEContext,
  o?: SocketOpOptions,
): boolean {
  return socketDirect(
    r,
    ctx,
    AF.INET,
    SOCK.DGRAM,
    IPPROTO.UDP,
    o?.fileIndex,
    o,
  );
}

export function udp6SocketDirect(
  r: RingCore,
  ctx: SQEContext,
  o?: SocketOpOptions,
): boolean {
  return socketDirect(
    r,
    ctx,
    AF.INET6,
    SOCK.DGRAM,
    IPPROTO.UDP,
    o?.fileIndex,
    o,
  );
}

export function udplite4SocketDirect(
  r: RingCore,
  ctx: SQEContext,
  o?: SocketOpOptions,
): boolean {
  return socketDirect(
    r,
    ctx,
    AF.INET,
    SOCK.DGRAM,
    IPPROTO.UDPLITE,
    o?.fileIndex,
    o,
  );
}

export function udplite6SocketDirect(
  r: RingCore,
  ctx: SQEContext,
  o?: SocketOpOptions,
): boolean {
  return socketDirect(
    r,
    ctx,
    AF.INET6,
    SOCK.DGRAM,
    IPPROTO.UDPLITE,
    o?.fileIndex,
    o,
  );
}

export function sctp4SocketDirect(
  r: RingCore,
  ctx: SQEContext,
  o?: SocketOpOptions,
): boolean {
  return socketDirect(
    r,
    ctx,
    AF.INET,
    SOCK.STREAM,
    IPPROTO.SCTP,
    o?.fileIndex,
    o,
  );
}

export function sctp6SocketDirect(
  r: RingCore,
  ctx: SQEContext,
  o?: SocketOpOptions,
): boolean {
  return socketDirect(
    r,
    ctx,
    AF.INET6,
    SOCK.STREAM,
    IPPROTO.SCTP,
    o?.fileIndex,
    o,
  );
}

export function unixSocketDirect(
  r: RingCore,
  ctx: SQEContext,
  o?: SocketOpOptions,
): boolean {
  return socketDirect(r, ctx, AF.UNIX, SOCK.STREAM, 0, o?.fileIndex, o);
}

export function bind(
  r: RingCore,
  ctx: SQEContext,
  to: SockaddrInput,
  o?: SQEOptions,
): boolean {
  const addr = sockaddrBytes("bind", to);
  const i = r._claimFor("bind", ctx, o);
  if (i < 0) return false;
  prepBind(r._sqe, i, r._fdOf(ctx), addrOf(addr), viewByteLength(addr));
  r._finish(i, ctx, o, addr, undefined);
  return true;
}

export function listen(
  r: RingCore,
  ctx: SQEContext,
  o?: ListenOptions,
): boolean {
  const backlog = o?.backlog ?? 511;
  checkInt32("listen backlog", backlog);
  const i = r._claimFor("listen", ctx, o);
  if (i < 0) return false;
  prepListen(r._sqe, i, r._fdOf(ctx), backlog);
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}

export function accept(
  r: RingCore,
  ctx: SQEContext,
  o?: SocketOpOptions,
  peer?: Uint8Array,
  peerLen?: Uint32Array,
): boolean {
  const [a, l] = peerAddrs("accept", peer, peerLen);
  const i = r._claimFor("accept", ctx, o);
  if (i < 0) return false;
  prepAccept(
    r._sqe,
    i,
    r._fdOf(ctx),
    a,
    l,
    o?.msgFlags ?? SOCK.CLOEXEC,
  );
  r._finish(i, ctx, o, peer, peerLen);
  return true;
}

export function acceptDirect(
  r: RingCore,
  ctx: SQEContext,
  fileIndex: number = IORING_FILE_INDEX_ALLOC,
  o?: SocketOpOptions,
  peer?: Uint8Array,
  peerLen?: Uint32Array,
): boolean {
  checkU32("acceptDirect fileIndex", fileIndex);
  const flags = o?.msgFlags ?? 0;
  if ((flags & SOCK.CLOEXEC) !== 0) {
    throw new TypeError(
      "acceptDirect: SOCK_CLOEXEC is not allowed for direct descriptors",
    );
  }
  const [a, l] = peerAddrs("acceptDirect", peer, peerLen);
  const i = r._claimFor("acceptDirect", ctx, o);
  if (i < 0) return false;
  prepAcceptDirect(r._sqe, i, r._fdOf(ctx), a, l, flags, fileIndex);
  r._finish(i, ctx, o, peer, peerLen);
  return true;
}

function peerAddrs(
  where: string,
  peer?: Uint8Array,
  peerLen?: Uint32Array,
): [number, number] {
  if (peer === undefined) return [0, 0];
  // The kernel reads the length cell when the accept completes: a real
  // Uint32Array (4 bytes, whatever its prototype claims) in memory no
  // other thread can write, set here from the engine's size of `peer`.
  if (
    !(peer instanceof Uint8Array) || !isU32Cell(peerLen) ||
    isSharedBuffer(taBuffer(peerLen)) || isUnstableView(peerLen)
  ) {
    throw new TypeError(
      `${where}: peer needs a Uint8Array and a Uint32Array(1) length ` +
        "(not in shared memory)",
    );
  }
  checkBuf(where, peer);
  peerLen[0] = viewByteLength(peer);
  return [addrOf(peer), unsafeAddressOf(peerLen)];
}

export function connect(
  r: RingCore,
  ctx: SQEContext,
  to: SockaddrInput,
  o?: SQEOptions,
): boolean {
  const addr = sockaddrBytes("connect", to);
  const i = r._claimFor("connect", ctx, o);
  if (i < 0) return false;
  prepConnect(r._sqe, i, r._fdOf(ctx), addrOf(addr), viewByteLength(addr));
  r._finish(i, ctx, o, addr, undefined);
  return true;
}

export function shutdown(
  r: RingCore,
  ctx: SQEContext,
  how: number,
  o?: SQEOptions,
): boolean {
  if (!(how === 0 || how === 1 || how === 2)) {
    throw new RangeError(`shutdown: how must be 0, 1 or 2, got ${how}`);
  }
  const i = r._claimFor("shutdown", ctx, o);
  if (i < 0) return false;
  prepShutdown(r._sqe, i, r._fdOf(ctx), how);
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}

export function send(
  r: RingCore,
  ctx: SQEContext,
  buf: ArrayBufferView,
  o?: MessageOptions,
): boolean {
  checkBuf("send", buf);
  const n = checkLen("send", buf, o?.n);
  const i = r._claimFor("send", ctx, o);
  if (i < 0) return false;
  prepSend(r._sqe, i, r._fdOf(ctx), addrOf(buf), n, o?.msgFlags ?? 0);
  r._finish(i, ctx, o, buf, undefined);
  return true;
}

export function receive(
  r: RingCore,
  ctx: SQEContext,
  buf: ArrayBufferView | null,
  o?: MessageOptions,
): boolean {
  if (buf === null) {
    const size = o?.readBufferSize ?? r.options.readBufferSize;
    checkU32("receive readBufferSize", size);
    const i = r._claimFor("receive", ctx, o);
    if (i < 0) return false;
    prepRecv(r._sqe, i, r._fdOf(ctx), 0, size, o?.msgFlags ?? 0);
    setSqeFlags(r._sqe, i, IOSQE_BUFFER_SELECT);
    r._finish(i, ctx, o, undefined, undefined);
    return true;
  }
  checkBuf("receive", buf);
  const n = checkLen("receive", buf, o?.n);
  const i = r._claimFor("receive", ctx, o);
  if (i < 0) return false;
  // Into a caller's buffer: the whole of it (MSG_WAITALL: the kernel
  // retries short stream reads; end of stream or an error ends it early)
  // unless msgFlags says otherwise.
  prepRecv(
    r._sqe,
    i,
    r._fdOf(ctx),
    addrOf(buf),
    n,
    o?.msgFlags ?? MSG_WAITALL,
  );
  r._finish(i, ctx, o, buf, undefined);
  return true;
}

export function sendMsg(
  r: RingCore,
  ctx: SQEContext,
  msg: Msghdr,
  o?: MessageOptions,
  to?: SockaddrInput,
): boolean {
  if (!(msg instanceof Msghdr)) {
    throw new TypeError("sendMsg: expected a Msghdr");
  }
  if (to !== undefined) {
    const addr = sockaddrBytes("sendMsg", to);
    r._check("sendMsg");
    msg.setName(addr); // the Msghdr keeps it alive with itself
  }
  const i = r._claimFor("sendMsg", ctx, o);
  if (i < 0) return false;
  prepSendmsg(
    r._sqe,
    i,
    r._fdOf(ctx),
    unsafeAddressOf(msg.bytes),
    o?.msgFlags ?? 0,
  );
  r._finish(i, ctx, o, msg, undefined);
  return true;
}

export function recvMsg(
  r: RingCore,
  ctx: SQEContext,
  msg: Msghdr,
  o?: MessageOptions,
): boolean {
  if (!(msg instanceof Msghdr)) {
    throw new TypeError("recvMsg: expected a Msghdr");
  }
  const i = r._claimFor("recvMsg", ctx, o);
  if (i < 0) return false;
  prepRecvmsg(
    r._sqe,
    i,
    r._fdOf(ctx),
    unsafeAddressOf(msg.bytes),
    o?.msgFlags ?? 0,
  );
  r._finish(i, ctx, o, msg, undefined);
  return true;
}

export function receiveZeroCopy(
  r: RingCore,
  ctx: SQEContext,
  n: number,
  ifqId: number,
  o?: MessageOptions,
): boolean {
  checkU32("receiveZeroCopy length", n);
  checkU32("receiveZeroCopy ifq id", ifqId);
  const i = r._claimFor("receiveZeroCopy", ctx, o);
  if (i < 0) return false;
  prepRecvZc(r._sqe, i, r._fdOf(ctx), n, o?.msgFlags ?? 0, ifqId);
  r._finish(i, ctx, o, undefined, undefined);
  return true;
}
