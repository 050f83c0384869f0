import assert from "node:assert/strict";
import { inNetns, ip, netnsUnavailable } from "./_util/netns.ts";
import { FdGuard } from "./_util/fd_guard.ts";
import { AF, close, IPPROTO, SOCK, socket } from "../zcall/mod.ts";
import {
  dialRaw,
  listenRaw,
  newICMPSocket4,
  newICMPSocket6,
  parseRawNetwork,
  RawConn,
} from "../sock/raw.ts";
import {
  decodeEcho,
  encodeEcho,
  ICMP_TYPE,
  icmpChecksum,
  ping,
  Pinger,
} from "../sock/icmp.ts";
import { SockaddrInet6 } from "../sock/sockaddr.ts";
import { TimedOutError } from "../sock/errors.ts";

// Raw sockets need CAP_NET_RAW: probe once.
const rawProbe = socket(AF.INET, SOCK.RAW | SOCK.CLOEXEC, IPPROTO.ICMP);
const rawReason = rawProbe >= 0 ? null : `no CAP_NET_RAW (socket: ${rawProbe})`;
if (rawProbe >= 0) close(rawProbe);
if (rawReason) console.log(`sock raw: raw tests skipped: ${rawReason}`);

function groupsAllow(): boolean {
  const [lo, hi] = Deno.readTextFileSync("/proc/sys/net/ipv4/ping_group_range")
    .trim().split(/\s+/).map(Number);
  const gid = Deno.gid() ?? -1;
  return gid >= lo && gid <= hi;
}

function netnsReason(): string | null {
  return netnsUnavailable("k2rprobe");
}

Deno.test("sock raw: network names, echo encoding, checksum", () => {
  assert.deepEqual(parseRawNetwork("ip4:icmp"), { family: 4, protocol: 1 });
  assert.deepEqual(parseRawNetwork("ip6:ipv6-icmp"), {
    family: 6,
    protocol: 58,
  });
  assert.deepEqual(parseRawNetwork("ip:17"), { family: 0, protocol: 17 });
  assert.throws(() => parseRawNetwork("tcp"), TypeError);
  assert.throws(() => parseRawNetwork("ip4:nosuch"), TypeError);
  assert.throws(() => parseRawNetwork("ip4:256"), TypeError);

  const b = new Uint8Array(64);
  const n = encodeEcho(b, ICMP_TYPE.ECHO_REQUEST, 0x1234, 7, 56);
  assert.equal(n, 64);
  assert.equal(icmpChecksum(b, n), 0, "a correct checksum sums to zero");
  assert.equal(icmpChecksum(new Uint8Array([8, 0, 0, 0, 0, 1, 0, 1])), 0xf7fd);
  const m = decodeEcho(b, n, false);
  assert.deepEqual(
    { type: m?.type, id: m?.id, seq: m?.seq, length: m?.length },
    { type: 8, id: 0x1234, seq: 7, length: 64 },
  );
  assert.equal(decodeEcho(b, 4, false), null);
  assert.throws(() => encodeEcho(b, 8, 0x10000, 0, 0), RangeError);
  assert.throws(() => encodeEcho(b, 8, 0, 0, 57), RangeError);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => new Pinger(5 as any), TypeError);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => new Pinger(4, "x" as any), TypeError);
});

Deno.test({
  name: "sock raw: ping 127.0.0.1 and ::1 over raw sockets",
  ignore: rawReason !== null,
  async fn() {
    const guard = new FdGuard();
    for (const host of ["127.0.0.1", "::1"]) {
      const r = await ping(host, { mode: "raw", timeout: 2000, seq: 3 });
      assert.equal(r.seq, 3);
      assert.equal(r.bytes, 64);
      assert.equal(r.from, host);
      assert.ok(r.rtt >= 0 && r.rtt < 2000);
      assert.equal(r.ttl, 64);
    }
    using p = new Pinger(4, "raw");
    assert.equal(p.mode, "raw");
    for (let i = 1; i <= 3; i++) {
      const r = await p.ping("127.0.0.1", { size: 100 + i });
      assert.equal(r.seq, i);
      assert.equal(r.bytes, 108 + i);
      assert.equal(r.id, p.id);
    }
    await assert.rejects(p.ping("::1"), TypeError);
    p.close();
    guard.check();
  },
});

Deno.test({
  name:
    "sock raw: RawConn carries an IP protocol both ways (IPv4 header in front, IPv6 not)",
  ignore: rawReason !== null,
  async fn() {
    const guard = new FdGuard();
    const rx4 = listenRaw("ip4:253", "127.0.0.1");
    const tx4 = dialRaw("ip4:253", "127.0.0.1");
    const rx6 = listenRaw("ip6:253", "::1");
    const tx6 = listenRaw("ip6:253");
    try {
      assert.ok(rx4 instanceof RawConn);
      assert.equal(rx4.ipProtocol, 253);
      assert.equal(rx4.getHeaderIncluded(), false);
      assert.equal(tx4.tryWrite(new Uint8Array([1, 2, 3])), 3);
      const buf = new Uint8Array(256);
      const n = await rx4.readFrom(buf, { signal: AbortSignal.timeout(2000) });
      const ihl = (buf[0] & 0xf) * 4;
      assert.equal(n, ihl + 3);
      assert.equal(buf[9], 253, "protocol field of the IPv4 header");
      assert.deepEqual([...buf.subarray(ihl, n)], [1, 2, 3]);
      assert.equal(rx4.lastFrom.host(), "127.0.0.1");

      const to6 = SockaddrInet6.parse("::1");
      assert.equal(await tx6.writeTo(new Uint8Array([9, 8]), to6), 2);
      const from = new SockaddrInet6();
      const m = await rx6.readFrom(buf, {
        from,
        signal: AbortSignal.timeout(2000),
      });
      assert.equal(m, 2);
      assert.deepEqual([...buf.subarray(0, 2)], [9, 8]);
      assert.equal(from.host(), "::1");

      rx4.setReadDeadline(Date.now() + 30);
      await assert.rejects(rx4.readFrom(buf), TimedOutError);
      assert.throws(() => rx4.tryWriteTo(buf, to6 as never), TypeError);
      assert.throws(() => rx6.setHeaderIncluded(true), TypeError);
      const i4 = newICMPSocket4(), i6 = newICMPSocket6();
      i4.close();
      i6.close();
    } finally {
      rx4.close();
      tx4.close();
      rx6.close();
      tx6.close();
    }
    guard.check();
  },
});

const dgramNs = groupsAllow() ? null : netnsReason();
Deno.test({
  name:
    "sock raw: ping 127.0.0.1 and ::1 over unprivileged ICMP datagram sockets",
  ignore: !groupsAllow() && dgramNs !== null,
  async fn() {
    const guard = new FdGuard();
    // The host's ping_group_range forbids it here ("1 0"): use a namespace
    // of our own where the range admits our group (the sysctl is per-netns).
    const ns = groupsAllow()
      ? null
      : `k2p-${Deno.pid}-${Math.floor(Math.random() * 1e6)}`;
    try {
      if (ns !== null) {
        ip("netns", "add", ns);
        ip("-n", ns, "link", "set", "lo", "up");
        const out = new Deno.Command("ip", {
          args: [
            "netns",
            "exec",
            ns,
            "sysctl",
            "-qw",
            "net.ipv4.ping_group_range=0 2147483647",
          ],
        }).outputSync();
        assert.ok(out.success);
      }
      const make = (f: 4 | 6) =>
        ns === null
          ? new Pinger(f, "dgram")
          : inNetns(ns, () => new Pinger(f, "dgram"));
      for (const [fam, host] of [[4, "127.0.0.1"], [6, "::1"]] as const) {
        using p = make(fam);
        assert.equal(p.mode, "dgram");
        const r1 = await p.ping(host, { timeout: 2000 });
        const r2 = await p.ping(host, { timeout: 2000, size: 10 });
        assert.deepEqual([r1.seq, r2.seq], [1, 2]);
        assert.equal(r1.bytes, 64);
        assert.equal(r2.bytes, 18);
        assert.equal(r1.from, host);
        assert.equal(r1.ttl, 64);
      }
      if (ns === null) {
        const r = await ping("127.0.0.1", { mode: "dgram" });
        assert.equal(r.seq, 1);
      }
    } finally {
      if (ns !== null) ip("netns", "del", ns);
    }
    guard.check();
  },
});
