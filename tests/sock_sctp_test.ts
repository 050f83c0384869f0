import assert from "node:assert/strict";
import { FdGuard } from "./_util/fd_guard.ts";
import {
  decodeSCTPInitMsg,
  dialSCTP,
  encodeSCTPAssocParams,
  encodeSCTPInitMsg,
  encodeSCTPRtoInfo,
  getSCTPAssocInfo,
  getSCTPAutoclose,
  getSCTPContext,
  getSCTPDisableFragments,
  getSCTPEvents,
  getSCTPFragmentInterleave,
  getSCTPInitMsg,
  getSCTPMappedV4,
  getSCTPMaxBurst,
  getSCTPMaxseg,
  getSCTPNodelay,
  getSCTPPartialDeliveryPoint,
  getSCTPRtoInfo,
  listenSCTP,
  resolveSCTPAddr,
  sctpAddrFromAddrPort,
  sctpAvailable,
  SCTPDialer,
  SCTPSocket,
  setSCTPAssocInfo,
  setSCTPAutoclose,
  setSCTPContext,
  setSCTPDisableFragments,
  setSCTPEvents,
  setSCTPFragmentInterleave,
  setSCTPInitMsg,
  setSCTPMappedV4,
  setSCTPMaxBurst,
  setSCTPMaxseg,
  setSCTPNodelay,
  setSCTPPartialDeliveryPoint,
  setSCTPRtoInfo,
} from "../sock/mod.ts";
import { ProtocolNotSupportedError } from "../sock/errors.ts";

const HAVE_SCTP = sctpAvailable();
if (!HAVE_SCTP) {
  console.log(
    "sock sctp: functional SCTP tests skipped: this kernel has no SCTP (socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP) fails with EPROTONOSUPPORT)",
  );
}

// SOCK_STREAM gets EPROTONOSUPPORT; SOCK_SEQPACKET has no inet protocol
// at all without SCTP, so the kernel says ESOCKTNOSUPPORT: same typed error.
const isNoProto = (e: unknown) =>
  e instanceof ProtocolNotSupportedError &&
  ((e.errno === 93 && e.code === "EPROTONOSUPPORT") ||
    (e.errno === 94 && e.code === "ESOCKTNOSUPPORT"));
const isNoProtoStream = (e: unknown) =>
  e instanceof ProtocolNotSupportedError && e.code === "EPROTONOSUPPORT";

Deno.test("sock sctp: struct layouts and address resolution", () => {
  const im = encodeSCTPInitMsg({
    numOstreams: 10,
    maxInstreams: 0x1234,
    maxAttempts: 4,
    maxInitTimeout: 60000,
  });
  assert.deepEqual([...im], [10, 0, 0x34, 0x12, 4, 0, 0x60, 0xea]);
  assert.deepEqual(decodeSCTPInitMsg(im), {
    numOstreams: 10,
    maxInstreams: 0x1234,
    maxAttempts: 4,
    maxInitTimeout: 60000,
  });
  const rto = encodeSCTPRtoInfo({ assocId: -1, initial: 3000, max: 1, min: 2 });
  assert.deepEqual([...rto.subarray(0, 8)], [
    255,
    255,
    255,
    255,
    0xb8,
    0x0b,
    0,
    0,
  ]);
  const ap = encodeSCTPAssocParams({
    assocId: 0,
    maxRetrans: 10,
    numberPeerDestinations: 2,
    peerRwnd: 1,
    localRwnd: 2,
    cookieLife: 60000,
  });
  assert.equal(ap.byteLength, 20);
  assert.deepEqual([...ap.subarray(4, 8)], [10, 0, 2, 0]);
  assert.throws(
    () =>
      encodeSCTPInitMsg({
        numOstreams: 70000,
        maxInstreams: 0,
        maxAttempts: 0,
        maxInitTimeout: 0,
      }),
    RangeError,
  );

  assert.deepEqual(resolveSCTPAddr("sctp4", "127.0.0.1:9000"), {
    hostname: "127.0.0.1",
    port: 9000,
  });
  assert.deepEqual(resolveSCTPAddr("sctp", "[fe80::1%lo]:80"), {
    hostname: "fe80::1",
    port: 80,
    zone: "lo",
  });
  assert.deepEqual(resolveSCTPAddr("sctp6", "localhost:1"), {
    hostname: "::1",
    port: 1,
  });
  assert.deepEqual(resolveSCTPAddr("sctp", ":7"), { hostname: "", port: 7 });
  assert.throws(() => resolveSCTPAddr("sctp6", "127.0.0.1:1"), TypeError);
  assert.throws(() => resolveSCTPAddr("sctp", "example.com:1"), TypeError);
  assert.throws(() => resolveSCTPAddr("sctp", "1.2.3.4:99999"), RangeError);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => resolveSCTPAddr("udp" as any, "1.2.3.4:1"), TypeError);
  assert.deepEqual(sctpAddrFromAddrPort("::1", 5), {
    hostname: "::1",
    port: 5,
  });
  assert.throws(() => sctpAddrFromAddrPort("x", 5), TypeError);
});

Deno.test({
  name:
    "sock sctp: without kernel SCTP every entry point raises ProtocolNotSupportedError",
  ignore: HAVE_SCTP,
  async fn() {
    const guard = new FdGuard();
    assert.equal(sctpAvailable(), false);
    assert.throws(() => SCTPSocket.create4(), isNoProto);
    assert.throws(() => SCTPSocket.create6(), isNoProto);
    assert.throws(() => SCTPSocket.createStream4(), isNoProtoStream);
    assert.throws(() => SCTPSocket.createStream6(), isNoProtoStream);
    assert.throws(
      () => listenSCTP("sctp4", { hostname: "127.0.0.1", port: 0 }),
      isNoProto,
    );
    assert.throws(
      () => dialSCTP("sctp6", null, { hostname: "::1", port: 9 }),
      isNoProto,
    );
    await assert.rejects(
      new SCTPDialer({ timeout: 100 }).dial4(null, {
        hostname: "127.0.0.1",
        port: 9,
      }),
      isNoProto,
    );
    // Argument errors come first, kernel support second.
    assert.throws(
      // deno-lint-ignore no-explicit-any
      () => listenSCTP("tcp" as any, { hostname: "127.0.0.1", port: 0 }),
      TypeError,
    );
    assert.throws(() => new SCTPDialer({ timeout: -1 }), RangeError);
    guard.check();
  },
});

Deno.test({
  name: "sock sctp: one-to-one association, options (needs kernel SCTP)",
  ignore: !HAVE_SCTP,
  async fn() {
    const guard = new FdGuard();
    const ln = listenSCTP("sctp4", { hostname: "127.0.0.1", port: 0 });
    try {
      const dialing = new SCTPDialer({ timeout: 2000 }).dial4(null, ln.addr);
      const srv = await ln.accept({ signal: AbortSignal.timeout(2000) });
      const cli = await dialing;
      try {
        await cli.write(new Uint8Array([1, 2, 3]));
        const buf = new Uint8Array(8);
        assert.equal(await srv.read(buf), 3);
        setSCTPNodelay(cli, true);
        assert.equal(getSCTPNodelay(cli), true);
        setSCTPAutoclose(ln, 0);
        assert.equal(getSCTPAutoclose(ln), 0);
        setSCTPDisableFragments(cli, true);
        assert.equal(getSCTPDisableFragments(cli), true);
        setSCTPFragmentInterleave(cli, 1);
        assert.equal(getSCTPFragmentInterleave(cli), 1);
        setSCTPMappedV4(cli, false);
        assert.equal(getSCTPMappedV4(cli), false);
        setSCTPPartialDeliveryPoint(cli, 4096);
        assert.equal(getSCTPPartialDeliveryPoint(cli), 4096);
        setSCTPContext(cli, 42);
        assert.equal(getSCTPContext(cli), 42);
        setSCTPMaxBurst(cli, 5);
        assert.equal(getSCTPMaxBurst(cli), 5);
        setSCTPMaxseg(ln, 1200);
        assert.ok(getSCTPMaxseg(ln) > 0);
        const im = {
          numOstreams: 7,
          maxInstreams: 7,
          maxAttempts: 3,
          maxInitTimeout: 1000,
        };
        setSCTPInitMsg(ln, im);
        assert.deepEqual(getSCTPInitMsg(ln), im);
        setSCTPRtoInfo(ln, { assocId: 0, initial: 2000, max: 9000, min: 500 });
        assert.equal(getSCTPRtoInfo(ln).initial, 2000);
        const ai = getSCTPAssocInfo(ln);
        setSCTPAssocInfo(ln, { ...ai, maxRetrans: 7 });
        assert.equal(getSCTPAssocInfo(ln).maxRetrans, 7);
        setSCTPEvents(cli, { dataIo: true, association: true });
        assert.equal(getSCTPEvents(cli).dataIo, true);
      } finally {
        srv.close();
        cli.close();
      }
      // One-to-many socket opens too.
      SCTPSocket.create4().close();
    } finally {
      ln.close();
    }
    guard.check();
  },
});
