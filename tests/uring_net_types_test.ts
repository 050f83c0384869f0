// Type-level proof that uring's listen()/connect() give objects assignable
// to Deno's own types: `deno check` (deno task check) compiles this file;
// the test body only runs the same assignments at run time.

import { connect, listen } from "../uring/mod.ts";

async function assignable(): Promise<void> {
  const tcp: Deno.TcpListener = listen({ hostname: "127.0.0.1", port: 0 });
  const anyListener: Deno.Listener = tcp;
  const conn: Deno.TcpConn = await connect({ port: tcp.addr.port });
  const asConn: Deno.Conn = conn;
  const accepted: Deno.TcpConn = await tcp.accept();
  const readable: ReadableStream<Uint8Array<ArrayBuffer>> = conn.readable;
  const writable: WritableStream<Uint8Array<ArrayBufferLike>> = conn.writable;
  const local: Deno.NetAddr = conn.localAddr;
  const extra = await connect({ port: tcp.addr.port });
  for await (const c of tcp) {
    const t: Deno.TcpConn = c;
    t.close();
    break;
  }
  const path = `/tmp/kernio-types-${Deno.pid}.sock`;
  const unix: Deno.UnixListener = listen({ transport: "unix", path });
  const uconn: Deno.UnixConn = await connect({ transport: "unix", path });
  const uaddr: Deno.UnixAddr = uconn.remoteAddr;
  // Deno's own functions have these types too: the same variables hold them.
  const builtin: (o: { port: number }) => Promise<Deno.TcpConn> = connect;
  void [
    anyListener,
    asConn,
    accepted,
    readable,
    writable,
    local,
    uaddr,
    builtin,
  ];
  using _u = uconn;
  using _l = unix;
  using _c = conn;
  using _a = accepted;
  extra.close();
  tcp.close();
  Deno.removeSync(path);
}

Deno.test("uring net types: listen/connect results are Deno.TcpListener/TcpConn/UnixListener/UnixConn", async () => {
  await assignable();
});
