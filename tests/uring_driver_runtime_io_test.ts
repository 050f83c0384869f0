// Deno's own work beside a busy driver. While the driver keeps the thread
// busy, Deno's runtime polls its sockets only every few dozen turns; the
// driver watches the runtime's epoll (found by probing, confirmed by the
// first hop through the blocking pool) and gives the runtime a turn when it
// has I/O ready. Operations that complete inside the submitting
// io_uring_enter must not restart the loop from promise continuations
// forever (a microtask chain starves timers and I/O alike). No timing is
// asserted: timers tick, and the requests of a client nobody here wrote
// (curl) all complete, byte for byte.

import assert from "node:assert/strict";
import { UringDriver } from "../uring/mod.ts";
import {
  close,
  EPOLL,
  epollCtl,
  Errno,
  eventfd2,
  SHUT,
  shutdown,
} from "../zcall/mod.ts";
import { runtimeEpollCandidates } from "../zcall/_runtime_epoll.ts";
import { runDenoChild } from "./_util/deno_child.ts";
import { noLeaks, tcpPair } from "./_util/uring.ts";

Deno.test("runtime epoll candidates: epoll instances only, computed once", () => {
  const found = runtimeEpollCandidates();
  assert.ok(found.length >= 1, "Deno's runtime polls with an epoll instance");
  assert.equal(runtimeEpollCandidates(), found);
  const probe = eventfd2(0, 0);
  try {
    for (const fd of found) {
      // DEL of a registered-nowhere fd: ENOENT only from an epoll instance.
      assert.equal(epollCtl(fd, EPOLL.CTL_DEL, probe, null), -Errno.ENOENT);
    }
  } finally {
    close(probe);
  }
});

Deno.test("uring driver: a ping-pong of operations that complete at once lets timers run", async () => {
  // In a child: a starved event loop cannot even fire a watchdog timer.
  const code = `
    import { UringDriver } from "${
    new URL("../uring/mod.ts", import.meta.url).href
  }";
    import { tcpPair } from "${
    new URL("./_util/uring.ts", import.meta.url).href
  }";
    const d = new UringDriver({ entries: 64 });
    const [a, b] = tcpPair();
    let trips = 0;
    (async () => {
      const buf = new Uint8Array(64);
      for (;;) {
        const n = await d.recv(b, buf);
        if (n <= 0) return;
        await d.send(b, buf.subarray(0, n));
      }
    })();
    (async () => {
      const msg = new Uint8Array(64).fill(7);
      const buf = new Uint8Array(64);
      for (;;) {
        await d.send(a, msg);
        for (let got = 0; got < 64;) got += await d.recv(a, buf.subarray(got));
        trips++;
      }
    })();
    let ticks = 0;
    setInterval(() => {
      if (++ticks === 5) {
        console.log("TICKS 5 TRIPS " + (trips > 0));
        Deno.exit(0);
      }
    }, 10);
  `;
  const out = await runDenoChild(code, ["--allow-all"], { killAfterMs: 30000 });
  assert.equal(out.signal, null, "the child's timers never ran");
  assert.match(out.stdout, /TICKS 5 TRIPS true/);
});

Deno.test("uring driver: Deno.serve in the same thread answers while a ping-pong keeps the driver busy", async () => {
  await noLeaks(async () => {
    await using d = new UringDriver({ entries: 64 });
    // Held: the loop never ends, so it looks between completions (the
    // runtime's turns then come from the epoll watch).
    d.hold();
    const [a, b] = tcpPair();
    let stop = false;
    const echo = (async () => {
      const buf = new Uint8Array(64);
      for (;;) {
        const n = await d.recv(b, buf);
        if (n <= 0) return;
        await d.send(b, buf.subarray(0, n));
      }
    })();
    const ping = (async () => {
      const msg = new Uint8Array(64).fill(7);
      const buf = new Uint8Array(64);
      let trips = 0;
      while (!stop) {
        await d.send(a, msg);
        for (let got = 0; got < 64;) {
          const n = await d.recv(a, buf.subarray(got));
          if (n <= 0) return trips;
          got += n;
        }
        assert.deepEqual(buf, msg);
        trips++;
      }
      return trips;
    })();
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      (req) => new Response(`served ${new URL(req.url).pathname}`),
    );
    try {
      // Separate connections: every request is new I/O for the runtime.
      const urls = Array.from(
        { length: 40 },
        (_, i) => `http://127.0.0.1:${server.addr.port}/${i}`,
      );
      const out = await new Deno.Command("curl", {
        args: ["-s", "--max-time", "30", "-H", "Connection: close", ...urls],
        stdout: "piped",
      }).output();
      assert.equal(out.code, 0);
      assert.equal(
        new TextDecoder().decode(out.stdout),
        urls.map((_, i) => `served /${i}`).join(""),
      );
      assert.ok(d._runtimeIoWatched, "the runtime's epoll is watched");
    } finally {
      stop = true;
      shutdown(a, SHUT.RDWR);
      const trips = await ping;
      await echo;
      close(a);
      close(b);
      await server.shutdown();
      d.release();
      assert.ok(trips > 0, "the ping-pong ran beside the requests");
    }
  });
});
