/**
 * The sock bad-input cases: every option helper, socket method, dial/listen
 * function and codec called with bad descriptors, values, ports and
 * addresses. Each must throw a typed error.
 *
 * @module
 */

import * as z from "../../zcall/mod.ts";
import * as s from "../../sock/mod.ts";
import {
  type Bad,
  type BadCase,
  type CaseSource,
  closedFd,
  noThrow,
  tc,
} from "./bad_input_case.ts";

const VALUE_BAD_L: Bad[] = [
  ["NaN", () => NaN],
  ["-1", () => -1],
  ["1.5", () => 1.5],
  ["2^53", () => 2 ** 53],
  ['"1"', () => "1"],
  ["null", () => null],
  ["undefined", () => undefined],
  ["{}", () => ({})],
];

const PORT_BAD: Bad[] = [
  ["-1", () => -1],
  ["65536", () => 65536],
  ["NaN", () => NaN],
  ["1.5", () => 1.5],
  ['"80"', () => "80"],
  ["Infinity", () => Infinity],
];

/**
 * sock: every option helper, socket method, dial/listen and codec.
 *
 * @example
 * ```ts
 * import { runCatalogue } from "./bad_input.ts";
 * import { sockSource } from "./bad_input_sock_cases.ts";
 * await runCatalogue([sockSource]);
 * ```
 */
export const sockSource: CaseSource = () => {
  const S = "sock" as const;
  const efd = z.eventfd2(0, z.EFD.CLOEXEC); // not a socket
  const tcp = s.TCPSocket.create4();
  const udp4 = s.UDPSocket.create4();
  const udp6 = s.UDPSocket.create6();
  const [ua, ub] = s.unixConnPair("unix");
  const listener = s.listenTCP("tcp", { hostname: "127.0.0.1", port: 0 });
  const udpc = s.listenUDP("udp4", { hostname: "127.0.0.1", port: 0 });
  const cases: BadCase[] = [];
  const FD_BAD: Bad[] = [
    ["-1", () => -1],
    ["NaN", () => NaN],
    ["1.5", () => 1.5],
    ['"3"', () => "3"],
    ["null", () => null],
    ["undefined", () => undefined],
    ["{ fd: -1 }", () => ({ fd: -1 })],
    ["closed fd", closedFd],
    ["an eventfd (not a socket)", () => efd],
  ];
  // fcntl-level helpers work on any descriptor, sockets or not.
  const anyFd = /^(getCloseOnExec|getNonBlock|setCloseOnExec|setNonBlock)$/;
  const ns = s as unknown as Record<string, unknown>;
  const fns = Object.keys(ns).filter((k) =>
    typeof ns[k] === "function" && /^(get|set)[A-Z]/.test(k) &&
    !/^(getSockname|getPeername)$/.test(k)
  );
  const sockFor = (name: string) =>
    /Multicast6|IPv6/.test(name)
      ? udp6
      : /Multicast|Broadcast|UDP/.test(name)
      ? udp4
      : /PassCred|PeerCred/.test(name)
      ? ua
      : tcp;
  for (const name of fns) {
    const f = ns[name] as (...a: unknown[]) => unknown;
    const setter = name.startsWith("set");
    for (const [label, v] of FD_BAD) {
      if (anyFd.test(name) && label.startsWith("an eventfd")) continue;
      cases.push(
        tc(S, name, `socket = ${label}`, () => setter ? f(v(), 1) : f(v())),
      );
    }
    if (
      setter &&
      !/SCTP|Multicast.*Interface|setLinger|Events|Info|InitMsg|RtoInfo/.test(
        name,
      )
    ) {
      for (const [label, v] of VALUE_BAD_L) {
        // IPV6_MULTICAST_HOPS -1 means "the route default": valid.
        if (name === "setMulticast6Hops" && label === "-1") continue;
        cases.push(
          tc(S, name, `value = ${label}`, () => f(sockFor(name), v())),
        );
      }
    }
  }
  for (const [label, v] of FD_BAD.slice(0, 8)) {
    cases.push(
      tc(
        S,
        "getSockname",
        `socket = ${label}`,
        () => s.getSockname(v() as number),
      ),
    );
    cases.push(
      tc(
        S,
        "getPeername",
        `socket = ${label}`,
        () => s.getPeername(v() as number),
      ),
    );
    // fdOf checks the number only; a closed fd is a valid number.
    if (label !== "closed fd") {
      cases.push(
        tc(S, "fdOf", `socket = ${label}`, () => s.fdOf(v() as number)),
      );
    }
  }
  cases.push(
    tc(S, "getPeername", "unconnected TCP socket", () => s.getPeername(tcp)),
    tc(S, "setLinger", "seconds -1", () => s.setLinger(tcp, true, -1)),
    tc(S, "setLinger", "seconds NaN", () => s.setLinger(tcp, true, NaN)),
    tc(
      S,
      "setLinger",
      "enable 1",
      () => s.setLinger(tcp, 1 as unknown as boolean, 0),
    ),
  );

  // Methods of closed sockets, then double close.
  const closedMethods: [string, (c: s.NetSocket) => unknown][] = [
    ["tryRead", (c) => c.tryRead(new Uint8Array(8))],
    ["tryWrite", (c) => c.tryWrite(new Uint8Array(8))],
    ["bind", (c) => c.bind(new s.SockaddrInet4([127, 0, 0, 1], 0))],
    ["connect", (c) => c.connect(new s.SockaddrInet4([127, 0, 0, 1], 9))],
    ["listen", (c) => c.listen(8)],
    ["tryAccept", (c) => c.tryAccept()],
    ["tryAcceptFd", (c) => c.tryAcceptFd()],
    ["shutdown", (c) => c.shutdown(1)],
    ["getSockname", (c) => c.getSockname()],
    ["getPeername", (c) => c.getPeername()],
    ["read", (c) => c.read(new Uint8Array(8))],
    ["write", (c) => c.write(new Uint8Array(8))],
    ["writeAll", (c) => c.writeAll(new Uint8Array(8))],
    ["waitReadable", (c) => c.waitReadable()],
    ["waitWritable", (c) => c.waitWritable()],
    ["setDeadline", (c) => c.setDeadline(Date.now() + 1000)],
  ];
  const makers: [string, () => s.NetSocket][] = [
    ["TCPSocket", () => s.TCPSocket.create4()],
    ["UDPSocket", () => s.UDPSocket.create6()],
    ["UnixSocket", () => s.UnixSocket.createDatagram()],
  ];
  for (const [cls, make] of makers) {
    for (const [m, call] of closedMethods) {
      cases.push(tc(S, `${cls}.${m}`, "after close", () => {
        const c = make();
        c.close();
        return call(c);
      }));
    }
    cases.push(noThrow(S, `${cls}.close`, "twice", () => {
      const c = make();
      c.close();
      c.close();
    }));
  }

  // Bad arguments to methods of live sockets.
  const live: [string, () => unknown][] = [
    ["tryRead(null)", () => ua.tryRead(null as unknown as Uint8Array)],
    ['tryRead("abc")', () => ua.tryRead("abc" as unknown as Uint8Array)],
    ["tryWrite([1,2])", () => ua.tryWrite([1, 2] as unknown as Uint8Array)],
    [
      "tryWrite(Int32Array)",
      () => ua.tryWrite(new Int32Array(2) as unknown as Uint8Array),
    ],
    ["listen(-5)", () => tcp.listen(-5)],
    ["listen(NaN)", () => tcp.listen(NaN)],
    ['listen("8")', () => tcp.listen("8" as unknown as number)],
    ["shutdown(7)", () => ua.shutdown(7)],
    ["shutdown(NaN)", () => ua.shutdown(NaN)],
    ["setDeadline(NaN)", () => ua.setDeadline(NaN)],
    ['setDeadline("soon")', () => ua.setDeadline("soon" as unknown as number)],
    ["setDeadline(invalid Date)", () => ua.setDeadline(new Date(NaN))],
    ["setReadDeadline({})", () => ua.setReadDeadline({} as unknown as number)],
    [
      "read(buf, { signal: 5 })",
      () => ua.read(new Uint8Array(4), { signal: 5 as unknown as AbortSignal }),
    ],
    [
      "read(buf, aborted signal)",
      () => ua.read(new Uint8Array(4), { signal: AbortSignal.abort() }),
    ],
    [
      "read after a read deadline in the past",
      async () => {
        const [a, b] = s.unixConnPair("unix");
        try {
          b.setReadDeadline(Date.now() - 1);
          return await b.read(new Uint8Array(4));
        } finally {
          a.close();
          b.close();
        }
      },
    ],
    [
      "bind(v6 address) on a v4 socket",
      () => tcp.bind(s.SockaddrInet6.parse("::1", 0)),
    ],
    [
      "bind(unix address) on a TCP socket",
      () => tcp.bind(new s.SockaddrUnix("/tmp/kernio-bad")),
    ],
    [
      "connect(v4 address) on a unix socket",
      () => ua.connect(new s.SockaddrInet4([127, 0, 0, 1], 9)),
    ],
    ["bind(null)", () => tcp.bind(null as unknown as s.RawSockaddr)],
    [
      "bind({bytes: 3, length: 99})",
      () => tcp.bind({ bytes: 3, length: 99 } as unknown as s.RawSockaddr),
    ],
    [
      "bind(length > bytes)",
      () => tcp.bind({ bytes: new Uint8Array(4), length: 16 }),
    ],
    [
      "bind(address in use)",
      () =>
        s.TCPSocket.create4().bind(listener.getSockname() as s.SockaddrInet4),
    ],
    ["getTCPInfoInto(tcp, {})", () => s.getTCPInfoInto(tcp, {} as s.TCPInfo)],
    ["getTCPInfo(unix socket)", () => s.getTCPInfo(ua)],
    [
      "udp4.tryWriteTo(v6 addr)",
      () => udpc.tryWriteTo(new Uint8Array(1), s.SockaddrInet6.parse("::1", 9)),
    ],
  ];
  for (const [what, call] of live) cases.push(tc(S, "NetSocket", what, call));

  // Dial / listen / connect with bad endpoints.
  for (const [label, v] of PORT_BAD) {
    const port = v() as number;
    cases.push(
      tc(
        S,
        "listenTCP",
        `port ${label}`,
        () => s.listenTCP("tcp", { hostname: "127.0.0.1", port }),
      ),
      tc(
        S,
        "dialTCP",
        `port ${label}`,
        () => s.dialTCP("tcp", null, { hostname: "127.0.0.1", port }),
      ),
      tc(
        S,
        "listenUDP",
        `port ${label}`,
        () => s.listenUDP("udp", { hostname: "127.0.0.1", port }),
      ),
      tc(
        S,
        "dialUDP",
        `port ${label}`,
        () => s.dialUDP("udp", null, { hostname: "127.0.0.1", port }),
      ),
      tc(
        S,
        "connect",
        `port ${label}`,
        () => s.connect({ hostname: "127.0.0.1", port }),
      ),
      tc(
        S,
        "listen",
        `port ${label}`,
        () => s.listen({ hostname: "127.0.0.1", port }),
      ),
      tc(
        S,
        "SockaddrInet4",
        `port ${label}`,
        () => new s.SockaddrInet4([127, 0, 0, 1], port),
      ),
      tc(
        S,
        "SockaddrInet6.setPort",
        `port ${label}`,
        () => new s.SockaddrInet6().setPort(port),
      ),
    );
  }
  for (
    const host of ["999.0.0.1", "1.2.3", "::g", "not a host", "1::2::3", "[::1"]
  ) {
    cases.push(
      tc(
        S,
        "listenTCP",
        `host "${host}"`,
        () => s.listenTCP("tcp", { hostname: host, port: 0 }),
      ),
      tc(
        S,
        "dialTCP",
        `host "${host}"`,
        () => s.dialTCP("tcp", null, { hostname: host, port: 80 }),
      ),
      tc(
        S,
        "SockaddrInet4.parse",
        `"${host}"`,
        () => s.SockaddrInet4.parse(host, 1),
      ),
      tc(
        S,
        "SockaddrInet6.parse",
        `"${host}"`,
        () => s.SockaddrInet6.parse(host, 1),
      ),
    );
  }
  for (const net of ["tcp5", "", "udp", "unix", 5]) {
    cases.push(
      tc(
        S,
        "listenTCP",
        `network ${JSON.stringify(net)}`,
        () => s.listenTCP(net as "tcp", { hostname: "127.0.0.1", port: 0 }),
      ),
    );
  }
  for (const net of ["tcp", "unixx", ""]) {
    cases.push(
      tc(
        S,
        "unixConnPair",
        `network "${net}"`,
        () => s.unixConnPair(net as "unix"),
      ),
    );
  }
  cases.push(
    tc(
      S,
      "dialTCP",
      "v6 host on tcp4",
      () => s.dialTCP("tcp4", null, { hostname: "::1", port: 80 }),
    ),
    tc(S, "dialTCP", "closed port (ECONNREFUSED)", async () => {
      const c = s.dialTCP("tcp", null, { hostname: "127.0.0.1", port: 1 });
      try {
        await c.waitConnected();
      } finally {
        c.close();
      }
    }),
    tc(
      S,
      "dialTCP",
      "null raddr",
      () => s.dialTCP("tcp", null, null as unknown as s.HostPort),
    ),
    tc(
      S,
      "listenUnix",
      "path of 200 bytes",
      () => s.listenUnix("unix", { path: "/tmp/" + "x".repeat(200) } as never),
    ),
    tc(
      S,
      "listenUnix",
      "path with NUL",
      () => s.listenUnix("unix", { path: "/tmp/a\0b" } as never),
    ),
    tc(
      S,
      "dialUnix",
      "missing path",
      () =>
        s.dialUnix("unix", null, { path: "/nonexistent/kernio.sock" } as never),
    ),
    tc(
      S,
      "connect",
      "unix: missing path",
      () =>
        s.connect(
          { path: "/nonexistent/kernio.sock", transport: "unix" } as never,
        ),
    ),
    tc(S, "connect", "null options", () => s.connect(null as never)),
    tc(S, "TCPDialer", "timeout -1", () => new s.TCPDialer({ timeout: -1 })),
    tc(
      S,
      "TCPDialer.setDialTimeout",
      "NaN",
      () => new s.TCPDialer().setDialTimeout(NaN),
    ),
  );

  // Address codecs with short buffers and bad values.
  cases.push(
    tc(
      S,
      "decodeSockaddr",
      "length > buffer",
      () => s.decodeSockaddr(new Uint8Array(8), 16),
    ),
    tc(S, "decodeSockaddr", "AF_INET in 8 bytes", () => {
      const b = new Uint8Array(8);
      b[0] = z.AF.INET;
      return s.decodeSockaddr(b, 8);
    }),
    tc(S, "decodeSockaddr", "AF_INET6 in 16 bytes", () => {
      const b = new Uint8Array(16);
      b[0] = z.AF.INET6;
      return s.decodeSockaddr(b, 16);
    }),
    tc(S, "decodeSockaddr", "family 99", () => {
      const b = new Uint8Array(16);
      b[0] = 99;
      return s.decodeSockaddr(b);
    }),
    tc(S, "decodeSockaddr", "null", () => s.decodeSockaddr(null as never)),
    tc(
      S,
      "decodeSockaddr",
      "length NaN",
      () => s.decodeSockaddr(new Uint8Array(16), NaN),
    ),
    tc(
      S,
      "SockaddrInet4",
      "3-byte address",
      () => new s.SockaddrInet4([1, 2, 3], 1),
    ),
    tc(
      S,
      "SockaddrInet4.setAddr",
      "byte 256",
      () => new s.SockaddrInet4().setAddr([256, 0, 0, 1]),
    ),
    tc(
      S,
      "SockaddrInet6",
      "15-byte address",
      () => new s.SockaddrInet6(new Uint8Array(15)),
    ),
    tc(
      S,
      "SockaddrInet6.setScopeId",
      "-1",
      () => new s.SockaddrInet6().setScopeId(-1),
    ),
    tc(
      S,
      "SockaddrInet6.setFlowInfo",
      "2^32",
      () => new s.SockaddrInet6().setFlowInfo(2 ** 32),
    ),
    tc(
      S,
      "SockaddrUnix",
      "109-byte path",
      () => new s.SockaddrUnix("p".repeat(109)),
    ),
    tc(S, "SockaddrUnix", "non-string", () => new s.SockaddrUnix(5 as never)),
    tc(
      S,
      "SockaddrUnix.setLength",
      "111",
      () => new s.SockaddrUnix("a").setLength(111),
    ),
    tc(
      S,
      "SockaddrUnix.setLength",
      "1",
      () => new s.SockaddrUnix("a").setLength(1),
    ),
    tc(S, "formatIPv4", "1 byte", () => s.formatIPv4([1])),
    tc(S, "formatIPv6", "4 bytes", () => s.formatIPv6([1, 2, 3, 4])),
    tc(S, "formatIPv4", "null", () => s.formatIPv4(null as never)),
    tc(S, "cmsgData", "8-byte control", () => s.cmsgData(new Uint8Array(8))),
    tc(S, "cmsgData", "cmsg_len beyond buffer", () => {
      const b = new Uint8Array(24);
      b[0] = 200;
      return s.cmsgData(b);
    }),
    tc(S, "cmsgData", "offset -1", () => s.cmsgData(new Uint8Array(32), -1)),
    tc(
      S,
      "putControlMessage",
      "buffer too small",
      () => s.putControlMessage(new Uint8Array(16), 0, 1, 1, new Uint8Array(8)),
    ),
    tc(
      S,
      "putControlMessage",
      "level NaN",
      () =>
        s.putControlMessage(new Uint8Array(64), 0, NaN, 1, new Uint8Array(8)),
    ),
    tc(
      S,
      "parseControlMessages",
      "null",
      () => s.parseControlMessages(null as never),
    ),
    tc(
      S,
      "parseControlMessages",
      "length beyond buffer",
      () => s.parseControlMessages(new Uint8Array(16), 64),
    ),
    tc(
      S,
      "forEachControlMessage",
      "fn not a function",
      () => s.forEachControlMessage(new Uint8Array(16), 5 as never),
    ),
    tc(S, "parseUnixRights", "string", () => s.parseUnixRights("x" as never)),
    tc(S, "unixRights", "fd -1", () => s.unixRights(-1)),
    tc(
      S,
      "unixRights",
      "254 fds (> SCM_MAX_FD)",
      () => s.unixRights(...Array.from({ length: 254 }, () => 0)),
    ),
    tc(
      S,
      "unixCredentials",
      "pid NaN",
      () => s.unixCredentials({ pid: NaN, uid: 0, gid: 0 }),
    ),
    tc(
      S,
      "parseUnixCredentials",
      "length 64 > 8-byte control",
      () => s.parseUnixCredentials(new Uint8Array(8), 64),
    ),
    tc(S, "sendFDs", "fd -1 over unix", () => s.sendFDs(ua, [-1])),
    tc(S, "sendFDs", "over TCP (not unix)", () => s.sendFDs(tcp, [0])),
    tc(S, "recvFDs", "buffer null", () => s.recvFDs(ub, null as never, 1)),
    tc(S, "UDPMessages", "count 0", () => new s.UDPMessages(0)),
    tc(
      S,
      "UDPMessages",
      "count 100000 (oversize batch)",
      () => new s.UDPMessages(100000),
    ),
    tc(S, "UDPMessages", "count NaN", () => new s.UDPMessages(NaN)),
    tc(
      S,
      "UDPMessages.buffer",
      "index out of range",
      () => new s.UDPMessages(2).buffer(5),
    ),
    tc(
      S,
      "UDPMessages.setLength",
      "beyond buffer",
      () => new s.UDPMessages(2).setLength(0, 1 << 20),
    ),
    tc(
      S,
      "sendMessages",
      "count beyond batch",
      () => s.sendMessages(udp4, new s.UDPMessages(2), 3),
    ),
    tc(
      S,
      "recvMessages",
      "count -1",
      () => s.recvMessages(udp4, new s.UDPMessages(2), -1),
    ),
    tc(
      S,
      "sendMessages",
      "not a UDPMessages",
      () => s.sendMessages(udp4, {} as never, 1),
    ),
    tc(S, "setUDPSegment", "size 70000", () => s.setUDPSegment(udp4, 70000)),
    tc(
      S,
      "joinMulticast4",
      "non-multicast group",
      () => s.joinMulticast4(udp4, [10, 0, 0, 1] as never),
    ),
    tc(
      S,
      "linkByName",
      "missing interface",
      () => s.linkByName("kernio-nope0"),
    ),
    tc(S, "linkByIndex", "index -1", () => s.linkByIndex(-1)),
    tc(S, "zoneToIndex", "missing zone", () => s.zoneToIndex("kernio-nope0")),
    tc(
      S,
      "readableStreamFromConn",
      "null",
      () => s.readableStreamFromConn(null as never),
    ),
    tc(S, "errorFromErrno", "NaN", () => s.errorFromErrno(NaN, "x")),
  );
  return Promise.resolve({
    cases,
    cleanup: () => {
      for (const c of [tcp, udp4, udp6, ua, ub, listener, udpc]) c.close();
      z.close(efd);
    },
  });
};
