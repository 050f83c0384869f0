import assert from "node:assert/strict";
import { FdGuard, track } from "./_util/fd_guard.ts";
import {
  accept4,
  AF,
  bind,
  close,
  connect,
  getsockname,
  listen,
  read,
  SOCK,
  socket,
  write,
} from "../zcall/mod.ts";
import {
  getTCPInfo,
  getTCPInfoInto,
  SIZEOF_TCP_INFO,
  TCP_INFO_FIELDS,
  TCP_STATE,
  TCPInfo,
} from "../sock/tcp_info.ts";
import { SockError } from "../sock/errors.ts";

function loopback4(port = 0): Uint8Array {
  const sa = new Uint8Array(16);
  const dv = new DataView(sa.buffer);
  dv.setUint16(0, AF.INET, true);
  dv.setUint16(2, port, false);
  sa.set([127, 0, 0, 1], 4);
  return sa;
}

function portOf(fd: number): number {
  const sa = new Uint8Array(128), len = new Uint32Array([128]);
  assert.equal(getsockname(fd, sa, len), 0);
  return new DataView(sa.buffer).getUint16(2, false);
}

// A connected TCP pair over loopback with blocking sockets (bounded: the
// handshake completes inside connect on loopback).
function tcpPair(): { lfd: number; cfd: number; sfd: number } {
  const lfd = track(socket(AF.INET, SOCK.STREAM | SOCK.CLOEXEC, 0));
  assert.ok(lfd >= 0);
  assert.equal(bind(lfd, loopback4()), 0);
  assert.equal(listen(lfd, 8), 0);
  const cfd = track(socket(AF.INET, SOCK.STREAM | SOCK.CLOEXEC, 0));
  assert.equal(connect(cfd, loopback4(portOf(lfd))), 0);
  const sfd = track(accept4(lfd, null, null, SOCK.CLOEXEC));
  assert.ok(sfd >= 0);
  return { lfd, cfd, sfd };
}

function ssFields(port: number): Map<string, string> {
  const out = new Deno.Command("ss", {
    args: ["-tinH", "state", "established", `( sport = :${port} )`],
  }).outputSync();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const text = new TextDecoder().decode(out.stdout);
  const m = new Map<string, string>();
  for (const tok of text.split(/\s+/)) {
    const i = tok.indexOf(":");
    if (i > 0 && /^[a-z_]+$/.test(tok.slice(0, i))) {
      m.set(tok.slice(0, i), tok.slice(i + 1));
    } else if (tok.length > 0 && !tok.includes(":") && /^[a-z_]+$/.test(tok)) {
      m.set(tok, "");
    }
  }
  return m;
}

Deno.test("sock tcp_info: layout and packed accessors", () => {
  const info = new TCPInfo();
  assert.equal(info.bytes.byteLength, SIZEOF_TCP_INFO);
  assert.equal(SIZEOF_TCP_INFO, 280);
  // Byte-encoding checks of the bit-fields and a few offsets.
  info.bytes[5] = 1 | 2 | 4 | 8;
  info.bytes[6] = (9 << 4) | 7; // rcv_wscale 9, snd_wscale 7
  info.bytes[7] = 1 | (2 << 1);
  const dv = new DataView(info.bytes.buffer);
  dv.setUint32(68, 1234, true); // rtt
  dv.setUint32(80, 10, true); // snd_cwnd
  dv.setUint32(120, 5, true);
  dv.setUint32(124, 1, true); // bytes_acked = 2^32 + 5
  dv.setUint16(278, 77, true); // accecn_opt_seen (last field)
  assert.equal(info.sndWscale(), 7);
  assert.equal(info.rcvWscale(), 9);
  assert.ok(info.isDeliveryRateAppLimited());
  assert.equal(info.fastOpenClientFail(), 2);
  assert.ok(info.hasTimestamps() && info.hasSACK() && info.hasWscale());
  assert.ok(info.hasECN());
  assert.equal(info.rtt, 1234);
  assert.equal(info.sndCwnd, 10);
  assert.equal(info.bytesAcked, 2 ** 32 + 5);
  assert.equal(info.accECNOptSeen, 77);
  assert.equal(TCP_INFO_FIELDS.length, 68);
  const json = info.toJSON();
  for (const f of TCP_INFO_FIELDS) assert.equal(typeof json[f], "number");
});

Deno.test("sock tcp_info: bad input is rejected", () => {
  assert.throws(() => getTCPInfo(-1), RangeError);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => getTCPInfoInto(0, {} as any), TypeError);
  const u = socket(AF.INET, SOCK.DGRAM | SOCK.CLOEXEC, 0);
  try {
    assert.throws(() => getTCPInfo(u), SockError);
  } finally {
    close(u);
  }
});

Deno.test("sock tcp_info: values match ss -tin", async (t) => {
  const guard = new FdGuard();
  const { lfd, cfd, sfd } = tcpPair();
  try {
    const port = portOf(cfd);
    const payload = new Uint8Array(1000).fill(7);
    assert.equal(write(cfd, payload), 1000);
    const got = new Uint8Array(1000);
    assert.equal(read(sfd, got), 1000);
    assert.equal(write(sfd, got.subarray(0, 300)), 300);
    assert.equal(read(cfd, got), 300);
    // Let delayed ACKs settle so both views see a quiet connection.
    await new Promise((r) => setTimeout(r, 250));

    const info = new TCPInfo();
    const n = getTCPInfoInto(cfd, info);
    assert.ok(n >= 232, `kernel filled ${n} bytes`);
    assert.equal(info.length, n);
    assert.equal(info.state, TCP_STATE.ESTABLISHED);
    assert.equal(info.bytesReceived, 300);
    assert.ok(info.bytesAcked >= 1000);
    assert.equal(info.bytesSent, 1000);
    assert.equal(getTCPInfo({ fd: lfd }).state, TCP_STATE.LISTEN);

    await t.step("fields agree with ss", () => {
      const ss = ssFields(port);
      assert.ok(ss.size > 0, "ss reported the connection");
      assert.equal(Number(ss.get("mss")), info.sndMss);
      assert.equal(Number(ss.get("cwnd")), info.sndCwnd);
      assert.equal(Number(ss.get("pmtu")), info.pmtu);
      assert.equal(Number(ss.get("rcvmss")), info.rcvMss);
      assert.equal(Number(ss.get("advmss")), info.advMss);
      assert.equal(Number(ss.get("bytes_acked")), info.bytesAcked);
      assert.equal(Number(ss.get("bytes_received")), info.bytesReceived);
      assert.equal(Number(ss.get("bytes_sent")), info.bytesSent);
      assert.equal(Number(ss.get("data_segs_out")), info.dataSegsOut);
      assert.equal(Number(ss.get("rcv_space")), info.rcvSpace);
      assert.equal(ss.get("wscale"), `${info.sndWscale()},${info.rcvWscale()}`);
      assert.equal(Number(ss.get("snd_wnd")), info.sndWnd);
      assert.equal(Number(ss.get("delivered")), info.delivered);
      // ss 6.1 omits the ts/sack words; loopback negotiates both.
      assert.ok(info.hasTimestamps() && info.hasSACK() && info.hasWscale());
      // Timing fields: ss prints ms with 3 decimals; allow drift.
      const [rtt, rttvar] = ss.get("rtt")!.split("/").map(Number);
      assert.ok(Math.abs(rtt * 1000 - info.rtt) <= Math.max(200, info.rtt));
      assert.ok(rttvar >= 0);
      assert.ok(Math.abs(Number(ss.get("rto")) * 1000 - info.rto) <= 5000);
      if (ss.has("minrtt")) {
        assert.ok(
          Math.abs(Number(ss.get("minrtt")) * 1000 - info.minRtt) <= 200,
        );
      }
    });
  } finally {
    close(cfd);
    close(sfd);
    close(lfd);
  }
  guard.check();
});
