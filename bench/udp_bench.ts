/**
 * UDP datagrams per second on loopback, 64-byte payloads, side by side in
 * one run:
 * - kernio: `sendMessages` / `recvMessages` (sendmmsg/recvmmsg) with
 *   preallocated batches of 32;
 * - C: the same sendmmsg/recvmmsg loop (bench/c/udp_mmsg.c), the limit;
 * - deno: `Deno.listenDatagram` send/receive (needs --unstable-net, so it
 *   runs as a subprocess: bench/deno/udp_listen_datagram.ts), 32 sends then
 *   32 receives;
 * - node: `node:dgram`, the same pattern.
 * Each side sends a batch to a receiving socket and drains it, one thread.
 * Plus a GC check: kernio's loop for 1M datagrams under
 * `--v8-flags=--trace-gc`, counting Scavenge lines (target 0).
 *
 * Run: `deno run --allow-ffi --allow-read --allow-write=bench/build --allow-run --allow-env bench/udp_bench.ts [--datagrams=N] [--rounds=R] [--no-gc-check]`
 *
 * @module
 */

import { tryBuildC } from "./_c.ts";
import { AF, bind, close, getsockname, SOCK, socket } from "../zcall/mod.ts";
import {
  dialTCP4,
  getTCPInfoInto,
  listenTCP4,
  MsgResult,
  readMsgUDP,
  recvMessages,
  sendMessages,
  SockaddrInet4,
  TCPInfo,
  UDPMessages,
  WOULD_BLOCK,
  writeMsgUDP,
} from "../sock/mod.ts";
import { scavengesBetween, traceGcChild } from "./_gc.ts";
import { intArg } from "./_args.ts";

const BATCH = 32;
const SIZE = 64;

// ---- kernio side (also the GC probe and the Deno child) ------------------

function kernioPair(): { tx: number; rx: number; to: SockaddrInet4 } {
  const tx = socket(AF.INET, SOCK.DGRAM | SOCK.NONBLOCK | SOCK.CLOEXEC, 0);
  const rx = socket(AF.INET, SOCK.DGRAM | SOCK.NONBLOCK | SOCK.CLOEXEC, 0);
  const to = SockaddrInet4.parse("127.0.0.1", 0);
  if (tx < 0 || rx < 0 || bind(rx, to.bytes) < 0) {
    throw new Error("udp_bench: socket/bind failed");
  }
  const len = new Uint32Array([16]);
  getsockname(rx, to.bytes, len);
  return { tx, rx, to };
}

// Sends `total` datagrams in batches and drains each batch: returns the
// datagrams received and lost. No allocation inside the loop.
function kernioLoop(
  tx: number,
  rx: number,
  out: UDPMessages,
  inb: UDPMessages,
  total: number,
): { got: number; lost: number } {
  let done = 0, got = 0, lost = 0;
  while (done < total) {
    const s = sendMessages(tx, out);
    if (s === WOULD_BLOCK) continue;
    let g = 0;
    while (g < s) {
      const r = recvMessages(rx, inb);
      if (r === WOULD_BLOCK) {
        lost += s - g;
        break;
      }
      g += r;
    }
    got += g;
    done += s;
  }
  return { got, lost };
}

function kernioBatches(to: SockaddrInet4): [UDPMessages, UDPMessages] {
  const out = new UDPMessages(BATCH, { bufferSize: SIZE });
  for (let i = 0; i < BATCH; i++) out.setLength(i, SIZE).setAddress(i, to);
  return [out, new UDPMessages(BATCH, { bufferSize: 2048 })];
}

function kernioRun(total: number): { rate: number; lost: number } {
  const { tx, rx, to } = kernioPair();
  try {
    const [out, inb] = kernioBatches(to);
    kernioLoop(tx, rx, out, inb, 32 * 1000); // warm-up
    const t0 = performance.now();
    const r = kernioLoop(tx, rx, out, inb, total);
    const ms = performance.now() - t0;
    return { rate: r.got / (ms / 1000), lost: r.lost };
  } finally {
    close(tx);
    close(rx);
  }
}

const NODE_SCRIPT = `
const dgram = require("node:dgram");
const total = Number(process.argv[1]);
const BATCH = ${BATCH}, payload = Buffer.alloc(${SIZE});
const rx = dgram.createSocket("udp4"), tx = dgram.createSocket("udp4");
rx.bind(0, "127.0.0.1", () => {
  const port = rx.address().port;
  let pending = 0, done = 0, got = 0, t0 = 0, warm = 32 * 200;
  const batch = () => {
    pending = BATCH;
    for (let i = 0; i < BATCH; i++) tx.send(payload, port, "127.0.0.1");
  };
  rx.on("message", () => {
    got++;
    if (--pending > 0) return;
    done += BATCH;
    if (warm > 0 && done >= warm) { warm = 0; done = 0; got = 0; t0 = performance.now(); }
    if (warm === 0 && done >= total) {
      const ms = performance.now() - t0;
      console.log(String(got / (ms / 1000)));
      rx.close(); tx.close();
      return;
    }
    batch();
  });
  batch();
});
`;

// ---- child modes -------------------------------------------------------------

const child = Deno.args.find((a) => a.startsWith("--child="))?.slice(8);
if (child === "gc") {
  const total = intArg("datagrams", 1_000_000);
  const { tx, rx, to } = kernioPair();
  const [out, inb] = kernioBatches(to);
  kernioLoop(tx, rx, out, inb, 32 * 2000);
  console.log("GC_CHECK_START");
  const r = kernioLoop(tx, rx, out, inb, total);
  console.log("GC_CHECK_END");
  console.log(`received ${r.got} lost ${r.lost}`);
  // Second probe: 1M getTCPInfoInto into one reused TCPInfo, and 1M
  // writeMsgUDP/readMsgUDP pairs reusing one MsgResult.
  const ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
  const c = dialTCP4(null, ln.addr);
  await c.waitConnected();
  const info = new TCPInfo();
  const res = new MsgResult();
  const small = out.buffer(0).subarray(0, SIZE), rbuf = inb.buffer(0);
  for (let i = 0; i < 10_000; i++) getTCPInfoInto(c, info);
  for (let i = 0; i < 10_000; i++) {
    writeMsgUDP(tx, small, null, to);
    readMsgUDP(rx, rbuf, null, res);
  }
  console.log("GC_CHECK2_START");
  let rtt = 0;
  for (let i = 0; i < 1_000_000; i++) {
    getTCPInfoInto(c, info);
    rtt += info.rtt;
  }
  let msgs = 0;
  for (let i = 0; i < 1_000_000; i++) {
    writeMsgUDP(tx, small, null, to);
    if (readMsgUDP(rx, rbuf, null, res) !== null) msgs++;
  }
  console.log("GC_CHECK2_END");
  console.log(
    `tcp_info reads 1000000 (rtt sum ${rtt}), msg round trips ${msgs}`,
  );
  c.close();
  ln.close();
  close(tx);
  close(rx);
  Deno.exit(0);
}

// ---- main ------------------------------------------------------------------

const N = intArg("datagrams", 1_000_000);
const N_SLOW = Math.min(N, intArg("slow-datagrams", 200_000));
const ROUNDS = intArg("rounds", 3);
const GC_CHECK = !Deno.args.includes("--no-gc-check");
type Row = {
  name: string;
  impl: "kernio" | "c" | "deno" | "node";
  value: number;
  unit: "msgs/s";
};
const rows: Row[] = [];
const notes: string[] = [
  `loopback IPv4, ${SIZE}-byte payloads, batches of ${BATCH}, best of ${ROUNDS}`,
];
const best = (xs: number[]) => Math.max(...xs);
const self = new URL(import.meta.url).pathname;

{
  const rates: number[] = [];
  let lost = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const x = kernioRun(N);
    rates.push(x.rate);
    lost += x.lost;
  }
  rows.push({
    name: "udp64_batch32",
    impl: "kernio",
    value: best(rates),
    unit: "msgs/s",
  });
  notes.push(`kernio: ${N} datagrams per round, ${lost} lost`);
}

const c = await tryBuildC("udp_mmsg");
if ("path" in c) {
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const o = await new Deno.Command(c.path, { args: [String(N)] }).output();
    const [got, ns] = new TextDecoder().decode(o.stdout).trim().split(" ").map(
      Number,
    );
    rates.push(got / (ns / 1e9));
  }
  rows.push({
    name: "udp64_batch32",
    impl: "c",
    value: best(rates),
    unit: "msgs/s",
  });
} else {
  notes.push(`C row skipped: ${c.skipped}`);
}

{
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const o = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--unstable-net",
        "--allow-net=127.0.0.1",
        new URL("deno/udp_listen_datagram.ts", import.meta.url).pathname,
        String(N_SLOW),
      ],
      stderr: "inherit",
    }).output();
    const line = new TextDecoder().decode(o.stdout).split("\n").find((l) =>
      l.startsWith("RESULT ")
    );
    if (!o.success || line === undefined) throw new Error("deno child failed");
    rates.push(Number(line.slice(7)));
  }
  rows.push({
    name: "udp64_batch32",
    impl: "deno",
    value: best(rates),
    unit: "msgs/s",
  });
  notes.push(
    `deno: Deno.listenDatagram send/receive (--unstable-net subprocess), ${N_SLOW} datagrams per round`,
  );
}

try {
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const o = await new Deno.Command("node", {
      args: ["-e", NODE_SCRIPT, String(N_SLOW)],
    }).output();
    if (!o.success) throw new Error(new TextDecoder().decode(o.stderr));
    rates.push(Number(new TextDecoder().decode(o.stdout).trim()));
  }
  rows.push({
    name: "udp64_batch32",
    impl: "node",
    value: best(rates),
    unit: "msgs/s",
  });
  notes.push(`node: node:dgram send/'message', ${N_SLOW} datagrams per round`);
} catch (e) {
  if (!(e instanceof Deno.errors.NotFound)) throw e;
  notes.push("node row skipped: node not on PATH");
}

let scavenges: number | undefined;
let scavenges2: number | undefined;
if (GC_CHECK) {
  const text = await traceGcChild(
    self,
    ["--child=gc", "--datagrams=1000000"],
    ["--allow-ffi", "--allow-read", "--allow-env"],
  );
  scavenges = scavengesBetween(text);
  if (scavenges === undefined) throw new Error(`udp_bench gc child:\n${text}`);
  const tail = text.split("GC_CHECK_END")[1]?.split("GC_CHECK2_START")[0]
    .split("\n").filter((l) => !l.includes("Scavenge") && !l.includes("Mark"))
    .join(" ").trim() ?? "";
  notes.push(`GC check: ${scavenges} Scavenge during 1M datagrams (${tail})`);
  scavenges2 = scavengesBetween(text, "GC_CHECK2_START", "GC_CHECK2_END");
  notes.push(
    `GC check 2: ${scavenges2} Scavenge during 1M getTCPInfoInto + 1M writeMsgUDP/readMsgUDP`,
  );
}

const get = (impl: Row["impl"]) => rows.find((r) => r.impl === impl)?.value;
const fmt = (v: number | undefined) =>
  v === undefined ? "-" : Math.round(v).toLocaleString("en-US");
const k = get("kernio");
console.log(
  "udp bench: datagrams/s, 64-byte payloads, batches of 32 (higher is better)",
);
console.table(rows.map((r) => ({
  impl: r.impl,
  "msgs/s": fmt(r.value),
  "vs kernio": k ? (r.value / k).toFixed(2) + "x" : "-",
})));
const d = get("deno");
if (k && d) {
  console.log(
    `kernio / Deno.listenDatagram: ${(k / d).toFixed(1)}x (target >= 5x)`,
  );
}
if (scavenges2 !== undefined) {
  console.log(
    `GC check 2: ${scavenges2} Scavenge lines during 1M getTCPInfoInto + 1M writeMsgUDP/readMsgUDP (target 0)`,
  );
}
if (scavenges !== undefined) {
  console.log(
    `GC check: ${scavenges} Scavenge lines during 1M datagrams (target 0)`,
  );
}
console.log(
  "BENCH_JSON " +
    JSON.stringify({
      bench: "udp",
      rows: rows.map((r) => ({ ...r, value: Math.round(r.value) })),
      notes: notes.join("; "),
    }),
);
