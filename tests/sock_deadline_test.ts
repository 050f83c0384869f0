// Deadlines on the sock layer's awaitable methods, on the real kernel:
// a deadline set while an operation is pending applies to it (Go's
// semantics), every setWriteDeadline, far-future deadlines, ref/unref.
import assert from "node:assert/strict";
import {
  dialTCP4,
  listenTCP4,
  listenUDP4,
  NetSocket,
  setSendBuffer,
  type TCPConn,
  TimedOutError,
  unixConnPair,
  WOULD_BLOCK,
} from "../sock/mod.ts";
import { AF, SOCK } from "../zcall/mod.ts";
import { pendingWaiters } from "../sock/_reactor.ts";

async function tcpPair(): Promise<[TCPConn, TCPConn, () => void]> {
  const ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
  const c = dialTCP4(null, ln.addr);
  await c.waitConnected();
  const s = await ln.accept();
  return [c, s, () => {
    c.close();
    s.close();
    ln.close();
  }];
}

// Fills the send path until write would block.
function fill(c: { tryWrite(p: Uint8Array): number }): void {
  const chunk = new Uint8Array(64 * 1024);
  for (let i = 0; i < 10_000; i++) {
    if (c.tryWrite(chunk) === WOULD_BLOCK) return;
  }
  throw new Error("send buffer never filled");
}

Deno.test("sock deadlines: set while pending", async (t) => {
  const [c, s, done] = await tcpPair();
  try {
    await t.step("setReadDeadline applies to a pending read", async () => {
      const p = s.read(new Uint8Array(8));
      const t0 = Date.now();
      s.setReadDeadline(Date.now() + 50);
      await assert.rejects(p, TimedOutError);
      const took = Date.now() - t0;
      assert.ok(took >= 45 && took < 1000, `timed out after ${took} ms`);
      s.setReadDeadline(null);
    });
    await t.step(
      "a past deadline times a pending read out at once",
      async () => {
        const p = s.read(new Uint8Array(8));
        s.setDeadline(new Date(Date.now() - 1));
        await assert.rejects(p, TimedOutError);
        s.setDeadline(0);
      },
    );
    await t.step(
      "clearing the deadline lets a pending read wait on",
      async () => {
        s.setReadDeadline(Date.now() + 30);
        const p = s.read(new Uint8Array(8));
        s.setReadDeadline(null);
        await new Promise((r) => setTimeout(r, 80));
        c.tryWrite(new Uint8Array([1, 2, 3]));
        assert.equal(await p, 3);
      },
    );
    await t.step("extending a deadline moves the pending timeout", async () => {
      s.setReadDeadline(Date.now() + 20);
      const p = s.read(new Uint8Array(8));
      s.setReadDeadline(Date.now() + 5000);
      await new Promise((r) => setTimeout(r, 60));
      c.tryWrite(new Uint8Array([4]));
      assert.equal(await p, 1);
      s.setReadDeadline(null);
    });
    await t.step("setWriteDeadline applies to a pending write", async () => {
      setSendBuffer(c, 4096);
      fill(c);
      // writeAll: a single write may complete partially once space frees.
      const p = c.writeAll(new Uint8Array(4 << 20));
      c.setWriteDeadline(Date.now() + 50);
      await assert.rejects(p, TimedOutError);
      c.setWriteDeadline(null);
    });
    await t.step("setWriteDeadline before a write that blocks", async () => {
      c.setWriteDeadline(Date.now() + 30);
      await assert.rejects(c.writeAll(new Uint8Array(4 << 20)), TimedOutError);
      c.setWriteDeadline(null);
      assert.equal(c.writeDeadline, 0);
    });
  } finally {
    done();
  }
  assert.equal(pendingWaiters(), 0);
});

Deno.test("sock deadlines: accept and the other socket kinds", async (t) => {
  await t.step(
    "TCPListener: setReadDeadline while accept is pending",
    async () => {
      using ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
      const p = ln.accept();
      ln.setReadDeadline(Date.now() + 40);
      await assert.rejects(p, TimedOutError);
    },
  );
  await t.step("UnixConn setWriteDeadline", async () => {
    const [a, b] = unixConnPair("unix");
    try {
      setSendBuffer(a, 4096);
      fill(a);
      a.setWriteDeadline(Date.now() + 30);
      await assert.rejects(a.writeAll(new Uint8Array(4 << 20)), TimedOutError);
      a.setWriteDeadline(null);
      const p = a.writeAll(new Uint8Array(4 << 20));
      a.setWriteDeadline(Date.now() - 1);
      await assert.rejects(p, TimedOutError);
    } finally {
      a.close();
      b.close();
    }
  });
  await t.step("UDPConn setWriteDeadline / setReadDeadline", async () => {
    using u = listenUDP4({ hostname: "127.0.0.1", port: 0 });
    u.setWriteDeadline(Date.now() + 1000);
    assert.ok(u.writeDeadline > Date.now());
    // A UDP socket is writable at once: the write completes.
    assert.equal(await u.writeTo(new Uint8Array([1]), u.localAddr), 1);
    assert.equal(await u.readFrom(new Uint8Array(8)), 1);
    const p = u.readFrom(new Uint8Array(8));
    u.setReadDeadline(Date.now() + 30);
    await assert.rejects(p, TimedOutError);
  });
  await t.step(
    "NetSocket setWriteDeadline",
    () => {
      using s = NetSocket.create(AF.INET, SOCK.STREAM);
      s.setWriteDeadline(Date.now() + 5000);
      assert.ok(s.writeDeadline > 0);
      s.setWriteDeadline(null);
      assert.equal(s.writeDeadline, 0);
    },
  );
});

Deno.test("sock deadlines: a far-future deadline arms no busy timer", async () => {
  // In a child process: a year-2100 deadline must neither print
  // TimeoutOverflowWarning nor spin a 1 ms timer; the read still completes.
  const mod = new URL("../sock/mod.ts", import.meta.url).href;
  const code = `
    import { unixConnPair } from ${JSON.stringify(mod)};
    const [a, b] = unixConnPair("unix");
    b.setReadDeadline(new Date("2100-01-01T00:00:00Z"));
    const p = b.read(new Uint8Array(8));
    const u0 = Deno.cpuUsage?.() ?? null;
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 400));
    a.tryWrite(new Uint8Array([7, 7]));
    console.log("read", await p);
    const cpu = u0 ? (Deno.cpuUsage().user - u0.user) / 1000 : -1;
    console.log("cpu_ms", cpu.toFixed(1), "wall_ms", (performance.now() - t0).toFixed(0));
    a.close(); b.close();
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", code],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  assert.match(stdout, /read 2/);
  assert.doesNotMatch(stderr, /TimeoutOverflowWarning/);
  const cpu = Number(/cpu_ms (-?[0-9.]+)/.exec(stdout)?.[1]);
  // A 1 ms timer loop burns tens of ms of CPU in 400 ms; idle is ~0.
  if (cpu >= 0) assert.ok(cpu < 100, `cpu ${cpu} ms while idle`);
});
