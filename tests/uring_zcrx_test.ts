// ZCRX and NAPI registration: implemented against the kernel; loopback and
// veth cannot do zero-copy receive or carry a NAPI id, so these tests cover
// the typed not-supported path (plus NAPI's ring-level registration, which
// works everywhere).

import assert from "node:assert/strict";
import {
  NAPI,
  napiAddSocket,
  napiAddStaticId,
  NotSupportedError,
  registerNapi,
  registerZcrxIfq,
  socketNapiId,
  unregisterNapi,
  Uring,
  UringError,
  ZCRX,
} from "../uring/mod.ts";
import { close } from "../zcall/mod.ts";
import { noLeaks, tcpPair } from "./_util/uring.ts";

Deno.test("uring zcrx: loopback reports not supported, nothing leaks", async () => {
  await noLeaks(() => {
    // ZCRX wants 32-byte CQEs: the ring's options do not expose CQE32, so
    // try both the standard ring and a raw fd-less check of the error path.
    using ring = new Uring({ entries: 8 });
    ring.start();
    assert.throws(
      () =>
        registerZcrxIfq(ring, {
          ifName: "lo",
          rxQueue: 0,
          areaSize: 1 << 16,
          rqEntries: 64,
        }),
      (e) => e instanceof NotSupportedError && e.errno > 0,
    );
    assert.throws(
      () => registerZcrxIfq(ring, { ifIndex: 1, rxQueue: 0 }),
      NotSupportedError,
    );
    assert.throws(
      () => registerZcrxIfq(ring, { ifName: "nosuchif0", rxQueue: 0 }),
      (e) => e instanceof UringError && e.code === "ENODEV",
    );
    assert.throws(() => registerZcrxIfq(ring, { rxQueue: 0 }), TypeError);
    assert.throws(
      () => registerZcrxIfq(ring, { ifName: "lo", rxQueue: -1 }),
      RangeError,
    );
    assert.throws(
      () => registerZcrxIfq(ring, { ifName: "lo", rxQueue: 0, areaSize: 100 }),
      RangeError,
    );
    assert.throws(
      () => registerZcrxIfq(ring, { ifName: "lo", rxQueue: 0, rqEntries: 3 }),
      RangeError,
    );
    assert.equal(ZCRX.AREA_SHIFT, 48);
  });
});

Deno.test("uring napi: ring registration works, loopback sockets have no NAPI id", async () => {
  await noLeaks(() => {
    using ring = new Uring({ entries: 8 });
    ring.start();
    registerNapi(ring, { busyPollTimeoutUs: 50, preferBusyPoll: true });
    unregisterNapi(ring);
    registerNapi(ring, { tracking: NAPI.TRACKING_STATIC });
    const [c, s] = tcpPair();
    try {
      assert.equal(socketNapiId(s), 0);
      assert.throws(() => napiAddSocket(ring, s), NotSupportedError);
    } finally {
      close(c);
      close(s);
    }
    assert.throws(() => napiAddStaticId(ring, 5), RangeError);
    assert.throws(
      () => registerNapi(ring, { busyPollTimeoutUs: -1 }),
      RangeError,
    );
    assert.throws(() => registerNapi(ring, { tracking: 7 }), RangeError);
    assert.throws(() => socketNapiId(-1), TypeError);
    unregisterNapi(ring);
  });
});

Deno.test("uring zcrx: a veth interface reports not supported too", async (t) => {
  const name = `kio${Deno.pid % 100000}`;
  const ip = (args: string[]) =>
    new Deno.Command("ip", { args, stdout: "null", stderr: "null" }).output();
  let created = false;
  try {
    created = (await ip([
      "link",
      "add",
      `${name}a`,
      "type",
      "veth",
      "peer",
      "name",
      `${name}b`,
    ])).code === 0;
  } catch { /* no ip(8) */ }
  if (!created) {
    await t.step({
      name: "veth unavailable (needs root and ip(8))",
      ignore: true,
      fn: () => {},
    });
    return;
  }
  try {
    await ip(["link", "set", `${name}a`, "up"]);
    using ring = new Uring({ entries: 8 });
    ring.start();
    assert.throws(
      () =>
        registerZcrxIfq(ring, {
          ifName: `${name}a`,
          rxQueue: 0,
          areaSize: 1 << 16,
          rqEntries: 64,
        }),
      NotSupportedError,
    );
  } finally {
    await ip(["link", "del", `${name}a`]);
  }
});
