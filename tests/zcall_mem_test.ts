// zcall memory: mmap/munmap, Mapping (detached on close), unsafe helpers,
// and io_uring at the syscall level: setup, one NOP SQE written into the
// mmap'd rings, io_uring_enter, and its CQE read back.

import assert from "node:assert/strict";
import {
  close,
  detach,
  Errno,
  IORING_ENTER,
  IORING_OP,
  IORING_REGISTER,
  ioUringEnter,
  ioUringEnterAsync,
  ioUringRegister,
  ioUringSetup,
  MAP,
  Mapping,
  MappingError,
  memfdCreate,
  MFD,
  mmap,
  munmap,
  PROT,
  unsafeAddressOf,
  unsafeArrayBuffer,
  unsafePointer,
  write,
} from "../zcall/mod.ts";
import { enc } from "./_util/zcall.ts";

const E = Errno;

// Presence only: test files share one process (worker threads), so another
// file may map a just-unmapped address at once. tests/zcall_leak_test.ts
// checks absence in a process of its own.
function mapsHas(address: number): boolean {
  const hex = address.toString(16);
  return Deno.readTextFileSync("/proc/self/maps")
    .split("\n")
    .some((l) => l.startsWith(hex + "-"));
}

Deno.test("zcall: mmap/munmap", () => {
  const len = 2 * 4096;
  const addr = mmap(
    0,
    len,
    PROT.READ | PROT.WRITE,
    MAP.PRIVATE | MAP.ANONYMOUS,
    -1,
    0,
  );
  assert.ok(addr > 0, `mmap: ${addr}`);
  assert.equal(addr % 4096, 0);
  assert.ok(mapsHas(addr));
  const ab = unsafeArrayBuffer(addr, len);
  const u8 = new Uint8Array(ab);
  u8[0] = 7;
  u8[len - 1] = 9;
  assert.equal(new Uint8Array(unsafeArrayBuffer(addr, len))[len - 1], 9);
  detach(ab);
  assert.equal(ab.detached, true);
  assert.equal(u8.byteLength, 0);
  assert.equal(munmap(addr, len), 0);
  // Error paths: refused before the kernel, then kernel errors.
  const rw = PROT.READ | PROT.WRITE, anon = MAP.PRIVATE | MAP.ANONYMOUS;
  assert.equal(mmap(0, 0, rw, anon, -1, 0), -E.EINVAL);
  assert.equal(mmap(0, -1, rw, anon, -1, 0), -E.EINVAL);
  assert.equal(mmap(0, NaN, rw, anon, -1, 0), -E.EINVAL);
  assert.equal(mmap(-4096, 4096, rw, anon, -1, 0), -E.EINVAL);
  assert.equal(mmap(0, 4096, rw, anon, -1, -4096), -E.EINVAL);
  assert.equal(mmap(0, 4096, rw, anon, -1, 0.5), -E.EINVAL);
  assert.equal(mmap(0, 4096, rw, MAP.SHARED, -1, 0), -E.EBADF);
  assert.equal(mmap(0, 4096, rw, MAP.ANONYMOUS, -1, 0), -E.EINVAL); // neither shared nor private
  assert.equal(munmap(4097, 4096), -E.EINVAL); // unaligned
  assert.equal(munmap(0, 0), -E.EINVAL);
  assert.equal(munmap(-4096, 4096), -E.EINVAL);
});

Deno.test("zcall: Mapping", async (t) => {
  await t.step("anonymous; close detaches, then unmaps", () => {
    const m = Mapping.anonymous(4096);
    assert.equal(m.mapped, true);
    assert.equal(m.length, 4096);
    const addr = m.address;
    assert.ok(mapsHas(addr));
    const view = new Uint8Array(m.buffer);
    view[10] = 42;
    assert.equal(new Uint8Array(m.buffer)[10], 42);
    m.close();
    assert.equal(m.mapped, false);
    assert.equal(view.byteLength, 0); // the old view reads as empty
    assert.equal(view[10], undefined);
    assert.throws(() => m.buffer, ReferenceError);
    assert.throws(() => m.address, /unmapped/);
    m.close(); // idempotent
  });

  await t.step("using + a shared memfd mapping", () => {
    const fd = memfdCreate("kernio-map", MFD.CLOEXEC);
    assert.equal(write(fd, enc("shared page")), 11);
    {
      using m = new Mapping(4096, PROT.READ, MAP.SHARED, fd, 0);
      assert.ok(mapsHas(m.address));
      assert.equal(
        new TextDecoder().decode(new Uint8Array(m.buffer, 0, 11)),
        "shared page",
      );
    }
    close(fd);
  });

  await t.step("bad input", () => {
    assert.throws(() => Mapping.anonymous(0), RangeError);
    assert.throws(() => Mapping.anonymous(1.5), RangeError);
    assert.throws(
      () => new Mapping(4096, PROT.READ, MAP.SHARED, -1, 100),
      RangeError,
    );
    assert.throws(
      () => new Mapping(4096, PROT.READ, MAP.SHARED, -1, 0),
      MappingError,
    );
    try {
      new Mapping(4096, PROT.READ, MAP.SHARED, -1, 0);
    } catch (e) {
      assert.ok(e instanceof MappingError);
      assert.equal(e.errno, E.EBADF);
      assert.equal(e.code, "EBADF");
    }
  });

  await t.step("unsafe helpers", () => {
    const buf = new Uint8Array(16);
    const a = unsafeAddressOf(buf);
    assert.ok(a > 0 && Number.isSafeInteger(a));
    assert.equal(unsafeAddressOf(buf.subarray(4)), a + 4);
    assert.equal(unsafePointer(0), null);
    assert.equal(Deno.UnsafePointer.value(unsafePointer(a)), BigInt(a));
    assert.throws(() => unsafeArrayBuffer(0, 8), RangeError);
    assert.throws(() => unsafeArrayBuffer(a, 0), RangeError);
    const ab = new ArrayBuffer(8);
    detach(ab);
    detach(ab); // idempotent
    assert.equal(ab.detached, true);
  });
});

// struct io_uring_params offsets (include/uapi/linux/io_uring.h).
const P = {
  sqEntries: 0,
  cqEntries: 4,
  features: 20,
  sqOff: 40, // head, tail, ring_mask, ring_entries, flags, dropped, array
  cqOff: 80, // head, tail, ring_mask, ring_entries, overflow, cqes
};
const IORING_OFF_SQ_RING = 0;
const IORING_OFF_SQES = 0x10000000;
const IORING_FEAT_SINGLE_MMAP = 1;

Deno.test("zcall: io_uring_setup + a NOP through io_uring_enter", async () => {
  const params = new Uint8Array(120);
  const fd = ioUringSetup(4, params);
  assert.ok(fd >= 0, `io_uring_setup: ${fd}`);
  const dv = new DataView(params.buffer);
  const u32 = (o: number) => dv.getUint32(o, true);
  const sqEntries = u32(P.sqEntries), cqEntries = u32(P.cqEntries);
  assert.equal(sqEntries, 4);
  assert.equal(cqEntries, 8);
  assert.ok(u32(P.features) & IORING_FEAT_SINGLE_MMAP);
  const sq = {
    head: u32(P.sqOff),
    tail: u32(P.sqOff + 4),
    mask: u32(P.sqOff + 8),
    array: u32(P.sqOff + 24),
  };
  const cq = {
    head: u32(P.cqOff),
    tail: u32(P.cqOff + 4),
    mask: u32(P.cqOff + 8),
    cqes: u32(P.cqOff + 20),
  };
  const ringSize = Math.max(sq.array + sqEntries * 4, cq.cqes + cqEntries * 16);
  const ring = new Mapping(
    ringSize,
    PROT.READ | PROT.WRITE,
    MAP.SHARED | MAP.POPULATE,
    fd,
    IORING_OFF_SQ_RING,
  );
  const sqes = new Mapping(
    sqEntries * 64,
    PROT.READ | PROT.WRITE,
    MAP.SHARED | MAP.POPULATE,
    fd,
    IORING_OFF_SQES,
  );
  try {
    const r32 = new Uint32Array(ring.buffer);
    const sqeView = new DataView(sqes.buffer);
    const nop = async (userData: number, wait: boolean): Promise<void> => {
      const tail = Atomics.load(r32, sq.tail / 4);
      const idx = tail & Atomics.load(r32, sq.mask / 4);
      const base = idx * 64;
      for (let i = 0; i < 64; i += 4) sqeView.setUint32(base + i, 0, true);
      sqeView.setUint8(base, IORING_OP.NOP); // opcode
      sqeView.setUint32(base + 32, userData, true); // user_data (low half)
      r32[sq.array / 4 + idx] = idx;
      Atomics.store(r32, sq.tail / 4, tail + 1); // publish (release)
      const r = wait
        ? await ioUringEnterAsync(fd, 1, 1, IORING_ENTER.GETEVENTS, null, 0)
        : ioUringEnter(fd, 1, 1, IORING_ENTER.GETEVENTS, null, 0);
      assert.equal(r, 1, `io_uring_enter: ${r}`);
      const head = Atomics.load(r32, cq.head / 4);
      assert.equal(Atomics.load(r32, cq.tail / 4), head + 1);
      const cqe = cq.cqes + (head & Atomics.load(r32, cq.mask / 4)) * 16;
      const cv = new DataView(ring.buffer);
      assert.equal(cv.getUint32(cqe, true), userData); // user_data
      assert.equal(cv.getUint32(cqe + 4, true), 0);
      assert.equal(cv.getInt32(cqe + 8, true), 0); // res
      Atomics.store(r32, cq.head / 4, head + 1);
    };
    await nop(0xdeadbeef, false);
    await nop(0x1234, true); // on the blocking pool, event loop free

    // io_uring_register: probe the supported opcodes.
    const probe = new Uint8Array(16 + 64 * 8);
    assert.equal(ioUringRegister(fd, IORING_REGISTER.PROBE, probe, 64), 0);
    assert.ok(probe[0] >= IORING_OP.SENDMSG_ZC, `last_op ${probe[0]}`);
    assert.equal(ioUringRegister(fd, 9999, null, 0), -E.EINVAL);
    // fd -1 is the "blind" registration, which only knows SEND_MSG_RING.
    assert.equal(
      ioUringRegister(-2, IORING_REGISTER.PROBE, probe, 64),
      -E.EBADF,
    );
    // io_uring_enter error paths.
    assert.equal(ioUringEnter(-1, 0, 0, 0, null, 0), -E.EBADF);
    assert.equal(ioUringEnter(fd, 0, 0, 0, null, 8), -E.EFAULT);
    assert.equal(ioUringEnter(fd, 0, 0, 0, new Uint8Array(4), 8), -E.EFAULT);
    assert.equal(await ioUringEnterAsync(fd, 0, 0, 0, null, 8), -E.EFAULT);
    assert.equal(ioUringEnter(fd, 0, 0, 1 << 30, null, 0), -E.EINVAL);
    const notRing = memfdCreate("x", MFD.CLOEXEC);
    assert.equal(ioUringEnter(notRing, 0, 0, 0, null, 0), -E.EOPNOTSUPP);
    close(notRing);
  } finally {
    sqes.close();
    ring.close();
    close(fd);
  }
  // io_uring_setup error paths.
  assert.equal(ioUringSetup(4, new Uint8Array(64)), -E.EFAULT);
  assert.equal(ioUringSetup(0, new Uint8Array(120)), -E.EINVAL);
  const badFlags = new Uint8Array(120);
  new DataView(badFlags.buffer).setUint32(8, 1 << 30, true);
  assert.equal(ioUringSetup(4, badFlags), -E.EINVAL);
});
