/**
 * The bad-input catalogue: public functions of zcall, sock and uring called
 * with invalid arguments, one parameter at a time, and each outcome
 * classified.
 *
 * Contracts checked:
 * - zcall syscall wrappers return `-errno` and never throw;
 * - zcall's struct classes, sock and uring throw a clear typed error
 *   (`TypeError`, `RangeError`, `ReferenceError` for use-after-close, or a
 *   layer error carrying `errno` and `code`);
 * - nothing crashes the process, and no bad input silently succeeds.
 *
 * Run it as a program (it is spawned by tests/reliability_bad_input_test.ts
 * and stress/run.ts, so fd-number cases never touch the descriptors of other
 * test files sharing a `deno test --parallel` process):
 * `deno run -A tests/_util/bad_input.ts` prints one `BAD_INPUT {json}` line.
 *
 * @example
 * ```ts
 * import { runCatalogue } from "./bad_input.ts";
 * const report = await runCatalogue();
 * console.log(report.total, report.violations.length);
 * ```
 *
 * @module
 */

import * as z from "../../zcall/mod.ts";
import * as s from "../../sock/mod.ts";
import * as u from "../../uring/mod.ts";
import * as uraw from "../../uring/raw.ts";

/** Which layer a case exercises. */
export type Layer = "zcall" | "sock" | "uring";

/**
 * What the contract demands of a case: `errno`, a negative result;
 * `throws`, a typed error; `noThrow`, no error at all (double close/stop,
 * views read after stop, would-block values).
 */
export type Expect = "errno" | "throws" | "noThrow";

/** One bad-input call. */
export interface BadCase {
  /** Layer of the function. */
  layer: Layer;
  /** Function or method name. */
  fn: string;
  /** The invalid input, described. */
  input: string;
  /** `errno`: must return a negative integer; `throws`: a typed error. */
  expect: Expect;
  /** Makes the call (may return a promise). */
  call: () => unknown;
}

/** How a case ended. */
export type Kind =
  | "errno" // returned -errno (zcall contract)
  | "benign" // a zero-length or detached buffer: returned 0, touched nothing
  | "typed" // threw a clear typed error
  | "incidental" // threw a TypeError, but from V8/FFI plumbing, not a check
  | "threw" // a zcall syscall wrapper threw (contract: never throws)
  | "accepted" // bad input silently succeeded
  | "untyped" // threw a plain Error or a non-Error
  | "ok" // a noThrow case returned
  | "threwUnexpectedly"; // a noThrow case threw

/** The classified result of one case. */
export interface Outcome {
  /** Layer. */
  layer: Layer;
  /** Function name. */
  fn: string;
  /** The input. */
  input: string;
  /** Classification. */
  kind: Kind;
  /** Return value or error text. */
  detail: string;
}

/** The report of a catalogue run. */
export interface Report {
  /** Cases run. */
  total: number;
  /** Cases per layer. */
  byLayer: Record<string, number>;
  /** Cases per outcome kind. */
  byKind: Record<string, number>;
  /** Outcomes that break a contract and match no known finding. */
  violations: Outcome[];
  /** Outcomes that break a contract but match a known finding, by finding id. */
  known: Record<string, number>;
  /** Up to three examples per known finding. */
  knownExamples: Record<string, Outcome[]>;
  /** Exported zcall/sock/uring functions with no case (coverage gaps). */
  uncovered: string[];
}

/**
 * Known findings: deviations already reported, matched by pattern so a new
 * kind of failure still fails the suite. Each id is described in the report.
 *
 * @example
 * ```ts
 * import { KNOWN_FINDINGS } from "./bad_input.ts";
 * for (const [id, f] of Object.entries(KNOWN_FINDINGS)) console.log(id, f.about);
 * ```
 */
export const KNOWN_FINDINGS: Record<
  string,
  { about: string; match: (o: Outcome) => boolean }
> = {
  "Z1-ffi-number": {
    about: "zcall passes numbers straight to FFI int params: NaN, Infinity, " +
      "non-integers, out-of-range or non-number arguments make Deno throw " +
      "TypeError('Invalid FFI ...') instead of returning -EINVAL",
    match: (o) =>
      o.layer === "zcall" && (o.kind === "threw" || o.kind === "incidental") &&
      /Invalid FFI|expected (un)?signed integer|expected integer|expected number|Cannot convert/
        .test(o.detail),
  },
  "S1-iooptions-signal": {
    about:
      "sock: read/write IoOptions.signal is not validated: { signal: 5 } " +
      "fails deep in the reactor (signal.addEventListener is not a " +
      "function) and leaves a waiter behind: the socket's close() then " +
      "throws 'w.signal.removeEventListener is not a function' from the " +
      "reactor before close(2), so the descriptor leaks (fix: check " +
      "signal instanceof AbortSignal at the top of sock/_reactor.ts wait())",
    match: (o) =>
      o.layer === "sock" &&
      (/signal: 5/.test(o.input) ||
        (o.fn === "cleanup" && /removeEventListener/.test(o.detail))),
  },
  "S2-setaddr-bytes": {
    about: "sock: SockaddrInet4.setAddr / the constructor take bytes > 255 " +
      "and silently truncate them (256 becomes 0)",
    match: (o) =>
      o.layer === "sock" && o.kind === "accepted" && /byte 256/.test(o.input),
  },
  "S3-incidental-typeerror": {
    about:
      "sock: a few entry points read properties of a null argument before " +
      "checking it (decodeSockaddr(null): V8's 'Cannot read properties of " +
      "null'): a TypeError, but not a clear one",
    match: (o) => o.layer === "sock" && o.kind === "incidental",
  },
  "U1-ctx-unchecked": {
    about:
      "uring: prep methods (nop, read, write, send, timeout, pollAdd, close, " +
      "asyncCancel, keepAlive) do not check ctx is an SQEContext: {} or 5 " +
      "submits an SQE with user_data 0, null gives V8's 'Cannot read " +
      "properties of null' (the hot path skips a brand check)",
    match: (o) =>
      o.layer === "uring" && /^ctx /.test(o.input) &&
      (o.kind === "accepted" || o.kind === "incidental"),
  },
  "U2-op-options-unchecked": {
    about: "uring: OpOptions are not range-checked at prep time (offset NaN, " +
      "flags 999/-1): the SQE is queued and the kernel's CQE reports " +
      "-EINVAL (or the value is truncated)",
    match: (o) =>
      o.layer === "uring" && o.kind === "accepted" &&
      /offset NaN|flags 999|flags -1/.test(o.input),
  },
  "U3-wait-cqes-unchecked": {
    about: "uring: wait(cqes) does not check its array: [], null or [{}] " +
      "return 0 while nothing is pending (null would throw V8's TypeError " +
      "once a completion is ready)",
    match: (o) =>
      o.layer === "uring" && o.fn === "Uring.wait" && /^cqes /.test(o.input),
  },
  "U4-raw-prep-index": {
    about: "uring: the raw prep* helpers write at whatever index they are " +
      "given: -1 or beyond the SQ array is a silent no-op (typed-array " +
      "bounds keep memory safe)",
    match: (o) => o.layer === "uring" && o.fn.startsWith("prep"),
  },
  "U5-incidental-typeerror": {
    about:
      "uring: registerFiles(null) and ContextPools.putExtended(null) fail " +
      "with V8's TypeError rather than a checked one",
    match: (o) => o.layer === "uring" && o.kind === "incidental",
  },
  "U6-resize-zero": {
    about: "uring: resizeRings(0) is accepted silently",
    match: (o) => o.fn === "Uring.resizeRings" && o.input === "0",
  },
  "Z4-syscall6-nan": {
    about:
      "zcall: syscall6/syscall4 pass in-range doubles through as the raw " +
      "syscall ABI does (NaN, infinities and out-of-int64 values now give " +
      "-EINVAL): 2^32 as an fd is truncated by the kernel to fd 0, exactly " +
      "as from C (by design: raw semantics)",
    match: (o) =>
      o.layer === "zcall" && o.fn === "syscall6" && o.kind === "accepted",
  },
  "Z2-wrong-type-buffer": {
    about:
      "zcall dereferences buffer arguments before checking them: null or a " +
      "non-TypedArray gives a V8 TypeError instead of -EFAULT",
    match: (o) =>
      o.layer === "zcall" && (o.kind === "threw" || o.kind === "incidental") &&
      /Cannot read properties|is not a function|Invalid FFI buffer|not iterable|Cannot mix BigInt/
        .test(o.detail),
  },
};

// ---- value pools -----------------------------------------------------------

/** A descriptor number that was valid a moment ago (EBADF now). */
function closedFd(): number {
  const fd = z.eventfd2(0, z.EFD.CLOEXEC);
  z.close(fd);
  return fd;
}

type Bad = [label: string, value: () => unknown];

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

// Shared fixtures of the zcall cases, opened by zcallCases' caller.
interface Fixtures {
  sp: Int32Array; // non-blocking AF_UNIX stream pair
  efd: number; // eventfd
  ep: number; // epoll
  memfd: number;
  pipe: Int32Array;
  tfd: number;
  listener: number; // TCP listening on 127.0.0.1:0
  sa: Uint8Array; // its sockaddr_in
}

function openFixtures(): Fixtures {
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

function closeFixtures(f: Fixtures): void {
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

/** The zcall cases (fixtures must stay open while they run). */
// Kept alive for the raw-address cases.
const fixtureBuf = new Uint8Array(64);

function zcallCases(f: Fixtures): BadCase[] {
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

// ---- running ---------------------------------------------------------------

function isTypedError(e: unknown): boolean {
  // Rejecting with an aborted signal's reason is the web platform's way
  // (fetch, streams): a DOMException named AbortError.
  if (e instanceof DOMException && e.name === "AbortError") return true;
  if (
    e instanceof TypeError || e instanceof RangeError ||
    e instanceof ReferenceError
  ) return true;
  if (!(e instanceof Error)) return false;
  const rec = e as unknown as { errno?: unknown; code?: unknown };
  // A layer error: its own class, with errno and code.
  return e.constructor !== Error && typeof rec.errno === "number" &&
    typeof rec.code === "string";
}

// V8 / FFI plumbing messages: a TypeError, but not from a validation.
const INCIDENTAL =
  /Cannot read properties|is not a function|Invalid FFI|is not iterable|Cannot convert|Cannot mix BigInt|not a constructor|Detached|detached ArrayBuffer/;

function describe(v: unknown): string {
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  if (v instanceof Error) return `${v.name}: ${v.message}`;
  const s = Object.prototype.toString.call(v);
  return s;
}

let TRACE = false;
try {
  TRACE = Deno.env.get("KERNIO_BAD_TRACE") === "1";
} catch {
  // no env permission: no tracing
}

/** Raised when an awaited case neither settles nor fails within 5 s. */
class HungError extends Error {
  constructor() {
    super("the promise did not settle within 5 s");
    this.name = "HungError";
  }
}

// A bad input must fail fast: an operation left pending is a finding too.
async function withTimeout(p: Promise<unknown>): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new HungError()), 5000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Classifies one case (awaiting promises).
 *
 * @example
 * ```ts
 * import { runCase } from "./bad_input.ts";
 * const o = await runCase({
 *   layer: "zcall",
 *   fn: "close",
 *   input: "-1",
 *   expect: "errno",
 *   call: () => -9,
 * });
 * o.kind; // "errno"
 * ```
 */
export async function runCase(c: BadCase): Promise<Outcome> {
  const base = { layer: c.layer, fn: c.fn, input: c.input };
  let value: unknown;
  if (TRACE) console.error(`case ${c.layer} ${c.fn} | ${c.input}`);
  try {
    value = c.call();
    if (value instanceof Promise) value = await withTimeout(value);
  } catch (e) {
    const detail = describe(e);
    if (c.expect === "noThrow") {
      return { ...base, kind: "threwUnexpectedly", detail };
    }
    if (!(e instanceof Error) || !isTypedError(e)) {
      return { ...base, kind: "untyped", detail };
    }
    if (c.expect === "errno") return { ...base, kind: "threw", detail };
    if (e instanceof TypeError && INCIDENTAL.test(e.message)) {
      return { ...base, kind: "incidental", detail };
    }
    return { ...base, kind: "typed", detail };
  }
  if (c.expect === "noThrow") {
    return { ...base, kind: "ok", detail: describe(value) };
  }
  if (c.expect === "errno") {
    if (typeof value === "number" && Number.isInteger(value) && value < 0) {
      return { ...base, kind: "errno", detail: z.errnoName(value) };
    }
    if (value === 0 && /= (empty|detached)$/.test(c.input)) {
      return { ...base, kind: "benign", detail: "0" };
    }
    // A bad input that created something: close it so the run stays clean.
    if (
      typeof value === "number" && Number.isInteger(value) && value > 2 &&
      /socket|eventfd|pidfd|memfd|timerfdCreate|signalfd|epollCreate|accept|ioUringSetup/
        .test(c.fn)
    ) z.close(value);
    return { ...base, kind: "accepted", detail: describe(value) };
  }
  return { ...base, kind: "accepted", detail: describe(value) };
}

const ok = new Set<Kind>(["errno", "typed", "benign", "ok"]);

/** Extra case sources registered by the layers' catalogues. */
export type CaseSource = () => Promise<
  { cases: BadCase[]; cleanup: () => void | Promise<void> }
>;

/** The exported function/class names of a module namespace. */
function exportedCallables(ns: Record<string, unknown>): string[] {
  return Object.keys(ns).filter((k) => typeof ns[k] === "function");
}

/**
 * Runs every case (zcall, plus the sock and uring catalogues when those
 * modules load) and returns the classified report.
 *
 * @example
 * ```ts
 * import { runCatalogue, sockSource, uringSource } from "./bad_input.ts";
 * const r = await runCatalogue([sockSource, uringSource]);
 * console.log(r.total, r.violations.length);
 * ```
 */
export async function runCatalogue(
  extra: CaseSource[] = [],
): Promise<Report> {
  const f = openFixtures();
  const outcomes: Outcome[] = [];
  const covered = new Set<string>();
  try {
    const sources: CaseSource[] = [
      () => Promise.resolve({ cases: zcallCases(f), cleanup: () => {} }),
      ...extra,
    ];
    for (const src of sources) {
      const { cases, cleanup } = await src();
      try {
        for (const c of cases) {
          covered.add(`${c.layer}:${c.fn.split(/[.( ]/)[0]}`);
          outcomes.push(await runCase(c));
        }
      } finally {
        // A fixture that cannot be closed cleanly after the cases is a
        // finding of its own (a bad input left state behind).
        try {
          await cleanup();
        } catch (e) {
          outcomes.push({
            layer: cases[0]?.layer ?? "zcall",
            fn: "cleanup",
            input: "closing the fixtures after the cases",
            kind: "untyped",
            detail: describe(e),
          });
        }
      }
    }
  } finally {
    closeFixtures(f);
  }
  const report: Report = {
    total: outcomes.length,
    byLayer: {},
    byKind: {},
    violations: [],
    known: {},
    knownExamples: {},
    uncovered: [],
  };
  for (const o of outcomes) {
    report.byLayer[o.layer] = (report.byLayer[o.layer] ?? 0) + 1;
    report.byKind[o.kind] = (report.byKind[o.kind] ?? 0) + 1;
    if (ok.has(o.kind)) continue;
    const id = Object.keys(KNOWN_FINDINGS).find((k) =>
      KNOWN_FINDINGS[k].match(o)
    );
    if (id === undefined) {
      report.violations.push(o);
    } else {
      report.known[id] = (report.known[id] ?? 0) + 1;
      const ex = report.knownExamples[id] ??= [];
      if (ex.length < 3) ex.push(o);
    }
  }
  const zNames = exportedCallables(z as unknown as Record<string, unknown>)
    .filter((n) =>
      !/^(errno|libraryFileName|libraryUrl|LibraryLoadError|MappingError|unsafeAddressOf|unsafePointer|detach|getpid|gettid|syscall6Big)/
        .test(n)
    );
  for (const n of zNames) {
    if (!covered.has(`zcall:${n}`)) report.uncovered.push(`zcall:${n}`);
  }
  return report;
}

// ---- sock and uring --------------------------------------------------------

const tc = (
  layer: "sock" | "uring",
  fn: string,
  input: string,
  call: () => unknown,
): BadCase => ({ layer, fn, input, expect: "throws", call });

const noThrow = (
  layer: "sock" | "uring",
  fn: string,
  input: string,
  call: () => unknown,
): BadCase => ({ layer, fn, input, expect: "noThrow", call });

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
 * import { runCatalogue, sockSource } from "./bad_input.ts";
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

/**
 * uring: ring lifecycle, prep methods, buffer rings, driver, codecs.
 *
 * @example
 * ```ts
 * import { runCatalogue, uringSource } from "./bad_input.ts";
 * await runCatalogue([uringSource]);
 * ```
 */
export const uringSource: CaseSource = () => {
  const U = "uring" as const;
  const cases: BadCase[] = [];
  const ring = new u.Uring({ entries: 8 });
  ring.start();
  const ctx = u.forFD(0);
  const cqes = u.CQEView.array(8);
  const drain = () => {
    for (let i = 0; i < 100 && ring.wait(cqes) > 0; i++);
  };
  const ENTRIES_BAD: Bad[] = [
    ["0", () => 0],
    ["-1", () => -1],
    ["NaN", () => NaN],
    ["1.5", () => 1.5],
    ['"8"', () => "8"],
    ["Infinity", () => Infinity],
    ["2^20 + 1", () => 2 ** 20 + 1],
  ];
  for (const [label, v] of ENTRIES_BAD) {
    cases.push(tc(U, "Uring", `entries ${label}`, () => {
      const r = new u.Uring({ entries: v() as number });
      r.stop();
    }));
    cases.push(tc(U, "UringDriver", `entries ${label}`, async () => {
      const d = new u.UringDriver({ entries: v() as number });
      await d.close();
    }));
    cases.push(
      tc(U, "CQEView.array", label, () => u.CQEView.array(v() as number)),
    );
    cases.push(
      tc(U, "DirectCQE.array", label, () => u.DirectCQE.array(v() as number)),
    );
    cases.push(
      tc(
        U,
        "ContextPools",
        `capacity ${label}`,
        () => new u.ContextPools(v() as number),
      ),
    );
  }
  cases.push(
    tc(
      U,
      "Uring",
      "cqEntries < entries",
      () => new u.Uring({ entries: 64, cqEntries: 8 }).stop(),
    ),
    tc(U, "Uring", "options null", () => new u.Uring(null as never).stop()),
    tc(
      U,
      "Uring",
      "lockedBufferMem -1",
      () => new u.Uring({ lockedBufferMem: -1 }).stop(),
    ),
    tc(U, "Uring.submit", "before start", () => {
      const r = new u.Uring({ entries: 8 });
      try {
        r.nop(ctx);
        return r.submit();
      } finally {
        r.stop();
      }
    }),
    tc(U, "Uring.start", "twice", () => ring.start()),
  );
  // Every public method after stop(): RingClosedError (or a typed error).
  const afterStop: [string, (r: u.Uring) => unknown][] = [
    ["submit", (r) => r.submit()],
    ["wait", (r) => r.wait(cqes)],
    ["waitBlocking", (r) => r.waitBlocking(cqes, 1, 0)],
    ["waitDirect", (r) => r.waitDirect(u.DirectCQE.array(1))],
    ["nop", (r) => r.nop(ctx)],
    ["read", (r) => r.read(ctx, new Uint8Array(8))],
    ["write", (r) => r.write(ctx, new Uint8Array(8))],
    ["send", (r) => r.send(ctx, new Uint8Array(8))],
    ["timeout", (r) => r.timeout(ctx, 10)],
    ["close", (r) => r.close(ctx)],
    ["start", (r) => r.start()],
    ["getSqe", (r) => r.getSqe()],
    ["registerFiles", (r) => r.registerFiles([0])],
    ["registerBuffers", (r) => r.registerBuffers([new Uint8Array(4096)])],
    ["probe", (r) => r.probe()],
    ["eventfd", (r) => r.eventfd()],
    ["resizeRings", (r) => r.resizeRings(16)],
    ["cancelPending", (r) => r.cancelPending()],
    ["extSQE", (r) => r.extSQE()],
    ["fd", (r) => r.fd],
  ];
  for (const [m, call] of afterStop) {
    cases.push(tc(U, `Uring.${m}`, "after stop", () => {
      const r = new u.Uring({ entries: 8 });
      r.start();
      r.stop();
      return call(r);
    }));
  }
  cases.push(
    noThrow(U, "Uring.stop", "twice", () => {
      const r = new u.Uring({ entries: 8 });
      r.stop();
      r.stop();
    }),
    {
      layer: U,
      fn: "Uring.sqeWords",
      input: "view used after stop",
      expect: "noThrow",
      call: () => {
        const r = new u.Uring({ entries: 8 });
        r.start();
        const w = r.sqeWords;
        r.stop();
        // The old view must be detached (length 0): writes go nowhere.
        w[0] = 0xdeadbeef;
        if (w.length !== 0) {
          throw new Error(`view still ${w.length} words long`);
        }
      },
    },
    noThrow(
      U,
      "Uring.nop",
      "oversize batch (9 on an 8-entry SQ, no submit)",
      () => {
        let ok = 0;
        for (let i = 0; i < 9; i++) if (ring.nop(ctx)) ok++;
        drain();
        return ok;
      },
    ),
  );
  // Bad arguments to a live ring's prep methods.
  const CTX_BAD: Bad[] = [
    ["null", () => null],
    ["{}", () => ({})],
    ["5", () => 5],
    ["undefined", () => undefined],
  ];
  const preps: [string, (c: u.SQEContext) => unknown][] = [
    ["nop", (c) => ring.nop(c)],
    ["read", (c) => ring.read(c, new Uint8Array(8))],
    ["write", (c) => ring.write(c, new Uint8Array(8))],
    ["send", (c) => ring.send(c, new Uint8Array(8))],
    ["timeout", (c) => ring.timeout(c, 1)],
    ["pollAdd", (c) => ring.pollAdd(c, 1)],
    ["close", (c) => ring.close(c)],
    ["asyncCancel", (c) => ring.asyncCancel(c, ctx)],
  ];
  for (const [m, call] of preps) {
    for (const [label, v] of CTX_BAD) {
      cases.push(tc(U, `Uring.${m}`, `ctx ${label}`, () => {
        try {
          return call(v() as u.SQEContext);
        } finally {
          drain();
        }
      }));
    }
  }
  const live: [string, string, () => unknown][] = [
    ["read", "buffer null", () => ring.read(ctx, null as never)],
    ["read", 'buffer "abc"', () => ring.read(ctx, "abc" as never)],
    ["write", "buffer {}", () => ring.write(ctx, {} as never)],
    [
      "send",
      "n beyond buffer",
      () => ring.send(ctx, new Uint8Array(4), { n: 99 }),
    ],
    [
      "read",
      "offset NaN",
      () => ring.read(ctx, new Uint8Array(4), { offset: NaN }),
    ],
    ["nop", "flags 999", () => ring.nop(ctx, { flags: 999 })],
    ["nop", "flags -1", () => ring.nop(ctx, { flags: -1 })],
    ["timeout", "ms NaN", () => ring.timeout(ctx, NaN)],
    ["timeout", "ms -1", () => ring.timeout(ctx, -1)],
    ["timeout", 'ms "10"', () => ring.timeout(ctx, "10" as never)],
    ["linkTimeout", "ms Infinity", () => ring.linkTimeout(ctx, Infinity)],
    ["pollAdd", "events NaN", () => ring.pollAdd(ctx, NaN)],
    ["shutdown", "how 9", () => ring.shutdown(ctx, 9)],
    ["wait", "cqes []", () => ring.wait([])],
    ["wait", "cqes null", () => ring.wait(null as never)],
    ["wait", "cqes [{}]", () => ring.wait([{}] as never)],
    ["waitBlocking", "timeout NaN", () => ring.waitBlocking(cqes, 1, NaN)],
    ["waitBlocking", "minComplete -1", () => ring.waitBlocking(cqes, -1, 0)],
    ["registerFiles", "fd -5", () => ring.registerFiles([-5])],
    ["registerFiles", "fd NaN", () => ring.registerFiles([NaN])],
    ["registerFiles", "null", () => ring.registerFiles(null as never)],
    ["registerFilesSparse", "count 0", () => ring.registerFilesSparse(0)],
    [
      "registerFilesSparse",
      "count 2^31",
      () => ring.registerFilesSparse(2 ** 31),
    ],
    ["registerBuffers", "[]", () => ring.registerBuffers([])],
    ["registerBuffers", "[null]", () => ring.registerBuffers([null as never])],
    ["resizeRings", "0", () => ring.resizeRings(0)],
    ["resizeRings", "NaN", () => ring.resizeRings(NaN)],
    ["register", "opcode 9999", () => ring.register(9999, null, 0)],
    ["registerEventfd", "fd -1", () => ring.registerEventfd(-1)],
    ["keepAlive", "ctx null", () => ring.keepAlive(null as never, {})],
  ];
  for (const [m, what, call] of live) {
    cases.push(tc(U, `Uring.${m}`, what, () => {
      try {
        return call();
      } finally {
        drain();
      }
    }));
  }
  // Buffer rings.
  const BR_BAD: [string, Partial<u.BufferRingOptions>][] = [
    ["groupId -1", { groupId: -1 }],
    ["groupId 65536", { groupId: 65536 }],
    ["entries 0", { entries: 0 }],
    ["entries 40000", { entries: 40000 }],
    ["entries NaN", { entries: NaN }],
    ["bufferSize 0", { bufferSize: 0 }],
    ["bufferSize 2^32", { bufferSize: 2 ** 32 }],
    ["count > entries", { count: 64 }],
    ["count -1", { count: -1 }],
  ];
  for (const [what, o] of BR_BAD) {
    cases.push(tc(U, "BufferRing.register", what, () => {
      const br = u.BufferRing.register(ring, {
        groupId: 7,
        entries: 16,
        bufferSize: 256,
        ...o,
      });
      br.close();
    }));
  }
  cases.push(
    tc(
      U,
      "BufferRing.register",
      "ring null",
      () =>
        u.BufferRing.register(null as never, {
          groupId: 1,
          entries: 8,
          bufferSize: 64,
        }),
    ),
    tc(
      U,
      "BufferRing.register",
      "closed ring fd",
      () =>
        u.BufferRing.register(closedFd(), {
          groupId: 1,
          entries: 8,
          bufferSize: 64,
        }),
    ),
    tc(
      U,
      "BufferRing.register",
      "options null",
      () => u.BufferRing.register(ring, null as never),
    ),
    tc(U, "BufferRing.register", "group registered twice", () => {
      const a = u.BufferRing.register(ring, {
        groupId: 9,
        entries: 8,
        bufferSize: 64,
      });
      try {
        u.BufferRing.register(ring, { groupId: 9, entries: 8, bufferSize: 64 })
          .close();
      } finally {
        a.close();
      }
    }),
  );
  const brMethods: [string, (b: u.BufferRing) => unknown][] = [
    ["view(-1)", (b) => b.view(-1)],
    ["view(8) of 8", (b) => b.view(8)],
    ["view(NaN)", (b) => b.view(NaN)],
    ["provide(99)", (b) => b.provide(99)],
    ["provide(0, len 2^20)", (b) => b.provide(0, 2 ** 20)],
    ["recycle(-1)", (b) => b.recycle(-1)],
    ["addressOf(1.5)", (b) => b.addressOf(1.5)],
  ];
  for (const [what, call] of brMethods) {
    cases.push(tc(U, "BufferRing", what, () => {
      const b = u.BufferRing.register(ring, {
        groupId: 11,
        entries: 8,
        bufferSize: 64,
      });
      try {
        return call(b);
      } finally {
        b.close();
      }
    }));
    cases.push(
      tc(U, "BufferRing", `${what.replace(/\(.*/, "(0)")} after close`, () => {
        const b = u.BufferRing.register(ring, {
          groupId: 12,
          entries: 8,
          bufferSize: 64,
        });
        b.close();
        return call(b) ?? b.view(0);
      }),
    );
  }
  cases.push(
    noThrow(U, "BufferRing.close", "twice", () => {
      const b = u.BufferRing.register(ring, {
        groupId: 13,
        entries: 8,
        bufferSize: 64,
      });
      b.close();
      b.close();
    }),
    {
      layer: U,
      fn: "BufferRing.view",
      input: "view used after close",
      expect: "noThrow",
      call: () => {
        const b = u.BufferRing.register(ring, {
          groupId: 14,
          entries: 8,
          bufferSize: 64,
        });
        const v = b.view(0);
        b.close();
        v[0] = 1; // detached: must go nowhere
        if (v.length !== 0) throw new Error(`view still ${v.length} bytes`);
      },
    },
  );
  // Driver lifecycle.
  cases.push(
    tc(U, "UringDriver", "options 5", () => new u.UringDriver(5 as never)),
    tc(U, "UringDriver", "ring not started", () => {
      const r = new u.Uring({ entries: 8 });
      try {
        return new u.UringDriver({ ring: r });
      } finally {
        r.stop();
      }
    }),
    tc(
      U,
      "UringDriver",
      "onCQE not a function",
      () => new u.UringDriver({ onCQE: 5 as never }),
    ),
    tc(U, "UringDriver.nop", "after close", async () => {
      const d = new u.UringDriver({ entries: 8 });
      await d.close();
      return d.nop();
    }),
    tc(U, "UringDriver.read", "after close", async () => {
      const d = new u.UringDriver({ entries: 8 });
      await d.close();
      return d.read(0, new Uint8Array(8));
    }),
    tc(U, "UringDriver.hold", "after close", async () => {
      const d = new u.UringDriver({ entries: 8 });
      await d.close();
      return d.hold();
    }),
    noThrow(U, "UringDriver.close", "twice", async () => {
      const d = new u.UringDriver({ entries: 8 });
      await d.close();
      await d.close();
    }),
    tc(U, "UringDriver.sleep", "ms NaN", async () => {
      const d = new u.UringDriver({ entries: 8 });
      try {
        return await d.sleep(NaN);
      } finally {
        await d.close();
      }
    }),
    tc(U, "UringDriver.read", "fd -1", async () => {
      const d = new u.UringDriver({ entries: 8 });
      try {
        return await d.read(-1, new Uint8Array(8));
      } finally {
        await d.close();
      }
    }),
    tc(U, "UringDriver.read", "buffer null", async () => {
      const d = new u.UringDriver({ entries: 8 });
      try {
        return await d.read(0, null as never);
      } finally {
        await d.close();
      }
    }),
    tc(U, "UringDriver.nop", "timeoutMs -5", async () => {
      const d = new u.UringDriver({ entries: 8 });
      try {
        return await d.nop({ timeoutMs: -5 });
      } finally {
        await d.close();
      }
    }),
    tc(U, "UringDriver.nop", "signal already aborted", async () => {
      const d = new u.UringDriver({ entries: 8 });
      try {
        return await d.nop({ signal: AbortSignal.abort() });
      } finally {
        await d.close();
      }
    }),
  );
  // Codecs and pools.
  cases.push(
    tc(U, "sqeContextFromRaw", "-1n", () => u.sqeContextFromRaw(-1n)),
    tc(U, "sqeContextFromRaw", "2^64", () => u.sqeContextFromRaw(1n << 64n)),
    tc(U, "sqeContextFromRaw", "number", () => u.sqeContextFromRaw(5 as never)),
    tc(U, "forFD", "2^29", () => u.forFD(2 ** 29)),
    tc(U, "forFD", "NaN", () => u.forFD(NaN)),
    tc(U, "packDirect", "op 256", () => u.packDirect(256, 0, 0, 0)),
    tc(U, "packDirect", "bufGroup 65536", () => u.packDirect(0, 0, 65536, 0)),
    tc(U, "SQEContext.withOp", "on an indirect context", () => {
      const p = new u.ContextPools(4);
      const slot = p.indirect()!;
      try {
        return u.packIndirect(slot).withOp(1);
      } finally {
        p.close();
      }
    }),
    tc(
      U,
      "CQEView.extSQE",
      "on a direct completion",
      () => new u.CQEView().extSQE(),
    ),
    tc(U, "CQEView.throwIfError", "res -EBADF", () => {
      const v = new u.CQEView();
      v.res = -9;
      v.throwIfError();
    }),
    tc(U, "ContextPools.indirect", "after close", () => {
      const p = new u.ContextPools(4);
      p.close();
      return p.indirect();
    }),
    tc(U, "ContextPools.putIndirect", "foreign slot", () => {
      const p = new u.ContextPools(4), q = new u.ContextPools(4);
      try {
        p.putIndirect(q.indirect()!);
      } finally {
        p.close();
        q.close();
      }
    }),
    tc(
      U,
      "ContextPools.putExtended",
      "null",
      () => new u.ContextPools(4).putExtended(null as never),
    ),
    tc(U, "ctxOf", "refs 99", () => {
      const p = new u.ContextPools(4);
      try {
        return u.ctxOf(p.extended()!, 99, 0);
      } finally {
        p.close();
      }
    }),
    tc(U, "optionsForBudget", "-1", () => u.optionsForBudget(-1)),
    tc(U, "optionsForBudget", "NaN", () => u.optionsForBudget(NaN)),
    tc(U, "ioprioClass", "class 9", () => u.ioprioClass(9, 0)),
    tc(U, "prepNop", "index -1", () => uraw.prepNop(ring.sqeWords, -1)),
    tc(
      U,
      "prepNop",
      "index beyond SQ",
      () => uraw.prepNop(ring.sqeWords, 10_000),
    ),
    tc(U, "prepNop", "words null", () => uraw.prepNop(null as never, 0)),
  );
  return Promise.resolve({
    cases,
    cleanup: () => {
      drain();
      ring.stop();
    },
  });
};

if (import.meta.main) {
  const report = await runCatalogue([sockSource, uringSource]);
  console.log(`BAD_INPUT ${JSON.stringify(report)}`);
  // A bad input may leave an operation parked forever (a finding reported
  // above); it must not keep this program alive.
  Deno.exit(0);
}
