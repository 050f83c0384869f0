import assert from "node:assert/strict";
import { AF, SOCK } from "../zcall/mod.ts";
import {
  cancelFd,
  pendingWaiters,
  waitReadable,
  waitWritable,
} from "../sock/_reactor.ts";
import { NetSocket } from "../sock/socket.ts";
import {
  AbortedError,
  ClosedError,
  TimedOutError,
  WOULD_BLOCK,
} from "../sock/errors.ts";
import { noFdLeak } from "./_util/sock_fds.ts";

Deno.test("sock reactor: readiness, deadlines, abort, close", async (t) => {
  await noFdLeak(async () => {
    const [a, b] = NetSocket.pair(AF.UNIX, SOCK.STREAM);
    try {
      await t.step("writable at once", async () => {
        const ev = await waitWritable(a.fd);
        assert.ok(ev & 0x4);
      });
      await t.step("readable after a write", async () => {
        const buf = new Uint8Array(16);
        assert.equal(b.tryRead(buf), WOULD_BLOCK);
        const p = waitReadable(b.fd);
        setTimeout(() => a.tryWrite(new Uint8Array([1, 2, 3])), 5);
        const ev = await p;
        assert.ok(ev & 0x1);
        assert.equal(b.tryRead(buf), 3);
        assert.equal(pendingWaiters(), 0);
      });
      await t.step("deadline fires, not early, not much late", async () => {
        const start = Date.now();
        const deadline = start + 40;
        await assert.rejects(waitReadable(b.fd, deadline), TimedOutError);
        const now = Date.now();
        assert.ok(now >= deadline, `fired ${deadline - now} ms early`);
        assert.ok(now - deadline <= 50, `fired ${now - deadline} ms late`);
      });
      await t.step("past deadline rejects at once", async () => {
        await assert.rejects(waitReadable(b.fd, Date.now() - 1), TimedOutError);
      });
      await t.step("abort signal", async () => {
        const ac = new AbortController();
        const p = waitReadable(b.fd, 0, ac.signal);
        setTimeout(() => ac.abort(new Error("stop")), 5);
        await assert.rejects(p, AbortedError);
        const ac2 = new AbortController();
        ac2.abort();
        await assert.rejects(waitReadable(b.fd, 0, ac2.signal), AbortedError);
      });
      await t.step("two waiters on one fd, one cancelled", async () => {
        const ac = new AbortController();
        const p1 = waitReadable(b.fd, 0, ac.signal);
        const p2 = waitReadable(b.fd);
        ac.abort();
        await assert.rejects(p1, AbortedError);
        a.tryWrite(new Uint8Array([9]));
        await p2;
        assert.equal(b.tryRead(new Uint8Array(4)), 1);
      });
      await t.step("cancelFd rejects with ClosedError", async () => {
        const p = waitReadable(b.fd);
        cancelFd(b.fd);
        await assert.rejects(p, ClosedError);
      });
      await t.step("bad fd", async () => {
        await assert.rejects(waitReadable(-1), RangeError);
      });
    } finally {
      a.close();
      b.close();
    }
    assert.equal(pendingWaiters(), 0);
  });
});

Deno.test("sock reactor: socket registrations end with close, survive fd reuse", async () => {
  const { registeredFds } = await import("../sock/_reactor.ts");
  const { close } = await import("../zcall/mod.ts");
  const base = registeredFds();
  const [a, b] = NetSocket.pair(AF.UNIX, SOCK.STREAM);
  const buf = new Uint8Array(8);
  const p = b.read(buf); // parks: registers b once, edge-triggered
  a.tryWrite(new Uint8Array([1]));
  assert.equal(await p, 1);
  assert.equal(registeredFds(), base + 1);
  a.close();
  b.close();
  assert.equal(registeredFds(), base);
  // A descriptor closed behind its socket's back: the number comes back
  // for a new socket, whose waits must still see the kernel's events.
  const [c, d] = NetSocket.pair(AF.UNIX, SOCK.STREAM);
  const q = d.read(buf);
  c.tryWrite(new Uint8Array([2]));
  assert.equal(await q, 1);
  const stale = d.fd;
  close(stale); // not d.close(): the reactor is not told
  const [e, f] = NetSocket.pair(AF.UNIX, SOCK.STREAM);
  const reused = e.fd === stale ? e : f.fd === stale ? f : null;
  if (reused !== null) {
    const other = reused === e ? f : e;
    const r = reused.read(buf);
    setTimeout(() => other.tryWrite(new Uint8Array([3, 4])), 5);
    assert.equal(await r, 2);
  } else {
    console.log("fd number not reused by the kernel this time");
  }
  c.close();
  e.close();
  f.close();
  assert.equal(pendingWaiters(), 0);
});

Deno.test("sock reactor: the look watches this thread's runtime epoll, in the main thread and in a Worker", async () => {
  const { runtimeEpollFd } = await import("../sock/_reactor.ts");
  const main = runtimeEpollFd();
  assert.ok(main >= 0, "no runtime epoll found: the reactor would not look");
  const src = `import { runtimeEpollFd } from ${
    JSON.stringify(new URL("../sock/_reactor.ts", import.meta.url).href)
  };
self.postMessage(runtimeEpollFd());
self.close();`;
  const w = new Worker(
    `data:text/javascript,${encodeURIComponent(src)}`,
    { type: "module" },
  );
  const got = await new Promise<number>((resolve, reject) => {
    w.onmessage = (e) => resolve(e.data);
    w.onerror = (e) => {
      e.preventDefault();
      reject(new Error(e.message));
    };
  });
  w.terminate();
  assert.ok(got >= 0, "no runtime epoll found in the Worker");
  assert.notEqual(got, main, "the Worker found the main thread's runtime");
});
