// Byte encodings of zcall's kernel structs and their input checks, and the
// errno table (names, messages, aliases).

import assert from "node:assert/strict";
import {
  EpollEvents,
  Errno,
  ERRNO_NUMBERS,
  errnoFromName,
  errnoMessage,
  errnoName,
  Iovecs,
  Itimerspec,
  Mmsghdrs,
  Msghdr,
  PollFds,
  SIG,
  sigsetOf,
  Timespec,
  unsafeAddressOf,
} from "../zcall/mod.ts";

const u64 = (b: Uint8Array, off: number) =>
  Number(new DataView(b.buffer, b.byteOffset).getBigUint64(off, true));
const u32 = (b: Uint8Array, off: number) =>
  new DataView(b.buffer, b.byteOffset).getUint32(off, true);

Deno.test("structs: Iovecs", () => {
  const a = new Uint8Array(8), b = new Uint8Array(16);
  const iov = new Iovecs(2).set(0, a).set(1, b, 5);
  assert.equal(iov.bytes.byteLength, 32);
  assert.equal(u64(iov.bytes, 0), unsafeAddressOf(a));
  assert.equal(u64(iov.bytes, 8), 8);
  assert.equal(u64(iov.bytes, 16), unsafeAddressOf(b));
  assert.equal(u64(iov.bytes, 24), 5);
  assert.equal(iov.address(1), unsafeAddressOf(b));
  assert.equal(iov.length(1), 5);
  iov.setLength(1, 16);
  assert.equal(iov.length(1), 16);
  // A zero-length entry carries a null base.
  iov.set(0, a, 0);
  assert.equal(iov.address(0), 0);
  // Any ArrayBufferView, at its byte offset.
  const wide = new Uint32Array(4);
  iov.set(0, wide.subarray(1));
  assert.equal(iov.address(0), unsafeAddressOf(wide) + 4);
  assert.equal(iov.length(0), 12);
  for (const bad of [0, -1, 1.5, 1025, NaN]) {
    assert.throws(() => new Iovecs(bad), RangeError);
  }
  assert.throws(() => iov.set(2, a), RangeError);
  assert.throws(() => iov.set(-1, a), RangeError);
  assert.throws(() => iov.set(0, a, 9), RangeError);
  assert.throws(() => iov.set(0, a, -1), RangeError);
  assert.throws(() => iov.setLength(1, 17), RangeError);
  assert.throws(() => iov.setLength(5, 1), RangeError);
  assert.throws(() => iov.length(2), RangeError);
  assert.throws(() => iov.address(2), RangeError);
});

Deno.test("structs: Timespec and Itimerspec", () => {
  const ts = Timespec.fromMillis(1500);
  assert.equal(ts.sec, 1);
  assert.equal(ts.nsec, 500_000_000);
  assert.equal(u64(ts.bytes, 0), 1);
  assert.equal(u64(ts.bytes, 8), 500_000_000);
  const big = new Timespec(2 ** 40, 1);
  assert.equal(u64(big.bytes, 0), 2 ** 40);
  assert.equal(Timespec.fromMillis(0.000001).nsec, 1);
  assert.throws(() => new Timespec(-1, 0), RangeError);
  assert.throws(() => new Timespec(0, 1e9), RangeError);
  assert.throws(() => new Timespec(0, -1), RangeError);
  assert.throws(() => new Timespec(1.5, 0), RangeError);
  assert.throws(() => Timespec.fromMillis(-1), RangeError);
  assert.throws(() => Timespec.fromMillis(Infinity), RangeError);

  const it = new Itimerspec().setInterval(1, 2).setValue(3, 4);
  assert.equal(it.bytes.byteLength, 32);
  assert.deepEqual(
    [0, 8, 16, 24].map((o) => u64(it.bytes, o)),
    [1, 2, 3, 4],
  );
  assert.equal(it.intervalNs, 1e9 + 2);
  assert.equal(it.valueNs, 3e9 + 4);
  assert.throws(() => it.setValue(0, 1e9), RangeError);
  assert.throws(() => it.setInterval(-1, 0), RangeError);
});

Deno.test("structs: Msghdr", () => {
  const name = new Uint8Array(16), control = new Uint8Array(32);
  const a = new Uint8Array(4), b = new Uint8Array(4);
  const msg = new Msghdr().setName(name, 12).setBuffers([a, b]).setControl(
    control,
  );
  const m = msg.bytes;
  assert.equal(m.byteLength, 56);
  assert.equal(u64(m, 0), unsafeAddressOf(name)); // msg_name
  assert.equal(u32(m, 8), 12); // msg_namelen
  const iovAddr = u64(m, 16); // msg_iov
  assert.equal(iovAddr, unsafeAddressOf(msg.parts.iov!.bytes));
  assert.equal(u64(m, 24), 2); // msg_iovlen
  assert.equal(u64(m, 32), unsafeAddressOf(control)); // msg_control
  assert.equal(u64(m, 40), 32); // msg_controllen
  assert.equal(msg.nameLength, 12);
  msg.nameLength = 16;
  assert.equal(u32(m, 8), 16);
  msg.controlLength = 8;
  assert.equal(msg.controlLength, 8);
  assert.equal(msg.flags, 0);
  assert.equal(msg.parts.name, name);
  msg.setName(null).setControl(null);
  assert.equal(u64(m, 0), 0);
  assert.equal(u32(m, 8), 0);
  assert.equal(u64(m, 32), 0);
  assert.equal(u64(m, 40), 0);
  // An existing Iovecs is used as is.
  const iov = new Iovecs(1).set(0, a);
  msg.setBuffers(iov);
  assert.equal(u64(m, 16), unsafeAddressOf(iov.bytes));
  // Inside caller memory.
  const outer = new Uint8Array(64);
  const inner = new Msghdr(outer.subarray(8));
  inner.setName(new Uint8Array(4));
  inner.nameLength = 3;
  assert.equal(u32(outer, 16), 3);
  // The kernel writes up to msg_namelen / msg_controllen bytes: checked.
  assert.throws(() => (inner.nameLength = 5), RangeError);
  assert.throws(() => (inner.controlLength = 1), RangeError);
  assert.throws(() => new Msghdr(new Uint8Array(55)), RangeError);
  assert.throws(() => msg.setName(name, 17), RangeError);
  assert.throws(() => msg.setControl(control, 33), RangeError);
  assert.throws(() => msg.setBuffers([]), RangeError);
});

Deno.test("structs: Mmsghdrs", () => {
  const v = new Mmsghdrs(3, 100, 16);
  assert.equal(v.bytes.byteLength, 3 * 64);
  for (let i = 0; i < 3; i++) {
    const base = i * 64;
    assert.equal(u64(v.bytes, base), unsafeAddressOf(v.name(i)!));
    assert.equal(u32(v.bytes, base + 8), 16);
    assert.equal(u64(v.bytes, base + 24), 1); // one iovec each
    const iov = u64(v.bytes, base + 16);
    const iovBytes = new Uint8Array(
      Deno.UnsafePointerView.getArrayBuffer(
        Deno.UnsafePointer.create(BigInt(iov))!,
        16,
      ),
    );
    assert.equal(u64(iovBytes, 0), unsafeAddressOf(v.payload(i)));
    assert.equal(u64(iovBytes, 8), 100);
    assert.equal(v.payload(i).byteLength, 100);
  }
  v.setLength(1, 10);
  v.setNameLength(2, 8);
  assert.equal(v.nameLength(2), 8);
  assert.equal(v.received(0), 0);
  assert.equal(v.flags(0), 0);
  assert.equal(new Mmsghdrs(1, 1).name(0), null);
  assert.throws(() => new Mmsghdrs(0, 1), RangeError);
  assert.throws(() => new Mmsghdrs(1025, 1), RangeError);
  assert.throws(() => new Mmsghdrs(1, 0), RangeError);
  assert.throws(() => new Mmsghdrs(1, 1, 129), RangeError);
  assert.throws(() => v.setLength(0, 101), RangeError);
  assert.throws(() => v.setLength(3, 1), RangeError);
  assert.throws(() => v.setNameLength(0, 17), RangeError);
  assert.throws(() => v.payload(3), RangeError);
  assert.throws(() => v.name(-1), RangeError);
});

Deno.test("structs: PollFds, EpollEvents, sigsetOf", () => {
  const p = new PollFds(2);
  assert.equal(new DataView(p.bytes.buffer).getInt32(8, true), -1); // ignored
  p.set(1, 7, 0x5);
  assert.deepEqual([...p.bytes.subarray(8)], [7, 0, 0, 0, 5, 0, 0, 0]);
  assert.equal(p.revents(1), 0);
  assert.throws(() => new PollFds(0), RangeError);
  assert.throws(() => p.set(2, 0, 1), RangeError);
  assert.throws(() => p.revents(-1), RangeError);

  const size = Deno.build.arch === "x86_64" ? 12 : 16;
  assert.equal(EpollEvents.SIZE, size);
  const e = new EpollEvents(2).set(1, 0x80000001, 0xfeedf00d);
  assert.equal(e.bytes.byteLength, 2 * size);
  assert.equal(u32(e.bytes, size), 0x80000001);
  assert.equal(u32(e.bytes, size + (size === 12 ? 4 : 8)), 0xfeedf00d);
  assert.equal(e.events(1), 0x80000001);
  assert.equal(e.data(1), 0xfeedf00d);
  assert.throws(() => new EpollEvents(0), RangeError);
  assert.throws(() => e.set(2, 0, 0), RangeError);
  assert.throws(() => e.events(2), RangeError);
  assert.throws(() => e.data(-1), RangeError);

  const s = sigsetOf(SIG.HUP, SIG.USR1, 64);
  assert.equal(s.byteLength, 8);
  const bits = new DataView(s.buffer).getBigUint64(0, true);
  assert.equal(bits, (1n << 0n) | (1n << 9n) | (1n << 63n));
  assert.deepEqual([...sigsetOf()], [0, 0, 0, 0, 0, 0, 0, 0]);
  assert.throws(() => sigsetOf(0), RangeError);
  assert.throws(() => sigsetOf(65), RangeError);
  assert.throws(() => sigsetOf(1.5), RangeError);
});

Deno.test("errno: table, names, messages, aliases", () => {
  // Every Linux errno 1..133 except the two unused slots (41, 58).
  const expected = Array.from({ length: 133 }, (_, i) => i + 1)
    .filter((n) => n !== 41 && n !== 58);
  assert.deepEqual([...ERRNO_NUMBERS], expected);
  for (const n of ERRNO_NUMBERS) {
    const name = errnoName(n);
    assert.match(name, /^E[A-Z0-9]+$/);
    assert.equal(Errno[name as keyof typeof Errno], n, name);
    assert.equal(errnoFromName(name), n);
    assert.notEqual(errnoMessage(n), "");
    assert.equal(errnoName(-n), name); // raw negative results work too
    assert.equal(errnoMessage(-n), errnoMessage(n));
  }
  // Aliases resolve to the canonical number, whose name is canonical.
  assert.equal(Errno.EWOULDBLOCK, Errno.EAGAIN);
  assert.equal(Errno.ENOTSUP, Errno.EOPNOTSUPP);
  assert.equal(Errno.EDEADLOCK, Errno.EDEADLK);
  assert.equal(errnoName(Errno.EWOULDBLOCK), "EAGAIN");
  assert.equal(errnoName(Errno.ENOTSUP), "EOPNOTSUPP");
  assert.equal(errnoFromName("EWOULDBLOCK"), 11);
  // Spot checks against the kernel/glibc wording.
  assert.equal(errnoMessage(Errno.EAGAIN), "Resource temporarily unavailable");
  assert.equal(errnoMessage(Errno.ECONNREFUSED), "Connection refused");
  assert.equal(errnoMessage(Errno.EHWPOISON), "Memory page has hardware error");
  assert.equal(Errno.EHWPOISON, 133);
  // Unknown numbers and names.
  assert.equal(errnoName(0), "E0");
  assert.equal(errnoName(41), "E41");
  assert.equal(errnoName(500), "E500");
  assert.equal(errnoMessage(500), "Unknown error 500");
  assert.equal(errnoFromName("ENOPE"), undefined);
  assert.equal(errnoFromName("toString"), undefined);
  // Every name in the Errno object is either canonical or a known alias.
  const aliases = new Set(["EWOULDBLOCK", "ENOTSUP", "EDEADLOCK"]);
  for (const [name, n] of Object.entries(Errno)) {
    if (!aliases.has(name)) assert.equal(errnoName(n), name);
  }
});
