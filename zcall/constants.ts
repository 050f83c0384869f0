// Constant groups of the Linux ABI used by kernio, grouped the way the kernel
// headers prefix them (AF_INET is AF.INET). Values are the same on x86_64 and
// aarch64 unless a group says otherwise.

/**
 * Socket address families.
 *
 * @example
 * ```ts
 * import { AF } from "@kernio/kernio/zcall";
 * AF.INET6; // 10
 * ```
 */
export const AF = {
  UNSPEC: 0,
  UNIX: 1,
  LOCAL: 1,
  INET: 2,
  INET6: 10,
  NETLINK: 16,
  PACKET: 17,
} as const;

/**
 * Socket types and the flags that may be or-ed into them.
 *
 * @example
 * ```ts
 * import { SOCK } from "@kernio/kernio/zcall";
 * SOCK.STREAM | SOCK.NONBLOCK | SOCK.CLOEXEC;
 * ```
 */
export const SOCK = {
  STREAM: 1,
  DGRAM: 2,
  RAW: 3,
  RDM: 4,
  SEQPACKET: 5,
  NONBLOCK: 0x800,
  CLOEXEC: 0x80000,
} as const;

/**
 * IP protocol numbers.
 *
 * @example
 * ```ts
 * import { IPPROTO } from "@kernio/kernio/zcall";
 * IPPROTO.TCP; // 6
 * ```
 */
export const IPPROTO = {
  IP: 0,
  ICMP: 1,
  TCP: 6,
  UDP: 17,
  IPV6: 41,
  ICMPV6: 58,
  SCTP: 132,
  UDPLITE: 136,
  RAW: 255,
} as const;

/**
 * Socket option levels.
 *
 * @example
 * ```ts
 * import { SOL } from "@kernio/kernio/zcall";
 * SOL.SOCKET; // 1
 * ```
 */
export const SOL = {
  IP: 0,
  SOCKET: 1,
  TCP: 6,
  UDP: 17,
  IPV6: 41,
  ICMPV6: 58,
  SCTP: 132,
  RAW: 255,
} as const;

/**
 * SOL_SOCKET options.
 *
 * @example
 * ```ts
 * import { SO } from "@kernio/kernio/zcall";
 * SO.REUSEADDR; // 2
 * ```
 */
export const SO = {
  DEBUG: 1,
  REUSEADDR: 2,
  TYPE: 3,
  ERROR: 4,
  DONTROUTE: 5,
  BROADCAST: 6,
  SNDBUF: 7,
  RCVBUF: 8,
  KEEPALIVE: 9,
  OOBINLINE: 10,
  NO_CHECK: 11,
  PRIORITY: 12,
  LINGER: 13,
  BSDCOMPAT: 14,
  REUSEPORT: 15,
  PASSCRED: 16,
  PEERCRED: 17,
  RCVLOWAT: 18,
  SNDLOWAT: 19,
  RCVTIMEO: 20,
  SNDTIMEO: 21,
  BINDTODEVICE: 25,
  ATTACH_FILTER: 26,
  DETACH_FILTER: 27,
  TIMESTAMP: 29,
  ACCEPTCONN: 30,
  SNDBUFFORCE: 32,
  RCVBUFFORCE: 33,
  PASSSEC: 34,
  TIMESTAMPNS: 35,
  MARK: 36,
  TIMESTAMPING: 37,
  PROTOCOL: 38,
  DOMAIN: 39,
  RXQ_OVFL: 40,
  PEEK_OFF: 42,
  BUSY_POLL: 46,
  INCOMING_CPU: 49,
  ATTACH_REUSEPORT_CBPF: 51,
  INCOMING_NAPI_ID: 56,
  COOKIE: 57,
  ZEROCOPY: 60,
  TXTIME: 61,
  BINDTOIFINDEX: 62,
  PREFER_BUSY_POLL: 69,
  BUSY_POLL_BUDGET: 70,
  /** Receive an SCM_PIDFD control message with each message (6.5+). */
  PASSPIDFD: 76,
  /** A pidfd of the connected peer (getsockopt, 6.5+). */
  PEERPIDFD: 77,
} as const;

/**
 * IPPROTO_TCP options.
 *
 * @example
 * ```ts
 * import { TCP } from "@kernio/kernio/zcall";
 * TCP.NODELAY; // 1
 * ```
 */
export const TCP = {
  NODELAY: 1,
  MAXSEG: 2,
  CORK: 3,
  KEEPIDLE: 4,
  KEEPINTVL: 5,
  KEEPCNT: 6,
  SYNCNT: 7,
  LINGER2: 8,
  DEFER_ACCEPT: 9,
  WINDOW_CLAMP: 10,
  INFO: 11,
  QUICKACK: 12,
  CONGESTION: 13,
  MD5SIG: 14,
  THIN_LINEAR_TIMEOUTS: 16,
  USER_TIMEOUT: 18,
  REPAIR: 19,
  FASTOPEN: 23,
  TIMESTAMP: 24,
  NOTSENT_LOWAT: 25,
  CC_INFO: 26,
  SAVE_SYN: 27,
  SAVED_SYN: 28,
  FASTOPEN_CONNECT: 30,
  ULP: 31,
  FASTOPEN_KEY: 33,
  FASTOPEN_NO_COOKIE: 34,
  ZEROCOPY_RECEIVE: 35,
  INQ: 36,
  TX_DELAY: 37,
} as const;

/**
 * IPPROTO_UDP options.
 *
 * @example
 * ```ts
 * import { UDP } from "@kernio/kernio/zcall";
 * UDP.SEGMENT; // 103 (GSO)
 * ```
 */
export const UDP = {
  CORK: 1,
  ENCAP: 100,
  NO_CHECK6_TX: 101,
  NO_CHECK6_RX: 102,
  SEGMENT: 103,
  GRO: 104,
} as const;

/**
 * IPPROTO_IP options.
 *
 * @example
 * ```ts
 * import { IP } from "@kernio/kernio/zcall";
 * IP.MULTICAST_TTL; // 33
 * ```
 */
export const IP = {
  TOS: 1,
  TTL: 2,
  HDRINCL: 3,
  OPTIONS: 4,
  RECVOPTS: 6,
  PKTINFO: 8,
  MTU_DISCOVER: 10,
  RECVERR: 11,
  RECVTTL: 12,
  RECVTOS: 13,
  MTU: 14,
  FREEBIND: 15,
  TRANSPARENT: 19,
  BIND_ADDRESS_NO_PORT: 24,
  MULTICAST_IF: 32,
  MULTICAST_TTL: 33,
  MULTICAST_LOOP: 34,
  ADD_MEMBERSHIP: 35,
  DROP_MEMBERSHIP: 36,
  UNBLOCK_SOURCE: 37,
  BLOCK_SOURCE: 38,
  ADD_SOURCE_MEMBERSHIP: 39,
  DROP_SOURCE_MEMBERSHIP: 40,
  MULTICAST_ALL: 49,
  RECVFRAGSIZE: 25,
} as const;

/**
 * IPPROTO_IPV6 options.
 *
 * @example
 * ```ts
 * import { IPV6 } from "@kernio/kernio/zcall";
 * IPV6.V6ONLY; // 26
 * ```
 */
export const IPV6 = {
  ADDRFORM: 1,
  UNICAST_HOPS: 16,
  MULTICAST_IF: 17,
  MULTICAST_HOPS: 18,
  MULTICAST_LOOP: 19,
  ADD_MEMBERSHIP: 20,
  JOIN_GROUP: 20,
  DROP_MEMBERSHIP: 21,
  LEAVE_GROUP: 21,
  MTU_DISCOVER: 23,
  MTU: 24,
  RECVERR: 25,
  V6ONLY: 26,
  RECVPKTINFO: 49,
  PKTINFO: 50,
  RECVHOPLIMIT: 51,
  HOPLIMIT: 52,
  RECVTCLASS: 66,
  TCLASS: 67,
  MULTICAST_ALL: 29,
  FREEBIND: 78,
} as const;

/**
 * open(2) and fcntl file flags.
 *
 * @example
 * ```ts
 * import { O } from "@kernio/kernio/zcall";
 * O.RDWR | O.CREAT | O.CLOEXEC;
 * ```
 */
export const O = {
  RDONLY: 0x0,
  WRONLY: 0x1,
  RDWR: 0x2,
  CREAT: 0x40,
  EXCL: 0x80,
  NOCTTY: 0x100,
  TRUNC: 0x200,
  APPEND: 0x400,
  NONBLOCK: 0x800,
  DSYNC: 0x1000,
  DIRECT: 0x4000,
  LARGEFILE: 0x8000,
  DIRECTORY: 0x10000,
  NOFOLLOW: 0x20000,
  NOATIME: 0x40000,
  CLOEXEC: 0x80000,
  SYNC: 0x101000,
  PATH: 0x200000,
  TMPFILE: 0x410000,
} as const;

/**
 * eventfd2(2) flags.
 *
 * @example
 * ```ts
 * import { EFD } from "@kernio/kernio/zcall";
 * EFD.NONBLOCK | EFD.CLOEXEC;
 * ```
 */
export const EFD = {
  SEMAPHORE: 0x1,
  NONBLOCK: 0x800,
  CLOEXEC: 0x80000,
} as const;

/**
 * timerfd flags.
 *
 * @example
 * ```ts
 * import { TFD } from "@kernio/kernio/zcall";
 * TFD.NONBLOCK;
 * ```
 */
export const TFD = {
  TIMER_ABSTIME: 0x1,
  TIMER_CANCEL_ON_SET: 0x2,
  NONBLOCK: 0x800,
  CLOEXEC: 0x80000,
} as const;

/**
 * signalfd4(2) flags.
 *
 * @example
 * ```ts
 * import { SFD } from "@kernio/kernio/zcall";
 * SFD.CLOEXEC;
 * ```
 */
export const SFD = { NONBLOCK: 0x800, CLOEXEC: 0x80000 } as const;

/**
 * memfd_create(2) flags.
 *
 * @example
 * ```ts
 * import { MFD } from "@kernio/kernio/zcall";
 * MFD.CLOEXEC | MFD.ALLOW_SEALING;
 * ```
 */
export const MFD = {
  CLOEXEC: 0x1,
  ALLOW_SEALING: 0x2,
  HUGETLB: 0x4,
  NOEXEC_SEAL: 0x8,
  EXEC: 0x10,
} as const;

/**
 * pidfd flags.
 *
 * @example
 * ```ts
 * import { PIDFD } from "@kernio/kernio/zcall";
 * PIDFD.NONBLOCK;
 * ```
 */
export const PIDFD = { NONBLOCK: 0x800, THREAD: 0x80 } as const;

/**
 * Clock ids.
 *
 * @example
 * ```ts
 * import { CLOCK } from "@kernio/kernio/zcall";
 * CLOCK.MONOTONIC; // 1
 * ```
 */
export const CLOCK = {
  REALTIME: 0,
  MONOTONIC: 1,
  PROCESS_CPUTIME_ID: 2,
  THREAD_CPUTIME_ID: 3,
  MONOTONIC_RAW: 4,
  BOOTTIME: 7,
  REALTIME_ALARM: 8,
  BOOTTIME_ALARM: 9,
  TAI: 11,
} as const;

/**
 * mmap protection flags.
 *
 * @example
 * ```ts
 * import { PROT } from "@kernio/kernio/zcall";
 * PROT.READ | PROT.WRITE;
 * ```
 */
export const PROT = { NONE: 0x0, READ: 0x1, WRITE: 0x2, EXEC: 0x4 } as const;

/**
 * mmap flags.
 *
 * @example
 * ```ts
 * import { MAP } from "@kernio/kernio/zcall";
 * MAP.SHARED | MAP.POPULATE;
 * ```
 */
export const MAP = {
  SHARED: 0x1,
  PRIVATE: 0x2,
  SHARED_VALIDATE: 0x3,
  FIXED: 0x10,
  ANONYMOUS: 0x20,
  NORESERVE: 0x4000,
  POPULATE: 0x8000,
  HUGETLB: 0x40000,
  FIXED_NOREPLACE: 0x100000,
} as const;

/**
 * poll(2) event bits.
 *
 * @example
 * ```ts
 * import { POLL } from "@kernio/kernio/zcall";
 * POLL.IN | POLL.RDHUP;
 * ```
 */
export const POLL = {
  IN: 0x1,
  PRI: 0x2,
  OUT: 0x4,
  ERR: 0x8,
  HUP: 0x10,
  NVAL: 0x20,
  RDNORM: 0x40,
  RDBAND: 0x80,
  WRNORM: 0x100,
  WRBAND: 0x200,
  MSG: 0x400,
  RDHUP: 0x2000,
} as const;

/**
 * epoll constants: ctl operations and event bits.
 *
 * @example
 * ```ts
 * import { EPOLL } from "@kernio/kernio/zcall";
 * EPOLL.IN | EPOLL.ET;
 * ```
 */
export const EPOLL = {
  CLOEXEC: 0x80000,
  CTL_ADD: 1,
  CTL_DEL: 2,
  CTL_MOD: 3,
  IN: 0x1,
  PRI: 0x2,
  OUT: 0x4,
  ERR: 0x8,
  HUP: 0x10,
  RDHUP: 0x2000,
  EXCLUSIVE: 1 << 28,
  WAKEUP: 1 << 29,
  ONESHOT: 1 << 30,
  ET: 1 << 31,
} as const;

/**
 * shutdown(2) directions.
 *
 * @example
 * ```ts
 * import { SHUT } from "@kernio/kernio/zcall";
 * SHUT.WR; // 1
 * ```
 */
export const SHUT = { RD: 0, WR: 1, RDWR: 2 } as const;

/**
 * send/recv flags.
 *
 * @example
 * ```ts
 * import { MSG } from "@kernio/kernio/zcall";
 * MSG.DONTWAIT | MSG.NOSIGNAL;
 * ```
 */
export const MSG = {
  OOB: 0x1,
  PEEK: 0x2,
  DONTROUTE: 0x4,
  CTRUNC: 0x8,
  PROXY: 0x10,
  TRUNC: 0x20,
  DONTWAIT: 0x40,
  EOR: 0x80,
  WAITALL: 0x100,
  FIN: 0x200,
  SYN: 0x400,
  CONFIRM: 0x800,
  RST: 0x1000,
  ERRQUEUE: 0x2000,
  NOSIGNAL: 0x4000,
  MORE: 0x8000,
  WAITFORONE: 0x10000,
  BATCH: 0x40000,
  ZEROCOPY: 0x4000000,
  FASTOPEN: 0x20000000,
  CMSG_CLOEXEC: 0x40000000,
} as const;

/**
 * Control-message types (SOL_SOCKET level).
 *
 * @example
 * ```ts
 * import { SCM } from "@kernio/kernio/zcall";
 * SCM.RIGHTS; // 1
 * ```
 */
export const SCM = {
  RIGHTS: 1,
  CREDENTIALS: 2,
  /** Security label of the peer (SELinux, Smack). */
  SECURITY: 3,
  /** A pidfd of the sending process (kernel 6.5+). */
  PIDFD: 4,
  TIMESTAMP: 29,
  TIMESTAMPNS: 35,
} as const;

/**
 * splice/tee/vmsplice flags.
 *
 * @example
 * ```ts
 * import { SPLICE_F } from "@kernio/kernio/zcall";
 * SPLICE_F.MOVE | SPLICE_F.NONBLOCK;
 * ```
 */
export const SPLICE_F = {
  MOVE: 0x1,
  NONBLOCK: 0x2,
  MORE: 0x4,
  GIFT: 0x8,
} as const;

/**
 * preadv2/pwritev2 flags.
 *
 * @example
 * ```ts
 * import { RWF } from "@kernio/kernio/zcall";
 * RWF.NOWAIT;
 * ```
 */
export const RWF = {
  HIPRI: 0x1,
  DSYNC: 0x2,
  SYNC: 0x4,
  NOWAIT: 0x8,
  APPEND: 0x10,
  NOAPPEND: 0x20,
  ATOMIC: 0x40,
  DONTCACHE: 0x80,
} as const;

/**
 * Special directory file descriptor and *at(2) flags.
 *
 * @example
 * ```ts
 * import { AT } from "@kernio/kernio/zcall";
 * AT.FDCWD; // -100
 * ```
 */
export const AT = {
  FDCWD: -100,
  SYMLINK_NOFOLLOW: 0x100,
  REMOVEDIR: 0x200,
  SYMLINK_FOLLOW: 0x400,
  NO_AUTOMOUNT: 0x800,
  EMPTY_PATH: 0x1000,
  STATX_SYNC_AS_STAT: 0x0000,
  STATX_FORCE_SYNC: 0x2000,
  STATX_DONT_SYNC: 0x4000,
} as const;

/**
 * Signal numbers (x86_64 and aarch64 agree).
 *
 * @example
 * ```ts
 * import { SIG } from "@kernio/kernio/zcall";
 * SIG.USR1; // 10
 * ```
 */
export const SIG = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  ILL: 4,
  TRAP: 5,
  ABRT: 6,
  BUS: 7,
  FPE: 8,
  KILL: 9,
  USR1: 10,
  SEGV: 11,
  USR2: 12,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
  CHLD: 17,
  CONT: 18,
  STOP: 19,
  TSTP: 20,
  URG: 23,
  WINCH: 28,
} as const;

/**
 * io_uring_setup(2) flags.
 *
 * @example
 * ```ts
 * import { IORING_SETUP } from "@kernio/kernio/zcall";
 * IORING_SETUP.SINGLE_ISSUER | IORING_SETUP.DEFER_TASKRUN;
 * ```
 */
export const IORING_SETUP = {
  IOPOLL: 1 << 0,
  SQPOLL: 1 << 1,
  SQ_AFF: 1 << 2,
  CQSIZE: 1 << 3,
  CLAMP: 1 << 4,
  ATTACH_WQ: 1 << 5,
  R_DISABLED: 1 << 6,
  SUBMIT_ALL: 1 << 7,
  COOP_TASKRUN: 1 << 8,
  TASKRUN_FLAG: 1 << 9,
  SQE128: 1 << 10,
  CQE32: 1 << 11,
  SINGLE_ISSUER: 1 << 12,
  DEFER_TASKRUN: 1 << 13,
  NO_MMAP: 1 << 14,
  REGISTERED_FD_ONLY: 1 << 15,
  NO_SQARRAY: 1 << 16,
  HYBRID_IOPOLL: 1 << 17,
  CQE_MIXED: 1 << 18,
  SQE_MIXED: 1 << 19,
} as const;

/**
 * io_uring_enter(2) flags.
 *
 * @example
 * ```ts
 * import { IORING_ENTER } from "@kernio/kernio/zcall";
 * IORING_ENTER.GETEVENTS;
 * ```
 */
export const IORING_ENTER = {
  GETEVENTS: 1 << 0,
  SQ_WAKEUP: 1 << 1,
  SQ_WAIT: 1 << 2,
  EXT_ARG: 1 << 3,
  REGISTERED_RING: 1 << 4,
  ABS_TIMER: 1 << 5,
  EXT_ARG_REG: 1 << 6,
  NO_IOWAIT: 1 << 7,
} as const;

/**
 * io_uring opcodes (through Linux 6.18).
 *
 * @example
 * ```ts
 * import { IORING_OP } from "@kernio/kernio/zcall";
 * IORING_OP.NOP; // 0
 * ```
 */
export const IORING_OP = {
  NOP: 0,
  READV: 1,
  WRITEV: 2,
  FSYNC: 3,
  READ_FIXED: 4,
  WRITE_FIXED: 5,
  POLL_ADD: 6,
  POLL_REMOVE: 7,
  SYNC_FILE_RANGE: 8,
  SENDMSG: 9,
  RECVMSG: 10,
  TIMEOUT: 11,
  TIMEOUT_REMOVE: 12,
  ACCEPT: 13,
  ASYNC_CANCEL: 14,
  LINK_TIMEOUT: 15,
  CONNECT: 16,
  FALLOCATE: 17,
  OPENAT: 18,
  CLOSE: 19,
  FILES_UPDATE: 20,
  STATX: 21,
  READ: 22,
  WRITE: 23,
  FADVISE: 24,
  MADVISE: 25,
  SEND: 26,
  RECV: 27,
  OPENAT2: 28,
  EPOLL_CTL: 29,
  SPLICE: 30,
  PROVIDE_BUFFERS: 31,
  REMOVE_BUFFERS: 32,
  TEE: 33,
  SHUTDOWN: 34,
  RENAMEAT: 35,
  UNLINKAT: 36,
  MKDIRAT: 37,
  SYMLINKAT: 38,
  LINKAT: 39,
  MSG_RING: 40,
  FSETXATTR: 41,
  SETXATTR: 42,
  FGETXATTR: 43,
  GETXATTR: 44,
  SOCKET: 45,
  URING_CMD: 46,
  SEND_ZC: 47,
  SENDMSG_ZC: 48,
  READ_MULTISHOT: 49,
  WAITID: 50,
  FUTEX_WAIT: 51,
  FUTEX_WAKE: 52,
  FUTEX_WAITV: 53,
  FIXED_FD_INSTALL: 54,
  FTRUNCATE: 55,
  BIND: 56,
  LISTEN: 57,
  RECV_ZC: 58,
  EPOLL_WAIT: 59,
  READV_FIXED: 60,
  WRITEV_FIXED: 61,
  PIPE: 62,
  NOP128: 63,
  URING_CMD128: 64,
} as const;

/**
 * io_uring SQE flags (sqe->flags).
 *
 * @example
 * ```ts
 * import { IOSQE } from "@kernio/kernio/zcall";
 * IOSQE.IO_LINK;
 * ```
 */
export const IOSQE = {
  FIXED_FILE: 1 << 0,
  IO_DRAIN: 1 << 1,
  IO_LINK: 1 << 2,
  IO_HARDLINK: 1 << 3,
  ASYNC: 1 << 4,
  BUFFER_SELECT: 1 << 5,
  CQE_SKIP_SUCCESS: 1 << 6,
} as const;

/**
 * io_uring_register(2) opcodes.
 *
 * @example
 * ```ts
 * import { IORING_REGISTER } from "@kernio/kernio/zcall";
 * IORING_REGISTER.PBUF_RING; // 22
 * ```
 */
export const IORING_REGISTER = {
  BUFFERS: 0,
  UNREGISTER_BUFFERS: 1,
  FILES: 2,
  UNREGISTER_FILES: 3,
  EVENTFD: 4,
  UNREGISTER_EVENTFD: 5,
  FILES_UPDATE: 6,
  EVENTFD_ASYNC: 7,
  PROBE: 8,
  PERSONALITY: 9,
  UNREGISTER_PERSONALITY: 10,
  RESTRICTIONS: 11,
  ENABLE_RINGS: 12,
  FILES2: 13,
  FILES_UPDATE2: 14,
  BUFFERS2: 15,
  BUFFERS_UPDATE: 16,
  IOWQ_AFF: 17,
  UNREGISTER_IOWQ_AFF: 18,
  IOWQ_MAX_WORKERS: 19,
  RING_FDS: 20,
  UNREGISTER_RING_FDS: 21,
  PBUF_RING: 22,
  UNREGISTER_PBUF_RING: 23,
  SYNC_CANCEL: 24,
  FILE_ALLOC_RANGE: 25,
  PBUF_STATUS: 26,
  NAPI: 27,
  UNREGISTER_NAPI: 28,
  CLOCK: 29,
  CLONE_BUFFERS: 30,
  SEND_MSG_RING: 31,
  ZCRX_IFQ: 32,
  RESIZE_RINGS: 33,
  MEM_REGION: 34,
  QUERY: 35,
  ZCRX_CTRL: 36,
  USE_REGISTERED_RING: 1 << 31,
} as const;

/**
 * fcntl(2) commands (the same on x86_64 and aarch64).
 *
 * @example
 * ```ts
 * import { F, FD_CLOEXEC, SYS, syscall4 } from "@kernio/kernio/zcall";
 * const flags = syscall4(SYS.FCNTL, 0, F.GETFD, 0, 0);
 * (flags & FD_CLOEXEC) !== 0;
 * ```
 */
export const F = {
  DUPFD: 0,
  GETFD: 1,
  SETFD: 2,
  GETFL: 3,
  SETFL: 4,
  GETLK: 5,
  SETLK: 6,
  SETLKW: 7,
  SETOWN: 8,
  GETOWN: 9,
  SETSIG: 10,
  GETSIG: 11,
  SETOWN_EX: 15,
  GETOWN_EX: 16,
  OFD_GETLK: 36,
  OFD_SETLK: 37,
  OFD_SETLKW: 38,
  SETLEASE: 1024,
  GETLEASE: 1025,
  NOTIFY: 1026,
  DUPFD_CLOEXEC: 1030,
  SETPIPE_SZ: 1031,
  GETPIPE_SZ: 1032,
  ADD_SEALS: 1033,
  GET_SEALS: 1034,
} as const;

/**
 * The close-on-exec descriptor flag (fcntl F_GETFD / F_SETFD).
 *
 * @example
 * ```ts
 * import { FD_CLOEXEC } from "@kernio/kernio/zcall";
 * FD_CLOEXEC; // 1
 * ```
 */
export const FD_CLOEXEC = 1;

/**
 * Number of descriptors an fd_set holds (select/pselect6): bits 0..1023.
 *
 * @example
 * ```ts
 * import { FD_SETSIZE } from "@kernio/kernio/zcall";
 * FD_SETSIZE; // 1024
 * ```
 */
export const FD_SETSIZE = 1024;
