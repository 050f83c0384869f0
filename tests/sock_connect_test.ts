import assert from "node:assert/strict";
import * as kernio from "../sock/mod.ts";
import { AbortedError, ConnectionRefusedError } from "../sock/mod.ts";
import { noFdLeak } from "./_util/sock_fds.ts";

// The same echo code, written once against the Deno.connect/Deno.listen
// shapes, run with Deno's built-ins and with kernio's.
interface NetApi {
  listen(o: { hostname?: string; port: number }): {
    addr: Deno.Addr;
    accept(): Promise<DenoishConn>;
    close(): void;
  };
  connect(o: { hostname?: string; port: number }): Promise<DenoishConn>;
}
interface DenoishConn {
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  closeWrite(): Promise<void>;
  close(): void;
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  readonly localAddr: Deno.Addr;
  readonly remoteAddr: Deno.Addr | null;
}

function closeQuietly(c: { close(): void }): void {
  try {
    c.close();
  } catch {
    // Deno closes a connection whose readable reached its end.
  }
}

async function echoRoundTrip(api: NetApi): Promise<string> {
  const ln = api.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (ln.addr as Deno.NetAddr).port;
  const server = (async () => {
    const conn = await ln.accept();
    const buf = new Uint8Array(4);
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      let off = 0;
      while (off < n) off += await conn.write(buf.subarray(off, n));
    }
    conn.close();
  })();
  const conn = await api.connect({ hostname: "127.0.0.1", port });
  assert.equal((conn.remoteAddr as Deno.NetAddr).port, port);
  assert.equal((conn.localAddr as Deno.NetAddr).hostname, "127.0.0.1");
  const msg = new TextEncoder().encode("ported by import");
  let off = 0;
  while (off < msg.length) off += await conn.write(msg.subarray(off));
  await conn.closeWrite();
  let text = "";
  for await (const s of conn.readable.pipeThrough(new TextDecoderStream())) {
    text += s;
  }
  closeQuietly(conn);
  await server;
  ln.close();
  return text;
}

Deno.test("sock connect/listen: code written for Deno ports by changing the import", async () => {
  const viaDeno = await echoRoundTrip(Deno as unknown as NetApi);
  await noFdLeak(async () => {
    const viaKernio = await echoRoundTrip(kernio as unknown as NetApi);
    assert.equal(viaKernio, viaDeno);
    assert.equal(viaKernio, "ported by import");
  });
});

Deno.test("sock connect/listen: unix, refused, abort, bad options", async () => {
  await noFdLeak(async () => {
    const path = `@kernio-connect-${Deno.pid}`;
    using ln = kernio.listen({ transport: "unix", path });
    using c = await kernio.connect({ transport: "unix", path });
    using s = await ln.accept();
    await c.write(new Uint8Array([1]));
    assert.equal(await s.read(new Uint8Array(4)), 1);

    const tmp = kernio.listen({ hostname: "127.0.0.1", port: 0 });
    const port = tmp.addr.port;
    tmp.close();
    await assert.rejects(
      kernio.connect({ hostname: "127.0.0.1", port }),
      ConnectionRefusedError,
    );
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(
      kernio.connect({ hostname: "127.0.0.1", port, signal: ac.signal }),
      AbortedError,
    );
    await assert.rejects(
      kernio.connect({ transport: "udp" as "tcp", port: 1 }),
      TypeError,
    );
    assert.throws(
      () => kernio.listen({ transport: "udp" as "tcp", port: 0 }),
      TypeError,
    );
    using any = kernio.listen({ port: 0 });
    assert.equal(any.addr.hostname, "0.0.0.0");
  });
});
