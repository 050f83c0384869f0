import assert from "node:assert/strict";
import { FdGuard, track } from "./_util/fd_guard.ts";
import {
  AF,
  close,
  Msghdr,
  pipe2,
  read,
  SCM,
  SOCK,
  socketpair,
  SOL,
  write,
} from "../zcall/mod.ts";
import {
  cmsgAlign,
  cmsgData,
  cmsgLen,
  cmsgSpace,
  getPassCred,
  getPeerCredentials,
  parseControlMessages,
  parseUnixCredentials,
  parseUnixRights,
  recvFDs,
  recvFDsAsync,
  recvMsg,
  sendFDs,
  sendMsg,
  setPassCred,
  unixCredentials,
  unixRights,
} from "../sock/cmsg.ts";
import { TimedOutError, WOULD_BLOCK } from "../sock/errors.ts";

function pair(type: number = SOCK.STREAM): [number, number] {
  const fds = new Int32Array(2);
  assert.equal(
    socketpair(AF.UNIX, type | SOCK.CLOEXEC | SOCK.NONBLOCK, 0, fds),
    0,
  );
  return [track(fds[0]), track(fds[1])];
}

Deno.test("sock cmsg: arithmetic and encoding", () => {
  assert.equal(cmsgAlign(0), 0);
  assert.equal(cmsgAlign(1), 8);
  assert.equal(cmsgAlign(12), 16);
  assert.equal(cmsgLen(4), 20);
  assert.equal(cmsgSpace(4), 24);
  assert.equal(cmsgSpace(12), 32);
  assert.throws(() => cmsgAlign(-1), RangeError);
  assert.throws(() => cmsgLen(1.5), RangeError);

  const r = unixRights(3, 4, 5);
  assert.equal(r.byteLength, cmsgSpace(12));
  const dv = new DataView(r.buffer);
  assert.equal(dv.getUint32(0, true), cmsgLen(12));
  assert.equal(dv.getInt32(8, true), SOL.SOCKET);
  assert.equal(dv.getInt32(12, true), SCM.RIGHTS);
  assert.deepEqual([...new Int32Array(cmsgData(r).slice().buffer)], [3, 4, 5]);
  assert.deepEqual(parseUnixRights(r), [3, 4, 5]);
  assert.throws(() => unixRights(-1), RangeError);
  assert.throws(() => unixRights(...new Array(254).fill(0)), RangeError);

  const c = unixCredentials({ pid: 10, uid: 20, gid: 30 });
  assert.deepEqual(parseUnixCredentials(c), { pid: 10, uid: 20, gid: 30 });
  assert.equal(parseUnixCredentials(r), null);
  // Two messages back to back are both walked.
  const both = new Uint8Array(r.byteLength + c.byteLength);
  both.set(r);
  both.set(c, r.byteLength);
  const msgs = parseControlMessages(both);
  assert.equal(msgs.length, 2);
  assert.equal(msgs[1].type, SCM.CREDENTIALS);
  assert.deepEqual(parseUnixRights(both), [3, 4, 5]);
  // Truncated buffers are ignored, bad offsets rejected.
  assert.deepEqual(parseUnixRights(both, 10), []);
  assert.throws(() => cmsgData(new Uint8Array(8)), RangeError);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => parseUnixRights("x" as any), TypeError);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => unixCredentials({ pid: -1 } as any), RangeError);
});

Deno.test("sock cmsg: SCM_RIGHTS over a Unix socket (more than 8 fds)", async () => {
  const guard = new FdGuard();
  const [a, b] = pair();
  const pipes: number[] = [];
  try {
    for (let i = 0; i < 10; i++) {
      const p = new Int32Array(2);
      assert.equal(pipe2(p, 0x80000), 0);
      pipes.push(track(p[0]), track(p[1]));
    }
    assert.equal(recvFDs(b, new Uint8Array(8), 4), null, "would block");
    assert.equal(sendFDs(a, pipes, new TextEncoder().encode("fds!")), 4);
    const got = recvFDs(b, new Uint8Array(16), 32);
    assert.ok(got !== null);
    assert.equal(got.n, 4);
    assert.equal(got.fds.length, 20);
    got.fds.forEach(track);
    assert.equal(got.flags & 0x8, 0, "no MSG_CTRUNC");
    // The received write end of pipe 3 feeds the original read end.
    assert.equal(write(got.fds[7], new Uint8Array([42])), 1);
    const one = new Uint8Array(1);
    assert.equal(read(pipes[6], one), 1);
    assert.equal(one[0], 42);
    for (const fd of got.fds) close(fd);

    // Awaitable: waits for the message, honours a deadline.
    const later = recvFDsAsync(b, new Uint8Array(4), 4, {
      deadline: Date.now() + 2000,
    });
    setTimeout(() => sendFDs(a, [pipes[0]], new Uint8Array([5])), 5);
    const got2 = await later;
    assert.equal(got2.fds.length, 1);
    got2.fds.forEach(track);
    close(got2.fds[0]);
    await assert.rejects(
      recvFDsAsync(b, new Uint8Array(4), 4, { deadline: Date.now() + 20 }),
      TimedOutError,
    );

    // Too small a control buffer: the kernel truncates and closes the rest.
    assert.equal(sendFDs(a, pipes.slice(0, 6)), 0);
    const few = recvFDs(b, new Uint8Array(4), 2);
    assert.ok(few !== null);
    assert.equal(few.fds.length, 2);
    few.fds.forEach(track);
    assert.ok((few.flags & 0x8) !== 0, "MSG_CTRUNC");
    for (const fd of few.fds) close(fd);
  } finally {
    for (const fd of pipes) close(fd);
    close(a);
    close(b);
  }
  guard.check();
});

Deno.test("sock cmsg: SCM_CREDENTIALS and SO_PEERCRED", () => {
  const guard = new FdGuard();
  const [a, b] = pair(SOCK.DGRAM);
  try {
    assert.equal(getPassCred(b), false);
    setPassCred(b, true);
    assert.equal(getPassCred(b), true);
    const me = { pid: Deno.pid, uid: Deno.uid()!, gid: Deno.gid()! };
    // Implicit: the kernel attaches the sender's credentials.
    assert.equal(sendFDs(a, [], new Uint8Array([1])), 1);
    let got = recvFDs(b, new Uint8Array(8), 0);
    assert.deepEqual(got?.creds, me);
    // Explicit credentials, checked by the kernel.
    assert.equal(sendFDs(a, [], new Uint8Array([2]), me), 1);
    got = recvFDs(b, new Uint8Array(8), 0);
    assert.deepEqual(got?.creds, me);
    assert.deepEqual(getPeerCredentials(a), me);

    // Generic sendMsg / recvMsg with a control buffer.
    const msg = new Msghdr().setBuffers([new Uint8Array([9])]).setControl(
      unixCredentials(me),
    );
    assert.equal(sendMsg(a, msg), 1);
    const ctl = new Uint8Array(64);
    const rmsg = new Msghdr().setBuffers([new Uint8Array(4)]).setControl(ctl);
    assert.equal(recvMsg(b, rmsg), 1);
    assert.deepEqual(parseUnixCredentials(ctl, rmsg.controlLength), me);
    assert.equal(recvMsg(b, rmsg), WOULD_BLOCK);
  } finally {
    close(a);
    close(b);
  }
  assert.throws(() => setPassCred(b, true));
  guard.check();
});
