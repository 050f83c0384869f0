// The driver's raw submit/reap path allocates nothing per completion, and
// the raw-ring echo example (examples/echo_raw.ts) echoes every byte in
// order for clients nobody here wrote (Python sockets), including peers
// that reset mid-stream. Allocation is counted, not timed: V8's GC trace
// of a child process between two markers.

import assert from "node:assert/strict";
import { runDenoChild } from "./_util/deno_child.ts";
import { noLeaks } from "./_util/uring.ts";
import { startEchoServer } from "../examples/echo_raw.ts";

const root = new URL("../", import.meta.url);

Deno.test("uring driver: 1M raw NOP completions through onCQE, no scavenge", async () => {
  // Bursts of 64 NOPs, each burst submitted from the completion handler
  // of the previous one: the whole path (submit, drain, dispatch, yield to
  // the event loop every 0.5 ms) runs 1M times between the markers.
  const code = `
import { SQEContext, UringDriver } from "${new URL("uring/mod.ts", root)}";
import { IORING_OP } from "${new URL("zcall/mod.ts", root)}";
const BURST = 64;
let done = 0, target = 0, finish = () => {};
const ctx = new SQEContext();
ctx.assignRaw(IORING_OP.NOP, 7);
const d = new UringDriver({ entries: 256, signalTaskrun: true, onCQE: () => {
  done++;
  if (done === target) finish();
  else if (done < target && done % BURST === 0) burst();
} });
function burst() {
  for (let k = 0; k < BURST; k++) d.ring.nop(ctx);
  d.kick();
}
async function run(n) {
  done = 0; target = n;
  const p = new Promise((r) => finish = r);
  burst();
  await p;
}
d.hold();
await run(BURST * 2000); // warm-up: optimized code, grown pools
console.log("GC_CHECK_START");
await run(BURST * 16000);
console.log("GC_CHECK_END " + done);
d.release();
await d.close();
`;
  const r = await runDenoChild(code, [
    "--allow-ffi",
    "--allow-read",
    "--v8-flags=--trace-gc",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const window = r.stdout.slice(
    r.stdout.indexOf("GC_CHECK_START"),
    r.stdout.indexOf("GC_CHECK_END"),
  );
  assert.match(r.stdout, /GC_CHECK_END 1024000/);
  const scavenges = window.match(/Scavenge/g)?.length ?? 0;
  assert.equal(scavenges, 0, `scavenges during 1M completions:\n${window}`);
});

Deno.test("echo_raw example: Python clients, every byte back in order; resets leak no fd", async () => {
  await noLeaks(async () => {
    const srv = startEchoServer(0);
    try {
      const py = `
import os, random, socket, struct, sys, threading
port = int(sys.argv[1]); errors = []
def run(seed):
    rnd = random.Random(seed)
    s = socket.create_connection(("127.0.0.1", port))
    for _ in range(200):
        msg = os.urandom(rnd.choice([1, 64, 1500, 5000, 70000]))
        s.sendall(msg)
        got = bytearray()
        while len(got) < len(msg):
            b = s.recv(65536)
            if not b: errors.append("eof"); return
            got += b
        if bytes(got) != msg: errors.append("mismatch"); return
    # Pipelined: many writes before reading; order must hold.
    msgs = [os.urandom(rnd.randint(1, 3000)) for _ in range(300)]
    s.sendall(b"".join(msgs))
    want = b"".join(msgs); got = bytearray()
    while len(got) < len(want):
        b = s.recv(65536)
        if not b: errors.append("eof2"); return
        got += b
    if bytes(got) != want: errors.append("reordered")
    s.close()
def reset():
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(os.urandom(200000))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
ts = [threading.Thread(target=run, args=(i,)) for i in range(20)]
ts += [threading.Thread(target=reset) for _ in range(10)]
[t.start() for t in ts]; [t.join() for t in ts]
print("ERR" if errors else "OK", errors[:3])
`;
      const out = await new Deno.Command("python3", {
        args: ["-c", py, String(srv.port)],
      }).output();
      const text = new TextDecoder().decode(out.stdout);
      assert.match(text, /^OK/, text + new TextDecoder().decode(out.stderr));
    } finally {
      await srv.close();
    }
  });
});
