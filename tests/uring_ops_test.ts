// Every operation family through the real kernel: files in a temp dir,
// pipes, loopback sockets (set up with zcall), timeouts, cancellation,
// poll, futex, epoll, waitid, msg_ring between two rings, registered files
// and buffers, 128-byte SQEs.

import assert from "node:assert/strict";
import {
  CQEView,
  type ExtSQE,
  FUTEX2,
  IORING_CQE_F,
  IORING_FILE_INDEX_ALLOC,
  IORING_POLL,
  IORING_TIMEOUT,
  packDirect,
  SOCKET_URING_OP,
  type SQEContext,
  Uring,
} from "../uring/mod.ts";
import {
  AF,
  bind,
  close,
  EPOLL,
  epollCreate1,
  epollCtl,
  EpollEvents,
  getsockname,
  IORING_OP,
  IOSQE,
  Iovecs,
  listen,
  Msghdr,
  O,
  pipe2,
  read,
  SOCK,
  socket,
  write,
} from "../zcall/mod.ts";

const E = {
  ETIME: -62,
  ECANCELED: -125,
  ENOENT: -2,
  EAGAIN: -11,
  ECHILD: -10,
  EALREADY: -114,
  EEXIST: -17,
} as const;
const AT_FDCWD = -100;
const enc = new TextEncoder();
const dec = new TextDecoder();

interface Done {
  op: number;
  res: number;
  flags: number;
  lo: number;
  hi: number;
  fd: number;
  bufGroup: number;
}

// Collects `n` completions (bounded: fails after `ms`).
function reap(ring: Uring, n: number, ms = 3000): Done[] {
  const cqes = CQEView.array(64);
  const out: Done[] = [];
  const deadline = performance.now() + ms;
  while (out.length < n) {
    const left = deadline - performance.now();
    if (left <= 0) {
      throw new Error(`reap: got ${out.length} of ${n} completions`);
    }
    const k = ring.waitBlocking(cqes, 1, Math.min(left, 200));
    for (let i = 0; i < k; i++) {
      const c = cqes[i];
      out.push({
        op: c.op(),
        res: c.res,
        flags: c.flags,
        lo: c.userDataLo,
        hi: c.userDataHi,
        fd: c.fd(),
        bufGroup: c.bufGroup(),
      });
    }
  }
  return out;
}

const one = (ring: Uring) => reap(ring, 1)[0];
// The completion whose context carries buffer group `tag` (tests tag ops).
const byTag = (d: Done[], tag: number) => {
  const f = d.find((x) => x.bufGroup === tag);
  if (!f) throw new Error(`no completion tagged ${tag}`);
  return f;
};
const tagged = (tag: number, fd: number, flags = 0) =>
  packDirect(0, flags, tag, fd);

function pipe(): [number, number] {
  const fds = new Int32Array(2);
  assert.equal(pipe2(fds, O.CLOEXEC), 0);
  return [fds[0], fds[1]];
}

function sin(port: number): Uint8Array {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, AF.INET, true);
  dv.setUint16(2, port, false);
  b.set([127, 0, 0, 1], 4);
  return b;
}

function listener(): [number, number] {
  const fd = socket(AF.INET, SOCK.STREAM | SOCK.CLOEXEC, 0);
  assert.ok(fd >= 0);
  assert.equal(bind(fd, sin(0)), 0);
  assert.equal(listen(fd, 16), 0);
  const sa = new Uint8Array(16);
  const len = new Uint32Array([16]);
  assert.equal(getsockname(fd, sa, len), 0);
  return [fd, new DataView(sa.buffer).getUint16(2, false)];
}

function started(opts: ConstructorParameters<typeof Uring>[0] = {}): Uring {
  const r = new Uring({ entries: 32, ...opts });
  r.start();
  return r;
}

Deno.test("uring ops: files in a temp dir", async (t) => {
  const dir = Deno.makeTempDirSync({ prefix: "kernio_uring_" });
  using ring = started();
  const cwd = packDirect(0, 0, 0, AT_FDCWD);
  let fd = -1;
  try {
    await t.step("openat creates, write, fsync, read back at an offset", () => {
      ring.openAt(cwd, `${dir}/a.txt`, O.RDWR | O.CREAT | O.CLOEXEC, 0o600);
      const o = one(ring);
      assert.equal(o.op, IORING_OP.OPENAT);
      assert.ok(o.res >= 0, `openat: ${o.res}`);
      fd = o.res;
      const c = packDirect(0, 0, 0, fd);
      ring.write(c, enc.encode("hello uring"), { offset: 0 });
      ring.sync(c, { flags: IOSQE.IO_LINK, fsyncFlags: 0 });
      // IO_LINK on the fsync would chain the read; drop it by linking
      // write -> fsync only.
      const d = reap(ring, 2);
      assert.deepEqual(
        d.map((x) => [x.op, x.res]).sort(),
        [
          [IORING_OP.FSYNC, 0],
          [IORING_OP.WRITE, 11],
        ].sort(),
      );
      const buf = new Uint8Array(5);
      ring.read(c, buf, { offset: 6 });
      assert.equal(one(ring).res, 5);
      assert.equal(dec.decode(buf), "uring");
    });
    await t.step("readv / writev", () => {
      const c = packDirect(0, 0, 0, fd);
      const a = enc.encode("AB");
      const b = enc.encode("CDE");
      ring.writeV(c, new Iovecs(2).set(0, a).set(1, b), { offset: 100 });
      assert.equal(one(ring).res, 5);
      const x = new Uint8Array(3);
      const y = new Uint8Array(2);
      ring.readV(c, new Iovecs(2).set(0, x).set(1, y), { offset: 100 });
      assert.equal(one(ring).res, 5);
      assert.equal(dec.decode(x) + dec.decode(y), "ABCDE");
    });
    await t.step(
      "statx, fallocate, ftruncate, sync_file_range, fadvise",
      () => {
        const c = packDirect(0, 0, 0, fd);
        const stx = new Uint8Array(256);
        ring.fallocate(c, 0, 0, 8192);
        assert.equal(one(ring).res, 0);
        ring.statx(cwd, `${dir}/a.txt`, 0, 0x200, /* STATX_SIZE */ stx);
        assert.equal(one(ring).res, 0);
        const size = new DataView(stx.buffer).getBigUint64(40, true);
        assert.equal(size, 8192n);
        ring.ftruncate(c, 42);
        assert.equal(one(ring).res, 0);
        ring.statx(cwd, `${dir}/a.txt`, 0, 0x200, stx);
        assert.equal(one(ring).res, 0);
        assert.equal(new DataView(stx.buffer).getBigUint64(40, true), 42n);
        ring.syncFileRange(c, 0, 42, 2 /* SYNC_FILE_RANGE_WRITE */);
        assert.equal(one(ring).res, 0);
        ring.fileAdvise(c, 0, 42, 2 /* POSIX_FADV_SEQUENTIAL */);
        assert.equal(one(ring).res, 0);
      },
    );
    await t.step("xattrs on fd and path", () => {
      const c = packDirect(0, 0, 0, fd);
      ring.fsetXattr(c, "user.kernio", enc.encode("v1"));
      const r = one(ring).res;
      if (r === -95 /* EOPNOTSUPP: no user xattrs on this fs */) return;
      assert.equal(r, 0);
      const v = new Uint8Array(16);
      ring.fgetXattr(c, "user.kernio", v);
      assert.equal(one(ring).res, 2);
      assert.equal(dec.decode(v.subarray(0, 2)), "v1");
      ring.setXattr(c, `${dir}/a.txt`, "user.k2", enc.encode("path"));
      assert.equal(one(ring).res, 0);
      ring.getXattr(c, `${dir}/a.txt`, "user.k2", v);
      assert.equal(one(ring).res, 4);
      assert.equal(dec.decode(v.subarray(0, 4)), "path");
    });
    await t.step("close", () => {
      ring.close(packDirect(0, 0, 0, fd));
      assert.equal(one(ring).res, 0);
      fd = -1;
    });
    await t.step("mkdirat, renameat, symlinkat, linkat, unlinkat", () => {
      ring.mkdirAt(cwd, `${dir}/sub`, 0o700);
      assert.equal(one(ring).res, 0);
      ring.mkdirAt(cwd, `${dir}/sub`);
      assert.equal(one(ring).res, E.EEXIST);
      ring.renameAt(cwd, `${dir}/a.txt`, `${dir}/sub/b.txt`);
      assert.equal(one(ring).res, 0);
      ring.symlinkAt(cwd, "sub/b.txt", `${dir}/link`);
      assert.equal(one(ring).res, 0);
      assert.equal(Deno.readLinkSync(`${dir}/link`), "sub/b.txt");
      ring.linkAt(cwd, AT_FDCWD, `${dir}/sub/b.txt`, `${dir}/hard`);
      assert.equal(one(ring).res, 0);
      assert.equal(Deno.statSync(`${dir}/hard`).nlink, 2);
      for (const p of ["link", "hard", "sub/b.txt"]) {
        ring.unlinkAt(cwd, `${dir}/${p}`);
        assert.equal(one(ring).res, 0);
      }
      ring.unlinkAt(cwd, `${dir}/sub`, 0x200 /* AT_REMOVEDIR */);
      assert.equal(one(ring).res, 0);
      ring.unlinkAt(cwd, `${dir}/nothing`);
      assert.equal(one(ring).res, E.ENOENT);
    });
  } finally {
    if (fd >= 0) close(fd);
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("uring ops: pipes (pipe, splice, tee)", () => {
  using ring = started();
  const fds = new Int32Array(2);
  ring.pipe(packDirect(0, 0, 0, 0), fds, O.CLOEXEC);
  assert.equal(one(ring).res, 0);
  const [r1, w1] = [fds[0], fds[1]];
  const [r2, w2] = pipe();
  const [r3, w3] = pipe();
  try {
    assert.equal(write(w1, enc.encode("spliced!")), 8);
    // tee r1 -> w3 (copy, r1 keeps its data), then splice r1 -> w2.
    ring.tee(packDirect(0, 0, 0, w3), r1, 8);
    assert.equal(one(ring).res, 8);
    ring.splice(packDirect(0, 0, 0, w2), r1, 8);
    assert.equal(one(ring).res, 8);
    const a = new Uint8Array(8);
    const b = new Uint8Array(8);
    assert.equal(read(r2, a), 8);
    assert.equal(read(r3, b), 8);
    assert.equal(dec.decode(a), "spliced!");
    assert.equal(dec.decode(b), "spliced!");
  } finally {
    for (const f of [r1, w1, r2, w2, r3, w3]) close(f);
  }
});

Deno.test("uring ops: loopback sockets", async (t) => {
  using ring = started({ entries: 64 });
  const [lfd, port] = listener();
  const opened: number[] = [lfd];
  try {
    let cfd = -1;
    let sfd = -1;
    await t.step("socket, connect and accept through the ring", () => {
      ring.tcp4Socket(packDirect(0, 0, 0, 0));
      const s = one(ring);
      assert.equal(s.op, IORING_OP.SOCKET);
      assert.ok(s.res >= 0);
      cfd = s.res;
      opened.push(cfd);
      const peer = new Uint8Array(16);
      const peerLen = new Uint32Array(1);
      ring.accept(tagged(1, lfd), undefined, peer, peerLen);
      ring.connect(tagged(2, cfd), sin(port));
      const d = reap(ring, 2);
      assert.equal(byTag(d, 2).res, 0);
      const acc = byTag(d, 1);
      assert.equal(acc.op, IORING_OP.ACCEPT);
      assert.ok(acc.res >= 0);
      sfd = acc.res;
      opened.push(sfd);
      assert.equal(peerLen[0], 16);
      assert.equal(new DataView(peer.buffer).getUint16(0, true), AF.INET);
    });
    await t.step("send / receive", () => {
      const buf = new Uint8Array(64);
      // msgFlags 0: what arrives, not a full buffer (MSG_WAITALL).
      ring.receive(tagged(3, sfd), buf, { msgFlags: 0 });
      ring.send(tagged(4, cfd), enc.encode("ping"));
      const d = reap(ring, 2);
      assert.equal(byTag(d, 4).res, 4);
      assert.equal(byTag(d, 3).res, 4);
      assert.equal(dec.decode(buf.subarray(0, 4)), "ping");
    });
    await t.step("uring_cmd SIOCINQ sees queued bytes", () => {
      ring.send(packDirect(0, 0, 0, cfd), enc.encode("12345"));
      assert.equal(one(ring).res, 5);
      let q = 0;
      for (let k = 0; k < 50 && q !== 5; k++) {
        ring.uringCmd(packDirect(0, 0, 0, sfd), SOCKET_URING_OP.SIOCINQ);
        q = one(ring).res;
      }
      assert.equal(q, 5);
      const drain = new Uint8Array(5);
      ring.receive(packDirect(0, 0, 0, sfd), drain);
      assert.equal(one(ring).res, 5);
    });
    await t.step("sendmsg / recvmsg", () => {
      const x = new Uint8Array(3);
      const y = new Uint8Array(10);
      const rmsg = new Msghdr().setBuffers([x, y]);
      ring.recvMsg(tagged(5, sfd), rmsg);
      ring.sendMsg(
        tagged(6, cfd),
        new Msghdr().setBuffers([enc.encode("gather"), enc.encode("ed")]),
      );
      const d = reap(ring, 2);
      assert.equal(byTag(d, 6).res, 8);
      assert.equal(byTag(d, 5).res, 8);
      assert.equal(dec.decode(x) + dec.decode(y.subarray(0, 5)), "gathered");
    });
    await t.step("shutdown: the peer reads EOF", () => {
      ring.shutdown(packDirect(0, 0, 0, cfd), 1);
      assert.equal(one(ring).res, 0);
      ring.receive(packDirect(0, 0, 0, sfd), new Uint8Array(8));
      assert.equal(one(ring).res, 0);
    });
    await t.step("bind / listen through the ring", () => {
      ring.tcp4Socket(packDirect(0, 0, 0, 0));
      const s = one(ring).res;
      assert.ok(s >= 0);
      opened.push(s);
      ring.bind(packDirect(0, IOSQE.IO_LINK, 0, s), sin(0));
      ring.listen(packDirect(0, 0, 0, s), { backlog: 8 });
      const d = reap(ring, 2);
      assert.deepEqual(d.map((x) => x.res), [0, 0]);
      const sa = new Uint8Array(16);
      assert.equal(getsockname(s, sa, new Uint32Array([16])), 0);
      assert.notEqual(new DataView(sa.buffer).getUint16(2, false), 0);
    });
    await t.step(
      "direct descriptors: socketDirect, acceptDirect, fixedFdInstall, close",
      () => {
        ring.registerFilesSparse(8);
        assert.equal(ring.registeredFileCount(), 8);
        ring.tcp4SocketDirect(packDirect(0, 0, 0, 0), { fileIndex: 3 });
        assert.equal(one(ring).res, 0);
        ring.tcp4SocketDirect(packDirect(0, 0, 0, 0)); // allocated slot
        const slot = one(ring).res;
        assert.ok(slot >= 0 && slot < 8 && slot !== 3, `slot ${slot}`);
        // Connect the direct socket (fixed file) and accept it directly too.
        ring.acceptDirect(tagged(7, lfd), IORING_FILE_INDEX_ALLOC);
        ring.connect(tagged(8, 3, IOSQE.FIXED_FILE), sin(port));
        const d = reap(ring, 2);
        assert.equal(byTag(d, 8).res, 0);
        const accSlot = byTag(d, 7).res;
        assert.ok(accSlot >= 0 && accSlot < 8);
        ring.fixedFdInstall(packDirect(0, 0, 0, 0), accSlot);
        const nfd = one(ring).res;
        assert.ok(nfd >= 0);
        opened.push(nfd);
        // The installed fd is a normal socket: send through the fixed client.
        ring.send(tagged(9, 3, IOSQE.FIXED_FILE), enc.encode("direct"));
        assert.equal(one(ring).res, 6);
        const got = new Uint8Array(6);
        ring.receive(packDirect(0, 0, 0, nfd), got);
        assert.equal(one(ring).res, 6);
        assert.equal(dec.decode(got), "direct");
        for (const s of [3, slot, accSlot]) {
          ring.close(packDirect(0, 0, 0, 0), { fileIndex: s });
          assert.equal(one(ring).res, 0);
        }
        ring.unregisterFiles();
        assert.equal(ring.registeredFileCount(), 0);
      },
    );
  } finally {
    for (const f of opened) close(f);
  }
});

Deno.test("uring ops: timeouts", async (t) => {
  using ring = started();
  await t.step("a relative timeout fires with -ETIME", () => {
    const t0 = performance.now();
    ring.timeout(tagged(1, 0), 20);
    const d = one(ring);
    assert.equal(d.res, E.ETIME);
    assert.ok(performance.now() - t0 >= 15);
  });
  await t.step("a count timeout completes after N completions", () => {
    ring.timeout(tagged(1, 0), 10_000, { count: 2 });
    ring.nop(tagged(2, 0));
    ring.nop(tagged(3, 0));
    const d = reap(ring, 3);
    assert.equal(byTag(d, 1).res, 0);
  });
  await t.step("timeout remove", () => {
    const target = tagged(4, 0);
    ring.timeout(target, 10_000);
    ring.submit();
    ring.timeoutRemove(tagged(5, 0), target);
    const d = reap(ring, 2);
    assert.equal(byTag(d, 5).res, 0);
    assert.equal(byTag(d, 4).res, E.ECANCELED);
  });
  await t.step("timeout update shortens a pending timeout", () => {
    const target = tagged(6, 0);
    ring.timeout(target, 10_000);
    ring.submit();
    const t0 = performance.now();
    ring.timeoutUpdate(tagged(7, 0), target, 10);
    const d = reap(ring, 2);
    assert.equal(byTag(d, 7).res, 0);
    assert.equal(byTag(d, 6).res, E.ETIME);
    assert.ok(performance.now() - t0 < 5000);
  });
  await t.step("ETIME_SUCCESS keeps a link going after expiry", () => {
    ring.timeout(tagged(8, 0), 5, {
      timeoutFlags: IORING_TIMEOUT.ETIME_SUCCESS,
      flags: IOSQE.IO_LINK,
    });
    ring.nop(tagged(13, 0));
    const d = reap(ring, 2);
    assert.equal(byTag(d, 8).res, E.ETIME);
    assert.equal(byTag(d, 13).res, 0); // not -ECANCELED: the link held
  });
  await t.step("link timeout cancels a read that never completes", () => {
    const [r, w] = pipe();
    try {
      ring.read(tagged(9, r), new Uint8Array(8), { flags: IOSQE.IO_LINK });
      ring.linkTimeout(tagged(10, 0), 20);
      const d = reap(ring, 2);
      assert.equal(byTag(d, 9).res, E.ECANCELED);
      assert.equal(byTag(d, 10).res, E.ETIME);
      // And a read that wins cancels its timeout.
      write(w, enc.encode("x"));
      ring.read(tagged(11, r), new Uint8Array(8), { flags: IOSQE.IO_LINK });
      ring.linkTimeout(tagged(12, 0), 10_000);
      const e = reap(ring, 2);
      assert.equal(byTag(e, 11).res, 1);
      assert.equal(byTag(e, 12).res, E.ECANCELED);
    } finally {
      close(r);
      close(w);
    }
  });
});

Deno.test("uring ops: cancellation family", async (t) => {
  using ring = started();
  const [r, w] = pipe();
  const [r2, w2] = pipe();
  try {
    await t.step("asyncCancel by user_data", () => {
      const target = tagged(1, r);
      ring.read(target, new Uint8Array(4));
      ring.submit();
      // The read context's user_data carries the READ opcode.
      ring.asyncCancel(tagged(2, 0), target.withOp(IORING_OP.READ));
      const d = reap(ring, 2);
      assert.equal(byTag(d, 2).res, 0);
      assert.equal(byTag(d, 1).res, E.ECANCELED);
    });
    await t.step("asyncCancel of nothing: -ENOENT", () => {
      ring.asyncCancel(tagged(3, 0), tagged(99, 0));
      assert.equal(one(ring).res, E.ENOENT);
    });
    await t.step("asyncCancelFD (all) on an fd", () => {
      ring.read(tagged(4, r), new Uint8Array(4));
      ring.read(tagged(5, r), new Uint8Array(4));
      ring.submit();
      ring.asyncCancelFD(tagged(6, r), true);
      const d = reap(ring, 3);
      assert.equal(byTag(d, 6).res, 2);
      assert.equal(byTag(d, 4).res, E.ECANCELED);
      assert.equal(byTag(d, 5).res, E.ECANCELED);
    });
    await t.step("asyncCancelOpcode", () => {
      ring.pollAdd(tagged(7, r2), 0x1);
      ring.submit();
      ring.asyncCancelOpcode(tagged(8, 0), IORING_OP.POLL_ADD, true);
      const d = reap(ring, 2);
      assert.equal(byTag(d, 8).res, 1);
      assert.equal(byTag(d, 7).res, E.ECANCELED);
    });
    await t.step("asyncCancelAny / asyncCancelAll", () => {
      ring.read(tagged(9, r), new Uint8Array(4));
      ring.submit();
      ring.asyncCancelAny(tagged(11, 0));
      const d = reap(ring, 2);
      assert.equal(byTag(d, 11).res, 1);
      assert.equal(byTag(d, 9).res, E.ECANCELED);
      ring.read(tagged(10, r2), new Uint8Array(4));
      ring.read(tagged(14, r), new Uint8Array(4));
      ring.submit();
      ring.asyncCancelAll(tagged(12, 0));
      const e = reap(ring, 3);
      assert.equal(byTag(e, 12).res, 2);
      ring.asyncCancelAll(tagged(15, 0));
      assert.equal(one(ring).res, 0); // ALL counts: nothing left, 0
      ring.asyncCancel(tagged(16, 0), tagged(10, r2).withOp(IORING_OP.READ));
      assert.equal(one(ring).res, E.ENOENT);
    });
  } finally {
    for (const f of [r, w, r2, w2]) close(f);
  }
});

Deno.test("uring ops: poll add / remove / update / multishot", async (t) => {
  using ring = started();
  const [r, w] = pipe();
  try {
    await t.step("one-shot poll fires on data", () => {
      ring.pollAdd(tagged(1, r), 0x1);
      ring.submit();
      assert.equal(ring.wait(CQEView.array(4)), 0);
      write(w, enc.encode("a"));
      const d = one(ring);
      assert.equal(d.op, IORING_OP.POLL_ADD);
      assert.ok((d.res & 0x1) !== 0);
      read(r, new Uint8Array(1));
    });
    await t.step("poll remove", () => {
      const target = tagged(2, r);
      ring.pollAdd(target, 0x1);
      ring.submit();
      ring.pollRemove(tagged(3, 0), target);
      const d = reap(ring, 2);
      assert.equal(byTag(d, 3).res, 0);
      assert.equal(byTag(d, 2).res, E.ECANCELED);
    });
    await t.step("poll update of events", () => {
      const target = tagged(4, w);
      ring.pollAdd(target, 0x1); // POLLIN on the write end: never fires
      ring.submit();
      ring.pollUpdate(
        tagged(5, 0),
        target,
        target,
        0x4,
        IORING_POLL.UPDATE_EVENTS,
      );
      const d = reap(ring, 2);
      assert.equal(byTag(d, 5).res, 0);
      assert.ok((byTag(d, 4).res & 0x4) !== 0); // now POLLOUT: ready
    });
    await t.step("multishot poll: CQEs with F_MORE until removed", () => {
      const target = tagged(6, r);
      ring.pollAddMultishot(target, 0x1);
      ring.submit();
      write(w, enc.encode("1"));
      const a = one(ring);
      assert.ok((a.flags & IORING_CQE_F.MORE) !== 0);
      read(r, new Uint8Array(1));
      write(w, enc.encode("2"));
      const b = one(ring);
      assert.ok((b.flags & IORING_CQE_F.MORE) !== 0);
      read(r, new Uint8Array(1));
      ring.pollRemove(tagged(7, 0), target);
      const d = reap(ring, 2);
      assert.equal(byTag(d, 7).res, 0);
      const last = byTag(d, 6);
      assert.equal(last.flags & IORING_CQE_F.MORE, 0);
    });
    await t.step("level-triggered variants", () => {
      write(w, enc.encode("L"));
      // One-shot: fires on a condition that already holds, twice in a row.
      for (const tag of [8, 11]) {
        ring.pollAddLevel(tagged(tag, r), 0x1);
        const lv = one(ring);
        assert.ok((lv.res & 0x1) !== 0, JSON.stringify(lv));
      }
      const target = tagged(9, r);
      ring.pollAddMultishotLevel(target, 0x1);
      const a = one(ring);
      if (a.res === -22) return; // kernel without IORING_POLL_ADD_LEVEL
      assert.ok((a.flags & IORING_CQE_F.MORE) !== 0);
      ring.pollRemove(tagged(10, 0), target);
      const d: Done[] = [];
      for (let k = 0; k < 100; k++) {
        d.push(...reap(ring, 1));
        if (
          d.some((x) => x.bufGroup === 10) &&
          d.some((x) => x.bufGroup === 9 && (x.flags & IORING_CQE_F.MORE) === 0)
        ) break;
      }
      assert.equal(byTag(d, 10).res, 0);
      read(r, new Uint8Array(1));
    });
  } finally {
    close(r);
    close(w);
  }
});

Deno.test("uring ops: futex wait / wake / waitv on shared memory", async (t) => {
  using ring = started();
  const word = new Uint32Array(new SharedArrayBuffer(8));
  await t.step("wait on a matching value, then wake", () => {
    word[0] = 7;
    ring.futexWait(
      tagged(1, 0),
      word,
      0,
      7,
      0xffffffff,
      FUTEX2.SIZE_U32 | FUTEX2.PRIVATE,
    );
    ring.submit();
    assert.equal(ring.wait(CQEView.array(4)), 0);
    ring.futexWake(tagged(2, 0), word, 0, 1);
    const d = reap(ring, 2);
    assert.equal(byTag(d, 2).res, 1); // one waiter woken
    assert.equal(byTag(d, 1).res, 0);
  });
  await t.step("a value mismatch fails fast with EAGAIN", () => {
    word[0] = 8;
    ring.futexWait(tagged(3, 0), word, 0, 7);
    assert.equal(one(ring).res, E.EAGAIN);
  });
  await t.step("waitv over two words reports the woken index", () => {
    word[0] = 1;
    word[1] = 2;
    const waitv = new Uint8Array(48);
    const dv = new DataView(waitv.buffer);
    const base = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(word)!));
    for (let k = 0; k < 2; k++) {
      dv.setBigUint64(k * 24, BigInt(word[k]), true);
      dv.setBigUint64(k * 24 + 8, base + BigInt(k * 4), true);
      dv.setUint32(k * 24 + 16, FUTEX2.SIZE_U32 | FUTEX2.PRIVATE, true);
    }
    ring.futexWaitV(tagged(4, 0), waitv, 2, word);
    ring.submit();
    ring.futexWake(tagged(5, 0), word, 1, 1);
    const d = reap(ring, 2);
    assert.equal(byTag(d, 5).res, 1);
    assert.equal(byTag(d, 4).res, 1); // index of the woken futex
  });
});

Deno.test("uring ops: epoll_wait and waitid", () => {
  using ring = started();
  const [r, w] = pipe();
  const ep = epollCreate1(EPOLL.CLOEXEC);
  try {
    assert.equal(
      epollCtl(ep, 1, /* ADD */ r, new EpollEvents(1).set(0, 0x1, r).bytes),
      0,
    );
    const ev = new EpollEvents(4);
    ring.epollWait(packDirect(0, 0, 0, ep), ev.bytes, 4);
    ring.submit();
    assert.equal(ring.wait(CQEView.array(4)), 0);
    write(w, enc.encode("e"));
    assert.equal(one(ring).res, 1);
    // waitid on a pid that is not our child: ECHILD from the kernel.
    ring.waitid(
      packDirect(0, 0, 0, 0),
      1, /* P_PID */
      1,
      new Uint8Array(128),
      4, /* WEXITED */
    );
    assert.equal(one(ring).res, E.ECHILD);
  } finally {
    close(r);
    close(w);
    close(ep);
  }
});

Deno.test("uring ops: msg_ring between two rings", async (t) => {
  using a = started();
  using b = started();
  await t.step("data message", () => {
    const payload = packDirect(0, 0, 0x4242, 1234);
    a.msgRing(packDirect(0, 0, 0, b.fd), payload, 77);
    assert.equal(one(a).res, 0);
    const got = one(b);
    assert.equal(got.res, 77);
    assert.equal(got.lo, payload.lo);
    assert.equal(got.hi, payload.hi);
  });
  await t.step("fd passing between registered tables", () => {
    const [r, w] = pipe();
    try {
      a.registerFiles([r]);
      b.registerFilesSparse(4);
      a.msgRingFD(packDirect(0, 0, 0, b.fd), 0, 2, packDirect(0, 0, 5, 5));
      assert.equal(one(a).res, 0);
      const note = one(b);
      assert.equal(note.bufGroup, 5);
      b.fixedFdInstall(packDirect(0, 0, 0, 0), 2);
      const nfd = one(b).res;
      assert.ok(nfd >= 0);
      write(w, enc.encode("via ring"));
      const buf = new Uint8Array(8);
      assert.equal(read(nfd, buf), 8);
      assert.equal(dec.decode(buf), "via ring");
      close(nfd);
      a.unregisterFiles();
      b.unregisterFiles();
    } finally {
      close(r);
      close(w);
    }
  });
});

Deno.test("uring ops: registered files and buffers", async (t) => {
  using ring = started();
  const [r, w] = pipe();
  const [r2, w2] = pipe();
  try {
    await t.step("fixed-file read and files update (register and op)", () => {
      ring.registerFiles([r, -1]);
      write(w, enc.encode("fixed"));
      const buf = new Uint8Array(5);
      ring.read(packDirect(0, IOSQE.FIXED_FILE, 0, 0), buf);
      assert.equal(one(ring).res, 5);
      assert.equal(dec.decode(buf), "fixed");
      assert.equal(ring.registerFilesUpdate(1, [r2]), 1);
      write(w2, enc.encode("two"));
      ring.read(packDirect(0, IOSQE.FIXED_FILE, 0, 1), buf);
      assert.equal(one(ring).res, 3);
      // IORING_OP_FILES_UPDATE clears slot 1.
      ring.filesUpdate(packDirect(0, 0, 0, 0), new Int32Array([-1]), 1);
      assert.equal(one(ring).res, 1);
      ring.read(packDirect(0, IOSQE.FIXED_FILE, 0, 1), buf);
      assert.equal(one(ring).res, -9 /* EBADF */);
      ring.unregisterFiles();
    });
    await t.step(
      "registered buffers: write/read fixed, readv/writev fixed",
      () => {
        const b0 = new Uint8Array(4096);
        const b1 = new Uint8Array(4096);
        ring.registerBuffers([b0, b1]);
        assert.equal(ring.registeredBufferCount(), 2);
        b0.set(enc.encode("from fixed"));
        ring.writeFixed(packDirect(0, 0, 0, w), 0, 10);
        assert.equal(one(ring).res, 10);
        ring.readFixed(packDirect(0, 0, 0, r), 1, { n: 10 });
        assert.equal(one(ring).res, 10);
        assert.equal(dec.decode(b1.subarray(0, 10)), "from fixed");
        // Vectored fixed I/O: ranges of one registered buffer.
        b0.set(enc.encode("tor"), 100);
        b0.set(enc.encode("vec"), 0);
        const wiov = new Iovecs(2).set(0, b0.subarray(0, 3)).set(
          1,
          b0.subarray(100, 103),
        );
        ring.writevFixed(packDirect(0, 0, 0, w), 0, wiov);
        assert.equal(one(ring).res, 6);
        const dst = new Uint8Array(6);
        assert.equal(read(r, dst), 6);
        assert.equal(dec.decode(dst), "vector");
        write(w, enc.encode("readv"));
        const riov = new Iovecs(2).set(0, b1.subarray(10, 12)).set(
          1,
          b1.subarray(50, 53),
        );
        ring.readvFixed(packDirect(0, 0, 0, r), 1, riov);
        assert.equal(one(ring).res, 5);
        assert.equal(
          dec.decode(b1.subarray(10, 12)) + dec.decode(b1.subarray(50, 53)),
          "readv",
        );
        assert.throws(
          () => ring.readvFixed(packDirect(0, 0, 0, r), 0, riov),
          RangeError,
        );
        ring.unregisterBuffers();
        assert.equal(ring.registeredBufferCount(), 0);
      },
    );
    await t.step(
      "ring-owned registered buffers from lockedBufferMem, cloned to another ring",
      () => {
        using src = started({ lockedBufferMem: 4 * 4096 });
        assert.equal(src.registeredBufferCount(), 4);
        src.registeredBuffer(2)!.set(enc.encode("cloned"));
        using dst = started();
        dst.cloneBuffers(src, 0, 0, 4);
        assert.equal(dst.registeredBufferCount(), 4);
        dst.writeFixed(packDirect(0, 0, 0, w), 2, 6);
        assert.equal(one(dst).res, 6);
        const got = new Uint8Array(6);
        assert.equal(read(r, got), 6);
        assert.equal(dec.decode(got), "cloned");
      },
    );
  } finally {
    for (const f of [r, w, r2, w2]) close(f);
  }
});

Deno.test("uring ops: 128-byte SQEs and extended contexts end to end", async (t) => {
  using ring = started({ sqe128: true });
  await t.step("nop128", () => {
    if (!ring.probe().supports(IORING_OP.NOP128)) return;
    ring.nop128(tagged(1, 0));
    const d = one(ring);
    assert.equal(d.op, IORING_OP.NOP128);
    assert.equal(d.res, 0);
  });
  await t.step("extended context carries typed data to the completion", () => {
    const [r, w] = pipe();
    try {
      const ext: ExtSQE = ring.extSQE()!;
      ext.fd = r;
      const buf = new Uint8Array(4);
      const meta = { request: "abc" };
      const v = ring.pools && ext._view(1, 1);
      v.ref1 = meta;
      v.val1 = 99;
      ring.read(ext.context as SQEContext, buf);
      write(w, enc.encode("ext!"));
      const cqes = CQEView.array(2);
      let n = 0;
      for (let k = 0; k < 100 && n === 0; k++) {
        n = ring.waitBlocking(cqes, 1, 100);
      }
      assert.equal(n, 1);
      assert.ok(cqes[0].extended());
      const back = cqes[0].extSQE();
      assert.equal(back, ext);
      assert.equal(cqes[0].op(), IORING_OP.READ);
      assert.equal(cqes[0].fd(), r);
      const view = back._view(1, 1);
      assert.equal(view.ref1, meta);
      assert.equal(view.val1, 99);
      assert.equal(cqes[0].res, 4);
      ring.putExtSQE(ext);
    } finally {
      close(r);
      close(w);
    }
  });
});

Deno.test("uring ops: JS buffers stay pinned until their final CQE", () => {
  using ring = started();
  const [r, w] = pipe();
  try {
    const shared = tagged(1, r);
    // Two in-flight reads under one context: released with the second CQE.
    ring.read(shared, new Uint8Array(4));
    ring.read(shared, new Uint8Array(4));
    ring.submit();
    assert.equal(ring.pinnedKeys, 1);
    write(w, enc.encode("abcd"));
    reap(ring, 1);
    assert.equal(ring.pinnedKeys, 1);
    write(w, enc.encode("efgh"));
    reap(ring, 1);
    assert.equal(ring.pinnedKeys, 0);
    // Dropped before submission: unpinned by cancelPending.
    ring.read(tagged(2, r), new Uint8Array(4));
    ring.send(tagged(3, w), new Uint8Array(4));
    assert.equal(ring.pinnedKeys, 2);
    assert.equal(ring.cancelPending(), 2);
    assert.equal(ring.pinnedKeys, 0);
    // A multishot completion with F_MORE keeps the pin; the final one
    // releases it. keepAlive names the user_data as written (op filled in).
    const poll = tagged(4, r);
    ring.keepAlive(poll.withOp(IORING_OP.POLL_ADD), { any: "object" });
    ring.pollAddMultishot(poll, 0x1);
    write(w, enc.encode("x"));
    const d = one(ring);
    assert.ok((d.flags & IORING_CQE_F.MORE) !== 0);
    assert.equal(ring.pinnedKeys, 1);
    ring.pollRemove(tagged(5, 0), poll);
    const e = reap(ring, 2);
    assert.equal(byTag(e, 5).res, 0);
    assert.equal(ring.pinnedKeys, 0);
  } finally {
    ring.stop();
    close(r);
    close(w);
  }
});
