import assert from "node:assert/strict";
import {
  AbortedError,
  AddressInUseError,
  ClosedError,
  ConnectionRefusedError,
  dialUDP,
  dialUDP4,
  dialUDP6,
  listenUDP,
  listenUDP4,
  listenUDP6,
  MessageTooLargeError,
  NotConnectedError,
  SockaddrInet4,
  SockaddrInet6,
  TimedOutError,
  WOULD_BLOCK,
} from "../sock/mod.ts";
import { noFdLeak } from "./_util/sock_fds.ts";

for (const family of [4, 6] as const) {
  const host = family === 4 ? "127.0.0.1" : "::1";
  Deno.test(`sock udp: IPv${family} loopback datagrams`, async (t) => {
    await noFdLeak(async () => {
      using srv = family === 4
        ? listenUDP4({ hostname: host, port: 0 })
        : listenUDP6({ hostname: host, port: 0 });
      using cli = family === 4
        ? dialUDP4(null, srv.localAddr)
        : dialUDP6(null, srv.localAddr);
      const buf = new Uint8Array(1500);
      await t.step("addresses", () => {
        assert.equal(srv.localAddr.transport, "udp");
        assert.equal(srv.localAddr.hostname, host);
        assert.equal(srv.remoteAddr, null);
        assert.deepEqual(cli.remoteAddr, srv.localAddr);
        assert.equal(srv.protocol(), 2);
      });
      await t.step("would-block, then tryWrite / tryReadFrom", async () => {
        assert.equal(srv.tryReadFrom(buf), WOULD_BLOCK);
        assert.equal(cli.tryWrite(new Uint8Array([1, 2, 3])), 3);
        await srv.waitReadable();
        assert.equal(srv.tryReadFrom(buf), 3);
        assert.equal(srv.lastFrom.port(), cli.localAddr.port);
        assert.equal(srv.lastFrom.family(), family === 4 ? 2 : 10);
      });
      await t.step(
        "reply with tryWriteTo to the owned sender address",
        async () => {
          assert.equal(srv.tryWriteTo(new Uint8Array([9, 9]), srv.lastFrom), 2);
          assert.equal(await cli.read(buf), 2);
        },
      );
      await t.step(
        "readFrom into a caller address; writeTo with a literal",
        async () => {
          const from = family === 4 ? new SockaddrInet4() : new SockaddrInet6();
          const r = srv.readFrom(buf, { from });
          await cli.write(new Uint8Array(100));
          assert.equal(await r, 100);
          assert.equal(from.port(), cli.localAddr.port);
          assert.equal(
            await srv.writeTo(new Uint8Array(7), {
              hostname: host,
              port: cli.localAddr.port,
            }),
            7,
          );
          assert.equal(await cli.read(buf), 7);
        },
      );
      await t.step("empty datagram reads as 0, not EOF", async () => {
        cli.tryWrite(new Uint8Array(0));
        assert.equal(await srv.read(buf), 0);
      });
      await t.step("Deno.DatagramConn-style send/receive", async () => {
        const r = srv.receive();
        await cli.send(new Uint8Array([5, 6]), srv.localAddr);
        const [data, addr] = await r;
        assert.deepEqual([...data], [5, 6]);
        assert.equal(addr.port, cli.localAddr.port);
        assert.equal(addr.transport, "udp");
      });
      await t.step("deadline and abort on readFrom", async () => {
        const deadline = Date.now() + 20;
        srv.setReadDeadline(deadline);
        await assert.rejects(srv.readFrom(buf), TimedOutError);
        const late = Date.now() - deadline;
        assert.ok(late >= 0 && late <= 50, `late by ${late} ms`);
        srv.setReadDeadline(null);
        const ac = new AbortController();
        const r = srv.readFrom(buf, { signal: ac.signal });
        ac.abort();
        await assert.rejects(r, AbortedError);
      });
      await t.step("wrong-family address objects are refused", () => {
        const other = family === 4 ? new SockaddrInet6() : new SockaddrInet4();
        assert.throws(() => srv.tryReadFrom(buf, other), TypeError);
        assert.throws(
          () =>
            srv.tryWriteTo(buf, {
              hostname: family === 4 ? "::1" : "127.0.0.1",
              port: 1,
            }),
          /family mismatch/,
        );
      });
    });
  });
}

Deno.test("sock udp: errors", async (t) => {
  await noFdLeak(async () => {
    await t.step("address in use", () => {
      using a = listenUDP("udp", { hostname: "127.0.0.1", port: 0 });
      assert.throws(
        () =>
          listenUDP("udp", { hostname: "127.0.0.1", port: a.localAddr.port }),
        AddressInUseError,
      );
      using r1 = listenUDP4({ hostname: "127.0.0.1", port: 0 }, {
        reusePort: true,
      });
      using r2 = listenUDP4(
        { hostname: "127.0.0.1", port: r1.localAddr.port },
        {
          reusePort: true,
        },
      );
      assert.equal(r1.localAddr.port, r2.localAddr.port);
    });
    await t.step("message too large", () => {
      using c = listenUDP4({ hostname: "127.0.0.1", port: 0 });
      assert.throws(
        () => c.tryWriteTo(new Uint8Array(70_000), c.localAddr),
        MessageTooLargeError,
      );
    });
    await t.step("unconnected write", () => {
      using c = listenUDP4({ hostname: "127.0.0.1", port: 0 });
      assert.throws(() => c.tryWrite(new Uint8Array(1)), NotConnectedError);
    });
    await t.step(
      "refused: ICMP port unreachable on a connected socket",
      async () => {
        const tmp = listenUDP4({ hostname: "127.0.0.1", port: 0 });
        const port = tmp.localAddr.port;
        tmp.close();
        using c = dialUDP("udp4", null, { hostname: "127.0.0.1", port });
        c.tryWrite(new Uint8Array(1));
        await assert.rejects(c.read(new Uint8Array(8)), ConnectionRefusedError);
      },
    );
    await t.step("bad arguments", () => {
      assert.throws(
        () => listenUDP("tcp" as "udp", { port: 0 }),
        /unknown network/,
      );
      assert.throws(
        () => dialUDP4(null, { hostname: "127.0.0.1", port: 70000 }),
        RangeError,
      );
      assert.throws(
        () => listenUDP6({ hostname: "10.0.0.1", port: 0 }),
        /family mismatch/,
      );
      const c = listenUDP4({ hostname: "127.0.0.1", port: 0 });
      c.close();
      assert.throws(() => c.tryReadFrom(new Uint8Array(1)), ClosedError);
      assert.throws(() => c.getBroadcast(), ClosedError);
    });
    await t.step("broadcast option", () => {
      using c = listenUDP4({ hostname: "127.0.0.1", port: 0 });
      assert.equal(c.getBroadcast(), false);
      c.setBroadcast(true);
      assert.equal(c.getBroadcast(), true);
    });
  });
});
