import assert from "node:assert/strict";
import {
  ClosedError,
  dialTCP4,
  getBroadcast,
  getBusyPoll,
  getCloseOnExec,
  getIPv6Only,
  getKeepAlive,
  getLinger,
  getNonBlock,
  getRecvBuffer,
  getReuseAddr,
  getReusePort,
  getSendBuffer,
  getSocketError,
  getSocketType,
  getTCPCork,
  getTCPDeferAccept,
  getTCPFastOpen,
  getTCPKeepCnt,
  getTCPKeepIdle,
  getTCPKeepIntvl,
  getTCPNoDelay,
  getTCPNotsentLowat,
  getTCPQuickAck,
  getTCPUserTimeout,
  getZeroCopy,
  listenTCP4,
  listenUDP4,
  NetSocket,
  NotSupportedError,
  setBroadcast,
  setBusyPoll,
  setCloseOnExec,
  setIPv6Only,
  setKeepAlive,
  setLinger,
  setNonBlock,
  setRecvBuffer,
  setReuseAddr,
  setReusePort,
  setSendBuffer,
  setTCPCork,
  setTCPDeferAccept,
  setTCPFastOpen,
  setTCPKeepCnt,
  setTCPKeepIdle,
  setTCPKeepIntvl,
  setTCPNoDelay,
  setTCPNotsentLowat,
  setTCPQuickAck,
  setTCPUserTimeout,
  setZeroCopy,
  unixConnPair,
} from "../sock/mod.ts";
import { noFdLeak } from "./_util/sock_fds.ts";

Deno.test("sock options: set then read back", async (t) => {
  await noFdLeak(async () => {
    using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
    using c = dialTCP4(null, ln.addr);
    await c.waitConnected();
    using s = await ln.accept();
    using u = listenUDP4({ hostname: "127.0.0.1", port: 0 });
    using v6 = NetSocket.create(10, 1, 0);

    const bools: [
      string,
      (x: number | { fd: number }, v: boolean) => void,
      (x: number | { fd: number }) => boolean,
      { fd: number },
    ][] = [
      ["SO_REUSEADDR", setReuseAddr, getReuseAddr, c],
      ["SO_REUSEPORT", setReusePort, getReusePort, c],
      ["SO_KEEPALIVE", setKeepAlive, getKeepAlive, c],
      ["SO_BROADCAST", setBroadcast, getBroadcast, u],
      ["SO_ZEROCOPY", setZeroCopy, getZeroCopy, c],
      ["TCP_NODELAY", setTCPNoDelay, getTCPNoDelay, c],
      ["TCP_CORK", setTCPCork, getTCPCork, c],
      ["IPV6_V6ONLY", setIPv6Only, getIPv6Only, v6],
      ["FD_CLOEXEC", setCloseOnExec, getCloseOnExec, c],
      ["O_NONBLOCK", setNonBlock, getNonBlock, s],
    ];
    for (const [name, set, get, sock] of bools) {
      await t.step(name, () => {
        const initial = get(sock);
        set(sock, !initial);
        assert.equal(get(sock), !initial);
        set(sock, initial);
        assert.equal(get(sock), initial);
        set(sock.fd, true); // raw fd form
        assert.equal(get(sock.fd), true);
      });
    }
    await t.step("TCP_QUICKACK", () => {
      setTCPQuickAck(s, true);
      assert.equal(getTCPQuickAck(s), true);
      setTCPQuickAck(s, false);
      assert.equal(getTCPQuickAck(s), false);
    });
    const ints: [
      string,
      (x: { fd: number }, v: number) => void,
      (x: { fd: number }) => number,
      { fd: number },
      number,
      number?,
    ][] = [
      ["SO_SNDBUF (doubled)", setSendBuffer, getSendBuffer, c, 65536, 131072],
      ["SO_RCVBUF (doubled)", setRecvBuffer, getRecvBuffer, c, 65536, 131072],
      ["SO_BUSY_POLL", setBusyPoll, getBusyPoll, u, 50],
      ["TCP_FASTOPEN", setTCPFastOpen, getTCPFastOpen, ln, 16],
      ["TCP_USER_TIMEOUT", setTCPUserTimeout, getTCPUserTimeout, c, 30000],
      ["TCP_NOTSENT_LOWAT", setTCPNotsentLowat, getTCPNotsentLowat, c, 16384],
      ["TCP_KEEPIDLE", setTCPKeepIdle, getTCPKeepIdle, c, 30],
      ["TCP_KEEPINTVL", setTCPKeepIntvl, getTCPKeepIntvl, c, 10],
      ["TCP_KEEPCNT", setTCPKeepCnt, getTCPKeepCnt, c, 5],
    ];
    for (const [name, set, get, sock, value, want] of ints) {
      await t.step(name, () => {
        set(sock, value);
        assert.equal(get(sock), want ?? value);
      });
    }
    await t.step("TCP_DEFER_ACCEPT (kernel rounds to retransmit steps)", () => {
      setTCPDeferAccept(ln, 3);
      assert.ok(getTCPDeferAccept(ln) >= 3);
      setTCPDeferAccept(ln, 0);
      assert.equal(getTCPDeferAccept(ln), 0);
    });
    await t.step("SO_LINGER", () => {
      assert.deepEqual(getLinger(c), { enabled: false, seconds: 0 });
      setLinger(c, true, 7);
      assert.deepEqual(getLinger(c), { enabled: true, seconds: 7 });
      setLinger(c, false);
      assert.equal(getLinger(c).enabled, false);
    });
    await t.step("SO_TYPE and SO_ERROR", () => {
      assert.equal(getSocketType(c), 1);
      assert.equal(getSocketType(u), 2);
      assert.equal(getSocketError(c), null);
    });
    await t.step("TCPConn helpers", () => {
      c.setNoDelay(true);
      assert.equal(getTCPNoDelay(c), true);
      c.setKeepAlive(true);
      assert.equal(getKeepAlive(c), true);
      c.setKeepAlivePeriod(2500);
      assert.equal(getTCPKeepIdle(c), 3);
      assert.equal(getTCPKeepIntvl(c), 3);
    });
    await t.step("unix sockets take the SOL_SOCKET options", () => {
      const [a, b] = unixConnPair("unix");
      try {
        setSendBuffer(a, 32768);
        assert.equal(getSendBuffer(a), 65536);
        assert.equal(getCloseOnExec(a), true);
        assert.equal(getNonBlock(a), true);
      } finally {
        a.close();
        b.close();
      }
    });
    await t.step("bad arguments", () => {
      assert.throws(() => setTCPNoDelay(c, 1 as unknown as boolean), TypeError);
      assert.throws(() => setSendBuffer(c, -1), RangeError);
      assert.throws(() => setTCPKeepCnt(c, 0), RangeError);
      assert.throws(() => setTCPKeepIdle(c, 1.5), RangeError);
      assert.throws(() => getKeepAlive(-1), RangeError);
      assert.throws(() => getKeepAlive({ fd: NaN }), RangeError);
      assert.throws(() => getKeepAlive(null as never), TypeError);
      // TCP options on a UDP socket: the kernel refuses.
      assert.throws(
        () => setTCPNoDelay(u, true),
        (e) => e instanceof Error && "errno" in e,
      );
      assert.throws(() => c.setKeepAlivePeriod(0), RangeError);
      assert.throws(() => setIPv6Only(c, true), NotSupportedError);
      assert.throws(() => setTCPFastOpen(u, 1), NotSupportedError);
      const dead = listenUDP4({ hostname: "127.0.0.1", port: 0 });
      dead.close();
      assert.throws(() => getBroadcast(dead), ClosedError);
    });
  });
});
