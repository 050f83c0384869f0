// sock's Deno-shaped entry points against Deno's own types: `deno check`
// (run by `deno test` and `deno task check`) compiles the assignments
// below, so a missing member or a wrong type fails the suite. The runtime
// steps then use the objects only through those Deno types.
import assert from "node:assert/strict";
import { connect, listen } from "../sock/mod.ts";
import { runDenoChild } from "./_util/deno_child.ts";

// Compile-time: the returned types are assignable to Deno's.
async function _typesOnly(): Promise<void> {
  const tcpLn: Deno.TcpListener = listen({ port: 0 });
  const anyLn: Deno.Listener = listen({ port: 0 });
  const tcp: Deno.TcpConn = await connect({ port: 1 });
  const conn: Deno.Conn = await connect({ port: 1 });
  const unixLn: Deno.UnixListener = listen({ transport: "unix", path: "x" });
  const unix: Deno.UnixConn = await connect({ transport: "unix", path: "x" });
  const readable: ReadableStream<Uint8Array<ArrayBuffer>> = tcp.readable;
  const accepted: Deno.TcpConn = await tcpLn.accept();
  for await (const c of tcpLn) c satisfies Deno.TcpConn;
  for await (const c of unixLn) c satisfies Deno.UnixConn;
  void [anyLn, conn, unix, readable, accepted];
}
void _typesOnly;

// A function written for Deno's types, used with kernio's objects.
async function echoOnce(ln: Deno.Listener, client: Deno.Conn): Promise<string> {
  const server = await ln.accept();
  try {
    await client.write(new TextEncoder().encode("ping"));
    const buf = new Uint8Array(4);
    let off = 0;
    while (off < 4) off += (await server.read(buf.subarray(off)))!;
    await server.write(buf);
    await server.closeWrite();
    await client.closeWrite();
    assert.equal(await server.read(buf), null);
  } finally {
    server.close();
  }
  // The readable side of the client: what the server sent, then EOF.
  return await new Response(client.readable).text();
}

Deno.test("sock: connect/listen through Deno's types (TCP and Unix)", async (t) => {
  await t.step("tcp", async () => {
    using ln = listen({ hostname: "127.0.0.1", port: 0 });
    const dl: Deno.TcpListener = ln;
    const c: Deno.TcpConn = await connect({ port: dl.addr.port });
    try {
      c.setNoDelay();
      c.setKeepAlive();
      assert.equal(await echoOnce(dl, c), "ping");
      assert.equal(c.remoteAddr.port, dl.addr.port);
    } finally {
      c.close();
    }
  });
  await t.step("unix", async () => {
    const path = `@kernio-types-${crypto.randomUUID()}`;
    using ln = listen({ transport: "unix", path });
    const dl: Deno.UnixListener = ln;
    const c: Deno.UnixConn = await connect({ transport: "unix", path });
    try {
      assert.equal(await echoOnce(dl, c), "ping");
      assert.equal(c.remoteAddr.transport, "unix");
      assert.equal(c.remoteAddr.path, path);
    } finally {
      c.close();
    }
  });
});

Deno.test("sock: unref lets the process exit with a read pending, ref keeps it", async (t) => {
  const script = (mode: "ref" | "unref") => `
    import { connect, listen } from ${
    JSON.stringify(new URL("../sock/mod.ts", import.meta.url).href)
  };
    const ln = listen({ hostname: "127.0.0.1", port: 0 });
    const c = await connect({ port: ln.addr.port });
    const s = await ln.accept();
    ln.${mode}();
    c.${mode}();
    c.read(new Uint8Array(8)).catch(() => {});
    ln.accept().catch(() => {});
    setTimeout(() => { console.log("timer"); }, 300);
  `;
  for (const mode of ["unref", "ref"] as const) {
    await t.step(mode, async () => {
      const out = await runDenoChild(script(mode), ["--allow-all"], {
        killAfterMs: 2000,
      });
      const text = out.stdout;
      if (mode === "unref") {
        // Exits once the (ref'd) timer has run: the pending read and accept
        // do not hold it.
        assert.equal(out.code, 0, out.stderr);
        assert.match(text, /timer/);
      } else {
        // Still waiting after the timer: killed by the guard.
        assert.match(text, /timer/);
        assert.equal(out.signal, "SIGKILL");
      }
    });
  }
});
