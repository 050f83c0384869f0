/**
 * tcpinfo: connects to host:port and prints the connection's TCP_INFO the
 * way `ss -ti` does (congestion control, wscale, rto, rtt/rttvar, mss,
 * cwnd, bytes, segments, pacing and delivery rates...). With no address it
 * connects to a listener of its own on 127.0.0.1, sends some data and
 * reports on that. `--json` prints every field of struct tcp_info;
 * `--count=N --interval=ms` samples repeatedly through one reused TCPInfo
 * (getTCPInfoInto allocates nothing).
 *
 * Run: `deno task build && deno run --allow-ffi=native/build
 * examples/tcpinfo.ts [host:port | [v6]:port] [--json] [--count=N]
 * [--interval=ms]` (or `deno task example:tcpinfo`).
 *
 * @example
 * ```sh
 * deno run --allow-ffi=native/build examples/tcpinfo.ts 127.0.0.1:22
 * ```
 *
 * @module
 */

import { getsockopt, SOL, TCP } from "@kernio/kernio/zcall";
import {
  getTCPInfoInto,
  listenTCP,
  TCP_CA,
  TCP_STATE,
  TCPDialer,
  TCPInfo,
} from "@kernio/kernio/sock";

const STATES = Object.fromEntries(
  Object.entries(TCP_STATE).map(([k, v]) => [v, k]),
);
const CA = Object.fromEntries(Object.entries(TCP_CA).map(([k, v]) => [v, k]));
const SS_STATE: Record<string, string> = {
  ESTABLISHED: "ESTAB",
  SYN_SENT: "SYN-SENT",
  SYN_RECV: "SYN-RECV",
  FIN_WAIT1: "FIN-WAIT-1",
  FIN_WAIT2: "FIN-WAIT-2",
  TIME_WAIT: "TIME-WAIT",
  CLOSE: "UNCONN",
  CLOSE_WAIT: "CLOSE-WAIT",
  LAST_ACK: "LAST-ACK",
  LISTEN: "LISTEN",
  CLOSING: "CLOSING",
};

function congestion(fd: number): string {
  const b = new Uint8Array(16), len = new Uint32Array([16]);
  if (getsockopt(fd, SOL.TCP, TCP.CONGESTION, b, len) < 0) return "?";
  const z = b.indexOf(0);
  return new TextDecoder().decode(b.subarray(0, z < 0 ? len[0] : z));
}

function bps(bytesPerSec: number): string {
  const bits = bytesPerSec * 8;
  if (bits >= 1e9) return `${(bits / 1e9).toFixed(1)}Gbps`;
  if (bits >= 1e6) return `${(bits / 1e6).toFixed(1)}Mbps`;
  if (bits >= 1e3) return `${(bits / 1e3).toFixed(1)}Kbps`;
  return `${bits}bps`;
}

const ms = (us: number) => (us / 1000).toFixed(3).replace(/\.?0+$/, "") || "0";

/** One `ss -ti`-style line. */
function ssLine(i: TCPInfo, cc: string): string {
  const p: string[] = [cc];
  if (i.hasTimestamps()) p.push("ts");
  if (i.hasSACK()) p.push("sack");
  if (i.hasECN()) p.push("ecn");
  if (i.hasWscale()) p.push(`wscale:${i.sndWscale()},${i.rcvWscale()}`);
  p.push(`rto:${ms(i.rto)}`, `rtt:${ms(i.rtt)}/${ms(i.rttVar)}`);
  if (i.ato) p.push(`ato:${ms(i.ato)}`);
  p.push(
    `mss:${i.sndMss}`,
    `pmtu:${i.pmtu}`,
    `rcvmss:${i.rcvMss}`,
    `advmss:${i.advMss}`,
    `cwnd:${i.sndCwnd}`,
  );
  if (i.sndSsthresh < 0xffff) p.push(`ssthresh:${i.sndSsthresh}`);
  if (i.bytesSent) p.push(`bytes_sent:${i.bytesSent}`);
  if (i.bytesRetrans) p.push(`bytes_retrans:${i.bytesRetrans}`);
  if (i.bytesAcked) p.push(`bytes_acked:${i.bytesAcked}`);
  if (i.bytesReceived) p.push(`bytes_received:${i.bytesReceived}`);
  p.push(`segs_out:${i.segsOut}`, `segs_in:${i.segsIn}`);
  if (i.dataSegsOut) p.push(`data_segs_out:${i.dataSegsOut}`);
  if (i.dataSegsIn) p.push(`data_segs_in:${i.dataSegsIn}`);
  if (i.rtt > 0) p.push(`send ${bps((i.sndCwnd * i.sndMss * 1e6) / i.rtt)}`);
  p.push(
    `lastsnd:${i.lastDataSent}`,
    `lastrcv:${i.lastDataRecv}`,
    `lastack:${i.lastAckRecv}`,
  );
  if (i.pacingRate && i.pacingRate < 2 ** 53) {
    p.push(`pacing_rate ${bps(i.pacingRate)}`);
  }
  if (i.deliveryRate) p.push(`delivery_rate ${bps(i.deliveryRate)}`);
  p.push(`delivered:${i.delivered}`);
  if (i.isDeliveryRateAppLimited()) p.push("app_limited");
  if (i.busyTime) p.push(`busy:${Math.round(i.busyTime / 1000)}ms`);
  if (i.unacked) p.push(`unacked:${i.unacked}`);
  if (i.retrans || i.totalRetrans) {
    p.push(`retrans:${i.retrans}/${i.totalRetrans}`);
  }
  if (i.lost) p.push(`lost:${i.lost}`);
  if (i.reordSeen) p.push(`reord_seen:${i.reordSeen}`);
  p.push(`rcv_rtt:${ms(i.rcvRtt)}`, `rcv_space:${i.rcvSpace}`);
  p.push(`rcv_ssthresh:${i.rcvSsthresh}`, `minrtt:${ms(i.minRtt)}`);
  p.push(`snd_wnd:${i.sndWnd}`, `rcv_wnd:${i.rcvWnd}`);
  return p.join(" ");
}

let target: string | undefined;
let json = false, count = 1, interval = 1000;
for (const a of Deno.args) {
  if (a === "--json") json = true;
  else if (a.startsWith("--count=")) count = Number(a.slice(8));
  else if (a.startsWith("--interval=")) interval = Number(a.slice(11));
  else if (!a.startsWith("-")) target = a;
  else {
    console.error(`tcpinfo: unknown option ${a}`);
    Deno.exit(2);
  }
}
if (!(Number.isInteger(count) && count >= 1 && interval >= 0)) {
  console.error("tcpinfo: --count must be >= 1 and --interval >= 0");
  Deno.exit(2);
}

let self: ReturnType<typeof listenTCP> | undefined;
let hostname: string, port: number;
if (target === undefined) {
  self = listenTCP("tcp", { hostname: "127.0.0.1", port: 0 });
  ({ hostname, port } = self.addr);
} else {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(target);
  if (m === null) {
    console.error("tcpinfo: address must be host:port or [v6]:port");
    Deno.exit(2);
  }
  hostname = m[1] ?? m[2];
  port = Number(m[3]);
}

using conn = await new TCPDialer({ timeout: 5000 }).dial("tcp", null, {
  hostname,
  port,
});
let peer: Awaited<ReturnType<NonNullable<typeof self>["accept"]>> | undefined;
if (self !== undefined) {
  peer = await self.accept();
  await conn.writeAll(new Uint8Array(100_000));
  const buf = new Uint8Array(65536);
  for (let got = 0; got < 100_000;) got += (await peer.read(buf)) ?? 0;
  await peer.writeAll(new Uint8Array(1000));
  for (let got = 0; got < 1000;) got += (await conn.read(buf)) ?? 0;
}

const info = new TCPInfo();
const cc = congestion(conn.fd);
const local = conn.localAddr, remote = conn.remoteAddr;
for (let n = 0; n < count; n++) {
  if (n > 0) await new Promise((r) => setTimeout(r, interval));
  getTCPInfoInto(conn, info);
  if (json) {
    console.log(
      JSON.stringify({ local, remote, congestion: cc, ...info.toJSON() }),
    );
    continue;
  }
  console.log(
    `${
      SS_STATE[STATES[info.state]] ?? info.state
    } ${local.hostname}:${local.port} ${remote.hostname}:${remote.port} (ca_state ${
      CA[info.caState] ?? info.caState
    }, ${info.length} bytes of tcp_info)`,
  );
  console.log(`\t ${ssLine(info, cc)}`);
}
peer?.close();
self?.close();
