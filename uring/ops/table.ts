// The operation table: one declaration per ring operation, naming the ring
// method, the opcode its SQE carries and the prep that writes it. Every
// operation method submits through one generic path
// (RingSubmission._submit), which claims a slot, runs the declared prep and
// finishes the SQE; the byte tests walk this table (tests/uring_optable_test.ts).

import { IORING_OP, IOSQE } from "../../zcall/constants.ts";
import * as C from "../sqe/control.ts";
import * as F from "../sqe/file.ts";
import * as N from "../sqe/net.ts";
import { setSqeCmd } from "../sqe/layout.ts";

/** A prep: writes one SQE at word index `i` of `w` (see sqe/*.ts). */
// deno-lint-ignore no-explicit-any
export type Prep = (w: Uint32Array, i: number, ...args: any[]) => void;

/** The arguments a prep takes after the SQE words and index. */
export type PrepArgs<P extends Prep> = P extends
  (w: Uint32Array, i: number, ...args: infer A) => void ? A : never;

/** One ring operation, declared once. */
export interface OpDecl<P extends Prep = Prep> {
  /** The ring method (errors name it). */
  readonly name: string;
  /** The opcode the prep writes. */
  readonly opcode: number;
  /** The prep that writes the SQE; its first argument comes first. */
  readonly prep: P;
  /** The prep's first argument is a duration in ms, turned into the address of the slot's timespec. */
  readonly timed: boolean;
  /** IOSQE_* flags the SQE always carries (set after the prep). */
  readonly setFlags: number;
  /** IOSQE_* flags kept off the SQE after finishing (they travel in the op flags). */
  readonly clearFlags: number;
}

interface DeclOptions {
  timed?: boolean;
  setFlags?: number;
  clearFlags?: number;
}

// Every declaration has the same shape, so the generic path's loads stay
// monomorphic.
function op<P extends Prep>(
  name: string,
  opcode: number,
  prep: P,
  d: DeclOptions = {},
): OpDecl<P> {
  return Object.freeze({
    name,
    opcode,
    prep,
    timed: d.timed ?? false,
    setFlags: d.setFlags ?? 0,
    clearFlags: d.clearFlags ?? 0,
  });
}

// The passthrough commands with their inline command bytes (checked by
// the method against the room the SQE has).
function prepUringCmdBytes(
  w: Uint32Array,
  i: number,
  cmdOp: number,
  fd: number,
  data: Uint8Array | undefined,
): void {
  C.prepUringCmd(w, i, cmdOp, fd);
  if (data !== undefined) setSqeCmd(w, i, data);
}

function prepUringCmd128Bytes(
  w: Uint32Array,
  i: number,
  cmdOp: number,
  fd: number,
  data: Uint8Array | undefined,
): void {
  C.prepUringCmd128(w, i, cmdOp, fd);
  if (data !== undefined) setSqeCmd(w, i, data);
}

const FIXED = IOSQE.FIXED_FILE;
const SELECT = IOSQE.BUFFER_SELECT;
const TIMED = { timed: true };

/** Every operation a ring method submits, by a key naming its form. */
export const OPS = {
  // Sockets.
  socket: op("socket", IORING_OP.SOCKET, N.prepSocket),
  socketDirect: op("socketDirect", IORING_OP.SOCKET, N.prepSocketDirect),
  bind: op("bind", IORING_OP.BIND, N.prepBind),
  listen: op("listen", IORING_OP.LISTEN, N.prepListen),
  accept: op("accept", IORING_OP.ACCEPT, N.prepAccept),
  acceptDirect: op("acceptDirect", IORING_OP.ACCEPT, N.prepAcceptDirect),
  connect: op("connect", IORING_OP.CONNECT, N.prepConnect),
  shutdown: op("shutdown", IORING_OP.SHUTDOWN, N.prepShutdown),
  send: op("send", IORING_OP.SEND, N.prepSend),
  recv: op("recv", IORING_OP.RECV, N.prepRecv),
  // A buffer-selected receive: the group comes from the context.
  recvSelect: op("recv", IORING_OP.RECV, N.prepRecv, { setFlags: SELECT }),
  recvZc: op("recvZc", IORING_OP.RECV_ZC, N.prepRecvZc),
  sendMsg: op("sendMsg", IORING_OP.SENDMSG, N.prepSendmsg),
  recvMsg: op("recvMsg", IORING_OP.RECVMSG, N.prepRecvmsg),
  // Files.
  read: op("read", IORING_OP.READ, F.prepRead),
  write: op("write", IORING_OP.WRITE, F.prepWrite),
  readv: op("readv", IORING_OP.READV, F.prepReadv),
  writev: op("writev", IORING_OP.WRITEV, F.prepWritev),
  readFixed: op("readFixed", IORING_OP.READ_FIXED, F.prepReadFixed),
  writeFixed: op("writeFixed", IORING_OP.WRITE_FIXED, F.prepWriteFixed),
  readvFixed: op("readvFixed", IORING_OP.READV_FIXED, F.prepReadvFixed),
  writevFixed: op("writevFixed", IORING_OP.WRITEV_FIXED, F.prepWritevFixed),
  openAt: op("openAt", IORING_OP.OPENAT, F.prepOpenat),
  openAtDirect: op("openAt", IORING_OP.OPENAT, F.prepOpenatDirect),
  openAt2: op("openAt2", IORING_OP.OPENAT2, F.prepOpenat2),
  openAt2Direct: op("openAt2", IORING_OP.OPENAT2, F.prepOpenat2Direct),
  close: op("close", IORING_OP.CLOSE, F.prepClose),
  closeDirect: op("close", IORING_OP.CLOSE, F.prepCloseDirect),
  fsync: op("fsync", IORING_OP.FSYNC, F.prepFsync),
  fallocate: op("fallocate", IORING_OP.FALLOCATE, F.prepFallocate),
  ftruncate: op("ftruncate", IORING_OP.FTRUNCATE, F.prepFtruncate),
  statx: op("statx", IORING_OP.STATX, F.prepStatx),
  renameAt: op("renameAt", IORING_OP.RENAMEAT, F.prepRenameat),
  unlinkAt: op("unlinkAt", IORING_OP.UNLINKAT, F.prepUnlinkat),
  mkdirAt: op("mkdirAt", IORING_OP.MKDIRAT, F.prepMkdirat),
  symlinkAt: op("symlinkAt", IORING_OP.SYMLINKAT, F.prepSymlinkat),
  linkAt: op("linkAt", IORING_OP.LINKAT, F.prepLinkat),
  fgetXattr: op("fgetXattr", IORING_OP.FGETXATTR, F.prepFgetxattr),
  fsetXattr: op("fsetXattr", IORING_OP.FSETXATTR, F.prepFsetxattr),
  getXattr: op("getXattr", IORING_OP.GETXATTR, F.prepGetxattr),
  setXattr: op("setXattr", IORING_OP.SETXATTR, F.prepSetxattr),
  splice: op("splice", IORING_OP.SPLICE, F.prepSplice),
  tee: op("tee", IORING_OP.TEE, F.prepTee),
  pipe: op("pipe", IORING_OP.PIPE, F.prepPipe),
  syncFileRange: op(
    "syncFileRange",
    IORING_OP.SYNC_FILE_RANGE,
    F.prepSyncFileRange,
  ),
  fadvise: op("fadvise", IORING_OP.FADVISE, F.prepFadvise),
  // Control.
  nop128: op("nop128", IORING_OP.NOP128, C.prepNop128),
  timeout: op("timeout", IORING_OP.TIMEOUT, C.prepTimeout, TIMED),
  timeoutRemove: op(
    "timeoutRemove",
    IORING_OP.TIMEOUT_REMOVE,
    C.prepTimeoutRemove,
  ),
  timeoutUpdate: op(
    "timeoutUpdate",
    IORING_OP.TIMEOUT_REMOVE,
    C.prepTimeoutUpdate,
    TIMED,
  ),
  linkTimeout: op(
    "linkTimeout",
    IORING_OP.LINK_TIMEOUT,
    C.prepLinkTimeout,
    TIMED,
  ),
  // A cancel of the requests on a descriptor: a fixed file is named in
  // the cancel flags, never by IOSQE_FIXED_FILE on the cancel itself.
  asyncCancel: op("asyncCancel", IORING_OP.ASYNC_CANCEL, C.prepCancel),
  asyncCancelTargetFD: op(
    "asyncCancel",
    IORING_OP.ASYNC_CANCEL,
    C.prepCancelFd,
    {
      clearFlags: FIXED,
    },
  ),
  asyncCancelFD: op("asyncCancelFD", IORING_OP.ASYNC_CANCEL, C.prepCancelFd, {
    clearFlags: FIXED,
  }),
  asyncCancelOpcode: op(
    "asyncCancelOpcode",
    IORING_OP.ASYNC_CANCEL,
    C.prepCancelOp,
  ),
  asyncCancelAny: op("asyncCancelAny", IORING_OP.ASYNC_CANCEL, C.prepCancel),
  asyncCancelAll: op("asyncCancelAll", IORING_OP.ASYNC_CANCEL, C.prepCancel),
  pollAdd: op("pollAdd", IORING_OP.POLL_ADD, C.prepPollAdd),
  pollAddLevel: op("pollAddLevel", IORING_OP.POLL_ADD, C.prepPollAdd),
  pollAddMultishot: op("pollAddMultishot", IORING_OP.POLL_ADD, C.prepPollAdd),
  pollAddMultishotLevel: op(
    "pollAddMultishotLevel",
    IORING_OP.POLL_ADD,
    C.prepPollAdd,
  ),
  pollRemove: op("pollRemove", IORING_OP.POLL_REMOVE, C.prepPollRemove),
  pollUpdate: op("pollUpdate", IORING_OP.POLL_REMOVE, C.prepPollUpdate),
  epollWait: op("epollWait", IORING_OP.EPOLL_WAIT, C.prepEpollWait),
  futexWait: op("futexWait", IORING_OP.FUTEX_WAIT, C.prepFutexWait),
  futexWake: op("futexWake", IORING_OP.FUTEX_WAKE, C.prepFutexWake),
  futexWaitV: op("futexWaitV", IORING_OP.FUTEX_WAITV, C.prepFutexWaitv),
  waitid: op("waitid", IORING_OP.WAITID, C.prepWaitid),
  msgRing: op("msgRing", IORING_OP.MSG_RING, C.prepMsgRing),
  msgRingFD: op("msgRingFD", IORING_OP.MSG_RING, C.prepMsgRingFd),
  fixedFdInstall: op(
    "fixedFdInstall",
    IORING_OP.FIXED_FD_INSTALL,
    C.prepFixedFdInstall,
  ),
  filesUpdate: op("filesUpdate", IORING_OP.FILES_UPDATE, C.prepFilesUpdate),
  uringCmd: op("uringCmd", IORING_OP.URING_CMD, prepUringCmdBytes),
  uringCmdSocket: op("uringCmd", IORING_OP.URING_CMD, C.prepSocketCmd),
  socketGetsockopt: op(
    "socketGetsockopt",
    IORING_OP.URING_CMD,
    C.prepSocketCmd,
  ),
  socketSetsockopt: op(
    "socketSetsockopt",
    IORING_OP.URING_CMD,
    C.prepSocketCmd,
  ),
  uringCmd128: op("uringCmd128", IORING_OP.URING_CMD128, prepUringCmd128Bytes),
} as const;
