// Address values and their faults, on the real kernel: IPAddr and the
// AddrPort conversions, the IP constants, NetworkByteOrder, AddrError /
// InvalidAddrError, all-or-nothing setters, zones as names, dual-stack
// listens, name resolution with its permissions, the raw structs and the
// shared socket shapes.
import assert from "node:assert/strict";
import {
  AddrError,
  Cmsghdr,
  decodeSockaddr,
  dialTCP,
  dialTCP4,
  getSockname,
  InvalidAddrError,
  ipAddrFromSCTPAddr,
  ipAddrFromTCPAddr,
  ipAddrFromUDPAddr,
  IPMreq,
  IPMreqn,
  IPv4LoopBack,
  IPV4zero,
  IPv6LoopBack,
  IPv6Mreq,
  IPV6unspecified,
  Linger,
  type ListenerSocket,
  listenTCP,
  listenTCP4,
  listenUDP,
  listenUDP4,
  listenUnix,
  NetworkByteOrder,
  type PacketConn,
  parseAddrPort,
  parseIPv6,
  RawSockaddrAny,
  RawSockaddrInet4,
  RawSockaddrInet6,
  RawSockaddrUnix,
  resolveIPAddr,
  resolveTCPAddr,
  resolveUDPAddr,
  SockaddrInet4,
  SockaddrInet6,
  SockaddrUnix,
  tcpAddrFromAddrPort,
  udpAddrFromAddrPort,
  type UnixConn,
  unixConnPair,
  unixRights,
  UnknownNetworkError,
} from "../sock/mod.ts";
import { runDenoChild } from "./_util/deno_child.ts";

Deno.test("sock addr: IP constants and NetworkByteOrder", () => {
  assert.deepEqual(
    [IPV4zero, IPV6unspecified, IPv4LoopBack, IPv6LoopBack],
    ["0.0.0.0", "::", "127.0.0.1", "::1"],
  );
  // The constants are usable as hostnames.
  using ln = listenTCP4({ hostname: IPv4LoopBack, port: 0 });
  assert.equal(ln.addr.hostname, "127.0.0.1");
  const b = new Uint8Array(8);
  NetworkByteOrder.putUint16(b, 0, 0x1f90);
  assert.deepEqual([...b.subarray(0, 2)], [0x1f, 0x90]);
  assert.equal(NetworkByteOrder.uint16(b, 0), 8080);
  NetworkByteOrder.putUint32(b, 0, 0x7f000001);
  assert.deepEqual([...b.subarray(0, 4)], [127, 0, 0, 1]);
  assert.equal(NetworkByteOrder.uint32(b), 0x7f000001);
  NetworkByteOrder.putUint64(b, 0, 0x0102030405060708n);
  assert.deepEqual([...b], [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(NetworkByteOrder.uint64(b), 0x0102030405060708n);
  assert.equal(String(NetworkByteOrder), "BigEndian");
  // The same order the kernel uses for ports in sockaddrs.
  const sa = new SockaddrInet4([127, 0, 0, 1], 8080);
  assert.equal(NetworkByteOrder.uint16(sa.bytes, 2), 8080);
  assert.throws(() => NetworkByteOrder.putUint16(b, 7, 1), RangeError);
  assert.throws(() => NetworkByteOrder.putUint16(b, 0, 65536), RangeError);
  assert.throws(() => NetworkByteOrder.uint32(b, -1), RangeError);
});

Deno.test("sock addr: IPAddr and the AddrPort conversions", () => {
  assert.deepEqual(ipAddrFromTCPAddr({ hostname: "10.0.0.1", port: 80 }), {
    hostname: "10.0.0.1",
  });
  assert.deepEqual(ipAddrFromUDPAddr({ hostname: "fe80::1%lo", port: 53 }), {
    hostname: "fe80::1",
    zone: "lo",
  });
  assert.deepEqual(
    ipAddrFromSCTPAddr({ hostname: "::1", port: 9, zone: "lo" }),
    { hostname: "::1", zone: "lo" },
  );
  assert.deepEqual(tcpAddrFromAddrPort("10.0.0.1", 80), {
    transport: "tcp",
    hostname: "10.0.0.1",
    port: 80,
  });
  assert.deepEqual(udpAddrFromAddrPort("2001:DB8::1", 53), {
    transport: "udp",
    hostname: "2001:db8::1",
    port: 53,
  });
  assert.equal(tcpAddrFromAddrPort("", 80).hostname, "");
  assert.deepEqual(parseAddrPort("[fe80::1%lo]:22"), {
    hostname: "fe80::1%lo",
    port: 22,
  });
  for (const bad of ["1.2.3.4", "1.2.3.4:99999", "::1:80", "[::1]", "x:80"]) {
    assert.throws(() => parseAddrPort(bad), InvalidAddrError, bad);
  }
  assert.throws(() => tcpAddrFromAddrPort("10.0.0.256", 1), InvalidAddrError);
  assert.throws(() => udpAddrFromAddrPort("10.0.0.1", 70000), RangeError);
  // A converted endpoint dials.
  using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
  using c = dialTCP(
    "tcp",
    null,
    tcpAddrFromAddrPort("127.0.0.1", ln.addr.port),
  );
  assert.equal(c.remoteAddr.port, ln.addr.port);
});

Deno.test("sock addr: AddrError / InvalidAddrError, still TypeErrors", () => {
  const cases: [() => unknown, typeof AddrError][] = [
    [() => SockaddrInet4.parse("10.0.0.256"), InvalidAddrError],
    [() => SockaddrInet6.parse("::g"), InvalidAddrError],
    [() => SockaddrInet6.parse("fe80::1%nosuchif0"), AddrError],
    [() => listenTCP("tcp4", { hostname: "::1", port: 0 }), AddrError],
    [() => dialTCP4(null, { hostname: "example.com", port: 1 }), AddrError],
    [() => dialTCP4(null, null as never), InvalidAddrError],
  ];
  for (const [f, C] of cases) {
    try {
      f();
      assert.fail("no error");
    } catch (e) {
      assert.ok(e instanceof C, String(e));
      assert.ok(e instanceof AddrError);
      assert.ok(e instanceof TypeError, "compatible with catch (TypeError)");
      assert.equal(typeof (e as AddrError).addr, "string");
    }
  }
});

Deno.test("sock addr: setters are all-or-nothing", () => {
  const sa = SockaddrInet4.parse("10.0.0.1", 80);
  assert.throws(() => sa.setHost("192.168.7.256"), InvalidAddrError);
  assert.equal(sa.toString(), "10.0.0.1:80");
  assert.throws(() => sa.setHost("192.168.7"), InvalidAddrError);
  assert.throws(() => sa.setAddr([192, 168, 7, 300]), RangeError);
  assert.throws(() => sa.setPort(70000), RangeError);
  assert.equal(sa.toString(), "10.0.0.1:80");
  const s6 = SockaddrInet6.parse("2001:db8::1%1", 443);
  for (const bad of ["2001:db8::g", "fe80::2%nosuchif0", "1:2:3:4:5:6:7:8:9"]) {
    assert.throws(() => s6.setHost(bad), AddrError, bad);
    assert.equal(s6.host(), "2001:db8::1%lo");
    assert.equal(s6.port(), 443);
  }
  const su = new SockaddrUnix("/tmp/a.sock");
  assert.throws(() => su.setPath("x".repeat(200)), RangeError);
  assert.equal(su.path(), "/tmp/a.sock");
});

Deno.test("sock addr: IPv6 zones come back as interface names", () => {
  // A link-local sockaddr with scope 1 prints the name of interface 1.
  const sa = new SockaddrInet6(parseIPv6("fe80::1")!, 80, 1);
  assert.equal(sa.host(), "fe80::1%lo");
  assert.equal(sa.toString(), "[fe80::1%lo]:80");
  const decoded = decodeSockaddr(sa.bytes, 28) as SockaddrInet6;
  assert.equal(decoded.host(), "fe80::1%lo");
});

Deno.test('sock addr: network "tcp"/"udp" without a host listen dual-stack', async (t) => {
  await t.step("tcp", async () => {
    using ln = listenTCP("tcp", { port: 0 });
    assert.equal(ln.addr.hostname, "::");
    // IPv4 and IPv6 clients both reach it.
    using c4 = dialTCP("tcp4", null, {
      hostname: "127.0.0.1",
      port: ln.addr.port,
    });
    await c4.waitConnected();
    using s4 = await ln.accept();
    assert.equal(s4.remoteAddr.hostname, "::ffff:127.0.0.1");
    using c6 = dialTCP("tcp6", null, { hostname: "::1", port: ln.addr.port });
    await c6.waitConnected();
    using s6 = await ln.accept();
    assert.equal(s6.remoteAddr.hostname, "::1");
  });
  await t.step("tcp4 / tcp6 keep their family", () => {
    using a = listenTCP("tcp4", { port: 0 });
    assert.equal(a.addr.hostname, "0.0.0.0");
    using b = listenTCP("tcp6", { port: 0 });
    assert.equal(b.addr.hostname, "::");
  });
  await t.step("udp", async () => {
    using u = listenUDP("udp", { port: 0 });
    assert.equal(u.localAddr.hostname, "::");
    using v4 = listenUDP4({ hostname: "127.0.0.1", port: 0 });
    v4.tryWriteTo(new Uint8Array([4]), {
      hostname: "127.0.0.1",
      port: u.localAddr.port,
    });
    const [data, from] = await u.receive(new Uint8Array(8));
    assert.deepEqual([...data], [4]);
    assert.equal(from.hostname, "::ffff:127.0.0.1");
  });
});

Deno.test("sock addr: resolveTCPAddr / resolveUDPAddr / resolveIPAddr", async (t) => {
  await t.step("literals need no permission", async () => {
    assert.deepEqual(await resolveTCPAddr("tcp", "10.1.2.3:80"), {
      transport: "tcp",
      hostname: "10.1.2.3",
      port: 80,
    });
    assert.deepEqual(await resolveUDPAddr("udp6", "[::1]:53"), {
      transport: "udp",
      hostname: "::1",
      port: 53,
    });
    assert.deepEqual(await resolveTCPAddr("tcp", ":8080"), {
      transport: "tcp",
      hostname: "",
      port: 8080,
    });
    assert.deepEqual(await resolveIPAddr("ip6", "fe80::1%lo"), {
      hostname: "fe80::1",
      zone: "lo",
    });
  });
  await t.step("localhost per family", async () => {
    assert.equal(
      (await resolveTCPAddr("tcp4", "localhost:1")).hostname,
      "127.0.0.1",
    );
    assert.equal((await resolveTCPAddr("tcp6", "localhost:1")).hostname, "::1");
    assert.equal(
      (await resolveIPAddr("ip4:icmp", "localhost")).hostname,
      "127.0.0.1",
    );
    // The result dials.
    using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
    const a = await resolveTCPAddr("tcp4", `localhost:${ln.addr.port}`);
    using c = dialTCP4(null, a);
    await c.waitConnected();
  });
  await t.step("service names through /etc/services", async () => {
    let services = "";
    try {
      services = Deno.readTextFileSync("/etc/services");
    } catch {
      console.log("service names skipped: no /etc/services (Debian: netbase)");
      return;
    }
    const http = /^http\s+(\d+)\/tcp/m.exec(services);
    if (http === null) {
      console.log("service names skipped: /etc/services lists no http/tcp");
      return;
    }
    assert.equal(
      (await resolveTCPAddr("tcp", "127.0.0.1:http")).port,
      Number(http[1]),
    );
    // Aliases count ("www" for http), and the protocol must match.
    if (/^http\s+\d+\/tcp\s+www\b/m.test(services)) {
      assert.equal(
        (await resolveTCPAddr("tcp", "[::1]:www")).port,
        Number(http[1]),
      );
    }
    await assert.rejects(
      resolveUDPAddr("udp", "127.0.0.1:kernio-no-such-service"),
      AddrError,
    );
  });
  await t.step("bad input", async () => {
    await assert.rejects(resolveTCPAddr("tcp", "nope"), InvalidAddrError);
    await assert.rejects(resolveTCPAddr("tcp", "a:99999"), InvalidAddrError);
    await assert.rejects(
      resolveTCPAddr("sctp" as "tcp", "1.2.3.4:1"),
      UnknownNetworkError,
    );
    await assert.rejects(resolveTCPAddr("tcp4", "[::1]:1"), AddrError);
    await assert.rejects(resolveIPAddr("ip", "bad name!"), InvalidAddrError);
  });
  await t.step("a name without --allow-net names the flag", async () => {
    const mod = new URL("../sock/mod.ts", import.meta.url).href;
    const code = `
      import { resolveTCPAddr } from ${JSON.stringify(mod)};
      try {
        await resolveTCPAddr("tcp", "kernio-test.invalid:80");
        console.log("resolved");
      } catch (e) {
        console.log(e.name, e.flag, e instanceof Deno.errors.NotCapable, e.message);
      }
      console.log((await resolveTCPAddr("tcp", "localhost:80")).hostname);
      try {
        await resolveTCPAddr("tcp", "127.0.0.1:http");
        console.log("service resolved");
      } catch (e) {
        console.log("service:", e.name, e.flag);
      }
    `;
    const lib =
      new URL("../native/build/libkernio.so", import.meta.url).pathname;
    // `deno run -` (not eval, which grants everything): FFI and the hosts
    // file only.
    const out = await runDenoChild(code, [
      `--allow-ffi=${lib}`,
      "--allow-read=/etc/hosts",
      "--allow-env",
    ]);
    const text = out.stdout;
    assert.equal(out.code, 0, out.stderr);
    assert.match(text, /MissingPermissionError --allow-net true .*--allow-net/);
    assert.match(text, /^127\.0\.0\.1$/m);
    assert.match(
      text,
      /service: MissingPermissionError --allow-read=\/etc\/services/,
    );
  });
});

Deno.test("sock addr: kernel structs", () => {
  const m = new IPMreq([239, 1, 2, 3], [10, 0, 0, 1]);
  assert.deepEqual([...m.bytes], [239, 1, 2, 3, 10, 0, 0, 1]);
  const n = new IPMreqn([239, 1, 2, 3], [0, 0, 0, 0], 7);
  assert.deepEqual([...n.bytes.subarray(8)], [7, 0, 0, 0]);
  const m6 = new IPv6Mreq(parseIPv6("ff02::fb")!, 2);
  assert.equal(m6.bytes[0], 0xff);
  assert.equal(m6.bytes[15], 0xfb);
  assert.equal(m6.ifindex, 2);
  assert.throws(() => new IPMreq([1, 2, 3]), TypeError);
  assert.throws(() => new IPMreqn([1, 2, 3, 256]), RangeError);
  const ctl = unixRights(5, 6);
  const h = new Cmsghdr(ctl);
  assert.deepEqual([h.len, h.level, h.type], [24, 1, 1]);
  const l = new Linger(true, 9);
  assert.deepEqual([l.onoff, l.linger], [1, 9]);
  // The raw sockaddr views read what the kernel wrote.
  using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
  const sa = getSockname(ln) as SockaddrInet4;
  const r4 = new RawSockaddrInet4(sa.bytes);
  assert.equal(r4.family, 2);
  assert.equal(r4.port, ln.addr.port);
  assert.deepEqual([...r4.addr], [127, 0, 0, 1]);
  assert.deepEqual([...r4.zero], [0, 0, 0, 0, 0, 0, 0, 0]);
  const r6 = new RawSockaddrInet6();
  r6.port = 443;
  r6.scopeId = 1;
  r6.addr.set(parseIPv6("fe80::1")!);
  assert.equal(
    (decodeSockaddr(r6.bytes, 28) as SockaddrInet6).toString(),
    "[fe80::1%lo]:443",
  );
  const ru = new RawSockaddrUnix(new SockaddrUnix("/tmp/x").bytes);
  assert.equal(ru.family, 1);
  assert.equal(new TextDecoder().decode(ru.path.subarray(0, 6)), "/tmp/x");
  const any = new RawSockaddrAny();
  any.bytes.set(sa.bytes);
  assert.equal(any.family, 2);
  assert.equal(RawSockaddrAny.SIZE, 128);
});

Deno.test('sock addr: ListenerSocket and PacketConn shapes, listenUnix("unixgram")', async () => {
  using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
  const l: ListenerSocket = ln;
  assert.equal(l.tryAccept(), null);
  const path = `@kernio-gram-${crypto.randomUUID()}`;
  using g: UnixConn = listenUnix("unixgram", { path });
  assert.equal(g.localAddr.transport, "unixgram");
  const pc: PacketConn<SockaddrUnix> = g;
  const [a, b] = unixConnPair("unixgram");
  try {
    a.tryWriteTo(new Uint8Array([1, 2]), { path });
    assert.equal(await pc.readFrom(new Uint8Array(8)), 2);
  } finally {
    a.close();
    b.close();
  }
  using u = listenUDP4({ hostname: "127.0.0.1", port: 0 });
  const pu: PacketConn<SockaddrInet4> = u;
  assert.equal(
    pu.tryWriteTo(
      new Uint8Array([3]),
      new SockaddrInet4([127, 0, 0, 1], u.localAddr.port),
    ),
    1,
  );
  assert.equal(await pu.readFrom(new Uint8Array(8)), 1);
});
