// A Deno.serve in the same process as a busy ping-pong connection keeps
// answering: the sock reactor's look (a bounded sleep on the event-loop
// thread) and the uring driver's must hand the thread back when Deno has
// I/O. A health check with a real client (Python's http.client, a new
// connection per request, as ab does): every request is answered within a
// generous overall limit; no latency threshold.
import assert from "node:assert/strict";
import { buildC } from "../bench/_c.ts";
import { startServer } from "../bench/_echo_harness.ts";
import { connect as sockConnect } from "../sock/mod.ts";
import { connect as uringConnect } from "../uring/mod.ts";

const REQUESTS = 300;
const LIMIT_MS = 60_000;

const PY = `
import http.client, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
ok = 0
for i in range(n):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", "/" + str(i))
    r = c.getresponse()
    if r.status == 200 and r.read() == ("hello " + str(i)).encode():
        ok += 1
    c.close()
print(ok)
`;

// Round trips of 64 bytes on `conn` until `stop()`: how many were done.
function pingPong(conn: Deno.Conn) {
  let stopped = false;
  let count = 0;
  const msg = new Uint8Array(64).fill(7);
  const buf = new Uint8Array(64);
  const done = (async () => {
    try {
      while (!stopped) {
        await conn.write(msg);
        let got = 0;
        while (got < 64) {
          const n = await conn.read(buf.subarray(got));
          if (n === null) throw new Error("echo server closed");
          got += n;
        }
        count++;
      }
    } finally {
      conn.close();
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await done;
      return count;
    },
  };
}

async function serveBeside(
  dial: (port: number) => Promise<Deno.Conn>,
): Promise<void> {
  const echo = await startServer([await buildC("echo_epoll"), "0"]);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => new Response(`hello ${new URL(req.url).pathname.slice(1)}`),
  );
  let busy: ReturnType<typeof pingPong> | undefined;
  try {
    const conn = await dial(echo.port);
    busy = pingPong(conn);
    const out = await new Deno.Command("python3", {
      args: ["-c", PY, String(server.addr.port), String(REQUESTS)],
      stderr: "inherit",
      signal: AbortSignal.timeout(LIMIT_MS),
    }).output();
    const rounds = await busy.stop();
    busy = undefined;
    assert.ok(out.success, "the HTTP client failed or ran out of time");
    assert.equal(Number(new TextDecoder().decode(out.stdout)), REQUESTS);
    assert.ok(rounds > 0, "the ping-pong made no progress");
  } finally {
    await busy?.stop().catch(() => {});
    await server.shutdown();
    await echo.stop();
  }
}

Deno.test("sock serve beside: Deno.serve answers every request beside a busy sock connect() ping-pong", async () => {
  await serveBeside((port) => sockConnect({ hostname: "127.0.0.1", port }));
});

Deno.test("sock serve beside: Deno.serve answers every request beside a busy uring connect() ping-pong", async () => {
  await serveBeside((port) => uringConnect({ hostname: "127.0.0.1", port }));
});
