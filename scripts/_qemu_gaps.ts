// Preloaded by `deno task test:aarch64` only (deno test --preload): marks as
// ignored, with the reason printed, the tests and steps that fail because of
// qemu-user rather than because of kernio. qemu-user translates each guest
// syscall itself; where it does not implement one (io_uring), translates an
// option partially, or validates arguments before the kernel sees them, the
// real kernel's answer cannot be observed. Everything else runs as is.
//
// Each entry matches "<test name>" or "<test name> > <step name>" (nested
// steps chain further) and says why.

const GAPS: ReadonlyArray<readonly [RegExp, string]> = [
  [/io_uring/i, "qemu-user does not emulate io_uring (io_uring_setup: ENOSYS)"],
  [/^uring/, "qemu-user does not emulate io_uring (io_uring_setup: ENOSYS)"],
  [
    /^zcall: preadv.* > (preadv2|error paths)/,
    "qemu-user 7.2 lacks preadv2/pwritev2 (ENOSYS)",
  ],
  [
    /^zcall: mmap\/munmap$|^zcall: Mapping > .*unmaps/,
    "/proc/self/maps under qemu-user is its emulated guest view",
  ],
  [
    /^zcall: signalfd4/,
    "qemu-user converts the signal mask itself and does not pass a bad size",
  ],
  [
    /^zcall: UDP sendmmsg\/recvmmsg$/,
    "qemu-user converts recvmmsg's timeout itself (no EINVAL for a bad one)",
  ],
  [
    /^zcall: timerfd/,
    "timer values: emulation is 10-50x slower than the assertions allow",
  ],
  [
    / > [^>]*deadline[^>]*$/i,
    "deadline precision: emulation is 10-50x slower than the 50 ms bound",
  ],
  [
    /^sock options: .* > SO_(ZEROCOPY|BUSY_POLL)$/,
    "qemu-user does not translate SO_ZEROCOPY/SO_BUSY_POLL (ENOPROTOOPT)",
  ],
  [
    /^zcall: syscall numbers, constants and errno match the C headers$/,
    "its C probe is compiled by the host's x86_64 cc; SYS_AARCH64 is " +
    "checked against the aarch64 headers by tests/publish_sysnum_test.ts",
  ],
  [
    /subprocess|isolated process|^sock examples:/,
    "spawns Deno.execPath(), an arm64 binary the host runs only with " +
    "binfmt_misc registered for qemu",
  ],
  [
    /^sock multicast/,
    "qemu-user does not translate IP_MULTICAST_ALL/IP_MULTICAST_IF (ENOPROTOOPT)",
  ],
  [
    /^sock tcp_info: values match/,
    "qemu-user copies only an int for getsockopt(TCP_INFO)",
  ],
];

function gap(path: string): string | undefined {
  for (const [re, why] of GAPS) if (re.test(path)) return why;
  return undefined;
}

// deno-lint-ignore no-explicit-any
type Any = any;

function normalize(a: Any, b?: Any, c?: Any): Deno.TestDefinition {
  if (typeof a === "function") return { name: a.name, fn: a };
  if (typeof a === "string") {
    return typeof b === "function"
      ? { name: a, fn: b }
      : { ...b, name: a, fn: c };
  }
  return typeof b === "function" ? { ...a, fn: b } : a;
}

function wrap(def: Deno.TestDefinition, path: string): Deno.TestDefinition {
  const why = gap(path);
  if (why) {
    console.log(`qemu-aarch64: skipping "${path}": ${why}`);
    return { ...def, ignore: true };
  }
  const fn = def.fn;
  return {
    ...def,
    fn: (t: Deno.TestContext) => {
      const step = t.step.bind(t);
      Object.defineProperty(t, "step", {
        value: (a: Any, b?: Any) => {
          const s = normalize(a, b) as Deno.TestStepDefinition;
          return step(
            wrap(s as Deno.TestDefinition, `${path} > ${s.name}`) as Any,
          );
        },
      });
      return fn(t);
    },
  };
}

const test = Deno.test;
const patched = (a: Any, b?: Any, c?: Any) => {
  const def = normalize(a, b, c);
  return test(wrap(def, def.name));
};
Object.assign(patched, { ignore: test.ignore, only: test.only });
Object.defineProperty(Deno, "test", { value: patched });
