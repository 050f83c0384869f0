// Property tests for sock's encoders and decoders: sockaddr encode/decode
// round trips (checked against the kernel's own encoding via getsockname),
// IP text parse/format, TCP_INFO decoding of random bytes against the uapi
// layout, and control-message (cmsg) build/parse.
// Case count: KERNIO_PROP_COUNT (2,000 here, 100,000 in `deno task stress`).

import assert from "node:assert/strict";
import {
  AF,
  bind,
  close,
  getsockname,
  SCM,
  SOCK,
  socket,
  SOL,
} from "../zcall/mod.ts";
import {
  cmsgAlign,
  cmsgSpace,
  decodeSockaddr,
  formatIPv4,
  formatIPv6,
  parseControlMessages,
  parseIPv4,
  parseIPv6,
  parseUnixRights,
  putControlMessage,
  SockaddrInet4,
  SockaddrInet6,
  SockaddrUnix,
  TCPInfo,
  unixRights,
} from "../sock/mod.ts";
import {
  bytesDiff,
  property,
  propStats,
  reportStat,
  type Rng,
} from "./_util/prop.ts";

function randomIPv6(rng: Rng): Uint8Array {
  const b = rng.bytes(16);
  // Runs of zero groups exercise the "::" compression.
  const k = rng.int(0, 3);
  if (k > 0) {
    const from = rng.int(0, 7);
    const to = Math.min(8, from + rng.int(1, 8));
    b.fill(0, from * 2, to * 2);
  }
  if (rng.bool(0.1)) { // v4-mapped
    b.fill(0, 0, 10);
    b[10] = b[11] = 0xff;
  }
  return b;
}

Deno.test("reliability: sock encoders and decoders (properties)", async (t) => {
  await t.step("IPv4 text round-trips", () => {
    property("IPv4 text", (rng) => {
      const b = rng.bytes(4);
      const s = formatIPv4(b);
      assert.equal(bytesDiff(parseIPv4(s)!, b), null, s);
      // Garbage never parses into something that formats differently.
      const junk = rng.pick([
        s + ".",
        "." + s,
        s.replace(".", ".."),
        s + "0000",
        s.replace(/\d+$/, "256"),
        s.replace(/^\d+/, "01"),
        s.replace(".", "x"),
      ]);
      const p = parseIPv4(junk);
      if (p !== null) assert.equal(formatIPv4(p), junk);
    });
  });

  await t.step("IPv6 text round-trips", () => {
    property("IPv6 text", (rng) => {
      const b = randomIPv6(rng);
      const s = formatIPv6(b);
      const p = parseIPv6(s);
      assert.ok(p, `unparsable ${s}`);
      assert.equal(bytesDiff(p, b), null, s);
      // Uppercase and fully expanded spellings parse to the same bytes.
      assert.equal(bytesDiff(parseIPv6(s.toUpperCase())!, b), null);
      const full = Array.from(
        { length: 8 },
        (_, i) => ((b[i * 2] << 8) | b[i * 2 + 1]).toString(16),
      ).join(":");
      assert.equal(bytesDiff(parseIPv6(full)!, b), null, full);
      const bad = rng.pick([
        full + ":1",
        ":" + full,
        full.replace(":", ":::"),
        "1::2::3",
        full.replace(/^[0-9a-f]+/, "12345"),
        full.replace(/^[0-9a-f]+/, "g"),
      ]);
      assert.equal(parseIPv6(bad), null, bad);
    });
  });

  await t.step("sockaddr_in/in6 encode, decode and kernel agree", () => {
    const s4 = socket(AF.INET, SOCK.DGRAM | SOCK.CLOEXEC, 0);
    const s6 = socket(AF.INET6, SOCK.DGRAM | SOCK.CLOEXEC, 0);
    assert.ok(s4 >= 0 && s6 >= 0);
    const storage = new Uint8Array(128);
    const len = new Uint32Array(1);
    let kernelChecks = 0;
    try {
      property("sockaddr inet", (rng) => {
        const port = rng.edgy(0, 65535);
        const a4 = new SockaddrInet4(rng.bytes(4), port);
        assert.equal(a4.port(), port);
        const d4 = decodeSockaddr(a4.bytes, a4.length);
        assert.ok(d4 instanceof SockaddrInet4);
        assert.equal(d4.toString(), a4.toString());
        assert.equal(bytesDiff(d4.bytes, a4.bytes), null);
        const flow = rng.u32() & 0xfffff, scope = rng.u32();
        const a6 = new SockaddrInet6(randomIPv6(rng), port, scope);
        a6.setFlowInfo(flow);
        assert.equal(a6.flowInfo(), flow);
        assert.equal(a6.scopeId(), scope);
        const into = new SockaddrInet6();
        const d6 = decodeSockaddr(a6.bytes, a6.length, into);
        assert.equal(d6, into, "decode into the given object");
        assert.equal(bytesDiff(into.bytes, a6.bytes), null);
        assert.equal(into.port(), port);
        // Same host text re-parses to the same address.
        assert.equal(
          SockaddrInet4.parse(a4.host(), port).toString(),
          a4.toString(),
        );
        // The kernel as oracle: bind loopback to a random port and read
        // the kernel's sockaddr back (a few per case batch: binds are
        // expensive and ports may be taken).
        if (rng.bool(0.02)) {
          const fd = socket(AF.INET, SOCK.DGRAM | SOCK.CLOEXEC, 0);
          const want = new SockaddrInet4([127, 0, 0, rng.int(1, 254)], 0);
          assert.equal(bind(fd, want.bytes, want.length), 0);
          len[0] = 128;
          assert.equal(getsockname(fd, storage, len), 0);
          const got = decodeSockaddr(storage, len[0]) as SockaddrInet4;
          assert.equal(got.host(), want.host());
          assert.ok(got.port() > 0);
          close(fd);
          kernelChecks++;
        }
      });
    } finally {
      close(s4);
      close(s6);
    }
    assert.ok(kernelChecks > 0);
  });

  await t.step("sockaddr_un paths round-trip", () => {
    const ustorage = new Uint8Array(128);
    const ulen = new Uint32Array(1);
    property("sockaddr unix", (rng) => {
      const n = rng.int(1, 100);
      let path = "";
      for (let i = 0; i < n; i++) path += String.fromCharCode(rng.int(33, 126));
      if (path[0] === "@") path = "a" + path.slice(1); // "@" means abstract
      const abstract = rng.bool(0.3);
      const sa = new SockaddrUnix(abstract ? "@" + path : path);
      assert.equal(sa.isAbstract(), abstract);
      const d = decodeSockaddr(sa.bytes, sa.length) as SockaddrUnix;
      assert.equal(d.path(), sa.path());
      assert.equal(d.isAbstract(), abstract);
      // 108 bytes do not fit a pathname plus its NUL.
      assert.throws(() => new SockaddrUnix("p".repeat(108 + rng.int(0, 50))));
      // The kernel as oracle: bind an abstract name (no file left behind)
      // and decode what getsockname reports.
      if (rng.bool(0.05)) {
        const name = `@kernio-prop-${rng.u32().toString(36)}-${path}`
          .slice(0, 100);
        const want = new SockaddrUnix(name);
        const fd = socket(AF.UNIX, SOCK.DGRAM | SOCK.CLOEXEC, 0);
        try {
          assert.equal(bind(fd, want.bytes, want.length), 0);
          ulen[0] = 128;
          assert.equal(getsockname(fd, ustorage, ulen), 0);
          assert.equal(ulen[0], want.length);
          const got = decodeSockaddr(ustorage, ulen[0]) as SockaddrUnix;
          assert.equal(got.path(), name);
          assert.ok(got.isAbstract());
        } finally {
          close(fd);
        }
      }
    });
  });

  await t.step(
    "decodeSockaddr on random bytes: a value or a typed error",
    () => {
      property("decode random", (rng) => {
        const b = rng.bytes(rng.int(0, 128));
        if (b.length >= 2 && rng.bool(0.7)) {
          const fam = rng.pick([AF.INET, AF.INET6, AF.UNIX, AF.UNSPEC]);
          b[0] = fam;
          b[1] = 0;
        }
        const length = rng.int(0, b.length);
        try {
          const sa = decodeSockaddr(b, length);
          if (sa !== null) {
            assert.ok(typeof sa.toString() === "string");
            assert.ok(sa.length <= 128);
          }
        } catch (e) {
          assert.ok(
            e instanceof TypeError || e instanceof RangeError,
            `untyped ${e}`,
          );
        }
      });
    },
  );

  // struct tcp_info offsets from include/uapi/linux/tcp.h (independent of
  // sock/tcp_info.ts, which this checks).
  const LAYOUT: [keyof TCPInfo, 1 | 2 | 4 | 8, number][] = [
    ["state", 1, 0],
    ["caState", 1, 1],
    ["retransmits", 1, 2],
    ["backoff", 1, 4],
    ["rto", 4, 8],
    ["sndMss", 4, 16],
    ["unacked", 4, 24],
    ["lost", 4, 32],
    ["lastDataRecv", 4, 52],
    ["pmtu", 4, 60],
    ["rtt", 4, 68],
    ["rttVar", 4, 72],
    ["sndCwnd", 4, 80],
    ["totalRetrans", 4, 100],
    ["pacingRate", 8, 104],
    ["bytesAcked", 8, 120],
    ["bytesReceived", 8, 128],
    ["segsOut", 4, 136],
    ["minRtt", 4, 148],
    ["deliveryRate", 8, 160],
    ["delivered", 4, 192],
    ["bytesSent", 8, 200],
    ["bytesRetrans", 8, 208],
    ["sndWnd", 4, 228],
    ["rcvWnd", 4, 232],
    ["totalRTO", 2, 240],
  ];

  await t.step("TCP_INFO decodes random bytes at the uapi offsets", () => {
    const info = new TCPInfo();
    const dv = new DataView(info.bytes.buffer);
    property("TCP_INFO", (rng) => {
      rng.fill(info.bytes);
      for (const [field, size, off] of LAYOUT) {
        const got = info[field] as number;
        const want = size === 1
          ? dv.getUint8(off)
          : size === 2
          ? dv.getUint16(off, true)
          : size === 4
          ? dv.getUint32(off, true)
          : dv.getUint32(off, true) + dv.getUint32(off + 4, true) * 2 ** 32;
        assert.equal(got, want, `${String(field)} @${off}`);
        assert.ok(Number.isFinite(got) && got >= 0);
      }
    });
  });

  await t.step("cmsg build/parse round-trips", () => {
    property("cmsg", (rng) => {
      const n = rng.int(1, 6);
      const msgs: { level: number; type: number; data: Uint8Array }[] = [];
      let space = 0;
      for (let i = 0; i < n; i++) {
        const data = rng.bytes(rng.int(0, 64));
        msgs.push({
          level: rng.int(-(2 ** 31), 2 ** 31 - 1),
          type: rng.int(-(2 ** 31), 2 ** 31 - 1),
          data,
        });
        space += cmsgSpace(data.length);
      }
      const ctl = new Uint8Array(space + rng.int(0, 15));
      let off = 0;
      for (const m of msgs) {
        off = putControlMessage(ctl, off, m.level, m.type, m.data);
        assert.equal(off % 8, 0);
      }
      assert.equal(off, space);
      const parsed = parseControlMessages(ctl, off);
      assert.equal(parsed.length, n);
      parsed.forEach((p, i) => {
        assert.equal(p.level, msgs[i].level);
        assert.equal(p.type, msgs[i].type);
        assert.equal(bytesDiff(p.data, msgs[i].data), null);
      });
      // Truncation drops whole messages, never reads past the length.
      const cut = rng.int(0, off);
      const part = parseControlMessages(ctl, cut);
      assert.ok(part.length <= n);
      for (const p of part) {
        assert.ok(p.data.byteOffset + p.data.length <= cut);
      }
      assert.equal(cmsgAlign(rng.int(0, 1000)) % 8, 0);
      // SCM_RIGHTS payloads round-trip too.
      const fds = Array.from(
        { length: rng.int(1, 16) },
        () => rng.int(0, 2 ** 31 - 1),
      );
      assert.deepEqual(parseUnixRights(unixRights(...fds)), fds);
      // Random bytes parse to something or nothing, never throw.
      const junk = rng.bytes(rng.int(0, 128));
      for (const p of parseControlMessages(junk)) {
        assert.ok(p.data.byteOffset + p.data.length <= junk.length);
      }
    });
    assert.equal(SOL.SOCKET, 1);
    assert.equal(SCM.RIGHTS, 1);
  });

  reportStat({ kind: "props", layer: "sock", ...propStats });
});
