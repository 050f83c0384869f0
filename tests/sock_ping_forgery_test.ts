// The Pinger against forged echo replies, in a namespace of the test's own
// where the kernel answers no pings (icmp_echo_ignore_all): a reply that
// comes from another address than the one pinged must not count, and raw
// mode's identifier is random.
import assert from "node:assert/strict";
import {
  encodeEcho,
  getSockname,
  ICMP_TYPE,
  NetSocket,
  Pinger,
  SockaddrInet4,
  TimedOutError,
  writeMsgUDP,
} from "../sock/mod.ts";
import { AF, IPPROTO, SOCK } from "../zcall/mod.ts";
import { inNetns, ip, netnsUnavailable } from "./_util/netns.ts";

const unavailable = netnsUnavailable("kfp-probe-");
if (unavailable !== null) {
  console.log(`ping forgery tests skipped: ${unavailable}`);
}

function sysctl(ns: string, kv: string): void {
  const out = new Deno.Command("ip", {
    args: ["netns", "exec", ns, "sysctl", "-qw", kv],
  }).outputSync();
  assert.ok(out.success, `sysctl ${kv}`);
}

// Sends forged echo replies (id, seq 1..3) to 127.0.0.1 from `src` every
// 5 ms until `done()`.
async function spray(
  ns: string,
  src: string,
  id: number,
  done: () => boolean,
): Promise<void> {
  const f = inNetns(
    ns,
    () => NetSocket.create(AF.INET, SOCK.RAW, IPPROTO.ICMP),
  );
  try {
    f.bind(SockaddrInet4.parse(src));
    const dst = SockaddrInet4.parse("127.0.0.1");
    const buf = new Uint8Array(64);
    while (!done()) {
      for (let seq = 1; seq <= 3; seq++) {
        const n = encodeEcho(buf, ICMP_TYPE.ECHO_REPLY, id, seq, 56);
        writeMsgUDP(f.fd, buf.subarray(0, n), null, dst);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    f.close();
  }
}

Deno.test({
  name: "sock ping: forged replies from another source do not count",
  ignore: unavailable !== null,
  async fn() {
    const ns = `kfp-${Deno.pid}-${Math.floor(Math.random() * 1e6)}`;
    ip("netns", "add", ns);
    try {
      ip("-n", ns, "link", "set", "lo", "up");
      sysctl(ns, "net.ipv4.icmp_echo_ignore_all=1");
      sysctl(ns, "net.ipv4.ping_group_range=0 2147483647");
      for (const mode of ["raw", "dgram"] as const) {
        using p = inNetns(ns, () => new Pinger(4, mode));
        // The request goes out before ping's first await; a datagram
        // socket's identifier (its port) is bound by then.
        const pending = p.ping("127.0.0.1", { timeout: 300, seq: 1 });
        const id = mode === "raw"
          ? p.id
          : (getSockname(p.socket) as SockaddrInet4).port();
        assert.ok(id > 0 || mode === "raw");
        // Forged source 127.0.0.2 while pinging 127.0.0.1: times out.
        let stop = false;
        const sprayer = spray(ns, "127.0.0.2", id, () => stop);
        await assert.rejects(
          pending,
          TimedOutError,
          `${mode}: a reply from 127.0.0.2 was accepted for 127.0.0.1`,
        );
        stop = true;
        await sprayer;
        // Control: the same forged replies from the pinged address do
        // arrive and match (what only the right source can do).
        stop = false;
        const control = spray(ns, "127.0.0.1", id, () => stop);
        const r = await p.ping("127.0.0.1", { timeout: 2000, seq: 2 });
        stop = true;
        await control;
        assert.equal(r.from, "127.0.0.1");
        assert.equal(r.seq, 2);
      }
    } finally {
      ip("netns", "del", ns);
    }
  },
});

Deno.test({
  name: "sock ping: raw mode's identifier is random",
  ignore: unavailable !== null,
  fn() {
    const ids = new Set<number>();
    for (let i = 0; i < 8; i++) {
      using p = new Pinger(4, "raw");
      ids.add(p.id);
    }
    // Eight draws of 16 random bits: all equal with probability 2^-112.
    assert.ok(ids.size > 1, `ids: ${[...ids]}`);
  },
});
