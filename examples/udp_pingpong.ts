/**
 * UDP ping-pong over io_uring: two connected UDP sockets on loopback, one
 * driver; the pinger sends "ping <n>", the ponger answers "pong <n>", for
 * `rounds` round trips (default 10000), then prints the round-trip latency
 * percentiles and exits.
 *
 * Run: `deno task build && deno run --allow-ffi examples/udp_pingpong.ts
 * [rounds]` (or `deno task example:udp`).
 *
 * @example
 * ```sh
 * deno run --allow-ffi examples/udp_pingpong.ts 1000
 * ```
 *
 * @module
 */

import {
  AF,
  bind,
  close,
  connect,
  getsockname,
  SOCK,
  socket,
} from "@kernio/kernio/zcall";
import { UringDriver } from "@kernio/kernio/uring";

function udpSocket(): [number, Uint8Array] {
  const fd = socket(AF.INET, SOCK.DGRAM | SOCK.CLOEXEC, 0);
  if (fd < 0) throw new Error(`socket: ${fd}`);
  const sa = new Uint8Array(16);
  new DataView(sa.buffer).setUint16(0, AF.INET, true);
  sa.set([127, 0, 0, 1], 4);
  if (bind(fd, sa) < 0) throw new Error("bind");
  const len = new Uint32Array([16]);
  getsockname(fd, sa, len);
  return [fd, sa];
}

/**
 * Runs `rounds` ping-pongs; resolves with the sorted round-trip times (µs).
 *
 * @example
 * ```ts
 * import { pingPong } from "./udp_pingpong.ts";
 * const rtts = await pingPong(100);
 * ```
 */
export async function pingPong(rounds: number): Promise<number[]> {
  if (!(Number.isInteger(rounds) && rounds >= 1 && rounds <= 10_000_000)) {
    throw new RangeError(`pingPong: bad rounds ${rounds}`);
  }
  const [a, aAddr] = udpSocket();
  const [b, bAddr] = udpSocket();
  connect(a, bAddr);
  connect(b, aAddr);
  const d = new UringDriver({ entries: 64 });
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const rtts: number[] = [];
  try {
    const pong = (async () => {
      const buf = new Uint8Array(64);
      for (let i = 0; i < rounds; i++) {
        const n = await d.recv(b, buf, { timeoutMs: 5000 });
        const msg = dec.decode(buf.subarray(0, n));
        await d.send(b, enc.encode(msg.replace("ping", "pong")));
      }
    })();
    const buf = new Uint8Array(64);
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      await d.send(a, enc.encode(`ping ${i}`));
      const n = await d.recv(a, buf, { timeoutMs: 5000 });
      rtts.push((performance.now() - t0) * 1000);
      const reply = dec.decode(buf.subarray(0, n));
      if (reply !== `pong ${i}`) throw new Error(`unexpected reply ${reply}`);
    }
    await pong;
  } finally {
    await d.close();
    close(a);
    close(b);
  }
  return rtts.sort((x, y) => x - y);
}

if (import.meta.main) {
  const rounds = Number(Deno.args[0] ?? 10000);
  const t0 = performance.now();
  const rtts = await pingPong(rounds);
  const secs = (performance.now() - t0) / 1000;
  const p = (q: number) =>
    rtts[Math.min(rtts.length - 1, Math.floor(q * rtts.length))];
  console.log(
    `${rounds} UDP round trips in ${secs.toFixed(2)} s: ` +
      `${Math.round(rounds / secs)} rtt/s, p50 ${p(0.5).toFixed(1)} us, ` +
      `p99 ${p(0.99).toFixed(1)} us`,
  );
}
