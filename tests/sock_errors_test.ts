// The typed errors the kernel produces, each from a real kernel path, and
// the constructors and dialer options without a test elsewhere. Routes that
// fail in specific ways live in a namespace the test creates: "unreachable"
// (EHOSTUNREACH), "prohibit" (EACCES), no route (ENETUNREACH), and a veth
// whose far end never answers (a connect that stays in progress).
import assert from "node:assert/strict";
import {
  AddressFamilyNotSupportedError,
  dialTCP4,
  errorFromErrno,
  getReuseAddr,
  getReusePort,
  getSocketType,
  getZeroCopy,
  HostUnreachableError,
  InProgressError,
  InterruptedError,
  joinMulticast4,
  listenUDP4,
  NetSocket,
  NetworkUnreachableError,
  NoMemoryError,
  PermissionError,
  select,
  SockaddrInet4,
  SockaddrInet6,
  TCPDialer,
  TCPSocket,
  TimedOutError,
  UDPSocket,
  unixConnPair,
} from "../sock/mod.ts";
import {
  AF,
  Errno,
  FdSet,
  gettid,
  pselect6,
  SOCK,
  Timespec,
} from "../zcall/mod.ts";
import { inNetns, ip, netnsUnavailable } from "./_util/netns.ts";

const nsReason = netnsUnavailable("kse-probe-");
if (nsReason !== null) {
  console.log(`namespace error tests skipped: ${nsReason}`);
}

Deno.test("sock: TCPSocket.create4/6 and UDPSocket.create4/6", () => {
  for (
    const [make, domain] of [[TCPSocket.create4, AF.INET], [
      TCPSocket.create6,
      AF.INET6,
    ]] as const
  ) {
    using s = make();
    assert.equal(s.networkType(), domain);
    assert.equal(s.protocol(), SOCK.STREAM);
    assert.equal(getSocketType(s), SOCK.STREAM);
    // The documented defaults: SO_REUSEADDR on, SO_REUSEPORT and
    // SO_ZEROCOPY off.
    assert.equal(getReuseAddr(s), true);
    assert.equal(getReusePort(s), false);
    assert.equal(getZeroCopy(s), false);
  }
  for (
    const [make, domain] of [[UDPSocket.create4, AF.INET], [
      UDPSocket.create6,
      AF.INET6,
    ]] as const
  ) {
    using s = make();
    assert.equal(s.networkType(), domain);
    assert.equal(s.protocol(), SOCK.DGRAM);
    assert.equal(getReuseAddr(s), false);
    assert.equal(getReusePort(s), false);
    assert.equal(getZeroCopy(s), false);
    // Usable: bind and exchange a datagram.
    s.bind(
      domain === AF.INET
        ? SockaddrInet4.parse("127.0.0.1")
        : SockaddrInet6.parse("::1"),
    );
  }
});

Deno.test("sock: address family not supported", () => {
  // No such family in this kernel (AF_MAX is 46).
  assert.throws(
    () => NetSocket.create(45, SOCK.STREAM),
    AddressFamilyNotSupportedError,
  );
  // An IPv6 address given to an IPv4 socket.
  using s = NetSocket.create(AF.INET, SOCK.DGRAM);
  assert.throws(
    () => s.connect(SockaddrInet6.parse("::1", 9)),
    AddressFamilyNotSupportedError,
  );
});

Deno.test("sock: no memory for another multicast membership (ENOBUFS)", () => {
  // net.ipv4.igmp_max_memberships (20 by default) bounds one socket.
  using u = listenUDP4({ hostname: "0.0.0.0", port: 0 });
  let err: unknown = null;
  for (let i = 1; i <= 4096 && err === null; i++) {
    try {
      joinMulticast4(u, [239, 77, i >> 8, i & 0xff], [127, 0, 0, 1]);
    } catch (e) {
      err = e;
    }
  }
  if (
    err instanceof Error &&
    /ENODEV|EADDRNOTAVAIL/.test(String((err as { code?: string }).code))
  ) {
    console.log(
      `ENOBUFS skipped: loopback refuses IGMP joins here (${
        (err as { code?: string }).code
      })`,
    );
    return;
  }
  assert.ok(err instanceof NoMemoryError, String(err));
  assert.equal((err as NoMemoryError).code, "ENOBUFS");
});

Deno.test("sock: interrupted (EINTR): a signal during a blocking pselect6", async () => {
  // The JS thread blocks in pselect6; a worker signals that thread (its
  // tid: gettid) with a handler installed, so the call returns EINTR.
  const onSig = () => {};
  Deno.addSignalListener("SIGUSR2", onSig);
  const w = new Worker(new URL("./_util/signal_worker.ts", import.meta.url), {
    type: "module",
  });
  // The worker loads through this thread's event loop: wait for it before
  // blocking.
  await new Promise<MessageEvent>((r) => w.onmessage = r);
  const [a, b] = unixConnPair("unix");
  try {
    const sent = new Promise<MessageEvent>((r) => w.onmessage = r);
    w.postMessage({ tid: gettid(), sig: 12, ms: 50 });
    const r = pselect6(
      b.fd + 1,
      new FdSet().set(b.fd).bytes,
      null,
      null,
      Timespec.fromMillis(5000).bytes,
    );
    assert.equal((await sent).data, 0, "tgkill failed");
    assert.equal(r, -Errno.EINTR);
    const e = errorFromErrno(r, "select");
    assert.ok(e instanceof InterruptedError);
    assert.equal(e.code, "EINTR");
    // The sock layer's select retries EINTR with the time left: it times
    // out normally instead of failing.
    const again = new Promise<MessageEvent>((r) => w.onmessage = r);
    w.postMessage({ tid: gettid(), sig: 12, ms: 20 });
    const t0 = performance.now();
    assert.equal(select(b.fd + 1, new FdSet().set(b.fd), null, null, 400), 0);
    assert.ok(performance.now() - t0 >= 350);
    assert.equal((await again).data, 0);
  } finally {
    w.terminate();
    a.close();
    b.close();
    Deno.removeSignalListener("SIGUSR2", onSig);
  }
});

Deno.test({
  name:
    "sock: unreachable, permission, in-progress and dial timeout in a namespace",
  ignore: nsReason !== null,
  async fn(t) {
    const ns = `kse-${Deno.pid}-${Math.floor(Math.random() * 1e6)}`;
    const peer = `${ns}-p`;
    ip("netns", "add", ns);
    ip("netns", "add", peer);
    try {
      ip("-n", ns, "link", "set", "lo", "up");
      ip(
        "-n",
        ns,
        "link",
        "add",
        "v0",
        "type",
        "veth",
        "peer",
        "name",
        "v1",
        "netns",
        peer,
      );
      ip("-n", ns, "addr", "add", "10.77.0.1/24", "dev", "v0");
      ip("-n", ns, "link", "set", "v0", "up");
      // The peer end stays down: ARP for 10.77.0.2 is never answered.
      ip("-n", ns, "route", "add", "unreachable", "10.78.0.0/16");
      ip("-n", ns, "route", "add", "prohibit", "10.79.0.0/16");
      const tcp = () =>
        inNetns(ns, () => NetSocket.create(AF.INET, SOCK.STREAM));

      await t.step("host unreachable (EHOSTUNREACH)", () => {
        using s = tcp();
        assert.throws(
          () => s.connect(SockaddrInet4.parse("10.78.0.1", 80)),
          HostUnreachableError,
        );
      });
      await t.step("permission (EACCES, a prohibit route)", () => {
        using s = tcp();
        assert.throws(
          () => s.connect(SockaddrInet4.parse("10.79.0.1", 80)),
          PermissionError,
        );
      });
      await t.step("network unreachable (ENETUNREACH, no route)", () => {
        using s = tcp();
        assert.throws(
          () => s.connect(SockaddrInet4.parse("192.0.2.1", 80)),
          NetworkUnreachableError,
        );
      });
      await t.step("in progress (EALREADY on a second connect)", () => {
        using s = tcp();
        const to = SockaddrInet4.parse("10.77.0.2", 80);
        assert.equal(s.connect(to), false); // EINPROGRESS: the handshake runs
        assert.throws(() => s.connect(to), InProgressError);
      });
      await t.step(
        "TCPDialer.setDialTimeout: a dial that gets no answer times out",
        async () => {
          const d = new TCPDialer();
          assert.equal(d.timeout, 0);
          d.setDialTimeout(150);
          assert.equal(d.timeout, 150);
          assert.throws(() => d.setDialTimeout(-1), RangeError);
          const t0 = Date.now();
          const p = inNetns(
            ns,
            () => d.dial4(null, { hostname: "10.77.0.2", port: 80 }),
          );
          await assert.rejects(p, TimedOutError);
          const took = Date.now() - t0;
          assert.ok(took >= 140 && took < 2000, `timed out after ${took} ms`);
          // 0 returns at once with the handshake in progress.
          d.setDialTimeout(0);
          using c = await inNetns(
            ns,
            () => d.dial4(null, { hostname: "10.77.0.2", port: 80 }),
          );
          assert.ok(c.fd >= 0);
        },
      );
      await t.step(
        "dialTCP4 / connect timeouts through setWriteDeadline",
        async () => {
          using c = inNetns(
            ns,
            () => dialTCP4(null, { hostname: "10.77.0.2", port: 80 }),
          );
          c.setWriteDeadline(Date.now() + 100);
          await assert.rejects(c.waitConnected(), TimedOutError);
        },
      );
    } finally {
      ip("netns", "del", ns);
      ip("netns", "del", peer);
    }
  },
});
