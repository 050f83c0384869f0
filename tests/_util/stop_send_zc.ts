// Child of tests/uring_teardown_fence_test.ts (root, --expose-gc):
// ring.stop() with a zero-copy send whose notification cannot come (the
// peer's link is down, so TCP keeps the pages for retransmission). The
// buffer must be retired, not freed: when the link comes back, the peer
// must receive the original bytes, not whatever the allocator put there.
// Prints "RESULT {json}".

import { Uring, ZCSubscriber, ZCTracker } from "../../uring/mod.ts";
import { retiredPinKeys } from "../../uring/_pins.ts";
import { SockaddrInet4 } from "../../sock/mod.ts";
import * as z from "../../zcall/mod.ts";

const gc = (globalThis as unknown as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");
const tag = `${Deno.pid % 10000}${Math.floor(Math.random() * 1000)}`;
const ns = `kzc${tag}`, va = `kza${tag}`, vb = `kzb${tag}`;
const oct = 100 + Math.floor(Math.random() * 100);
const A = `10.${oct}.7.1`, B = `10.${oct}.7.2`;
const SIZE = 32 * 1024;

function sh(...cmd: string[]): void {
  const r = new Deno.Command(cmd[0], { args: cmd.slice(1) }).outputSync();
  if (!r.success) {
    throw new Error(`${cmd.join(" ")}: ${new TextDecoder().decode(r.stderr)}`);
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const expected = new Uint8Array(SIZE);
for (let i = 0; i < SIZE; i++) expected[i] = (i * 31 + 7) & 0xff;
const want = Array.from(
  new Uint8Array(await crypto.subtle.digest("SHA-256", expected)),
).map((b) => b.toString(16).padStart(2, "0")).join("");

try {
  sh("ip", "netns", "add", ns);
} catch (e) {
  // No network namespaces here (no CAP_NET_ADMIN, no iproute2).
  console.log(`SKIP ${e instanceof Error ? e.message.trim() : e}`);
  Deno.exit(0);
}
let server: Deno.ChildProcess | null = null;
try {
  sh("ip", "link", "add", va, "type", "veth", "peer", "name", vb);
  sh("ip", "link", "set", vb, "netns", ns);
  sh("ip", "addr", "add", `${A}/24`, "dev", va);
  sh("ip", "link", "set", va, "up");
  sh("ip", "netns", "exec", ns, "ip", "addr", "add", `${B}/24`, "dev", vb);
  sh("ip", "netns", "exec", ns, "ip", "link", "set", vb, "up");
  // The peer: accepts one connection, reads SIZE bytes, prints their hash.
  server = new Deno.Command("ip", {
    args: [
      "netns",
      "exec",
      ns,
      "python3",
      "-c",
      `import socket,hashlib,sys
s=socket.socket(); s.bind(("${B}",0)); s.listen(1)
print(s.getsockname()[1], flush=True)
c,_=s.accept(); d=b""
while len(d)<${SIZE}:
    x=c.recv(65536)
    if not x: break
    d+=x
print(len(d), hashlib.sha256(d[:${SIZE}]).hexdigest(), flush=True)`,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = server.stdout.pipeThrough(new TextDecoderStream())
    .getReader();
  let text = "";
  const nextLine = async () => {
    while (!text.includes("\n")) {
      const { value, done } = await lines.read();
      if (done) throw new Error(`server ended: ${text}`);
      text += value;
    }
    const i = text.indexOf("\n");
    const l = text.slice(0, i);
    text = text.slice(i + 1);
    return l;
  };
  const port = Number(await nextLine());
  const fd = z.socket(z.AF.INET, z.SOCK.STREAM | z.SOCK.CLOEXEC, 0);
  const sa = SockaddrInet4.parse(B, port);
  if (z.connect(fd, sa.bytes, sa.length) !== 0) throw new Error("connect");
  // No more ACKs: TCP keeps the zero-copy pages in its retransmit queue.
  sh("ip", "netns", "exec", ns, "ip", "link", "set", vb, "down");

  const before = retiredPinKeys();
  const ring = new Uring({ entries: 8 });
  ring.start();
  const zc = new ZCTracker(ring);
  let sent = -1;
  let notified = false;
  (() => {
    const buf = new Uint8Array(SIZE);
    buf.set(expected);
    zc.sendZC(
      fd,
      buf,
      new ZCSubscriber().onCompleted((r) => sent = r).onNotification(() =>
        notified = true
      ),
    );
  })();
  ring.submit();
  const cqes = [new (await import("../../uring/mod.ts")).CQEView()];
  for (let i = 0; i < 50 && sent < 0; i++) {
    const n = ring.wait(cqes);
    for (let k = 0; k < n; k++) zc.handleCQE(cqes[k]);
    if (sent < 0) await sleep(10);
  }
  const pinned = ring.pinnedKeys;
  ring.stop(); // drains for at most a second, then retires the pins
  const retired = retiredPinKeys() - before;
  // Churn the heap where the buffer would be if it had been freed.
  for (let i = 0; i < 5; i++) {
    gc();
    await sleep(10);
  }
  const junk: Uint8Array[] = [];
  for (let i = 0; i < 400; i++) {
    junk.push(
      new Uint8Array(new ArrayBuffer(SIZE + (i % 8) * 4096)).fill(0xee),
    );
  }
  sh("ip", "netns", "exec", ns, "ip", "link", "set", vb, "up");
  const [got, hash] = (await nextLine()).split(" ");
  z.close(fd);
  console.log(
    "RESULT " + JSON.stringify({
      sent,
      notifiedBeforeStop: notified,
      pinned,
      retired,
      received: Number(got),
      intact: hash === want,
      junk: junk.length,
    }),
  );
} finally {
  try {
    server?.kill();
  } catch {
    // Already gone.
  }
  await server?.status;
  new Deno.Command("ip", { args: ["netns", "del", ns] }).outputSync();
  new Deno.Command("ip", { args: ["link", "del", va] }).outputSync();
}
