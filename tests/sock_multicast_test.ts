import assert from "node:assert/strict";
import { inNetns, ip, netnsUnavailable } from "./_util/netns.ts";
import { FdGuard, track } from "./_util/fd_guard.ts";
import {
  AF,
  bind,
  close,
  getsockname,
  setsockopt,
  SO,
  SOCK,
  socket,
  SOL,
} from "../zcall/mod.ts";
import {
  getMulticast6All,
  getMulticast6Hops,
  getMulticast6Interface,
  getMulticast6Loop,
  getMulticastAll,
  getMulticastInterface,
  getMulticastLoop,
  getMulticastTTL,
  joinMulticast4,
  joinMulticast4n,
  joinMulticast6,
  leaveMulticast4,
  leaveMulticast4n,
  leaveMulticast6,
  setMulticast6All,
  setMulticast6Hops,
  setMulticast6Interface,
  setMulticast6Loop,
  setMulticastAll,
  setMulticastInterface,
  setMulticastInterfaceByIndex,
  setMulticastLoop,
  setMulticastTTL,
} from "../sock/multicast.ts";
import {
  recvMessagesAsync,
  UDPMessages,
  writeMsgUDP,
} from "../sock/udp_batch.ts";
import { linkByName, links } from "../sock/link.ts";
import { SockaddrInet4, SockaddrInet6 } from "../sock/sockaddr.ts";
import { TimedOutError } from "../sock/errors.ts";

function netnsAvailable(): string | null {
  return netnsUnavailable("k2probe");
}
const skipReason = netnsAvailable();
if (skipReason !== null) {
  console.log(`sock multicast: skipped (${skipReason})`);
}

function udpSocket(v6: boolean, port = 0, reuse = false): number {
  const fd = track(socket(
    v6 ? AF.INET6 : AF.INET,
    SOCK.DGRAM | SOCK.NONBLOCK | SOCK.CLOEXEC,
    0,
  ));
  assert.ok(fd >= 0);
  if (reuse) {
    const one = new Uint8Array(new Int32Array([1]).buffer);
    assert.equal(setsockopt(fd, SOL.SOCKET, SO.REUSEADDR, one), 0);
  }
  const sa = v6
    ? new SockaddrInet6(undefined, port)
    : new SockaddrInet4(undefined, port);
  assert.equal(bind(fd, sa.bytes, sa.length), 0);
  return fd;
}

function portOf(fd: number): number {
  const b = new Uint8Array(128), l = new Uint32Array([128]);
  assert.equal(getsockname(fd, b, l), 0);
  return (b[2] << 8) | b[3];
}

async function receives(fd: number, ms: number): Promise<number> {
  const batch = new UDPMessages(4, { bufferSize: 256 });
  try {
    const n = await recvMessagesAsync(fd, batch, undefined, { timeout: ms });
    return batch.received(0) + (n - 1) * 0;
  } catch (e) {
    if (e instanceof TimedOutError) return -1;
    throw e;
  }
}

Deno.test({
  name: "sock multicast: options round trip on loopback",
  fn() {
    const v4 = udpSocket(false), v6 = udpSocket(true);
    try {
      assert.equal(getMulticastTTL(v4), 1);
      setMulticastTTL(v4, 7);
      assert.equal(getMulticastTTL(v4), 7);
      assert.equal(getMulticastLoop(v4), true);
      setMulticastLoop(v4, false);
      assert.equal(getMulticastLoop(v4), false);
      assert.equal(getMulticastAll(v4), true);
      setMulticastAll(v4, false);
      assert.equal(getMulticastAll(v4), false);
      setMulticastInterface(v4, "127.0.0.1");
      assert.equal(getMulticastInterface(v4), "127.0.0.1");
      setMulticastInterfaceByIndex(v4, linkByName("lo").index);
      joinMulticast4n(v4, "239.9.9.9", linkByName("lo").index);
      leaveMulticast4n(v4, "239.9.9.9", linkByName("lo").index);

      assert.equal(getMulticast6Hops(v6), 1);
      setMulticast6Hops(v6, 5);
      assert.equal(getMulticast6Hops(v6), 5);
      setMulticast6Hops(v6, -1);
      assert.equal(getMulticast6Hops(v6), 1);
      setMulticast6Loop(v6, false);
      assert.equal(getMulticast6Loop(v6), false);
      setMulticast6Interface(v6, linkByName("lo").index);
      assert.equal(getMulticast6Interface(v6), linkByName("lo").index);
      setMulticast6All(v6, false);
      assert.equal(getMulticast6All(v6), false);

      // Bad input is rejected before the kernel sees it.
      assert.throws(() => setMulticastTTL(v4, 256), RangeError);
      assert.throws(() => joinMulticast4(v4, "10.0.0.1"), RangeError);
      assert.throws(() => joinMulticast4(v4, "nope"), TypeError);
      assert.throws(() => joinMulticast6(v6, "fe80::1", 0), RangeError);
      assert.throws(() => joinMulticast6(v6, [1, 2], 0), TypeError);
      // deno-lint-ignore no-explicit-any
      assert.throws(() => setMulticastLoop(v4, 1 as any), TypeError);
      assert.throws(() => setMulticast6Hops(v6, -2), RangeError);
    } finally {
      close(v4);
      close(v6);
    }
  },
});

Deno.test({
  name:
    "sock multicast: IPv4 and IPv6 groups across a veth pair between namespaces",
  ignore: skipReason !== null,
  async fn(t) {
    const tag = (Deno.pid % 100000).toString(36) +
      Math.floor(Math.random() * 1e6).toString(36);
    const nsA = `k2a-${tag}`, nsB = `k2b-${tag}`;
    const vA = `k2a${tag}`.slice(0, 15), vB = `k2b${tag}`.slice(0, 15);
    const opened: number[] = [];
    const guard = new FdGuard();
    try {
      ip("netns", "add", nsA);
      ip("netns", "add", nsB);
      for (const ns of [nsA, nsB]) {
        // No duplicate address detection: IPv6 addresses usable at once.
        new Deno.Command("ip", {
          args: [
            "netns",
            "exec",
            ns,
            "sysctl",
            "-qw",
            "net.ipv6.conf.default.accept_dad=0",
            "net.ipv6.conf.all.accept_dad=0",
          ],
        }).outputSync();
      }
      ip(
        "link",
        "add",
        vA,
        "netns",
        nsA,
        "type",
        "veth",
        "peer",
        "name",
        vB,
        "netns",
        nsB,
      );
      ip("-n", nsA, "addr", "add", "10.251.0.1/24", "dev", vA);
      ip("-n", nsB, "addr", "add", "10.251.0.2/24", "dev", vB);
      ip("-n", nsA, "addr", "add", "fd00:251::1/64", "dev", vA, "nodad");
      ip("-n", nsB, "addr", "add", "fd00:251::2/64", "dev", vB, "nodad");
      for (const [ns, dev] of [[nsA, vA], [nsB, vB]]) {
        ip("-n", ns, "link", "set", "lo", "up");
        ip("-n", ns, "link", "set", dev, "up");
      }

      const idxA = inNetns(nsA, () => linkByName(vA).index);
      const idxB = inNetns(nsB, () => linkByName(vB).index);
      await t.step("links() sees each namespace's own veth end", () => {
        const namesB = inNetns(nsB, () => links().map((l) => l.name));
        assert.ok(namesB.includes(vB) && !namesB.includes(vA));
        // Zone names resolve in the namespace of the calling thread.
        const sa = inNetns(nsB, () => SockaddrInet6.parse(`fe80::1%${vB}`));
        assert.equal(sa.scopeId(), idxB);
      });

      // Receivers in B, senders in A: all sockets made on this thread
      // while it is inside the namespace.
      const [r1, r2, r3, r6] = inNetns(nsB, () => [
        udpSocket(false, 0, true),
        0,
        0,
        udpSocket(true),
      ]);
      opened.push(r1, r6);
      const port = portOf(r1);
      const r2fd = inNetns(nsB, () => udpSocket(false, port, true));
      const r3fd = inNetns(nsB, () => udpSocket(false, port, true));
      opened.push(r2fd, r3fd);
      void r2;
      void r3;
      const [s4, s6, loopRx] = inNetns(nsA, () => [
        udpSocket(false),
        udpSocket(true),
        udpSocket(false, 0, true),
      ]);
      opened.push(s4, s6, loopRx);

      const G1 = "239.1.2.3", G2 = "239.1.2.4";
      const to = (g: string) => SockaddrInet4.parse(g, port);
      setMulticastInterfaceByIndex(s4, idxA);
      setMulticastTTL(s4, 1);

      await t.step(
        "join by interface index: datagrams cross the veth",
        async () => {
          joinMulticast4n(r1, G1, idxB);
          assert.equal(writeMsgUDP(s4, new Uint8Array(11), null, to(G1)), 11);
          assert.equal(await receives(r1, 2000), 11);
        },
      );

      await t.step(
        "MULTICAST_ALL off: only groups this socket joined",
        async () => {
          // r2 joined G2 only, with MULTICAST_ALL on (default): it still gets
          // G1 traffic joined by r1 on the same port; r3 with it off does not.
          // With MULTICAST_ALL on (default) r2 and r3, bound to the port but
          // in no group yet, already got the G1 datagram r1 joined for.
          assert.equal(await receives(r2fd, 2000), 11);
          assert.equal(await receives(r3fd, 2000), 11);
          joinMulticast4(r2fd, G2, "10.251.0.2");
          joinMulticast4(r3fd, G2, "10.251.0.2");
          setMulticastAll(r3fd, false);
          assert.equal(writeMsgUDP(s4, new Uint8Array(12), null, to(G1)), 12);
          assert.equal(await receives(r1, 2000), 12);
          assert.equal(await receives(r2fd, 2000), 12);
          assert.equal(await receives(r3fd, 150), -1);
          // Both get their own group G2 (joined by interface address).
          setMulticastInterface(s4, "10.251.0.1");
          assert.equal(getMulticastInterface(s4), "10.251.0.1");
          assert.equal(writeMsgUDP(s4, new Uint8Array(13), null, to(G2)), 13);
          assert.equal(await receives(r2fd, 2000), 13);
          assert.equal(await receives(r3fd, 2000), 13);
          // r1 (MULTICAST_ALL on) hears G2 too, joined by its neighbours.
          assert.equal(await receives(r1, 2000), 13);
        },
      );

      await t.step("leave: no more datagrams", async () => {
        leaveMulticast4n(r1, G1, idxB);
        leaveMulticast4(r2fd, G2, "10.251.0.2");
        leaveMulticast4(r3fd, G2, "10.251.0.2");
        writeMsgUDP(s4, new Uint8Array(14), null, to(G1));
        assert.equal(await receives(r1, 150), -1);
      });

      await t.step(
        "loop: a member on the sender's host hears it only with loop on",
        async () => {
          const lport = portOf(loopRx);
          joinMulticast4n(loopRx, G1, idxA);
          const dst = SockaddrInet4.parse(G1, lport);
          setMulticastLoop(s4, true);
          writeMsgUDP(s4, new Uint8Array(15), null, dst);
          assert.equal(await receives(loopRx, 2000), 15);
          setMulticastLoop(s4, false);
          writeMsgUDP(s4, new Uint8Array(16), null, dst);
          assert.equal(await receives(loopRx, 150), -1);
        },
      );

      await t.step("IPv6 group by interface index, hop limit 1", async () => {
        const G6 = "ff02::4242";
        joinMulticast6(r6, G6, idxB);
        setMulticast6Interface(s6, idxA);
        setMulticast6Hops(s6, 1);
        const dst = SockaddrInet6.parse(G6, portOf(r6)).setScopeId(idxA);
        assert.equal(writeMsgUDP(s6, new Uint8Array(17), null, dst), 17);
        assert.equal(await receives(r6, 2000), 17);
        leaveMulticast6(r6, G6, idxB);
        writeMsgUDP(s6, new Uint8Array(18), null, dst);
        assert.equal(await receives(r6, 150), -1);
      });
    } finally {
      for (const fd of opened) close(fd);
      for (const ns of [nsA, nsB]) {
        try {
          ip("netns", "del", ns);
        } catch { /* never created */ }
      }
    }
    guard.check();
  },
});
