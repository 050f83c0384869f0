/**
 * ping: ICMP echo to an IPv4 or IPv6 literal with RTT statistics
 * (min/avg/max/mdev), like iputils' ping. Uses an unprivileged ICMP
 * datagram socket when /proc/sys/net/ipv4/ping_group_range admits your
 * group, else a raw socket (root or CAP_NET_RAW); `--mode` forces one.
 *
 * Run: `deno task build && deno run --allow-ffi=native/build
 * examples/ping.ts [-c count=4] [-i interval_s=1] [-s size=56]
 * [-W timeout_s=1] [--mode=auto|raw|dgram] <host>` (or `deno task
 * example:ping 127.0.0.1`). Raw mode needs root: `sudo deno run ...`.
 *
 * @example
 * ```sh
 * sudo deno run --allow-ffi=native/build examples/ping.ts -c 3 -i 0.2 ::1
 * ```
 *
 * @module
 */

import { Pinger, type PingMode, TimedOutError } from "@kernio/kernio/sock";

function usage(msg: string): never {
  console.error(`ping: ${msg}`);
  console.error(
    "usage: ping.ts [-c count] [-i interval_s] [-s size] [-W timeout_s] [--mode=auto|raw|dgram] <host>",
  );
  Deno.exit(2);
}

let count = 4, interval = 1, size = 56, timeout = 1;
let mode: PingMode = "auto";
let host: string | undefined;
const args = [...Deno.args];
while (args.length > 0) {
  const a = args.shift()!;
  const num = (name: string) => {
    const v = Number(args.shift());
    if (!(Number.isFinite(v) && v >= 0)) usage(`bad value for ${name}`);
    return v;
  };
  if (a === "-c") count = num("-c");
  else if (a === "-i") interval = num("-i");
  else if (a === "-s") size = num("-s");
  else if (a === "-W") timeout = num("-W");
  else if (a.startsWith("--mode=")) {
    const m = a.slice(7);
    if (m !== "auto" && m !== "raw" && m !== "dgram") usage(`bad mode ${m}`);
    mode = m;
  } else if (a.startsWith("-")) usage(`unknown option ${a}`);
  else host = a;
}
if (host === undefined) usage("a host (IP literal) is required");
if (!Number.isInteger(count) || count < 1) usage("-c must be >= 1");
const target = host === "localhost" ? "127.0.0.1" : host;
const family = target.includes(":") ? 6 : 4;

using pinger = new Pinger(family, mode);
console.log(
  `PING ${target}: ${size} data bytes (${pinger.mode} socket)`,
);
const rtts: number[] = [];
let sent = 0;
for (let seq = 1; seq <= count; seq++) {
  sent++;
  try {
    const r = await pinger.ping(target, { seq, size, timeout: timeout * 1000 });
    rtts.push(r.rtt);
    console.log(
      `${r.bytes} bytes from ${r.from}: icmp_seq=${r.seq} ttl=${r.ttl} time=${
        r.rtt.toFixed(3)
      } ms`,
    );
  } catch (e) {
    if (!(e instanceof TimedOutError)) throw e;
    console.log(`no reply for icmp_seq=${seq} within ${timeout} s`);
  }
  if (seq < count) await new Promise((r) => setTimeout(r, interval * 1000));
}

const got = rtts.length;
console.log(`\n--- ${target} ping statistics ---`);
console.log(
  `${sent} packets transmitted, ${got} received, ${
    (((sent - got) / sent) * 100).toFixed(0)
  }% packet loss`,
);
if (got > 0) {
  const min = Math.min(...rtts), max = Math.max(...rtts);
  const avg = rtts.reduce((a, b) => a + b, 0) / got;
  const sq = rtts.reduce((a, b) => a + b * b, 0) / got;
  const mdev = Math.sqrt(Math.max(0, sq - avg * avg));
  console.log(
    `rtt min/avg/max/mdev = ${min.toFixed(3)}/${avg.toFixed(3)}/${
      max.toFixed(3)
    }/${mdev.toFixed(3)} ms`,
  );
}
Deno.exit(got > 0 ? 0 : 1);
