import assert from "node:assert/strict";
import {
  decodeSockaddr,
  ipFamilyOf,
  resolveUnixAddr,
  SockaddrInet4,
  SockaddrInet6,
  sockaddrToTCPAddr,
  sockaddrToUDPAddr,
  sockaddrToUnixAddr,
  SockaddrUnix,
  tcpAddrToSockaddr,
  udpAddrToSockaddr,
  unixAddrToSockaddr,
} from "../sock/sockaddr.ts";
import {
  formatIPv6,
  ip4AddressToBytes,
  ip6AddressToBytes,
  parseIP,
  parseIPv4,
  parseIPv6,
} from "../sock/ip.ts";

Deno.test("sock sockaddr: kernel byte layout", async (t) => {
  await t.step("sockaddr_in", () => {
    const sa = new SockaddrInet4([127, 0, 0, 1], 0x1234);
    assert.deepEqual(
      [...sa.bytes],
      [2, 0, 0x12, 0x34, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0],
    );
    assert.equal(sa.length, 16);
    assert.equal(sa.family(), 2);
    assert.equal(sa.raw(), sa);
    assert.equal(sa.port(), 0x1234);
    sa.setPort(65535).setAddrU32(0x0a000001);
    assert.equal(sa.toString(), "10.0.0.1:65535");
  });
  await t.step("sockaddr_in6 with scope id and flow info", () => {
    const sa = SockaddrInet6.parse("fe80::1%3", 443);
    assert.equal(sa.length, 28);
    assert.deepEqual([...sa.bytes.subarray(0, 4)], [10, 0, 1, 0xbb]);
    assert.equal(sa.bytes[8], 0xfe);
    assert.equal(sa.bytes[9], 0x80);
    assert.equal(sa.bytes[23], 1);
    assert.deepEqual([...sa.bytes.subarray(24, 28)], [3, 0, 0, 0]);
    assert.equal(sa.scopeId(), 3);
    sa.setFlowInfo(0x12345);
    assert.deepEqual([...sa.bytes.subarray(4, 8)], [0, 1, 0x23, 0x45]);
    assert.equal(sa.flowInfo(), 0x12345);
    // Zones come back as interface names, or the index when none has it.
    sa.setScopeId(999_999);
    assert.equal(sa.toString(), "[fe80::1%999999]:443");
    const lo = SockaddrInet6.parse("fe80::1%lo");
    assert.equal(lo.scopeId(), 1);
    assert.equal(lo.host(), "fe80::1%lo");
    assert.equal(SockaddrInet6.parse("fe80::1%1").host(), "fe80::1%lo");
  });
  await t.step("sockaddr_un: path, abstract, unnamed", () => {
    const p = new SockaddrUnix("/tmp/a");
    assert.equal(p.length, 2 + 6 + 1);
    assert.deepEqual([...p.bytes.subarray(0, 9)], [
      1,
      0,
      47,
      116,
      109,
      112,
      47,
      97,
      0,
    ]);
    assert.equal(p.path(), "/tmp/a");
    const a = new SockaddrUnix("@svc");
    assert.equal(a.length, 2 + 1 + 3);
    assert.equal(a.bytes[2], 0);
    assert.equal(a.isAbstract(), true);
    assert.equal(a.path(), "@svc");
    assert.equal(new SockaddrUnix("\0svc").path(), "@svc");
    assert.equal(new SockaddrUnix("").length, 2);
    assert.doesNotThrow(() => new SockaddrUnix("x".repeat(107)));
    assert.throws(() => new SockaddrUnix("x".repeat(108)), RangeError);
    assert.throws(() => new SockaddrUnix("@" + "x".repeat(108)), RangeError);
  });
});

Deno.test("sock sockaddr: bad arguments", () => {
  assert.throws(() => new SockaddrInet4([1, 2, 3], 1), TypeError);
  assert.throws(() => new SockaddrInet4(undefined, -1), RangeError);
  assert.throws(() => new SockaddrInet4(undefined, 65536), RangeError);
  assert.throws(() => new SockaddrInet4(undefined, 1.5), RangeError);
  assert.throws(() => SockaddrInet4.parse("::1"), TypeError);
  assert.throws(() => SockaddrInet6.parse("1.2.3.4"), TypeError);
  assert.throws(() => new SockaddrInet6(undefined, 0, -1), RangeError);
  assert.throws(
    () => tcpAddrToSockaddr({ hostname: "example.com", port: 80 }),
    /no DNS/,
  );
  assert.throws(
    () => tcpAddrToSockaddr({ hostname: "1.2.3.4", port: -5 }),
    RangeError,
  );
  assert.throws(() => decodeSockaddr(new Uint8Array(4), 8), RangeError);
  assert.throws(() => resolveUnixAddr("tcp", "/x"), TypeError);
});

Deno.test("sock sockaddr: IP text parsing and formatting", () => {
  assert.deepEqual([...parseIPv4("192.168.1.254")!], [192, 168, 1, 254]);
  for (
    const bad of [
      "1.2.3",
      "1.2.3.4.5",
      "256.1.1.1",
      "01.2.3.4",
      "a.b.c.d",
      "",
      "1..2.3",
    ]
  ) {
    assert.equal(parseIPv4(bad), null, bad);
  }
  const cases: [string, string][] = [
    ["::", "::"],
    ["::1", "::1"],
    ["2001:db8:0:0:0:0:0:1", "2001:db8::1"],
    ["2001:DB8::8:800:200C:417A", "2001:db8::8:800:200c:417a"],
    ["1:0:0:2:0:0:0:3", "1:0:0:2::3"],
    ["1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0"],
    ["::ffff:10.0.0.1", "::ffff:10.0.0.1"],
    ["fe80::", "fe80::"],
    ["1::2:3:4:5:6:7", "1:0:2:3:4:5:6:7"],
  ];
  for (const [input, want] of cases) {
    const b = parseIPv6(input);
    assert.ok(b, input);
    assert.equal(formatIPv6(b), want);
  }
  for (
    const bad of [
      ":::",
      "1:2:3:4:5:6:7:8:9",
      "1::2::3",
      "12345::",
      "g::",
      ":1::",
      "1:",
      "::1.2.3",
    ]
  ) {
    assert.equal(parseIPv6(bad), null, bad);
  }
  assert.equal(parseIP("10.0.0.1")!.length, 4);
  assert.equal(parseIP("::")!.length, 16);
  assert.equal(parseIP("nope"), null);
  assert.equal(ipFamilyOf("[::1]"), 6);
  assert.equal(ipFamilyOf("fe80::1%2"), 6);
  assert.equal(ipFamilyOf("host"), 0);
  assert.deepEqual([...ip4AddressToBytes("1.2.3.4")], [1, 2, 3, 4]);
  assert.deepEqual([...ip4AddressToBytes("::1")], [0, 0, 0, 0]);
  assert.deepEqual(
    [...ip6AddressToBytes("1.2.3.4").subarray(10)],
    [0xff, 0xff, 1, 2, 3, 4],
  );
});

Deno.test("sock sockaddr: conversions with Deno address shapes", () => {
  const a = tcpAddrToSockaddr({ hostname: "127.0.0.1", port: 80 });
  assert.ok(a instanceof SockaddrInet4);
  assert.deepEqual(sockaddrToTCPAddr(a), {
    transport: "tcp",
    hostname: "127.0.0.1",
    port: 80,
  });
  const b = udpAddrToSockaddr({ hostname: "::1", port: 53 });
  assert.ok(b instanceof SockaddrInet6);
  assert.deepEqual(sockaddrToUDPAddr(b), {
    transport: "udp",
    hostname: "::1",
    port: 53,
  });
  const netAddr: Deno.NetAddr = {
    transport: "tcp",
    hostname: "10.1.1.1",
    port: 9,
  };
  assert.equal(tcpAddrToSockaddr(netAddr).toString(), "10.1.1.1:9");
  assert.equal(tcpAddrToSockaddr({ port: 1 }).toString(), "0.0.0.0:1");
  assert.equal(
    tcpAddrToSockaddr({ hostname: "localhost", port: 1 }).toString(),
    "127.0.0.1:1",
  );
  // Reuse: no new object when `into` has the family.
  const into = new SockaddrInet4();
  assert.equal(tcpAddrToSockaddr(netAddr, into), into);
  const u = unixAddrToSockaddr({ path: "/run/x.sock" });
  assert.deepEqual(sockaddrToUnixAddr(u), {
    transport: "unix",
    path: "/run/x.sock",
  });
  assert.deepEqual(sockaddrToUnixAddr(u, "unixgram").transport, "unixgram");
  assert.throws(() => sockaddrToTCPAddr(u), TypeError);
  assert.throws(() => sockaddrToUnixAddr(a), TypeError);
});

Deno.test("sock sockaddr: decodeSockaddr over sockaddr_storage", () => {
  const storage = new Uint8Array(128);
  storage.set(new SockaddrInet4([1, 2, 3, 4], 5).bytes);
  const into = new SockaddrInet4();
  assert.equal(decodeSockaddr(storage, 16, into), into);
  assert.equal(into.toString(), "1.2.3.4:5");
  storage.fill(0).set(SockaddrInet6.parse("::2%7", 6).bytes);
  assert.equal(decodeSockaddr(storage, 28)!.toString(), "[::2%7]:6");
  const un = new SockaddrUnix("@abc");
  storage.fill(0).set(un.bytes.subarray(0, un.length));
  const du = decodeSockaddr(storage, un.length) as SockaddrUnix;
  assert.equal(du.path(), "@abc");
  assert.equal(du.length, un.length);
  storage.fill(0);
  assert.equal(decodeSockaddr(storage, 128), null);
  storage[0] = 99;
  assert.throws(() => decodeSockaddr(storage, 128), TypeError);
});
