/**
 * The zcall bad-input cases: every syscall wrapper called with bad
 * descriptors, numbers, flags and buffers (one parameter at a time, the
 * others valid), and zcall's struct classes with bad fields. The wrappers
 * must return `-errno`; the struct classes must throw a typed error.
 *
 * @module
 */

import * as z from "../../zcall/mod.ts";
import {
  type Bad,
  type BadCase,
  closedFd,
  type Expect,
  type Layer,
} from "./bad_input_case.ts";

const FD_BAD: Bad[] = [
  ["-1", () => -1],
  ["-2^31", () => -(2 ** 31)],
  ["2^31-1", () => 2 ** 31 - 1],
  ["closed fd", closedFd],
  ["NaN", () => NaN],
  ["Infinity", () => Infinity],
  ["1.5", () => 1.5],
  ['"3"', () => "3"],
  ["undefined", () => undefined],
];

const NUM_BAD: Bad[] = [
  ["-1", () => -1],
  ["NaN", () => NaN],
  ["Infinity", () => Infinity],
  ["-Infinity", () => -Infinity],
  ["0.5", () => 0.5],
  ["2^53", () => 2 ** 53],
  ['"8"', () => "8"],
  ["null", () => null],
];

const FLAG_BAD: Bad[] = [
  ["-1", () => -1],
  ["NaN", () => NaN],
  ["1.5", () => 1.5],
  ['"0"', () => "0"],
];

const BUF_BAD: Bad[] = [
  ["empty", () => new Uint8Array(0)],
  ["1 byte", () => new Uint8Array(1)],
  ["null", () => null],
  ['"abc"', () => "abc"],
  ["{}", () => ({})],
  ["detached", () => {
    const ab = new ArrayBuffer(64);
    const v = new Uint8Array(ab);
    ab.transfer();
    return v;
  }],
];

const LEN_ARR_BAD: Bad[] = [
  ["empty Uint32Array", () => new Uint32Array(0)],
  ["len > buffer", () => new Uint32Array([4096])],
  ["null", () => null],
  ["number", () => 16],
];

// ---- case builders ---------------------------------------------------------

/**
 * Builds cases for one function: for each listed parameter, each bad value
 * replaces it in an otherwise valid argument list.
 */
function mutate(
  layer: Layer,
  fn: string,
  expect: Expect,
  base: () => unknown[],
  invoke: (...args: unknown[]) => unknown,
  params: [index: number, pool: Bad[]][],
): BadCase[] {
  const out: BadCase[] = [];
  for (const [index, pool] of params) {
    for (const [label, value] of pool) {
      out.push({
        layer,
        fn,
        input: `arg${index} = ${label}`,
        expect,
        call: () => {
          const args = base();
          args[index] = value();
          return invoke(...args);
        },
      });
    }
  }
  return out;
}

function one(
  layer: Layer,
  fn: string,
  input: string,
  expect: Expect,
  call: () => unknown,
): BadCase {
  return { layer, fn, input, expect, call };
}

/** Shared fixtures of the zcall cases, opened by zcallCases' caller. */
export interface Fixtures {
  sp: Int32Array; // non-blocking AF_UNIX stream pair
  efd: number; // eventfd
  ep: number; // epoll
  memfd: number;
  pipe: Int32Array;
  tfd: number;
  listener: number; // TCP listening on 127.0.0.1:0
  sa: Uint8Array; // its sockaddr_in
}

/** Opens the zcall cases' fixtures (close them with closeFixtures). */
export function openFixtures(): Fixtures {
  const sp = new Int32Array(2);
  z.socketpair(
    z.AF.UNIX,
    z.SOCK.STREAM | z.SOCK.NONBLOCK | z.SOCK.CLOEXEC,
    0,
    sp,
  );
  const pipe = new Int32Array(2);
  z.pipe2(pipe, z.O.CLOEXEC | z.O.NONBLOCK);
  const listener = z.socket(
    z.AF.INET,
    z.SOCK.STREAM | z.SOCK.NONBLOCK | z.SOCK.CLOEXEC,
    0,
  );
  const sa = new Uint8Array(16);
  sa[0] = z.AF.INET;
  sa.set([127, 0, 0, 1], 4);
  z.bind(listener, sa);
  z.listen(listener, 16);
  const len = new Uint32Array([16]);
  z.getsockname(listener, sa, len);
  return {
    sp,
    efd: z.eventfd2(0, z.EFD.CLOEXEC | z.EFD.NONBLOCK),
    ep: z.epollCreate1(z.EPOLL.CLOEXEC),
    memfd: z.memfdCreate("kernio-bad-input", z.MFD.CLOEXEC),
    pipe,
    tfd: z.timerfdCreate(z.CLOCK.MONOTONIC, z.TFD.CLOEXEC | z.TFD.NONBLOCK),
    listener,
    sa,
  };
}

/** Closes what openFixtures opened. */
export function closeFixtures(f: Fixtures): void {
  for (
    const fd of [
      f.sp[0],
      f.sp[1],
      f.efd,
      f.ep,
      f.memfd,
      f.pipe[0],
      f.pipe[1],
      f.tfd,
      f.listener,
    ]
  ) z.close(fd);
}

// Kept alive for the raw-address cases.
const fixtureBuf = new Uint8Array(64);

/** The zcall cases (fixtures must stay open while they run). */
export function zcallCases(f: Fixtures): BadCase[] {
  const Z: Layer = "zcall";
  const cases: BadCase[] = [];
  const m = (
    fn: string,
    base: () => unknown[],
    // deno-lint-ignore no-explicit-any
    invoke: (...a: any[]) => unknown,
    params: [number, Bad[]][],
  ) => cases.push(...mutate(Z, fn, "errno", base, invoke, params));
  const buf = () => new Uint8Array(64);
  const iov1 = () => new z.Iovecs(1).set(0, new Uint8Array(8)).bytes;
  const s0 = () => f.sp[0];

  // fstat with a null stat pointer: harmless for any fd, so garbage fds
  // cannot touch real descriptors through the generic entry.
  m("syscall6", () => [z.SYS.FSTAT, -1, 0, 0, 0, 0, 0], z.syscall6, [
    [0, NUM_BAD],
    [1, FD_BAD.filter(([l]) => l !== "closed fd")],
  ]);
  // fcntl(F_GETFD) is harmless on any fd: NaN or Infinity must not turn
  // into a real descriptor (C's int64 cast of NaN gives fd 0).
  m("syscall6", () => [z.SYS.FCNTL, -1, 1, 0, 0, 0, 0], z.syscall6, [
    [1, [
      ["NaN", () => NaN],
      ["Infinity", () => Infinity],
      ["-Infinity", () => -Infinity],
      ["2^32 (truncates to fd 0)", () => 2 ** 32],
    ]],
  ]);
  m("syscall4", () => [z.SYS.FSTAT, -1, 0, 0, 0], z.syscall4, [[0, NUM_BAD]]);
  m("read", () => [s0(), buf()], z.read, [[0, FD_BAD], [1, BUF_BAD]]);
  const addr = () => z.unsafeAddressOf(fixtureBuf);
  const ADDR_BAD: Bad[] = [
    ["0", () => 0],
    ["-4096", () => -4096],
    ["NaN", () => NaN],
    ["Infinity", () => Infinity],
    ["2^49 (beyond user space)", () => 2 ** 49],
    ['"4096"', () => "4096"],
  ];
  m("unsafeRead", () => [s0(), addr(), 8], z.unsafeRead, [
    [0, FD_BAD],
    [1, ADDR_BAD],
    [2, NUM_BAD.filter(([l]) => l !== "0.5")],
  ]);
  m("unsafeWrite", () => [-1, addr(), 8], z.unsafeWrite, [
    [1, ADDR_BAD],
    [2, NUM_BAD.filter(([l]) => l !== "0.5")],
  ]);
  m("read(length)", () => [s0(), buf(), 8], z.read, [[2, NUM_BAD]]);
  m("write", () => [f.efd, new Uint8Array(8)], z.write, [
    [0, FD_BAD],
    [1, BUF_BAD],
  ]);
  m("write(length)", () => [s0(), buf(), 8], z.write, [[2, NUM_BAD]]);
  m("readv", () => [s0(), iov1(), 1], z.readv, [
    [0, FD_BAD],
    [1, BUF_BAD],
    [2, NUM_BAD],
  ]);
  m("writev", () => [-1, iov1(), 1], z.writev, [[1, BUF_BAD], [2, NUM_BAD]]);
  m("preadv", () => [f.memfd, iov1(), 1, 0], z.preadv, [
    [0, FD_BAD],
    [2, NUM_BAD],
    [3, NUM_BAD],
  ]);
  m("pwritev", () => [-1, iov1(), 1, 0], z.pwritev, [[3, NUM_BAD]]);
  m("preadv2", () => [f.memfd, iov1(), 1, 0, 0], z.preadv2, [
    [3, NUM_BAD.filter(([l]) => l !== "-1")],
    [4, FLAG_BAD],
  ]);
  m("pwritev2", () => [-1, iov1(), 1, 0, 0], z.pwritev2, [[3, NUM_BAD]]);
  m("close", () => [-1], z.close, [[0, FD_BAD]]);
  m("socket", () => [z.AF.INET, z.SOCK.STREAM, 0], z.socket, [
    [0, [["AF 12345", () => 12345], ...FLAG_BAD]],
    [1, [["type 99", () => 99], ...FLAG_BAD]],
    [2, [["proto 99999", () => 99999], ["NaN", () => NaN]]],
  ]);
  cases.push(
    one(
      Z,
      "socket",
      "AF_INET SOCK_STREAM IPPROTO_UDP",
      "errno",
      () => z.socket(z.AF.INET, z.SOCK.STREAM, z.IPPROTO.UDP),
    ),
    one(
      Z,
      "socket",
      "SCTP (absent from this kernel)",
      "errno",
      () => z.socket(z.AF.INET, z.SOCK.STREAM, 132),
    ),
  );
  m(
    "socketpair",
    () => [z.AF.UNIX, z.SOCK.STREAM, 0, new Int32Array(2)],
    z.socketpair,
    [
      [0, [["AF_INET", () => z.AF.INET], ["NaN", () => NaN]]],
      [3, [["Int32Array(1)", () => new Int32Array(1)], [
        "null",
        () => null,
      ]]],
    ],
  );
  m("bind", () => [f.sp[0], new Uint8Array(16), 16], z.bind, [
    [0, FD_BAD],
    [1, BUF_BAD],
    [2, [["17 > buffer", () => 17], ...NUM_BAD]],
  ]);
  cases.push(
    one(
      Z,
      "bind",
      "sockaddr_in on AF_UNIX socket",
      "errno",
      () => z.bind(f.sp[0], f.sa),
    ),
    one(Z, "bind", "truncated sockaddr_in (8 bytes)", "errno", () => {
      const fd = z.socket(z.AF.INET, z.SOCK.STREAM | z.SOCK.CLOEXEC, 0);
      const r = z.bind(fd, f.sa, 8);
      z.close(fd);
      return r;
    }),
  );
  m("connect", () => [-1, f.sa, 16], z.connect, [
    [0, FD_BAD],
    [1, BUF_BAD],
    [2, NUM_BAD],
  ]);
  m("listen", () => [-1, 16], z.listen, [[0, FD_BAD], [1, NUM_BAD]]);
  cases.push(
    one(Z, "listen", "on a socketpair end", "errno", () => z.listen(s0(), 8)),
  );
  m("accept", () => [f.listener, null, null], z.accept, [[0, FD_BAD]]);
  m(
    "accept4",
    () => [f.listener, new Uint8Array(16), new Uint32Array([16]), 0],
    z.accept4,
    [[1, BUF_BAD], [2, LEN_ARR_BAD], [3, FLAG_BAD]],
  );
  m("shutdown", () => [-1, 1], z.shutdown, [
    [0, FD_BAD],
    [1, [["how 7", () => 7], ...FLAG_BAD]],
  ]);
  m(
    "getsockname",
    () => [s0(), new Uint8Array(128), new Uint32Array([128])],
    z.getsockname,
    [[0, FD_BAD], [1, BUF_BAD], [2, LEN_ARR_BAD]],
  );
  m(
    "getpeername",
    () => [f.listener, new Uint8Array(128), new Uint32Array([128])],
    z.getpeername,
    [[0, FD_BAD.slice(0, 4)], [1, BUF_BAD], [2, LEN_ARR_BAD]],
  );
  m(
    "getsockopt",
    () => [
      s0(),
      z.SOL.SOCKET,
      z.SO.TYPE,
      new Uint8Array(4),
      new Uint32Array([4]),
    ],
    z.getsockopt,
    [
      [0, FD_BAD],
      [1, [["level 9999", () => 9999], ...FLAG_BAD]],
      [2, [["optname 9999", () => 9999], ...FLAG_BAD]],
      [3, BUF_BAD],
      [4, LEN_ARR_BAD],
    ],
  );
  m(
    "setsockopt",
    () => [s0(), z.SOL.SOCKET, 9999, new Uint8Array(4), 4],
    z.setsockopt,
    [[0, FD_BAD], [3, BUF_BAD], [4, NUM_BAD]],
  );
  m("recvfrom", () => [s0(), buf(), z.MSG.DONTWAIT, null, null], z.recvfrom, [
    [0, FD_BAD],
    [1, BUF_BAD],
    [3, [["16 bytes without length", () => new Uint8Array(16)]]],
    [4, LEN_ARR_BAD],
  ]);
  m("sendto", () => [-1, buf(), 0, null, 0], z.sendto, [
    [1, BUF_BAD],
    [4, [["16 with null addr", () => 16], ...NUM_BAD]],
  ]);
  cases.push(
    one(
      Z,
      "sendto",
      "addrlen 32 > 16-byte addr",
      "errno",
      () => z.sendto(s0(), buf(), 0, new Uint8Array(16), 32),
    ),
  );
  m("recvmsg", () => [s0(), new z.Msghdr().bytes, z.MSG.DONTWAIT], z.recvmsg, [
    [0, FD_BAD],
    [1, BUF_BAD],
    [2, FLAG_BAD],
  ]);
  m("sendmsg", () => [-1, new z.Msghdr().bytes, 0], z.sendmsg, [[1, BUF_BAD]]);
  cases.push(
    one(Z, "sendmsg", "msghdr with a garbage iov pointer", "errno", () => {
      const msg = new Uint8Array(56);
      const dv = new DataView(msg.buffer);
      dv.setUint32(16, 0x1000, true); // iov at an unmapped page
      dv.setUint32(24, 1, true);
      return z.sendmsg(s0(), msg, z.MSG.DONTWAIT);
    }),
    one(Z, "recvmsg", "msghdr with a huge iovlen", "errno", () => {
      const msg = new Uint8Array(56);
      const dv = new DataView(msg.buffer);
      dv.setUint32(24, 0x100000, true);
      return z.recvmsg(s0(), msg, z.MSG.DONTWAIT);
    }),
  );
  m(
    "recvmmsg",
    () => [s0(), new Uint8Array(64 * 4), 4, z.MSG.DONTWAIT, null],
    z.recvmmsg,
    [
      [1, BUF_BAD],
      [2, [["vlen 5 > buffer", () => 5], ...NUM_BAD]],
      [4, [["8-byte timeout", () => new Uint8Array(8)]]],
    ],
  );
  m("sendmmsg", () => [-1, new Uint8Array(64 * 4), 4, 0], z.sendmmsg, [
    [1, BUF_BAD],
    [2, [["vlen 5 > buffer", () => 5], ...NUM_BAD]],
  ]);
  m("ioUringSetup", () => [8, new Uint8Array(120)], z.ioUringSetup, [
    [0, [["0 entries", () => 0], ["2^20 entries", () => 2 ** 20], ...NUM_BAD]],
    [1, BUF_BAD],
  ]);
  cases.push(
    one(Z, "ioUringSetup", "unknown setup flags", "errno", () => {
      const p = new Uint8Array(120);
      new DataView(p.buffer).setUint32(8, 0x80000000, true);
      return z.ioUringSetup(8, p);
    }),
  );
  m("ioUringEnter", () => [-1, 1, 0, 0, null, 0], z.ioUringEnter, [
    [0, FD_BAD],
    [4, [["8-byte arg, argsz 16", () => new Uint8Array(8)]]],
    [5, NUM_BAD],
  ]);
  cases.push(
    one(
      Z,
      "ioUringEnter",
      "an eventfd as ring",
      "errno",
      () => z.ioUringEnter(f.efd, 1, 0, 0, null, 0),
    ),
  );
  m("ioUringEnter4", () => [-1, 1, 0, 0], z.ioUringEnter4, [
    [0, FD_BAD],
    [1, NUM_BAD],
    [3, FLAG_BAD],
  ]);
  cases.push(
    one(
      Z,
      "ioUringEnter4",
      "an eventfd as ring",
      "errno",
      () => z.ioUringEnter4(f.efd, 1, 0, 0),
    ),
  );
  m("ioUringEnterAsync", () => [-1, 1, 0, 0, null, 0], z.ioUringEnterAsync, [
    [0, FD_BAD.slice(0, 5)],
    [5, NUM_BAD.slice(0, 3)],
  ]);
  m("ioUringRegister", () => [-1, 0, null, 0], z.ioUringRegister, [
    [0, FD_BAD],
    [1, [["opcode 9999", () => 9999], ...FLAG_BAD]],
  ]);
  m(
    "mmap",
    () => [0, 4096, z.PROT.READ, z.MAP.PRIVATE | z.MAP.ANONYMOUS, -1, 0],
    z.mmap,
    [
      [1, [["0 length", () => 0], ...NUM_BAD]],
      [3, [["no MAP_PRIVATE/SHARED", () => z.MAP.ANONYMOUS]]],
      [5, [["unaligned offset", () => 123], ...NUM_BAD]],
    ],
  );
  cases.push(
    one(
      Z,
      "mmap",
      "MAP_SHARED of a closed fd",
      "errno",
      () => z.mmap(0, 4096, z.PROT.READ, z.MAP.SHARED, closedFd(), 0),
    ),
  );
  m("munmap", () => [4097, 4096], z.munmap, [
    [0, [
      ["unaligned 4097", () => 4097],
      ...NUM_BAD.filter(([l]) => l !== "0.5"),
    ]],
    [1, [["0 length", () => 0], ...NUM_BAD.slice(0, 4)]],
  ]);
  m("eventfd2", () => [0, 0], z.eventfd2, [
    [0, NUM_BAD],
    [1, [["unknown flags", () => 0x1000000], ...FLAG_BAD]],
  ]);
  m("pipe2", () => [new Int32Array(2), 0], z.pipe2, [
    [0, [["Int32Array(1)", () => new Int32Array(1)], ["null", () => null]]],
    [1, [["unknown flags", () => 0x1]]],
  ]);
  m("memfdCreate", () => ["x", 0], z.memfdCreate, [
    [0, [
      ["NUL inside", () => "a\0b"],
      ["bytes without NUL", () => new Uint8Array([65, 66])],
      ["250-char name", () => "n".repeat(250)],
      ["number", () => 5],
      ["null", () => null],
    ]],
    [1, [["unknown flags", () => 0x40000000], ...FLAG_BAD]],
  ]);
  m("signalfd4", () => [-2, z.sigsetOf(z.SIG.USR1), 8, 0], z.signalfd4, [
    // fd -1 is valid here: it asks for a new signalfd.
    [0, FD_BAD.slice(1, 4)],
    [1, BUF_BAD],
    [2, [["sizemask 4", () => 4], ...NUM_BAD]],
  ]);
  m("timerfdCreate", () => [z.CLOCK.MONOTONIC, 0], z.timerfdCreate, [
    [0, [["clock 99", () => 99], ...FLAG_BAD]],
    [1, [["unknown flags", () => 0x1]]],
  ]);
  m(
    "timerfdSettime",
    () => [f.tfd, 0, new z.Itimerspec().bytes, null],
    z.timerfdSettime,
    [
      [0, FD_BAD],
      [1, [["unknown flags", () => 0x100]]],
      [2, BUF_BAD],
      [3, [["8 bytes", () => new Uint8Array(8)]]],
    ],
  );
  cases.push(
    one(Z, "timerfdSettime", "nsec = 1e9", "errno", () => {
      const b = new Uint8Array(32);
      new DataView(b.buffer).setUint32(24, 1e9, true);
      return z.timerfdSettime(f.tfd, 0, b, null);
    }),
  );
  m("timerfdGettime", () => [f.tfd, new Uint8Array(32)], z.timerfdGettime, [
    [0, FD_BAD],
    [1, BUF_BAD],
  ]);
  m("pidfdOpen", () => [Deno.pid, 0], z.pidfdOpen, [
    [0, [["pid 0", () => 0], ["-1", () => -1], ["NaN", () => NaN]]],
    [1, [["unknown flags", () => 0x1]]],
  ]);
  m("pidfdGetfd", () => [-1, 0, 0], z.pidfdGetfd, [[0, FD_BAD]]);
  m("pidfdSendSignal", () => [-1, 0, null, 0], z.pidfdSendSignal, [
    [0, FD_BAD],
    [2, [["8-byte info", () => new Uint8Array(8)]]],
  ]);
  m("splice", () => [f.pipe[0], null, -1, null, 64, 0], z.splice, [
    [1, [["BigInt64Array(0)", () => new BigInt64Array(0)]]],
    [2, FD_BAD.slice(0, 4)],
    [4, NUM_BAD.slice(0, 3)],
  ]);
  m("tee", () => [f.pipe[0], -1, 64, 0], z.tee, [
    [1, FD_BAD.slice(0, 4)],
    [2, NUM_BAD.slice(0, 3)],
  ]);
  m("vmsplice", () => [-1, iov1(), 1, 0], z.vmsplice, [
    [0, FD_BAD.slice(0, 4)],
    [1, BUF_BAD],
    [2, NUM_BAD.slice(0, 3)],
  ]);
  m("poll", () => [new z.PollFds(1).set(0, -1, 1).bytes, 1, 0], z.poll, [
    [0, BUF_BAD],
    [1, [["nfds 2 > buffer", () => 2], ...NUM_BAD.slice(0, 3)]],
    [2, [["NaN", () => NaN], ["1.5", () => 1.5]]],
  ]);
  m(
    "pollAsync",
    () => [new z.PollFds(1).set(0, -1, 1).bytes, 1, 0],
    z.pollAsync,
    [[0, BUF_BAD], [1, [["nfds 2 > buffer", () => 2], ["NaN", () => NaN]]]],
  );
  m("epollCreate1", () => [0], z.epollCreate1, [
    [0, [["unknown flags", () => 0x1], ...FLAG_BAD]],
  ]);
  m(
    "epollCtl",
    () => [f.ep, z.EPOLL.CTL_ADD, f.efd, new z.EpollEvents(1).bytes],
    z.epollCtl,
    [
      [0, FD_BAD],
      [1, [["op 99", () => 99], ...FLAG_BAD]],
      [2, FD_BAD.slice(0, 4)],
      [3, [["4 bytes", () => new Uint8Array(4)], ["null for ADD", () => null]]],
    ],
  );
  cases.push(
    one(
      Z,
      "epollCtl",
      "epoll fd added to itself",
      "errno",
      () => z.epollCtl(f.ep, z.EPOLL.CTL_ADD, f.ep, new z.EpollEvents(1).bytes),
    ),
    one(
      Z,
      "epollCtl",
      "regular memfd (no poll support)",
      "errno",
      () =>
        z.epollCtl(f.ep, z.EPOLL.CTL_ADD, f.memfd, new z.EpollEvents(1).bytes),
    ),
  );
  m("epollWait", () => [f.ep, new z.EpollEvents(4).bytes, 4, 0], z.epollWait, [
    [0, FD_BAD],
    [1, BUF_BAD],
    [2, [["0", () => 0], ["5 > buffer", () => 5], ...NUM_BAD]],
  ]);
  m(
    "epollWaitAsync",
    () => [f.ep, new z.EpollEvents(4).bytes, 4, 0],
    z.epollWaitAsync,
    [[0, FD_BAD.slice(0, 4)], [2, [["0", () => 0], ["5 > buffer", () => 5]]]],
  );

  // Struct classes and memory helpers: typed throws.
  const t = (fn: string, input: string, call: () => unknown) =>
    cases.push(one(Z, fn, input, "throws", call));
  const pool = (...extra: Bad[]): Bad[] => [...NUM_BAD, ...extra];
  const each = (
    fn: string,
    what: string,
    bads: Bad[],
    f: (v: unknown) => unknown,
  ) => {
    for (const [label, v] of bads) t(fn, `${what} ${label}`, () => f(v()));
  };
  const n = (v: unknown) => v as number;
  each(
    "Iovecs",
    "count",
    pool(["0", () => 0], ["1025", () => 1025]),
    (v) => new z.Iovecs(n(v)),
  );
  each(
    "Mmsghdrs",
    "count",
    pool(["0", () => 0], ["1025", () => 1025]),
    (v) => new z.Mmsghdrs(n(v), 64),
  );
  each(
    "Mmsghdrs",
    "payloadSize",
    pool(["0", () => 0]),
    (v) => new z.Mmsghdrs(2, n(v)),
  );
  each(
    "PollFds",
    "count",
    pool(["0", () => 0], ["65537", () => 65537]),
    (v) => new z.PollFds(n(v)),
  );
  each(
    "EpollEvents",
    "count",
    pool(["0", () => 0]),
    (v) => new z.EpollEvents(n(v)),
  );
  each(
    "Iovecs.set",
    "index",
    pool(["1 of 1", () => 1]),
    (v) => new z.Iovecs(1).set(n(v), new Uint8Array(4)),
  );
  each(
    "Iovecs.set",
    "length",
    pool(["5 > 4", () => 5]),
    (v) => new z.Iovecs(1).set(0, new Uint8Array(4), n(v)),
  );
  each(
    "Iovecs.setLength",
    "length",
    pool(["5 > 4", () => 5]),
    (v) => new z.Iovecs(1).set(0, new Uint8Array(4)).setLength(0, n(v)),
  );
  each(
    "PollFds.set",
    "index",
    pool(["1 of 1", () => 1]),
    (v) => new z.PollFds(1).set(n(v), 0, 1),
  );
  each(
    "EpollEvents.set",
    "index",
    pool(["1 of 1", () => 1]),
    (v) => new z.EpollEvents(1).set(n(v), 1, 1),
  );
  const neg = NUM_BAD.filter(([l]) => l !== "2^53");
  each("Timespec", "sec", neg, (v) => new z.Timespec(n(v), 0));
  each(
    "Timespec",
    "nsec",
    pool(["1e9", () => 1e9]),
    (v) => new z.Timespec(0, n(v)),
  );
  each(
    "Timespec.fromMillis",
    "ms",
    neg.filter(([l]) => l !== "0.5"),
    (v) => z.Timespec.fromMillis(n(v)),
  );
  each(
    "Itimerspec.setValue",
    "nsec",
    pool(["1e9", () => 1e9]),
    (v) => new z.Itimerspec().setValue(0, n(v)),
  );
  each(
    "Itimerspec.setInterval",
    "sec",
    neg,
    (v) => new z.Itimerspec().setInterval(n(v), 0),
  );
  each(
    "Mapping.anonymous",
    "length",
    pool(["0", () => 0], ["2^60", () => 2 ** 60]),
    (v) => z.Mapping.anonymous(n(v)),
  );
  each("unsafeArrayBuffer", "address", [
    ...NUM_BAD.filter(([l]) => l !== "2^53"),
    ["0", () => 0],
  ], (v) => z.unsafeArrayBuffer(n(v), 16));
  each(
    "unsafeArrayBuffer",
    "length",
    pool(["0", () => 0]).filter(([l]) => l !== "2^53"),
    (v) => z.unsafeArrayBuffer(4096, n(v)),
  );
  each(
    "sigsetOf",
    "signal",
    pool(["0", () => 0], ["65", () => 65]),
    (v) => z.sigsetOf(n(v)),
  );
  t("Mmsghdrs", "nameSize 129", () => new z.Mmsghdrs(1, 8, 129));
  t(
    "Mmsghdrs.setLength",
    "beyond payload",
    () => new z.Mmsghdrs(1, 8).setLength(0, 9),
  );
  t("Msghdr", "20-byte backing", () => new z.Msghdr(new Uint8Array(20)));
  t(
    "Msghdr.setName",
    "length > buffer",
    () => new z.Msghdr().setName(new Uint8Array(4), 5),
  );
  t(
    "Msghdr.setControl",
    "length > buffer",
    () => new z.Msghdr().setControl(new Uint8Array(4), 5),
  );
  t(
    "Msghdr.setBuffers",
    "2000 buffers (> IOV_MAX)",
    () =>
      new z.Msghdr().setBuffers(
        Array.from({ length: 2000 }, () => new Uint8Array(1)),
      ),
  );
  t(
    "Mapping",
    "unaligned offset",
    () => new z.Mapping(4096, z.PROT.READ, z.MAP.SHARED, f.memfd, 100),
  );
  t(
    "Mapping",
    "closed fd",
    () => new z.Mapping(4096, z.PROT.READ, z.MAP.SHARED, closedFd(), 0),
  );
  t("Mapping.buffer", "after close", () => {
    const mm = z.Mapping.anonymous(4096);
    mm.close();
    return mm.buffer;
  });
  t("Mapping.address", "after close", () => {
    const mm = z.Mapping.anonymous(4096);
    mm.close();
    mm.close(); // double close is idempotent
    return mm.address;
  });
  t("Mapping view", "write after close", () => {
    const mm = z.Mapping.anonymous(4096);
    const view = new Uint8Array(mm.buffer);
    mm.close();
    // A detached view has length 0: the write must not land anywhere.
    view[0] = 1;
    if (view.length !== 0 || view[0] !== undefined) return "wrote";
    throw new RangeError("detached view is empty (expected)");
  });
  return cases;
}
