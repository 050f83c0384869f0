// Socket option helpers: one Set/Get pair per option that applies to TCP, UDP, Unix and IP sockets. Each takes a socket or a raw fd
// and throws a typed error when the kernel refuses. Scratch buffers are
// module-level, so the helpers allocate nothing.

import { IPPROTO, IPV6, O, SO, SOL, TCP } from "../zcall/constants.ts";
import { getsockopt, setsockopt, syscall6 } from "../zcall/syscalls.ts";
import { SYS } from "../zcall/sysnum.ts";
import { errorFromErrno, type SockError } from "./errors.ts";
import { type FdLike, fdOf } from "./socket.ts";
import { bool, intIn } from "../zcall/_validate.ts";
import { getFlag, getOption, setFlag, setOption, sockOpt } from "./_sockopt.ts";

// The integer options of this module, each declared once.
const OPT = {
  SO_REUSEADDR: sockOpt(SOL.SOCKET, SO.REUSEADDR),
  SO_REUSEPORT: sockOpt(SOL.SOCKET, SO.REUSEPORT),
  SO_KEEPALIVE: sockOpt(SOL.SOCKET, SO.KEEPALIVE),
  SO_SNDBUF: sockOpt(SOL.SOCKET, SO.SNDBUF),
  SO_RCVBUF: sockOpt(SOL.SOCKET, SO.RCVBUF),
  SO_BROADCAST: sockOpt(SOL.SOCKET, SO.BROADCAST),
  SO_BUSY_POLL: sockOpt(SOL.SOCKET, SO.BUSY_POLL),
  SO_ZEROCOPY: sockOpt(SOL.SOCKET, SO.ZEROCOPY),
  SO_TYPE: sockOpt(SOL.SOCKET, SO.TYPE),
  SO_ERROR: sockOpt(SOL.SOCKET, SO.ERROR),
  TCP_NODELAY: sockOpt(IPPROTO.TCP, TCP.NODELAY),
  TCP_CORK: sockOpt(IPPROTO.TCP, TCP.CORK),
  TCP_QUICKACK: sockOpt(IPPROTO.TCP, TCP.QUICKACK),
  TCP_DEFER_ACCEPT: sockOpt(IPPROTO.TCP, TCP.DEFER_ACCEPT),
  TCP_FASTOPEN: sockOpt(IPPROTO.TCP, TCP.FASTOPEN),
  TCP_USER_TIMEOUT: sockOpt(IPPROTO.TCP, TCP.USER_TIMEOUT),
  TCP_NOTSENT_LOWAT: sockOpt(IPPROTO.TCP, TCP.NOTSENT_LOWAT),
  TCP_KEEPIDLE: sockOpt(IPPROTO.TCP, TCP.KEEPIDLE, undefined, 1, 32767),
  TCP_KEEPINTVL: sockOpt(IPPROTO.TCP, TCP.KEEPINTVL, undefined, 1, 32767),
  TCP_KEEPCNT: sockOpt(IPPROTO.TCP, TCP.KEEPCNT, undefined, 1, 127),
  IPV6_V6ONLY: sockOpt(IPPROTO.IPV6, IPV6.V6ONLY),
} as const;

const F_GETFD = 1;
const F_SETFD = 2;
const F_GETFL = 3;
const F_SETFL = 4;
const FD_CLOEXEC_FLAG = 1;

const len = new Uint32Array(1);

function fcntl(fd: number, cmd: number, arg: number, fn: string): number {
  const r = syscall6(SYS.FCNTL, fd, cmd, arg, 0, 0, 0);
  if (r < 0) throw errorFromErrno(r, fn);
  return r;
}

/**
 * SO_REUSEADDR on or off.
 *
 * @example
 * ```ts
 * import { getReuseAddr, listenTCP4, setReuseAddr } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * setReuseAddr(ln, true);
 * getReuseAddr(ln); // true
 * ```
 */
export function setReuseAddr(s: FdLike, enable: boolean): void {
  setFlag(s, OPT.SO_REUSEADDR, enable, "setReuseAddr");
}
/**
 * SO_REUSEADDR.
 *
 * @example
 * ```ts
 * import { getReuseAddr, unixConnPair } from "@kernio/kernio/sock";
 * const [a, b] = unixConnPair("unix");
 * getReuseAddr(a); // false
 * a.close(); b.close();
 * ```
 */
export function getReuseAddr(s: FdLike): boolean {
  return getFlag(s, OPT.SO_REUSEADDR, "getReuseAddr");
}

/**
 * SO_REUSEPORT on or off (several sockets may bind one port).
 *
 * @example
 * ```ts
 * import { listenUDP4, setReusePort } from "@kernio/kernio/sock";
 * using c = listenUDP4({ hostname: "127.0.0.1", port: 0 });
 * setReusePort(c, true);
 * ```
 */
export function setReusePort(s: FdLike, enable: boolean): void {
  setFlag(s, OPT.SO_REUSEPORT, enable, "setReusePort");
}
/**
 * SO_REUSEPORT.
 *
 * @example
 * ```ts
 * import { getReusePort, listenUDP4 } from "@kernio/kernio/sock";
 * using c = listenUDP4({ hostname: "127.0.0.1", port: 0 });
 * getReusePort(c); // false
 * ```
 */
export function getReusePort(s: FdLike): boolean {
  return getFlag(s, OPT.SO_REUSEPORT, "getReusePort");
}

/**
 * SO_KEEPALIVE on or off.
 *
 * @example
 * ```ts
 * import { getKeepAlive, listenTCP4, setKeepAlive } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * setKeepAlive(ln, true);
 * getKeepAlive(ln); // true
 * ```
 */
export function setKeepAlive(s: FdLike, enable: boolean): void {
  setFlag(s, OPT.SO_KEEPALIVE, enable, "setKeepAlive");
}
/**
 * SO_KEEPALIVE.
 *
 * @example
 * ```ts
 * import { getKeepAlive, listenTCP4 } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * getKeepAlive(ln); // false
 * ```
 */
export function getKeepAlive(s: FdLike): boolean {
  return getFlag(s, OPT.SO_KEEPALIVE, "getKeepAlive");
}

const lingerBuf = new Int32Array(2);
const lingerBytes = new Uint8Array(lingerBuf.buffer);

/**
 * SO_LINGER: enabled with `secs` 0 makes close() send RST at once.
 *
 * @example
 * ```ts
 * import { getLinger, listenTCP4, setLinger } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * setLinger(ln, true, 0);
 * getLinger(ln); // { enabled: true, seconds: 0 }
 * ```
 */
export function setLinger(s: FdLike, enable: boolean, secs = 0): void {
  const fd = fdOf(s, "setLinger");
  lingerBuf[0] = bool(enable, "setLinger", "enable") ? 1 : 0;
  lingerBuf[1] = intIn(secs, 0, 0x7fffffff, "setLinger", "secs");
  const r = setsockopt(fd, SOL.SOCKET, SO.LINGER, lingerBytes, 8);
  if (r < 0) throw errorFromErrno(r, "setLinger");
}
/**
 * SO_LINGER as `{ enabled, seconds }`.
 *
 * @example
 * ```ts
 * import { getLinger, listenTCP4 } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * getLinger(ln).enabled; // false
 * ```
 */
export function getLinger(s: FdLike): { enabled: boolean; seconds: number } {
  const fd = fdOf(s, "getLinger");
  len[0] = 8;
  const r = getsockopt(fd, SOL.SOCKET, SO.LINGER, lingerBytes, len);
  if (r < 0) throw errorFromErrno(r, "getLinger");
  return { enabled: lingerBuf[0] !== 0, seconds: lingerBuf[1] };
}

/**
 * SO_SNDBUF in bytes (the kernel doubles the value it stores).
 *
 * @example
 * ```ts
 * import { getSendBuffer, setSendBuffer, unixConnPair } from "@kernio/kernio/sock";
 * const [a, b] = unixConnPair("unix");
 * setSendBuffer(a, 65536);
 * getSendBuffer(a); // 131072
 * a.close(); b.close();
 * ```
 */
export function setSendBuffer(s: FdLike, size: number): void {
  setOption(s, OPT.SO_SNDBUF, size, "setSendBuffer", "size");
}
/**
 * SO_SNDBUF.
 *
 * @example
 * ```ts
 * import { getSendBuffer, unixConnPair } from "@kernio/kernio/sock";
 * const [a, b] = unixConnPair("unix");
 * getSendBuffer(a) > 0; // true
 * a.close(); b.close();
 * ```
 */
export function getSendBuffer(s: FdLike): number {
  return getOption(s, OPT.SO_SNDBUF, "getSendBuffer");
}

/**
 * SO_RCVBUF in bytes (stored doubled).
 *
 * @example
 * ```ts
 * import { setRecvBuffer, unixConnPair } from "@kernio/kernio/sock";
 * const [a, b] = unixConnPair("unix");
 * setRecvBuffer(a, 65536);
 * a.close(); b.close();
 * ```
 */
export function setRecvBuffer(s: FdLike, size: number): void {
  setOption(s, OPT.SO_RCVBUF, size, "setRecvBuffer", "size");
}
/**
 * SO_RCVBUF.
 *
 * @example
 * ```ts
 * import { getRecvBuffer, unixConnPair } from "@kernio/kernio/sock";
 * const [a, b] = unixConnPair("unix");
 * getRecvBuffer(a) > 0; // true
 * a.close(); b.close();
 * ```
 */
export function getRecvBuffer(s: FdLike): number {
  return getOption(s, OPT.SO_RCVBUF, "getRecvBuffer");
}

/**
 * SO_BROADCAST on or off (UDP).
 *
 * @example
 * ```ts
 * import { getBroadcast, listenUDP4, setBroadcast } from "@kernio/kernio/sock";
 * using c = listenUDP4({ hostname: "127.0.0.1", port: 0 });
 * setBroadcast(c, true);
 * getBroadcast(c); // true
 * ```
 */
export function setBroadcast(s: FdLike, enable: boolean): void {
  setFlag(s, OPT.SO_BROADCAST, enable, "setBroadcast");
}
/**
 * SO_BROADCAST.
 *
 * @example
 * ```ts
 * import { getBroadcast, listenUDP4 } from "@kernio/kernio/sock";
 * using c = listenUDP4({ hostname: "127.0.0.1", port: 0 });
 * getBroadcast(c); // false
 * ```
 */
export function getBroadcast(s: FdLike): boolean {
  return getFlag(s, OPT.SO_BROADCAST, "getBroadcast");
}

/**
 * SO_BUSY_POLL in microseconds (raising it needs CAP_NET_ADMIN).
 *
 * @example
 * ```ts
 * import { getBusyPoll, setBusyPoll, listenUDP4 } from "@kernio/kernio/sock";
 * using c = listenUDP4({ hostname: "127.0.0.1", port: 0 });
 * setBusyPoll(c, 50);
 * getBusyPoll(c); // 50
 * ```
 */
export function setBusyPoll(s: FdLike, usecs: number): void {
  setOption(s, OPT.SO_BUSY_POLL, usecs, "setBusyPoll", "usecs");
}
/**
 * SO_BUSY_POLL.
 *
 * @example
 * ```ts
 * import { getBusyPoll, listenUDP4 } from "@kernio/kernio/sock";
 * using c = listenUDP4({ hostname: "127.0.0.1", port: 0 });
 * getBusyPoll(c); // 0
 * ```
 */
export function getBusyPoll(s: FdLike): number {
  return getOption(s, OPT.SO_BUSY_POLL, "getBusyPoll");
}

/**
 * SO_ZEROCOPY on or off (allows MSG_ZEROCOPY sends).
 *
 * @example
 * ```ts
 * import { getZeroCopy, listenTCP4, setZeroCopy } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * setZeroCopy(ln, true);
 * getZeroCopy(ln); // true
 * ```
 */
export function setZeroCopy(s: FdLike, enable: boolean): void {
  setFlag(s, OPT.SO_ZEROCOPY, enable, "setZeroCopy");
}
/**
 * SO_ZEROCOPY.
 *
 * @example
 * ```ts
 * import { getZeroCopy, listenTCP4 } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * getZeroCopy(ln); // false
 * ```
 */
export function getZeroCopy(s: FdLike): boolean {
  return getFlag(s, OPT.SO_ZEROCOPY, "getZeroCopy");
}

/**
 * The pending socket error (SO_ERROR), which reading clears: null when
 * none, else the typed error. Used to finish a non-blocking connect.
 *
 * @example
 * ```ts
 * import { getSocketError, listenTCP4 } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * getSocketError(ln); // null
 * ```
 */
export function getSocketError(s: FdLike): SockError | null {
  const e = getOption(s, OPT.SO_ERROR, "getSocketError");
  return e === 0 ? null : errorFromErrno(e, "connect");
}

/**
 * SO_TYPE: the socket type (SOCK_STREAM 1, SOCK_DGRAM 2, SOCK_SEQPACKET 5...).
 *
 * @example
 * ```ts
 * import { getSocketType, listenUDP4 } from "@kernio/kernio/sock";
 * using c = listenUDP4({ hostname: "127.0.0.1", port: 0 });
 * getSocketType(c); // 2
 * ```
 */
export function getSocketType(s: FdLike): number {
  return getOption(s, OPT.SO_TYPE, "getSocketType");
}

/**
 * TCP_NODELAY on or off (Nagle's algorithm off when true).
 *
 * @example
 * ```ts
 * import { getTCPNoDelay, listenTCP4, setTCPNoDelay } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * setTCPNoDelay(ln, true);
 * getTCPNoDelay(ln); // true
 * ```
 */
export function setTCPNoDelay(s: FdLike, enable: boolean): void {
  setFlag(s, OPT.TCP_NODELAY, enable, "setTCPNoDelay");
}
/**
 * TCP_NODELAY.
 *
 * @example
 * ```ts
 * import { getTCPNoDelay, listenTCP4 } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * getTCPNoDelay(ln);
 * ```
 */
export function getTCPNoDelay(s: FdLike): boolean {
  return getFlag(s, OPT.TCP_NODELAY, "getTCPNoDelay");
}

/**
 * TCP_CORK on or off.
 *
 * @example
 * ```ts
 * import { listenTCP4, setTCPCork } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * setTCPCork(ln, true);
 * ```
 */
export function setTCPCork(s: FdLike, enable: boolean): void {
  setFlag(s, OPT.TCP_CORK, enable, "setTCPCork");
}
/**
 * TCP_CORK.
 *
 * @example
 * ```ts
 * import { getTCPCork, listenTCP4 } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * getTCPCork(ln); // false
 * ```
 */
export function getTCPCork(s: FdLike): boolean {
  return getFlag(s, OPT.TCP_CORK, "getTCPCork");
}

/**
 * TCP_QUICKACK on or off (not sticky: the kernel may clear it).
 *
 * @example
 * ```ts
 * import { listenTCP4, setTCPQuickAck } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * setTCPQuickAck(ln, true);
 * ```
 */
export function setTCPQuickAck(s: FdLike, enable: boolean): void {
  setFlag(s, OPT.TCP_QUICKACK, enable, "setTCPQuickAck");
}
/**
 * TCP_QUICKACK.
 *
 * @example
 * ```ts
 * import { getTCPQuickAck, listenTCP4 } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * getTCPQuickAck(ln);
 * ```
 */
export function getTCPQuickAck(s: FdLike): boolean {
  return getFlag(s, OPT.TCP_QUICKACK, "getTCPQuickAck");
}

/**
 * TCP_DEFER_ACCEPT in seconds (the kernel rounds to its retransmit steps).
 *
 * @example
 * ```ts
 * import { listenTCP4, setTCPDeferAccept } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * setTCPDeferAccept(ln, 3);
 * ```
 */
export function setTCPDeferAccept(s: FdLike, secs: number): void {
  setOption(s, OPT.TCP_DEFER_ACCEPT, secs, "setTCPDeferAccept", "secs");
}
/**
 * TCP_DEFER_ACCEPT.
 *
 * @example
 * ```ts
 * import { getTCPDeferAccept, listenTCP4 } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * getTCPDeferAccept(ln); // 0
 * ```
 */
export function getTCPDeferAccept(s: FdLike): number {
  return getOption(s, OPT.TCP_DEFER_ACCEPT, "getTCPDeferAccept");
}

/**
 * TCP_FASTOPEN: queue length of pending TFO SYNs (listeners).
 *
 * @example
 * ```ts
 * import { getTCPFastOpen, listenTCP4, setTCPFastOpen } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * setTCPFastOpen(ln, 16);
 * getTCPFastOpen(ln); // 16
 * ```
 */
export function setTCPFastOpen(s: FdLike, qlen: number): void {
  setOption(s, OPT.TCP_FASTOPEN, qlen, "setTCPFastOpen", "qlen");
}
/**
 * TCP_FASTOPEN.
 *
 * @example
 * ```ts
 * import { getTCPFastOpen, listenTCP4 } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * getTCPFastOpen(ln); // 0
 * ```
 */
export function getTCPFastOpen(s: FdLike): number {
  return getOption(s, OPT.TCP_FASTOPEN, "getTCPFastOpen");
}

/**
 * TCP_USER_TIMEOUT in milliseconds (0: system default).
 *
 * @example
 * ```ts
 * import { getTCPUserTimeout, listenTCP4, setTCPUserTimeout } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * setTCPUserTimeout(ln, 30000);
 * getTCPUserTimeout(ln); // 30000
 * ```
 */
export function setTCPUserTimeout(s: FdLike, ms: number): void {
  setOption(s, OPT.TCP_USER_TIMEOUT, ms, "setTCPUserTimeout", "ms");
}
/**
 * TCP_USER_TIMEOUT.
 *
 * @example
 * ```ts
 * import { getTCPUserTimeout, listenTCP4 } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * getTCPUserTimeout(ln); // 0
 * ```
 */
export function getTCPUserTimeout(s: FdLike): number {
  return getOption(s, OPT.TCP_USER_TIMEOUT, "getTCPUserTimeout");
}

/**
 * TCP_NOTSENT_LOWAT in bytes.
 *
 * @example
 * ```ts
 * import { getTCPNotsentLowat, listenTCP4, setTCPNotsentLowat } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * setTCPNotsentLowat(ln, 16384);
 * getTCPNotsentLowat(ln); // 16384
 * ```
 */
export function setTCPNotsentLowat(s: FdLike, bytes: number): void {
  setOption(s, OPT.TCP_NOTSENT_LOWAT, bytes, "setTCPNotsentLowat", "bytes");
}
/**
 * TCP_NOTSENT_LOWAT.
 *
 * @example
 * ```ts
 * import { getTCPNotsentLowat, listenTCP4 } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * getTCPNotsentLowat(ln);
 * ```
 */
export function getTCPNotsentLowat(s: FdLike): number {
  return getOption(s, OPT.TCP_NOTSENT_LOWAT, "getTCPNotsentLowat");
}

/**
 * TCP_KEEPIDLE in seconds (1..32767).
 *
 * @example
 * ```ts
 * import { getTCPKeepIdle, listenTCP4, setTCPKeepIdle } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * setTCPKeepIdle(ln, 30);
 * getTCPKeepIdle(ln); // 30
 * ```
 */
export function setTCPKeepIdle(s: FdLike, secs: number): void {
  setOption(s, OPT.TCP_KEEPIDLE, secs, "setTCPKeepIdle", "secs");
}
/**
 * TCP_KEEPIDLE.
 *
 * @example
 * ```ts
 * import { getTCPKeepIdle, listenTCP4 } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * getTCPKeepIdle(ln); // 7200 by default
 * ```
 */
export function getTCPKeepIdle(s: FdLike): number {
  return getOption(s, OPT.TCP_KEEPIDLE, "getTCPKeepIdle");
}

/**
 * TCP_KEEPINTVL in seconds (1..32767).
 *
 * @example
 * ```ts
 * import { listenTCP4, setTCPKeepIntvl } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * setTCPKeepIntvl(ln, 10);
 * ```
 */
export function setTCPKeepIntvl(s: FdLike, secs: number): void {
  setOption(s, OPT.TCP_KEEPINTVL, secs, "setTCPKeepIntvl", "secs");
}
/**
 * TCP_KEEPINTVL.
 *
 * @example
 * ```ts
 * import { getTCPKeepIntvl, listenTCP4 } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * getTCPKeepIntvl(ln); // 75 by default
 * ```
 */
export function getTCPKeepIntvl(s: FdLike): number {
  return getOption(s, OPT.TCP_KEEPINTVL, "getTCPKeepIntvl");
}

/**
 * TCP_KEEPCNT: probes before dropping (1..127).
 *
 * @example
 * ```ts
 * import { listenTCP4, setTCPKeepCnt } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * setTCPKeepCnt(ln, 5);
 * ```
 */
export function setTCPKeepCnt(s: FdLike, count: number): void {
  setOption(s, OPT.TCP_KEEPCNT, count, "setTCPKeepCnt", "count");
}
/**
 * TCP_KEEPCNT.
 *
 * @example
 * ```ts
 * import { getTCPKeepCnt, listenTCP4 } from "@kernio/kernio/sock";
 * using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
 * getTCPKeepCnt(ln); // 9 by default
 * ```
 */
export function getTCPKeepCnt(s: FdLike): number {
  return getOption(s, OPT.TCP_KEEPCNT, "getTCPKeepCnt");
}

/**
 * IPV6_V6ONLY on or off (set before bind).
 *
 * @example
 * ```ts
 * import { getIPv6Only, NetSocket, setIPv6Only } from "@kernio/kernio/sock";
 * using s = NetSocket.create(10, 1, 0);
 * setIPv6Only(s, true);
 * getIPv6Only(s); // true
 * ```
 */
export function setIPv6Only(s: FdLike, enable: boolean): void {
  setFlag(s, OPT.IPV6_V6ONLY, enable, "setIPv6Only");
}
/**
 * IPV6_V6ONLY.
 *
 * @example
 * ```ts
 * import { getIPv6Only, NetSocket } from "@kernio/kernio/sock";
 * using s = NetSocket.create(10, 1, 0);
 * getIPv6Only(s); // false by default
 * ```
 */
export function getIPv6Only(s: FdLike): boolean {
  return getFlag(s, OPT.IPV6_V6ONLY, "getIPv6Only");
}

/**
 * FD_CLOEXEC on or off (fcntl F_SETFD).
 *
 * @example
 * ```ts
 * import { getCloseOnExec, setCloseOnExec, unixConnPair } from "@kernio/kernio/sock";
 * const [a, b] = unixConnPair("unix");
 * setCloseOnExec(a, false);
 * getCloseOnExec(a); // false
 * a.close(); b.close();
 * ```
 */
export function setCloseOnExec(s: FdLike, cloexec: boolean): void {
  const fd = fdOf(s, "setCloseOnExec");
  const on = bool(cloexec, "setCloseOnExec", "cloexec");
  const flags = fcntl(fd, F_GETFD, 0, "setCloseOnExec");
  const next = on ? flags | FD_CLOEXEC_FLAG : flags & ~FD_CLOEXEC_FLAG;
  if (next !== flags) fcntl(fd, F_SETFD, next, "setCloseOnExec");
}
/**
 * FD_CLOEXEC (fcntl F_GETFD).
 *
 * @example
 * ```ts
 * import { getCloseOnExec, unixConnPair } from "@kernio/kernio/sock";
 * const [a, b] = unixConnPair("unix");
 * getCloseOnExec(a); // true: kernio sockets start close-on-exec
 * a.close(); b.close();
 * ```
 */
export function getCloseOnExec(s: FdLike): boolean {
  return (fcntl(fdOf(s, "getCloseOnExec"), F_GETFD, 0, "getCloseOnExec") &
    FD_CLOEXEC_FLAG) !== 0;
}

/**
 * O_NONBLOCK on or off (fcntl F_SETFL). Kernio's async methods need it on.
 *
 * @example
 * ```ts
 * import { getNonBlock, setNonBlock, unixConnPair } from "@kernio/kernio/sock";
 * const [a, b] = unixConnPair("unix");
 * setNonBlock(a, true);
 * getNonBlock(a); // true
 * a.close(); b.close();
 * ```
 */
export function setNonBlock(s: FdLike, nonblock: boolean): void {
  const fd = fdOf(s, "setNonBlock");
  const on = bool(nonblock, "setNonBlock", "nonblock");
  const flags = fcntl(fd, F_GETFL, 0, "setNonBlock");
  const next = on ? flags | O.NONBLOCK : flags & ~O.NONBLOCK;
  if (next !== flags) fcntl(fd, F_SETFL, next, "setNonBlock");
}
/**
 * O_NONBLOCK (fcntl F_GETFL).
 *
 * @example
 * ```ts
 * import { getNonBlock, unixConnPair } from "@kernio/kernio/sock";
 * const [a, b] = unixConnPair("unix");
 * getNonBlock(a); // true
 * a.close(); b.close();
 * ```
 */
export function getNonBlock(s: FdLike): boolean {
  return (fcntl(fdOf(s, "getNonBlock"), F_GETFL, 0, "getNonBlock") &
    O.NONBLOCK) !== 0;
}
