import assert from "node:assert/strict";
import { AF, close, IPPROTO, SOCK, socket } from "../zcall/mod.ts";
import { libraryFileName } from "../zcall/loader.ts";

// The examples run as their documented command lines: only
// --allow-ffi=<the library> is granted.
const LIB = new URL(
  `../native/build/${libraryFileName(Deno.build.os, Deno.build.arch)}`,
  import.meta.url,
).pathname;
const root = new URL("..", import.meta.url).pathname;

async function run(args: string[]): Promise<{ ok: boolean; out: string }> {
  const o = await new Deno.Command(Deno.execPath(), {
    args: ["run", `--allow-ffi=${LIB}`, ...args],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const td = new TextDecoder();
  return { ok: o.success, out: td.decode(o.stdout) + td.decode(o.stderr) };
}

const raw = socket(AF.INET, SOCK.RAW | SOCK.CLOEXEC, IPPROTO.ICMP);
if (raw >= 0) close(raw);

Deno.test("sock examples: tcpinfo prints ss -ti style TCP_INFO", async () => {
  const r = await run(["examples/tcpinfo.ts"]);
  assert.ok(r.ok, r.out);
  assert.match(r.out, /^ESTAB 127\.0\.0\.1:\d+ 127\.0\.0\.1:\d+/m);
  for (
    const f of ["rto:", "rtt:", "mss:", "cwnd:", "bytes_acked:", "minrtt:"]
  ) {
    assert.ok(r.out.includes(f), `${f} in ${r.out}`);
  }
  const j = await run([
    "examples/tcpinfo.ts",
    "--json",
    "--count=2",
    "--interval=10",
  ]);
  assert.ok(j.ok, j.out);
  const lines = j.out.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines.length, 2);
  assert.equal(lines[0].state, 1);
  assert.ok(lines[0].sndCwnd > 0);
});

Deno.test({
  name: "sock examples: ping prints replies and RTT statistics",
  ignore: raw < 0 &&
    !Deno.readTextFileSync("/proc/sys/net/ipv4/ping_group_range").startsWith(
      "0",
    ),
  async fn() {
    const r = await run([
      "examples/ping.ts",
      "-c",
      "3",
      "-i",
      "0.05",
      "127.0.0.1",
    ]);
    assert.ok(r.ok, r.out);
    assert.equal(
      r.out.match(/bytes from 127\.0\.0\.1: icmp_seq=\d ttl=64/g)?.length,
      3,
    );
    assert.match(r.out, /3 packets transmitted, 3 received, 0% packet loss/);
    assert.match(
      r.out,
      /rtt min\/avg\/max\/mdev = [\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms/,
    );
    const bad = await run(["examples/ping.ts"]);
    assert.equal(bad.ok, false);
    assert.match(bad.out, /usage/);
  },
});
