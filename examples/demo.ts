/**
 * kernio demo (zcall layer, until the io_uring demo replaces it): eventfd,
 * pipe and socketpair round trips through raw syscalls, then getpid and a
 * 64-byte write timed against Deno's own API. Exits by itself.
 *
 * Run: `deno task demo`, or with minimal permissions:
 * `deno run --allow-ffi=native/build/libkernio.so --allow-read=/dev/null --allow-write=/dev/null examples/demo.ts`
 *
 * @module
 */

import {
  AF,
  AT,
  close,
  EFD,
  errnoName,
  eventfd2,
  getpid,
  O,
  pipe2,
  read,
  SOCK,
  socketpair,
  SYS,
  syscall6,
  unsafeAddressOf,
  write,
} from "../zcall/mod.ts";

const enc = new TextEncoder(), dec = new TextDecoder();
function check(what: string, r: number): number {
  if (r < 0) throw new Error(`${what}: ${errnoName(r)}`);
  return r;
}

// eventfd: a kernel counter; write adds, read drains.
const efd = check("eventfd2", eventfd2(0, EFD.CLOEXEC | EFD.NONBLOCK));
const one = new Uint8Array(new BigUint64Array([1n]).buffer);
write(efd, one);
write(efd, one);
const counter = new BigUint64Array(1);
check("read", read(efd, new Uint8Array(counter.buffer)));
const again = read(efd, new Uint8Array(8)); // drained: would-block is a value
console.log(`eventfd    : counter ${counter[0]}, then ${errnoName(again)}`);
close(efd);

// pipe: bytes in one end, out the other.
const p = new Int32Array(2);
check("pipe2", pipe2(p, O.CLOEXEC));
write(p[1], enc.encode("through a pipe"));
const buf = new Uint8Array(64);
const n = check("read", read(p[0], buf));
console.log(`pipe       : "${dec.decode(buf.subarray(0, n))}"`);
close(p[0]);
close(p[1]);

// socketpair: a connected pair of Unix sockets, both directions.
const s = new Int32Array(2);
check("socketpair", socketpair(AF.UNIX, SOCK.STREAM | SOCK.CLOEXEC, 0, s));
write(s[0], enc.encode("ping"));
const m = check("read", read(s[1], buf));
write(s[1], enc.encode("pong"));
const k = check("read", read(s[0], buf.subarray(m)));
console.log(
  `socketpair : ${dec.decode(buf.subarray(0, m))} -> ${
    dec.decode(buf.subarray(m, m + k))
  }`,
);
close(s[0]);
close(s[1]);

// Timing: the dedicated entry, the generic one, and Deno's own write.
const N = 200_000;
function nsPerOp(fn: () => void): number {
  fn(); // warm up
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) * 1e6 / N;
}
let sink = 0;
const dedicated = nsPerOp(() => {
  for (let i = 0; i < N; i++) sink += getpid();
});
const generic = nsPerOp(() => {
  for (let i = 0; i < N; i++) sink += syscall6(SYS.GETPID, 0, 0, 0, 0, 0, 0);
});
const devnull = Deno.openSync("/dev/null", { write: true });
const data = new Uint8Array(64);
const denoWrite = nsPerOp(() => {
  for (let i = 0; i < N; i++) sink += devnull.writeSync(data);
});
devnull.close();
// The same /dev/null, opened with a raw openat(2) for zcall.
const path = enc.encode("/dev/null\0");
const nullFd = check(
  "openat",
  syscall6(
    SYS.OPENAT,
    AT.FDCWD,
    unsafeAddressOf(path),
    O.WRONLY | O.CLOEXEC,
    0,
    0,
    0,
  ),
);
const zcallWrite = nsPerOp(() => {
  for (let i = 0; i < N; i++) sink += write(nullFd, data);
});
close(nullFd);
console.log(
  `getpid     : ${dedicated.toFixed(0)} ns/op (dedicated entry), ` +
    `${generic.toFixed(0)} ns/op (syscall6)`,
);
console.log(
  `64-B write : zcall ${zcallWrite.toFixed(0)} ns/op, ` +
    `Deno.FsFile.writeSync ${denoWrite.toFixed(0)} ns/op (/dev/null; ` +
    `${(denoWrite / zcallWrite).toFixed(2)}x)`,
);
console.log(`pid ${getpid()} === Deno.pid: ${getpid() === Deno.pid}`);
if (sink === 0) console.log("");
