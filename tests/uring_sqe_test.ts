// Byte encoding of every prep method: the 64 bytes a method writes are
// decoded with the kernel's struct io_uring_sqe layout (linux/io_uring.h),
// independently of uring/sqe.ts's SQE_LAYOUT, and compared field by field.
// The ring is never started: each SQE is read back, then dropped with
// cancelPending(), so nothing reaches the kernel and slot 0 is reused.

import assert from "node:assert/strict";
import {
  FUTEX2,
  IORING_ACCEPT,
  IORING_ASYNC_CANCEL,
  IORING_FILE_INDEX_ALLOC,
  IORING_MSG,
  IORING_POLL,
  IORING_RECVSEND,
  IORING_TIMEOUT,
  OpenHow,
  type OpOptions,
  packDirect,
  SOCKET_URING_OP,
  Uring,
} from "../uring/mod.ts";
import {
  prepNop128,
  prepUringCmd128,
  setSqeCmd,
  SQE_LAYOUT,
  SQE_WORD,
} from "../uring/raw.ts";
import {
  IORING_OP,
  IOSQE,
  Iovecs,
  Msghdr,
  unsafeAddressOf,
} from "../zcall/mod.ts";

import { RingSubmission } from "../uring/core/submission.ts";
import { OPS } from "../uring/ops/table.ts";

// Which declarations (uring/ops/table.ts) the byte checks below submit
// through: the last test requires every one of them, so a new operation
// needs its bytes checked here.
const submitted = new Set<unknown>();
const submit = RingSubmission.prototype._submit;
RingSubmission.prototype._submit = function (
  this: RingSubmission,
  ...args: Parameters<typeof submit>
) {
  submitted.add(args[0]);
  return submit.apply(this, args);
} as typeof submit;

interface Sqe {
  opcode: number;
  flags: number;
  ioprio: number;
  fd: number;
  off: bigint;
  addr: bigint;
  len: number;
  opFlags: number;
  userData: bigint;
  bufIndex: number;
  personality: number;
  spliceFdIn: number;
  addr3: bigint;
  pad2: bigint;
}

// The kernel's layout, spelled out here on purpose (not imported).
function decode(b: Uint8Array): Sqe {
  const dv = new DataView(b.buffer, b.byteOffset, 64);
  return {
    opcode: dv.getUint8(0),
    flags: dv.getUint8(1),
    ioprio: dv.getUint16(2, true),
    fd: dv.getInt32(4, true),
    off: dv.getBigUint64(8, true),
    addr: dv.getBigUint64(16, true),
    len: dv.getUint32(24, true),
    opFlags: dv.getUint32(28, true),
    userData: dv.getBigUint64(32, true),
    bufIndex: dv.getUint16(40, true),
    personality: dv.getUint16(42, true),
    spliceFdIn: dv.getInt32(44, true),
    addr3: dv.getBigUint64(48, true),
    pad2: dv.getBigUint64(56, true),
  };
}

const ZERO: Sqe = {
  opcode: 0,
  flags: 0,
  ioprio: 0,
  fd: 0,
  off: 0n,
  addr: 0n,
  len: 0,
  opFlags: 0,
  userData: 0n,
  bufIndex: 0,
  personality: 0,
  spliceFdIn: 0,
  addr3: 0n,
  pad2: 0n,
};

const U64_MAX = 0xffff_ffff_ffff_ffffn;

// user_data of a direct context after prep: the op and the effective SQE
// flags are written into the low bytes.
function ud(op: number, flags: number, bufGroup: number, fd: number): bigint {
  return (BigInt(fd & 0x3fffffff) << 32n) |
    BigInt((op | (flags << 8) | (bufGroup << 16)) >>> 0);
}

const A = (b: ArrayBufferView) => BigInt(unsafeAddressOf(b));

Deno.test("uring SQE layout constants match struct io_uring_sqe", () => {
  assert.deepEqual(
    [
      SQE_LAYOUT.OPCODE,
      SQE_LAYOUT.FLAGS,
      SQE_LAYOUT.IOPRIO,
      SQE_LAYOUT.FD,
      SQE_LAYOUT.OFF,
      SQE_LAYOUT.ADDR,
      SQE_LAYOUT.LEN,
      SQE_LAYOUT.OP_FLAGS,
      SQE_LAYOUT.USER_DATA,
      SQE_LAYOUT.BUF_INDEX,
      SQE_LAYOUT.PERSONALITY,
      SQE_LAYOUT.SPLICE_FD_IN,
      SQE_LAYOUT.ADDR3,
      SQE_LAYOUT.PAD2,
      SQE_LAYOUT.SIZE,
    ],
    [0, 1, 2, 4, 8, 16, 24, 28, 32, 40, 42, 44, 48, 56, 64],
  );
  assert.equal(SQE_WORD.USER_DATA_LO * 4, SQE_LAYOUT.USER_DATA);
  assert.equal(SQE_WORD.ADDR3_LO * 4, SQE_LAYOUT.ADDR3);
  assert.equal(SQE_WORD.SPLICE_FD_IN * 4, SQE_LAYOUT.SPLICE_FD_IN);
});

Deno.test("uring SQE encoding of every prep method", async (t) => {
  using ring = new Uring({ entries: 8 });
  const w = ring.sqeWords;
  const bytes = new Uint8Array(w.buffer, w.byteOffset, 64);
  // Poison the slot so a field a prep forgets to write shows up.
  // (through the getter: fetching the words drops the ring's NOP templates)
  const poison = () => ring.sqeWords.fill(0xa5a5a5a5, 0, 16);

  const check = (
    name: string,
    call: () => boolean,
    expect: Partial<Sqe>,
  ) =>
    t.step(name, () => {
      poison();
      assert.equal(ring.cancelPending(), 0);
      assert.equal(call(), true);
      const got = decode(bytes);
      assert.deepEqual(got, { ...ZERO, ...expect });
      assert.equal(ring.cancelPending(), 1);
    });

  const fd = 7;
  const c = packDirect(0, 0, 0, fd);
  const buf = new Uint8Array(100);
  const name = new Uint8Array(16);

  await check("nop", () => ring.nop(c), {
    opcode: IORING_OP.NOP,
    fd: -1,
    userData: ud(IORING_OP.NOP, 0, 0, fd),
  });
  await check(
    "nop with ctx flags, options flags, ioprio and personality",
    () =>
      ring.nop(packDirect(0, IOSQE.IO_LINK, 0, fd), {
        flags: IOSQE.ASYNC,
        ioprio: 3,
        personality: 9,
      }),
    {
      opcode: IORING_OP.NOP,
      flags: IOSQE.IO_LINK | IOSQE.ASYNC,
      ioprio: 3,
      fd: -1,
      personality: 9,
      // user_data: the context (op filled in), not the option flags.
      userData: ud(IORING_OP.NOP, IOSQE.IO_LINK, 0, fd),
    },
  );
  await check(
    "read at offset with n",
    () => ring.read(c, buf, { offset: 2 ** 40 + 5, n: 60 }),
    {
      opcode: IORING_OP.READ,
      fd,
      off: 2n ** 40n + 5n,
      addr: A(buf),
      len: 60,
      userData: ud(IORING_OP.READ, 0, 0, fd),
    },
  );
  await check("write at current position", () => ring.write(c, buf), {
    opcode: IORING_OP.WRITE,
    fd,
    off: U64_MAX,
    addr: A(buf),
    len: 100,
    userData: ud(IORING_OP.WRITE, 0, 0, fd),
  });
  const iov = new Iovecs(2).set(0, buf).set(1, name);
  await check("readv", () => ring.readV(c, iov, { offset: 0 }), {
    opcode: IORING_OP.READV,
    fd,
    addr: A(iov.bytes),
    len: 2,
    userData: ud(IORING_OP.READV, 0, 0, fd),
  });
  await check("writev", () => ring.writeV(c, iov, { offset: 4096 }), {
    opcode: IORING_OP.WRITEV,
    fd,
    off: 4096n,
    addr: A(iov.bytes),
    len: 2,
    userData: ud(IORING_OP.WRITEV, 0, 0, fd),
  });
  await check("fsync datasync", () => ring.sync(c, { fsyncFlags: 1 }), {
    opcode: IORING_OP.FSYNC,
    fd,
    opFlags: 1,
    userData: ud(IORING_OP.FSYNC, 0, 0, fd),
  });
  await check("fallocate", () => ring.fallocate(c, 1, 4096, 8192), {
    opcode: IORING_OP.FALLOCATE,
    fd,
    off: 4096n,
    addr: 8192n,
    len: 1,
    userData: ud(IORING_OP.FALLOCATE, 0, 0, fd),
  });
  await check("ftruncate", () => ring.ftruncate(c, 12345), {
    opcode: IORING_OP.FTRUNCATE,
    fd,
    off: 12345n,
    userData: ud(IORING_OP.FTRUNCATE, 0, 0, fd),
  });
  const path = new TextEncoder().encode("a/b\0");
  const dirc = packDirect(0, 0, 0, -100);
  await check(
    "openat (AT_FDCWD, O_LARGEFILE added)",
    () => ring.openAt(dirc, path, 0o102, 0o644),
    {
      opcode: IORING_OP.OPENAT,
      fd: -100,
      addr: A(path),
      len: 0o644,
      opFlags: 0o102 | 0x8000,
      userData: ud(IORING_OP.OPENAT, 0, 0, -100),
    },
  );
  await check(
    "openat direct",
    () => ring.openAt(dirc, path, 0, 0, { fileIndex: 4 }),
    {
      opcode: IORING_OP.OPENAT,
      fd: -100,
      addr: A(path),
      opFlags: 0x8000,
      spliceFdIn: 5,
      userData: ud(IORING_OP.OPENAT, 0, 0, -100),
    },
  );
  await check("close", () => ring.close(c), {
    opcode: IORING_OP.CLOSE,
    fd,
    userData: ud(IORING_OP.CLOSE, 0, 0, fd),
  });
  await check("close direct", () => ring.close(c, { fileIndex: 2 }), {
    opcode: IORING_OP.CLOSE,
    spliceFdIn: 3,
    userData: ud(IORING_OP.CLOSE, 0, 0, fd),
  });
  const stx = new Uint8Array(256);
  await check("statx", () => ring.statx(dirc, path, 0x100, 0x7ff, stx), {
    opcode: IORING_OP.STATX,
    fd: -100,
    addr: A(path),
    off: A(stx),
    len: 0x7ff,
    opFlags: 0x100,
    userData: ud(IORING_OP.STATX, 0, 0, -100),
  });
  const p2 = new TextEncoder().encode("c\0");
  await check("renameat", () => ring.renameAt(c, path, p2, 1), {
    opcode: IORING_OP.RENAMEAT,
    fd,
    addr: A(path),
    len: fd,
    off: A(p2),
    opFlags: 1,
    userData: ud(IORING_OP.RENAMEAT, 0, 0, fd),
  });
  await check("unlinkat", () => ring.unlinkAt(c, path, 0x200), {
    opcode: IORING_OP.UNLINKAT,
    fd,
    addr: A(path),
    opFlags: 0x200,
    userData: ud(IORING_OP.UNLINKAT, 0, 0, fd),
  });
  await check("mkdirat", () => ring.mkdirAt(c, path, 0o750), {
    opcode: IORING_OP.MKDIRAT,
    fd,
    addr: A(path),
    len: 0o750,
    userData: ud(IORING_OP.MKDIRAT, 0, 0, fd),
  });
  await check("symlinkat", () => ring.symlinkAt(c, path, p2), {
    opcode: IORING_OP.SYMLINKAT,
    fd,
    addr: A(path),
    off: A(p2),
    userData: ud(IORING_OP.SYMLINKAT, 0, 0, fd),
  });
  await check("linkat", () => ring.linkAt(c, 3, path, p2, 0x400), {
    opcode: IORING_OP.LINKAT,
    fd: 3,
    addr: A(path),
    len: fd,
    off: A(p2),
    opFlags: 0x400,
    userData: ud(IORING_OP.LINKAT, 0, 0, fd),
  });
  const xname = new TextEncoder().encode("user.k\0");
  await check("fgetxattr", () => ring.fgetXattr(c, xname as never, buf), {
    opcode: IORING_OP.FGETXATTR,
    fd,
    addr: A(xname),
    off: A(buf),
    len: 100,
    userData: ud(IORING_OP.FGETXATTR, 0, 0, fd),
  });
  await check(
    "fsetxattr",
    () => ring.fsetXattr(c, xname as never, buf, 2),
    {
      opcode: IORING_OP.FSETXATTR,
      fd,
      addr: A(xname),
      off: A(buf),
      len: 100,
      opFlags: 2,
      userData: ud(IORING_OP.FSETXATTR, 0, 0, fd),
    },
  );
  await t.step("getxattr / setxattr (path in addr3)", () => {
    for (
      const [op, call] of [
        [IORING_OP.GETXATTR, () => ring.getXattr(c, "/p", "user.k", buf)],
        [IORING_OP.SETXATTR, () => ring.setXattr(c, "/p", "user.k", buf, 1)],
      ] as const
    ) {
      poison();
      call();
      const s = decode(bytes);
      assert.equal(s.opcode, op);
      assert.equal(s.fd, 0);
      assert.notEqual(s.addr, 0n); // the encoded name
      assert.notEqual(s.addr3, 0n); // the encoded path
      assert.equal(s.off, A(buf));
      assert.equal(s.len, 100);
      assert.equal(s.opFlags, op === IORING_OP.SETXATTR ? 1 : 0);
      assert.equal(s.pad2, 0n);
      ring.cancelPending();
    }
  });
  await check(
    "splice with offsets and flags",
    () => ring.splice(c, 3, 4096, { offset: 10, spliceFlags: 4 }, 20),
    {
      opcode: IORING_OP.SPLICE,
      fd,
      off: 10n,
      addr: 20n,
      len: 4096,
      opFlags: 4,
      spliceFdIn: 3,
      userData: ud(IORING_OP.SPLICE, 0, 0, fd),
    },
  );
  await check("tee", () => ring.tee(c, 3, 512, { spliceFlags: 1 }), {
    opcode: IORING_OP.TEE,
    fd,
    len: 512,
    opFlags: 1,
    spliceFdIn: 3,
    userData: ud(IORING_OP.TEE, 0, 0, fd),
  });
  const fds = new Int32Array(2);
  await check("pipe", () => ring.pipe(c, fds, 0x80000), {
    opcode: IORING_OP.PIPE,
    addr: A(fds),
    opFlags: 0x80000,
    userData: ud(IORING_OP.PIPE, 0, 0, fd),
  });
  await check(
    "sync_file_range",
    () => ring.syncFileRange(c, 100, 200, 2),
    {
      opcode: IORING_OP.SYNC_FILE_RANGE,
      fd,
      off: 100n,
      len: 200,
      opFlags: 2,
      userData: ud(IORING_OP.SYNC_FILE_RANGE, 0, 0, fd),
    },
  );
  await check("fadvise", () => ring.fileAdvise(c, 5, 6, 4), {
    opcode: IORING_OP.FADVISE,
    fd,
    off: 5n,
    len: 6,
    opFlags: 4,
    userData: ud(IORING_OP.FADVISE, 0, 0, fd),
  });

  // Timeouts point at the ring's per-slot timespec scratch: check the
  // address is non-zero and the timespec holds the duration.
  await t.step("timeout / link timeout / timeout update", () => {
    for (
      const [op, call, flags, count] of [
        [IORING_OP.TIMEOUT, () => ring.timeout(c, 1500, { count: 3 }), 0, 3],
        [
          IORING_OP.TIMEOUT,
          () =>
            ring.timeout(c, 2000, { timeoutFlags: IORING_TIMEOUT.BOOTTIME }),
          IORING_TIMEOUT.BOOTTIME,
          0,
        ],
        [IORING_OP.LINK_TIMEOUT, () => ring.linkTimeout(c, 1500), 0, 0],
      ] as const
    ) {
      poison();
      call();
      const s = decode(bytes);
      assert.equal(s.opcode, op);
      assert.equal(s.fd, -1);
      assert.equal(s.len, 1);
      assert.equal(s.opFlags, flags);
      assert.equal(s.off, BigInt(count));
      assert.equal(s.userData, ud(op, 0, 0, fd));
      assert.notEqual(s.addr, 0n);
      ring.cancelPending();
    }
    const target = packDirect(IORING_OP.TIMEOUT, 0, 0, 3);
    poison();
    ring.timeoutUpdate(c, target, 10, true);
    let s = decode(bytes);
    assert.equal(s.opcode, IORING_OP.TIMEOUT_REMOVE);
    assert.equal(s.addr, target.raw());
    assert.equal(s.opFlags, IORING_TIMEOUT.UPDATE | IORING_TIMEOUT.ABS);
    assert.notEqual(s.off, 0n);
    ring.cancelPending();
    poison();
    ring.timeoutRemove(c, target);
    s = decode(bytes);
    assert.deepEqual(s, {
      ...ZERO,
      opcode: IORING_OP.TIMEOUT_REMOVE,
      fd: -1,
      addr: target.raw(),
      userData: ud(IORING_OP.TIMEOUT_REMOVE, 0, 0, fd),
    });
    ring.cancelPending();
  });

  const target = packDirect(IORING_OP.RECV, 0, 0, 9);
  await check("async cancel by user_data", () => ring.asyncCancel(c, target), {
    opcode: IORING_OP.ASYNC_CANCEL,
    fd: -1,
    addr: target.raw(),
    userData: ud(IORING_OP.ASYNC_CANCEL, 0, 0, fd),
  });
  await check("async cancel fd, all", () => ring.asyncCancelFD(c, true), {
    opcode: IORING_OP.ASYNC_CANCEL,
    fd,
    opFlags: IORING_ASYNC_CANCEL.FD | IORING_ASYNC_CANCEL.ALL,
    userData: ud(IORING_OP.ASYNC_CANCEL, 0, 0, fd),
  });
  await check(
    "async cancel fd on a fixed file",
    () => ring.asyncCancelFD(packDirect(0, IOSQE.FIXED_FILE, 0, 2)),
    {
      opcode: IORING_OP.ASYNC_CANCEL,
      fd: 2,
      opFlags: IORING_ASYNC_CANCEL.FD | IORING_ASYNC_CANCEL.FD_FIXED,
      userData: ud(IORING_OP.ASYNC_CANCEL, IOSQE.FIXED_FILE, 0, 2),
    },
  );
  await check(
    "async cancel opcode",
    () => ring.asyncCancelOpcode(c, IORING_OP.RECV, false),
    {
      opcode: IORING_OP.ASYNC_CANCEL,
      fd: -1,
      len: IORING_OP.RECV,
      opFlags: IORING_ASYNC_CANCEL.OP,
      userData: ud(IORING_OP.ASYNC_CANCEL, 0, 0, fd),
    },
  );
  await check("async cancel any", () => ring.asyncCancelAny(c), {
    opcode: IORING_OP.ASYNC_CANCEL,
    fd: -1,
    opFlags: IORING_ASYNC_CANCEL.ANY,
    userData: ud(IORING_OP.ASYNC_CANCEL, 0, 0, fd),
  });
  await check("async cancel all", () => ring.asyncCancelAll(c), {
    opcode: IORING_OP.ASYNC_CANCEL,
    fd: -1,
    opFlags: IORING_ASYNC_CANCEL.ANY | IORING_ASYNC_CANCEL.ALL,
    userData: ud(IORING_OP.ASYNC_CANCEL, 0, 0, fd),
  });
  for (
    const [name, call, len] of [
      ["poll add", () => ring.pollAdd(c, 0x1), 0],
      [
        "poll add level (a plain one-shot poll)",
        () => ring.pollAddLevel(c, 0x1),
        0,
      ],
      [
        "poll add multishot",
        () => ring.pollAddMultishot(c, 0x1),
        IORING_POLL.ADD_MULTI,
      ],
      [
        "poll add multishot level",
        () => ring.pollAddMultishotLevel(c, 0x1),
        IORING_POLL.ADD_MULTI | IORING_POLL.ADD_LEVEL,
      ],
    ] as const
  ) {
    await check(name, call, {
      opcode: IORING_OP.POLL_ADD,
      fd,
      len,
      opFlags: 0x1,
      userData: ud(IORING_OP.POLL_ADD, 0, 0, fd),
    });
  }
  const pollTarget = packDirect(IORING_OP.POLL_ADD, 0, 0, 5);
  await check("poll remove", () => ring.pollRemove(c, pollTarget), {
    opcode: IORING_OP.POLL_REMOVE,
    fd: -1,
    addr: pollTarget.raw(),
    userData: ud(IORING_OP.POLL_REMOVE, 0, 0, fd),
  });
  const newUd = packDirect(IORING_OP.POLL_ADD, 0, 0, 6);
  await check(
    "poll update",
    () =>
      ring.pollUpdate(
        c,
        pollTarget,
        newUd,
        0x4,
        IORING_POLL.UPDATE_EVENTS | IORING_POLL.UPDATE_USER_DATA,
      ),
    {
      opcode: IORING_OP.POLL_REMOVE,
      fd: -1,
      addr: pollTarget.raw(),
      off: newUd.raw(),
      len: IORING_POLL.UPDATE_EVENTS | IORING_POLL.UPDATE_USER_DATA,
      opFlags: 0x4,
      userData: ud(IORING_OP.POLL_REMOVE, 0, 0, fd),
    },
  );
  const ev = new Uint8Array(12 * 4);
  await check("epoll wait", () => ring.epollWait(c, ev, 4), {
    opcode: IORING_OP.EPOLL_WAIT,
    fd,
    addr: A(ev),
    len: 4,
    userData: ud(IORING_OP.EPOLL_WAIT, 0, 0, fd),
  });
  const word = new Uint32Array(new SharedArrayBuffer(16));
  await check(
    "futex wait",
    () => ring.futexWait(c, word, 1, 5, 0xff, FUTEX2.SIZE_U32),
    {
      opcode: IORING_OP.FUTEX_WAIT,
      fd: FUTEX2.SIZE_U32,
      addr: A(word) + 4n,
      off: 5n,
      addr3: 0xffn,
      userData: ud(IORING_OP.FUTEX_WAIT, 0, 0, fd),
    },
  );
  await check("futex wake", () => ring.futexWake(c, word, 0, 2), {
    opcode: IORING_OP.FUTEX_WAKE,
    fd: FUTEX2.SIZE_U32 | FUTEX2.PRIVATE,
    addr: A(word),
    off: 2n,
    addr3: 0xffffffffn,
    userData: ud(IORING_OP.FUTEX_WAKE, 0, 0, fd),
  });
  const waitv = new Uint8Array(48);
  await check("futex waitv", () => ring.futexWaitV(c, waitv, 2), {
    opcode: IORING_OP.FUTEX_WAITV,
    addr: A(waitv),
    len: 2,
    userData: ud(IORING_OP.FUTEX_WAITV, 0, 0, fd),
  });
  const info = new Uint8Array(128);
  await check("waitid", () => ring.waitid(c, 1, 1234, info, 4), {
    opcode: IORING_OP.WAITID,
    fd: 1234,
    len: 1,
    off: A(info),
    spliceFdIn: 4,
    userData: ud(IORING_OP.WAITID, 0, 0, fd),
  });
  const msgUd = packDirect(1, 2, 3, 4);
  await check("msg_ring data", () => ring.msgRing(c, msgUd, -5), {
    opcode: IORING_OP.MSG_RING,
    fd,
    addr: BigInt(IORING_MSG.DATA),
    len: -5 >>> 0,
    off: msgUd.raw(),
    userData: ud(IORING_OP.MSG_RING, 0, 0, fd),
  });
  await check(
    "msg_ring send fd",
    () => ring.msgRingFD(c, 3, 4, msgUd, true),
    {
      opcode: IORING_OP.MSG_RING,
      fd,
      addr: BigInt(IORING_MSG.SEND_FD),
      off: msgUd.raw(),
      opFlags: IORING_MSG.RING_CQE_SKIP,
      addr3: 3n,
      spliceFdIn: 5,
      userData: ud(IORING_OP.MSG_RING, 0, 0, fd),
    },
  );
  await check(
    "msg_ring send fd to an allocated slot",
    () => ring.msgRingFD(c, 0, IORING_FILE_INDEX_ALLOC, msgUd),
    {
      opcode: IORING_OP.MSG_RING,
      fd,
      addr: BigInt(IORING_MSG.SEND_FD),
      off: msgUd.raw(),
      spliceFdIn: -1,
      userData: ud(IORING_OP.MSG_RING, 0, 0, fd),
    },
  );
  await check("fixed fd install", () => ring.fixedFdInstall(c, 3, 1), {
    opcode: IORING_OP.FIXED_FD_INSTALL,
    flags: IOSQE.FIXED_FILE,
    fd: 3,
    opFlags: 1,
    userData: ud(IORING_OP.FIXED_FD_INSTALL, 0, 0, fd),
  });
  const upd = new Int32Array([5, -1]);
  await check("files update", () => ring.filesUpdate(c, upd, 3), {
    opcode: IORING_OP.FILES_UPDATE,
    fd: -1,
    addr: A(upd),
    len: 2,
    off: 3n,
    userData: ud(IORING_OP.FILES_UPDATE, 0, 0, fd),
  });
  await check(
    "uring_cmd with inline data",
    () => ring.uringCmd(c, 0x1234, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9])),
    {
      opcode: IORING_OP.URING_CMD,
      fd,
      off: 0x1234n,
      addr3: 0x0807060504030201n,
      pad2: 9n,
      userData: ud(IORING_OP.URING_CMD, 0, 0, fd),
    },
  );

  // Sockets
  await check("socket (tcp4)", () => ring.tcp4Socket(c), {
    opcode: IORING_OP.SOCKET,
    fd: 2,
    off: BigInt(1 | 0x80000),
    len: 6,
    userData: ud(IORING_OP.SOCKET, 0, 0, fd),
  });
  await check(
    "socket raw with flags",
    () => ring.socketRaw(c, 10, 2, 17, { msgFlags: 0 }),
    {
      opcode: IORING_OP.SOCKET,
      fd: 10,
      off: 2n,
      len: 17,
      userData: ud(IORING_OP.SOCKET, 0, 0, fd),
    },
  );
  await check("socket direct, allocated slot", () => ring.udp6SocketDirect(c), {
    opcode: IORING_OP.SOCKET,
    fd: 10,
    off: 2n,
    len: 17,
    spliceFdIn: -1,
    userData: ud(IORING_OP.SOCKET, 0, 0, fd),
  });
  await check(
    "socket direct, slot 6",
    () => ring.unixSocketDirect(c, { fileIndex: 6 }),
    {
      opcode: IORING_OP.SOCKET,
      fd: 1,
      off: 1n,
      spliceFdIn: 7,
      userData: ud(IORING_OP.SOCKET, 0, 0, fd),
    },
  );
  const sa = new Uint8Array(16);
  await check("bind", () => ring.bind(c, sa), {
    opcode: IORING_OP.BIND,
    fd,
    addr: A(sa),
    off: 16n,
    userData: ud(IORING_OP.BIND, 0, 0, fd),
  });
  await check("listen", () => ring.listen(c, { backlog: 64 }), {
    opcode: IORING_OP.LISTEN,
    fd,
    len: 64,
    userData: ud(IORING_OP.LISTEN, 0, 0, fd),
  });
  await check("accept (cloexec)", () => ring.accept(c), {
    opcode: IORING_OP.ACCEPT,
    fd,
    opFlags: 0x80000,
    userData: ud(IORING_OP.ACCEPT, 0, 0, fd),
  });
  const peerLen = new Uint32Array(1);
  await check(
    "accept multishot with peer address",
    () => ring.accept(c, { ioprio: IORING_ACCEPT.MULTISHOT }, name, peerLen),
    {
      opcode: IORING_OP.ACCEPT,
      ioprio: IORING_ACCEPT.MULTISHOT,
      fd,
      addr: A(name),
      off: A(peerLen),
      opFlags: 0x80000,
      userData: ud(IORING_OP.ACCEPT, 0, 0, fd),
    },
  );
  await check("accept direct", () => ring.acceptDirect(c, 2), {
    opcode: IORING_OP.ACCEPT,
    fd,
    spliceFdIn: 3,
    userData: ud(IORING_OP.ACCEPT, 0, 0, fd),
  });
  await check("connect", () => ring.connect(c, sa), {
    opcode: IORING_OP.CONNECT,
    fd,
    addr: A(sa),
    off: 16n,
    userData: ud(IORING_OP.CONNECT, 0, 0, fd),
  });
  await check("shutdown", () => ring.shutdown(c, 1), {
    opcode: IORING_OP.SHUTDOWN,
    fd,
    len: 1,
    userData: ud(IORING_OP.SHUTDOWN, 0, 0, fd),
  });
  await check("send", () => ring.send(c, buf, { msgFlags: 0x4000, n: 10 }), {
    opcode: IORING_OP.SEND,
    fd,
    addr: A(buf),
    len: 10,
    opFlags: 0x4000,
    userData: ud(IORING_OP.SEND, 0, 0, fd),
  });
  await check("receive", () => ring.receive(c, buf), {
    opcode: IORING_OP.RECV,
    fd,
    addr: A(buf),
    len: 100,
    opFlags: 0x100, // MSG_WAITALL by default
    userData: ud(IORING_OP.RECV, 0, 0, fd),
  });
  await check(
    "receive with buffer selection",
    () => ring.receive(packDirect(0, 0, 17, fd), null, { readBufferSize: 512 }),
    {
      opcode: IORING_OP.RECV,
      flags: IOSQE.BUFFER_SELECT,
      fd,
      len: 512,
      bufIndex: 17,
      userData: ud(IORING_OP.RECV, 0, 17, fd),
    },
  );
  await check(
    "receive zero-copy (RECV_ZC)",
    () => ring.receiveZeroCopy(c, 4096, 3, { msgFlags: 0x40 }),
    {
      opcode: IORING_OP.RECV_ZC,
      ioprio: IORING_RECVSEND.RECV_MULTISHOT,
      fd,
      len: 4096,
      opFlags: 0x40,
      spliceFdIn: 3, // zcrx_ifq_idx
      userData: ud(IORING_OP.RECV_ZC, 0, 0, fd),
    },
  );
  const optval = new Uint8Array(4);
  await check(
    "socket setsockopt command",
    () => ring.socketSetsockopt(c, 6, 1, optval),
    {
      opcode: IORING_OP.URING_CMD,
      fd,
      off: BigInt(SOCKET_URING_OP.SETSOCKOPT), // cmd_op
      addr: (1n << 32n) | 6n, // level, optname
      spliceFdIn: 4, // optlen
      addr3: A(optval),
      userData: ud(IORING_OP.URING_CMD, 0, 0, fd),
    },
  );
  const how = new OpenHow({ flags: 0o2000000 });
  await t.step("openat2", () => {
    poison();
    assert.equal(ring.cancelPending(), 0);
    assert.ok(ring.openAt2(c, "p", how));
    const got = decode(bytes);
    assert.ok(got.addr !== 0n, "the path's address");
    assert.deepEqual({ ...got, addr: 0n }, {
      ...ZERO,
      opcode: IORING_OP.OPENAT2,
      fd,
      len: 24, // sizeof(struct open_how)
      off: A(how.bytes),
      userData: ud(IORING_OP.OPENAT2, 0, 0, fd),
    });
    assert.equal(ring.cancelPending(), 1);
  });
  await t.step("openat2 into a direct slot", () => {
    poison();
    assert.ok(ring.openAt2(c, "p", how, { fileIndex: 4 }));
    const got = decode(bytes);
    assert.deepEqual({ ...got, addr: 0n }, {
      ...ZERO,
      opcode: IORING_OP.OPENAT2,
      fd,
      len: 24,
      off: A(how.bytes),
      spliceFdIn: 5, // file_index: the slot + 1
      userData: ud(IORING_OP.OPENAT2, 0, 0, fd),
    });
    assert.equal(ring.cancelPending(), 1);
  });
  await check(
    "socket getsockopt command",
    () => ring.socketGetsockopt(c, 1, 7, optval),
    {
      opcode: IORING_OP.URING_CMD,
      fd,
      off: BigInt(SOCKET_URING_OP.GETSOCKOPT),
      addr: (7n << 32n) | 1n,
      spliceFdIn: 4,
      addr3: A(optval),
      userData: ud(IORING_OP.URING_CMD, 0, 0, fd),
    },
  );
  await check(
    "uring_cmd with socket option fields",
    () =>
      ring.uringCmd(c, SOCKET_URING_OP.GETSOCKOPT, {
        level: 1,
        optname: 7,
        optval,
        optlen: 2,
      }),
    {
      opcode: IORING_OP.URING_CMD,
      fd,
      off: BigInt(SOCKET_URING_OP.GETSOCKOPT),
      addr: (7n << 32n) | 1n,
      spliceFdIn: 2,
      addr3: A(optval),
      userData: ud(IORING_OP.URING_CMD, 0, 0, fd),
    },
  );
  await check(
    "async cancel of a bare fixed-file context's requests, all",
    () => ring.asyncCancel(c, packDirect(0, IOSQE.FIXED_FILE, 0, 2), {}, true),
    {
      opcode: IORING_OP.ASYNC_CANCEL,
      fd: 2,
      // FIXED_FILE travels in the cancel flags, not on the SQE.
      opFlags: IORING_ASYNC_CANCEL.FD | IORING_ASYNC_CANCEL.FD_FIXED |
        IORING_ASYNC_CANCEL.ALL,
      userData: ud(IORING_OP.ASYNC_CANCEL, 0, 0, fd),
    },
  );
  const msg = new Msghdr().setBuffers([buf]);
  await check("sendmsg", () => ring.sendMsg(c, msg, { msgFlags: 0x40 }), {
    opcode: IORING_OP.SENDMSG,
    fd,
    addr: A(msg.bytes),
    len: 1,
    opFlags: 0x40,
    userData: ud(IORING_OP.SENDMSG, 0, 0, fd),
  });
  await check("recvmsg", () => ring.recvMsg(c, msg), {
    opcode: IORING_OP.RECVMSG,
    fd,
    addr: A(msg.bytes),
    len: 1,
    userData: ud(IORING_OP.RECVMSG, 0, 0, fd),
  });
});

Deno.test("uring SQE encoding: fixed-buffer ops and indirect/extended contexts", async (t) => {
  using ring = new Uring({ entries: 8 });
  const w = ring.sqeWords;
  const bytes = new Uint8Array(w.buffer, w.byteOffset, 64);
  const b0 = new Uint8Array(4096);
  const b1 = new Uint8Array(4096);
  ring.start();
  ring.registerBuffers([b0, b1]);
  const c = packDirect(0, 0, 0, 5);

  await t.step("read fixed / write fixed", () => {
    ring.readFixed(c, 1, { offset: 0, n: 100 });
    assert.deepEqual(decode(bytes), {
      ...ZERO,
      opcode: IORING_OP.READ_FIXED,
      fd: 5,
      addr: A(b1),
      len: 100,
      bufIndex: 1,
      userData: ud(IORING_OP.READ_FIXED, 0, 0, 5),
    });
    ring.cancelPending();
    ring.writeFixed(c, 0, 10, { offset: 8 });
    assert.deepEqual(decode(bytes), {
      ...ZERO,
      opcode: IORING_OP.WRITE_FIXED,
      fd: 5,
      off: 8n,
      addr: A(b0),
      len: 10,
      userData: ud(IORING_OP.WRITE_FIXED, 0, 0, 5),
    });
    ring.cancelPending();
  });
  await t.step("readv fixed / writev fixed", () => {
    const iov0 = new Iovecs(2).set(0, b0.subarray(0, 10)).set(
      1,
      b0.subarray(20, 30),
    );
    const iov1 = new Iovecs(1).set(0, b1.subarray(5, 12));
    ring.readvFixed(c, 0, iov0, { offset: 0 });
    assert.deepEqual(decode(bytes), {
      ...ZERO,
      opcode: IORING_OP.READV_FIXED,
      fd: 5,
      addr: A(iov0.bytes),
      len: 2,
      userData: ud(IORING_OP.READV_FIXED, 0, 0, 5),
    });
    ring.cancelPending();
    ring.writevFixed(c, 1, iov1, { offset: 64 });
    assert.deepEqual(decode(bytes), {
      ...ZERO,
      opcode: IORING_OP.WRITEV_FIXED,
      fd: 5,
      off: 64n,
      addr: A(iov1.bytes),
      len: 1,
      bufIndex: 1,
      userData: ud(IORING_OP.WRITEV_FIXED, 0, 0, 5),
    });
    ring.cancelPending();
  });
  await t.step("extended context: user_data names the slot, SQE copied", () => {
    const ext = ring.extSQE()!;
    ext.fd = 9;
    ring.write(ext.context, b0, { n: 3, offset: 0 });
    const s = decode(bytes);
    assert.equal(s.opcode, IORING_OP.WRITE);
    assert.equal(s.fd, 9);
    assert.equal(s.userData, ext.context.raw());
    assert.equal(s.userData >> 62n, 2n);
    assert.deepEqual(ext.sqe, bytes.slice(0, 64));
    ring.cancelPending();
    ring.putExtSQE(ext);
  });
  await t.step("indirect context", () => {
    const ind = ring.indirectSQE()!;
    ind.fd = 4;
    ring.nop(ind.context);
    const s = decode(bytes);
    assert.equal(s.userData, ind.context.raw());
    assert.equal(s.userData >> 62n, 1n);
    assert.equal(ind.sqe[0], IORING_OP.NOP);
    ring.cancelPending();
    ring.putIndirectSQE(ind);
  });
});

Deno.test("uring SQE encoding: 128-byte ops", async (t) => {
  using ring = new Uring({ entries: 8, sqe128: true });
  assert.equal(ring.features.sqeBytes, 128);
  const w = ring.sqeWords;
  const bytes = new Uint8Array(w.buffer, w.byteOffset, 128);
  const c = packDirect(0, 0, 0, 3);
  if (!ring.probe().supports(IORING_OP.NOP128)) {
    // The ring methods probe and refuse (see uring_op_semantics_test.ts):
    // check the raw preps' encoding instead.
    console.log(
      "IORING_OP_NOP128 / URING_CMD128 not in this kernel: raw prep encoding only",
    );
    const raw = new Uint32Array(32).fill(0xa5a5a5a5);
    prepNop128(raw, 0);
    raw[8] = raw[9] = 0; // user_data is finishSqe's
    const rb = new Uint8Array(raw.buffer);
    assert.deepEqual(decode(rb), {
      ...ZERO,
      opcode: IORING_OP.NOP128,
      fd: -1,
    });
    assert.deepEqual(rb.slice(64), new Uint8Array(64));
    raw.fill(0xa5a5a5a5);
    prepUringCmd128(raw, 0, 7, 3);
    const data = new Uint8Array(80).map((_, k) => k + 1);
    setSqeCmd(raw, 0, data);
    const s = decode(rb);
    assert.equal(s.opcode, IORING_OP.URING_CMD128);
    assert.equal(s.fd, 3);
    assert.equal(s.off, 7n);
    assert.deepEqual(rb.slice(48, 128), data);
    assert.throws(() => ring.nop128(c), { name: "NotSupportedError" });
    return;
  }
  await t.step("nop128", () => {
    w.fill(0xa5a5a5a5, 0, 32);
    ring.nop128(c);
    assert.deepEqual(decode(bytes), {
      ...ZERO,
      opcode: IORING_OP.NOP128,
      fd: -1,
      userData: ud(IORING_OP.NOP128, 0, 0, 3),
    });
    assert.deepEqual(bytes.slice(64), new Uint8Array(64));
    ring.cancelPending();
  });
  await t.step("uring_cmd128 with 80 inline bytes", () => {
    const data = new Uint8Array(80).map((_, k) => k + 1);
    ring.uringCmd128(c, 7, data);
    const s = decode(bytes);
    assert.equal(s.opcode, IORING_OP.URING_CMD128);
    assert.equal(s.fd, 3);
    assert.equal(s.off, 7n);
    assert.deepEqual(bytes.slice(48, 128), data);
    ring.cancelPending();
  });
  await t.step("128-byte ops refuse 64-byte rings", () => {
    using small = new Uring({ entries: 8 });
    assert.throws(() => small.nop128(c), { name: "NotSupportedError" });
    assert.throws(() => small.uringCmd128(c, 1), { name: "NotSupportedError" });
  });
});

Deno.test("uring prep methods reject bad input", () => {
  using ring = new Uring({ entries: 8 });
  const c = packDirect(0, 0, 0, 3);
  const o: OpOptions = {};
  assert.throws(() => ring.read(c, [] as never), TypeError);
  assert.throws(() => ring.read(c, new Uint8Array(4), { n: 5 }), RangeError);
  assert.throws(() => ring.openAt(c, "a\0b", 0), TypeError);
  assert.throws(() => ring.openAt(c, new Uint8Array([97]), 0), TypeError);
  assert.throws(() => ring.shutdown(c, 3), RangeError);
  assert.throws(() => ring.timeout(c, -1), RangeError);
  assert.throws(() => ring.timeout(c, NaN), RangeError);
  assert.throws(() => ring.epollWait(c, new Uint8Array(12), 1, 5), RangeError);
  assert.throws(() => ring.statx(c, "a", 0, 0, new Uint8Array(10)), RangeError);
  assert.throws(() => ring.pipe(c, new Int32Array(1)), TypeError);
  assert.throws(() => ring.readFixed(c, 0, o), RangeError);
  assert.throws(() => ring.uringCmd(c, 1, new Uint8Array(17)), RangeError);
  assert.throws(
    () => ring.socketDirect(c, 2, 1 | 0x80000, 0),
    TypeError,
  );
  assert.throws(() => ring.asyncCancelOpcode(c, 300), RangeError);
  assert.throws(() => ring.bind(c, new Uint8Array(1)), TypeError);
  assert.throws(
    () => ring.futexWait(c, new Uint32Array(1), 1, 0),
    RangeError,
  );
  assert.equal(ring.pending, 0);
});

Deno.test("uring SQE encoding: every declared operation has its bytes checked", () => {
  RingSubmission.prototype._submit = submit;
  // The 128-byte ops reach their prep only on a kernel with the opcodes
  // (the test above checks the raw preps otherwise).
  using ring = new Uring({ entries: 8 });
  const has128 = ring.probe().supports(IORING_OP.NOP128);
  const missing = Object.entries(OPS)
    .filter(([k, d]) =>
      !submitted.has(d) && (has128 || (k !== "nop128" && k !== "uringCmd128"))
    )
    .map(([k]) => k);
  assert.deepEqual(missing, [], `no byte check for ${missing.join(", ")}`);
});
