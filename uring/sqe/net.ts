// One prep per socket opcode: socket, bind, listen, accept, connect,
// shutdown, send/recv, sendmsg/recvmsg, and their multishot, bundle and
// zero-copy forms.

import { IORING_OP } from "../../zcall/constants.ts";
import {
  IORING_ACCEPT,
  IORING_FILE_INDEX_ALLOC,
  IORING_RECVSEND,
  prepRw,
  setSqeBufferSelect,
  setSqeBufIndex,
  setSqeTargetFixedFile,
  SQE_WORD,
} from "./layout.ts";

// SQE word indices as module consts (V8 folds them).
const HEAD = SQE_WORD.HEAD;
const OP_FLAGS = SQE_WORD.OP_FLAGS;
const FILE_INDEX = SQE_WORD.FILE_INDEX;

/**
 * IORING_OP_SOCKET: domain in fd, type in off, protocol in len.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param domain AF_* address family.
 * @param type SOCK_* type (and SOCK_NONBLOCK/SOCK_CLOEXEC).
 * @param protocol IPPROTO_* protocol (0: the default).
 * @param flags The operation's flags word.
 *
 * @example
 * ```ts
 * import { prepSocket } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepSocket(w, 0, 0, 0, 0, 0);
 * ```
 */
export function prepSocket(
  w: Uint32Array,
  i: number,
  domain: number,
  type: number,
  protocol: number,
  flags: number,
): void {
  prepRw(w, i, IORING_OP.SOCKET, domain, 0, protocol, type);
  w[i + OP_FLAGS] = flags;
}

/**
 * IORING_OP_SOCKET into a direct descriptor slot (or ALLOC).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param domain AF_* address family.
 * @param type SOCK_* type (and SOCK_NONBLOCK/SOCK_CLOEXEC).
 * @param protocol IPPROTO_* protocol (0: the default).
 * @param fileIndex Direct descriptor slot (IORING_FILE_INDEX_ALLOC: the kernel picks).
 * @param flags The operation's flags word.
 *
 * @example
 * ```ts
 * import { prepSocketDirect } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepSocketDirect(w, 0, 0, 0, 0, 2, 0);
 * ```
 */
export function prepSocketDirect(
  w: Uint32Array,
  i: number,
  domain: number,
  type: number,
  protocol: number,
  fileIndex: number,
  flags: number,
): void {
  prepSocket(w, i, domain, type, protocol, flags);
  setSqeTargetFixedFile(w, i, fileIndex);
}

/**
 * IORING_OP_BIND: address length in off.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param addr Address of the buffer.
 * @param addrLen Length of the sockaddr.
 *
 * @example
 * ```ts
 * import { prepBind } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepBind(w, 0, 3, 0x1000, 0);
 * ```
 */
export function prepBind(
  w: Uint32Array,
  i: number,
  fd: number,
  addr: number,
  addrLen: number,
): void {
  prepRw(w, i, IORING_OP.BIND, fd, addr, 0, addrLen);
}

/**
 * IORING_OP_LISTEN: backlog in len.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param backlog Pending-connection queue length.
 *
 * @example
 * ```ts
 * import { prepListen } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepListen(w, 0, 3, 0);
 * ```
 */
export function prepListen(
  w: Uint32Array,
  i: number,
  fd: number,
  backlog: number,
): void {
  prepRw(w, i, IORING_OP.LISTEN, fd, 0, backlog, 0);
}

/**
 * IORING_OP_ACCEPT: peer address buffer in addr, socklen_t pointer in off.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param addr Address of the buffer.
 * @param addrLenPtr Address of a u32 holding the sockaddr buffer length (0: no peer address).
 * @param flags The operation's flags word.
 *
 * @example
 * ```ts
 * import { prepAccept } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepAccept(w, 0, 3, 0x1000, 0x1000, 0);
 * ```
 */
export function prepAccept(
  w: Uint32Array,
  i: number,
  fd: number,
  addr: number,
  addrLenPtr: number,
  flags: number,
): void {
  prepRw(w, i, IORING_OP.ACCEPT, fd, addr, 0, addrLenPtr);
  w[i + OP_FLAGS] = flags;
}

/**
 * IORING_OP_ACCEPT into a direct descriptor slot (or ALLOC).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param addr Address of the buffer.
 * @param addrLenPtr Address of a u32 holding the sockaddr buffer length (0: no peer address).
 * @param flags The operation's flags word.
 * @param fileIndex Direct descriptor slot (IORING_FILE_INDEX_ALLOC: the kernel picks).
 *
 * @example
 * ```ts
 * import { prepAcceptDirect } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepAcceptDirect(w, 0, 3, 0x1000, 0x1000, 0, 2);
 * ```
 */
export function prepAcceptDirect(
  w: Uint32Array,
  i: number,
  fd: number,
  addr: number,
  addrLenPtr: number,
  flags: number,
  fileIndex: number,
): void {
  prepAccept(w, i, fd, addr, addrLenPtr, flags);
  setSqeTargetFixedFile(w, i, fileIndex);
}

/**
 * IORING_OP_CONNECT: address length in off.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param addr Address of the buffer.
 * @param addrLen Length of the sockaddr.
 *
 * @example
 * ```ts
 * import { prepConnect } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepConnect(w, 0, 3, 0x1000, 0);
 * ```
 */
export function prepConnect(
  w: Uint32Array,
  i: number,
  fd: number,
  addr: number,
  addrLen: number,
): void {
  prepRw(w, i, IORING_OP.CONNECT, fd, addr, 0, addrLen);
}

/**
 * IORING_OP_SHUTDOWN: how in len.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param how SHUT_RD, SHUT_WR or SHUT_RDWR.
 *
 * @example
 * ```ts
 * import { prepShutdown } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepShutdown(w, 0, 3, 0);
 * ```
 */
export function prepShutdown(
  w: Uint32Array,
  i: number,
  fd: number,
  how: number,
): void {
  prepRw(w, i, IORING_OP.SHUTDOWN, fd, 0, how, 0);
}

/**
 * IORING_OP_SEND.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param buf Address of the buffer.
 * @param len Byte count.
 * @param msgFlags MSG_* flags.
 *
 * @example
 * ```ts
 * import { prepSend } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepSend(w, 0, 3, 0x1000, 64, 0);
 * ```
 */
export function prepSend(
  w: Uint32Array,
  i: number,
  fd: number,
  buf: number,
  len: number,
  msgFlags: number,
): void {
  prepRw(w, i, IORING_OP.SEND, fd, buf, len, 0);
  w[i + OP_FLAGS] = msgFlags;
}

/**
 * IORING_OP_RECV.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param buf Address of the buffer.
 * @param len Byte count.
 * @param msgFlags MSG_* flags.
 *
 * @example
 * ```ts
 * import { prepRecv } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepRecv(w, 0, 3, 0x1000, 64, 0);
 * ```
 */
export function prepRecv(
  w: Uint32Array,
  i: number,
  fd: number,
  buf: number,
  len: number,
  msgFlags: number,
): void {
  prepRw(w, i, IORING_OP.RECV, fd, buf, len, 0);
  w[i + OP_FLAGS] = msgFlags;
}

/**
 * IORING_OP_SENDMSG over a struct msghdr at `msg`.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param msg Address of a struct msghdr.
 * @param msgFlags MSG_* flags.
 *
 * @example
 * ```ts
 * import { prepSendmsg } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepSendmsg(w, 0, 3, 0x1000, 0);
 * ```
 */
export function prepSendmsg(
  w: Uint32Array,
  i: number,
  fd: number,
  msg: number,
  msgFlags: number,
): void {
  prepRw(w, i, IORING_OP.SENDMSG, fd, msg, 1, 0);
  w[i + OP_FLAGS] = msgFlags;
}

/**
 * IORING_OP_RECVMSG.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param msg Address of a struct msghdr.
 * @param msgFlags MSG_* flags.
 *
 * @example
 * ```ts
 * import { prepRecvmsg } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepRecvmsg(w, 0, 3, 0x1000, 0);
 * ```
 */
export function prepRecvmsg(
  w: Uint32Array,
  i: number,
  fd: number,
  msg: number,
  msgFlags: number,
): void {
  prepRw(w, i, IORING_OP.RECVMSG, fd, msg, 1, 0);
  w[i + OP_FLAGS] = msgFlags;
}

/**
 * Multishot IORING_OP_ACCEPT (IORING_ACCEPT_MULTISHOT): one CQE per
 * accepted connection until cancelled or an error; `flags` are accept4
 * flags.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param addr Address of the buffer.
 * @param addrLenPtr Address of a u32 holding the sockaddr buffer length (0: no peer address).
 * @param flags The operation's flags word.
 *
 * @example
 * ```ts
 * import { prepMultishotAccept } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepMultishotAccept(w, 0, 3, 0, 0, 0x80000);
 * ```
 */
export function prepMultishotAccept(
  w: Uint32Array,
  i: number,
  fd: number,
  addr: number,
  addrLenPtr: number,
  flags: number,
): void {
  prepAccept(w, i, fd, addr, addrLenPtr, flags);
  w[i + HEAD] |= IORING_ACCEPT.MULTISHOT << 16;
}

/**
 * Multishot accept into direct descriptors: the kernel allocates a slot
 * for each connection (file_index IORING_FILE_INDEX_ALLOC).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param addr Address of the buffer.
 * @param addrLenPtr Address of a u32 holding the sockaddr buffer length (0: no peer address).
 * @param flags The operation's flags word.
 *
 * @example
 * ```ts
 * import { prepMultishotAcceptDirect } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepMultishotAcceptDirect(w, 0, 3, 0, 0, 0);
 * ```
 */
export function prepMultishotAcceptDirect(
  w: Uint32Array,
  i: number,
  fd: number,
  addr: number,
  addrLenPtr: number,
  flags: number,
): void {
  prepAcceptDirect(w, i, fd, addr, addrLenPtr, flags, IORING_FILE_INDEX_ALLOC);
  w[i + HEAD] |= IORING_ACCEPT.MULTISHOT << 16;
}

/**
 * A receive with buffer selection from provided buffer group `group`:
 * `recvFlags` (IORING_RECVSEND.RECV_MULTISHOT and/or BUNDLE) go to
 * sqe->ioprio, so this is the prep of multishot and bundle receives.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param msgFlags MSG_* flags.
 * @param group Provided buffer group id.
 * @param recvFlags IORING_RECVSEND_* flags (RECV_MULTISHOT, BUNDLE).
 *
 * @example
 * ```ts
 * import { IORING_RECVSEND, prepRecvSelect } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepRecvSelect(w, 0, 3, 0, 1, IORING_RECVSEND.RECV_MULTISHOT);
 * ```
 */
export function prepRecvSelect(
  w: Uint32Array,
  i: number,
  fd: number,
  msgFlags: number,
  group: number,
  recvFlags: number,
): void {
  prepRecv(w, i, fd, 0, 0, msgFlags);
  w[i + HEAD] |= (recvFlags & 0xffff) << 16;
  setSqeBufferSelect(w, i, group);
}

/**
 * IORING_OP_RECV_ZC: a multishot zero-copy receive through ZCRX instance
 * `ifqId` (sqe->zcrx_ifq_idx, the file-index word), up to `len` bytes in
 * total (0: unlimited).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param len Byte count.
 * @param msgFlags MSG_* flags.
 * @param ifqId ZCRX interface queue id.
 *
 * @example
 * ```ts
 * import { prepRecvZc } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepRecvZc(w, 0, 3, 0, 0, 1);
 * ```
 */
export function prepRecvZc(
  w: Uint32Array,
  i: number,
  fd: number,
  len: number,
  msgFlags: number,
  ifqId: number,
): void {
  prepRw(w, i, IORING_OP.RECV_ZC, fd, 0, len, 0);
  w[i + HEAD] |= IORING_RECVSEND.RECV_MULTISHOT << 16;
  w[i + OP_FLAGS] = msgFlags;
  w[i + FILE_INDEX] = ifqId;
}

/**
 * IORING_OP_SEND from registered buffer `bufIndex`
 * (IORING_RECVSEND.FIXED_BUF; `buf` is an address inside that buffer).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param buf Address of the buffer.
 * @param len Byte count.
 * @param msgFlags MSG_* flags.
 * @param bufIndex Registered buffer index.
 *
 * @example
 * ```ts
 * import { prepSendFixed } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepSendFixed(w, 0, 3, 0x1000, 64, 0, 2);
 * ```
 */
export function prepSendFixed(
  w: Uint32Array,
  i: number,
  fd: number,
  buf: number,
  len: number,
  msgFlags: number,
  bufIndex: number,
): void {
  prepSend(w, i, fd, buf, len, msgFlags);
  w[i + HEAD] |= IORING_RECVSEND.FIXED_BUF << 16;
  setSqeBufIndex(w, i, bufIndex);
}

/**
 * IORING_OP_SEND_ZC prep: `zcFlags` go to sqe->ioprio
 * (IORING_RECVSEND.SEND_ZC_REPORT_USAGE, FIXED_BUF, POLL_FIRST).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param addr Address of the buffer.
 * @param len Byte count.
 * @param msgFlags MSG_* flags.
 * @param zcFlags IORING_RECVSEND_* flags for sqe->ioprio.
 *
 * @example
 * ```ts
 * import { prepSendZc } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepSendZc(w, 0, 5, 0x1000, 64, 0, 0);
 * ```
 */
export function prepSendZc(
  w: Uint32Array,
  i: number,
  fd: number,
  addr: number,
  len: number,
  msgFlags: number,
  zcFlags: number,
): void {
  prepRw(w, i, IORING_OP.SEND_ZC, fd, addr, len, 0);
  w[i + HEAD] |= (zcFlags & 0xffff) << 16;
  w[i + OP_FLAGS] = msgFlags;
}

/**
 * IORING_OP_SEND_ZC from registered buffer `bufIndex`.
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param addr Address of the buffer.
 * @param len Byte count.
 * @param msgFlags MSG_* flags.
 * @param zcFlags IORING_RECVSEND_* flags for sqe->ioprio.
 * @param bufIndex Registered buffer index.
 *
 * @example
 * ```ts
 * import { prepSendZcFixed } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepSendZcFixed(w, 0, 5, 0x1000, 64, 0, 0, 2);
 * ```
 */
export function prepSendZcFixed(
  w: Uint32Array,
  i: number,
  fd: number,
  addr: number,
  len: number,
  msgFlags: number,
  zcFlags: number,
  bufIndex: number,
): void {
  prepSendZc(
    w,
    i,
    fd,
    addr,
    len,
    msgFlags,
    zcFlags | IORING_RECVSEND.FIXED_BUF,
  );
  setSqeBufIndex(w, i, bufIndex);
}

/**
 * IORING_OP_SENDMSG_ZC prep (`msg` is the address of a struct msghdr).
 *
 * @param w The SQE array as u32 words (a ring's `sqeWords`).
 * @param i Word index of the SQE's first word (from `getSqe()`).
 * @param fd The file descriptor (or fixed-file index with IOSQE_FIXED_FILE).
 * @param msg Address of a struct msghdr.
 * @param msgFlags MSG_* flags.
 * @param zcFlags IORING_RECVSEND_* flags for sqe->ioprio.
 *
 * @example
 * ```ts
 * import { prepSendmsgZc } from "@kernio/kernio/uring/raw";
 * const w = new Uint32Array(16);
 * prepSendmsgZc(w, 0, 5, 0x1000, 0, 0);
 * ```
 */
export function prepSendmsgZc(
  w: Uint32Array,
  i: number,
  fd: number,
  msg: number,
  msgFlags: number,
  zcFlags: number,
): void {
  prepRw(w, i, IORING_OP.SENDMSG_ZC, fd, msg, 1, 0);
  w[i + HEAD] |= (zcFlags & 0xffff) << 16;
  w[i + OP_FLAGS] = msgFlags;
}
