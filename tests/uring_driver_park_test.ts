// The driver's look before parking is bounded: after a ping-pong that
// grew the look window to its maximum, an idle driver with an operation
// outstanding parks and costs (almost) no CPU, and it still wakes for the
// next completion. CPU is compared with a bound far above a park's cost
// and far below a spin's (a spinning loop would use the whole second).

import assert from "node:assert/strict";
import process from "node:process";
import { UringDriver } from "../uring/mod.ts";
import { close, write } from "../zcall/mod.ts";
import { noLeaks, tcpPair } from "./_util/uring.ts";

Deno.test("uring driver: after a ping-pong, an idle driver parks (no CPU) and wakes", async () => {
  await noLeaks(async () => {
    await using d = new UringDriver({ entries: 16, signalTaskrun: true });
    const [c, s] = tcpPair();
    try {
      const buf = new Uint8Array(8);
      const one = new Uint8Array([1]);
      // Ping-pong: each receive is answered at once, so looks find
      // completions and the window grows.
      for (let i = 0; i < 2000; i++) {
        const p = d.recv(s, buf);
        write(c, one);
        assert.equal(await p, 1);
      }
      // Idle with a receive outstanding: one second of (almost) no CPU.
      const pending = d.recv(s, buf);
      pending.catch(() => {});
      const cpu0 = process.cpuUsage();
      await new Promise((r) => setTimeout(r, 1000));
      const cpu = process.cpuUsage(cpu0);
      const ms = (cpu.user + cpu.system) / 1000;
      assert.ok(ms < 150, `idle driver used ${ms.toFixed(0)} ms CPU in 1 s`);
      assert.equal(d.inflight, 1);
      // Parked, and woken by the next completion.
      write(c, one);
      assert.equal(await pending, 1);
    } finally {
      close(c);
      close(s);
    }
  });
});

Deno.test("uring driver: watchFd wakes a DEFER_TASKRUN ring's park; edges already served cost no CPU", async () => {
  await noLeaks(async () => {
    // The default ring: deferred task work, posted only when entering.
    await using d = new UringDriver({ entries: 16 });
    const [c, s] = tcpPair();
    try {
      assert.throws(() => d.watchFd(-1), RangeError);
      d.watchFd(s);
      d.watchFd(s); // twice is fine
      const buf = new Uint8Array(8);
      const one = new Uint8Array([1]);
      for (let i = 0; i < 500; i++) {
        const p = d.recv(s, buf);
        write(c, one);
        assert.equal(await p, 1);
      }
      // Idle: the edges seen while busy were taken before parking, so the
      // park sleeps (a level-triggered set would wake it in a loop).
      const pending = d.recv(s, buf);
      pending.catch(() => {});
      const cpu0 = process.cpuUsage();
      await new Promise((r) => setTimeout(r, 500));
      const cpu = process.cpuUsage(cpu0);
      const ms = (cpu.user + cpu.system) / 1000;
      assert.ok(ms < 100, `idle driver used ${ms.toFixed(0)} ms CPU in 0.5 s`);
      write(c, one);
      assert.equal(await pending, 1);
      d.unwatchFd(s);
      const p = d.recv(s, buf);
      write(c, one);
      assert.equal(await p, 1); // the (late) eventfd still wakes it
    } finally {
      close(c);
      close(s);
    }
  });
  // A closed driver refuses.
  const d = new UringDriver({ entries: 4 });
  await d.close();
  assert.throws(() => d.watchFd(0), /closed/i);
});
