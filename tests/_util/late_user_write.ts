// Child of tests/uring_teardown_fence_test.ts (run with
// --v8-flags=--expose-gc): an operation still in flight when its ring
// stops writes through the *user address* of a provided buffer (an io-wq
// worker blocked in recv(2) picked the buffer before it blocked), and that
// address must not belong to anything else by then.
//
// Ring B's file is kept open by a poll that ring A has in flight on B's fd,
// so B's stop() (close of its fd) does not tear B down: B's recv stays
// live. B's buffer ring is released, long past any grace period, the
// garbage collector runs and the allocator hands out pattern-filled
// buffers. Then data reaches the socket: the recv copies it into the
// provided buffer's address. Prints the number of pattern buffers changed,
// the bytes PageMemory held back for B before A stopped, and after.

import { BufferRing, IOSQE, packDirect, Uring } from "../../uring/mod.ts";
import { AF, SOCK, socketpair, write } from "../../zcall/mod.ts";
import { heldPageMemory, PageMemory } from "../../zcall/mod.ts";

const gc = (globalThis as unknown as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");
const waitMs = Number(Deno.args[0] ?? 2_300);

const sv = new Int32Array(2);
if (socketpair(AF.UNIX, SOCK.STREAM | SOCK.CLOEXEC, 0, sv) < 0) {
  throw new Error("socketpair");
}
const a = new Uring({ entries: 4 });
a.start();
// signalTaskrun: the recv retries as plain task work, which runs in this
// thread on its next return from any system call.
const b = new Uring({ entries: 4, signalTaskrun: true });
b.start();
const GROUP = 7, SIZE = 3 * 4096;
const br = BufferRing.register(b, {
  groupId: GROUP,
  entries: 1,
  bufferSize: SIZE,
});
const POLLIN = 1;
a.pollAdd(packDirect(0, 0, 1, b.fd), POLLIN);
a.submit();
// IOSQE_ASYNC: an io-wq worker selects (and so commits) the buffer first.
b.receive(packDirect(0, 0, GROUP, sv[0]), null, {
  flags: IOSQE.ASYNC,
  readBufferSize: SIZE,
});
b.submit();
await new Promise((r) => setTimeout(r, 50));
br.close();
b.stop();
await new Promise((r) => setTimeout(r, waitMs));
new PageMemory(1).close(); // sweeps the graveyard
gc();
await new Promise((r) => setTimeout(r, 20));
gc();
const PATTERN = 0xaa;
const bufs: Uint8Array[] = [];
for (const pages of [2, 3, 4, 5]) {
  for (let i = 0; i < 300; i++) {
    bufs.push(new Uint8Array(new ArrayBuffer(pages * 4096)).fill(PATTERN));
  }
}
const data = new Uint8Array(SIZE).fill(0x11);
write(sv[1], data);
await new Promise((r) => setTimeout(r, 200));
let changed = 0;
for (const x of bufs) if (x.some((v) => v !== PATTERN)) changed++;
const held = heldPageMemory().fenced;
a.stop(); // B's teardown runs now
let after = held;
for (let i = 0; i < 100 && after !== 0; i++) {
  await new Promise((r) => setTimeout(r, 10));
  after = heldPageMemory().fenced;
}
console.log(`changed ${changed} held ${held} after ${after}`);
