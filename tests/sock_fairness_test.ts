// The sock reactor under a 50-connection echo load from a C client: a 10 ms
// timer in the same process keeps ticking (>= 85/s on the time the machine
// lets this thread run), beside Deno.listen under the same load as the
// control.
import assert from "node:assert/strict";
import { buildC } from "../bench/_c.ts";
import { listen } from "../sock/mod.ts";
import { echoFairness, MIN_OWN_TICKS_PER_SEC } from "./_util/tick_window.ts";

interface EchoConn {
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  close(): void;
}

async function echo(conn: EchoConn): Promise<void> {
  const buf = new Uint8Array(64 * 1024);
  try {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      let off = 0;
      while (off < n) off += await conn.write(buf.subarray(off, n));
    }
  } catch {
    // reset by the peer
  } finally {
    conn.close();
  }
}

function serve(l: AsyncIterable<EchoConn> & { close(): void }) {
  const done = (async () => {
    try {
      for await (const c of l) echo(c);
    } catch {
      // closed
    }
  })();
  return { stop: () => l.close(), done };
}

Deno.test("sock fairness: a 10 ms timer keeps ticking (>= 85/s of its own time) under a 50-connection echo load", async () => {
  const client = await buildC("echo_client");
  const kl = listen({ hostname: "127.0.0.1", port: 0 });
  const dl = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const k = serve(kl);
  const d = serve(dl);
  let r;
  try {
    r = await echoFairness(
      client,
      kl.addr.port,
      (dl.addr as Deno.NetAddr).port,
    );
  } finally {
    k.stop();
    d.stop();
    await k.done;
    await d.done;
  }
  const { s, fig } = r;
  console.log(`  ${fig}`);
  assert.ok(s.kernio.msgs > 1000, `load too light:\n  ${fig}`);
  assert.ok(
    s.kernio.own >= MIN_OWN_TICKS_PER_SEC,
    `timer starved under load:\n  ${fig}`,
  );
});
