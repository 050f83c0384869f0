/**
 * TCP client over io_uring: IORING_OP_SOCKET, CONNECT, SEND and RECV
 * through the event-loop driver. Talks to an echo server at host:port; with
 * no port it starts the io_uring echo server in-process and uses that.
 * Sends `count` messages (default 5) and prints the replies.
 *
 * Run: `deno task build && deno run --allow-ffi examples/tcp_client.ts
 * [port] [host=127.0.0.1] [count]` (or `deno task example:client`).
 *
 * @example
 * ```sh
 * deno run --allow-ffi examples/tcp_client.ts
 * ```
 *
 * @module
 */

import { AF } from "@kernio/kernio/zcall";
import { UringDriver } from "@kernio/kernio/uring";
import { startEchoServer } from "./echo_raw.ts";

/**
 * Connects to host:port, sends each message and collects the echoed
 * replies.
 *
 * @example
 * ```ts
 * import { echoRoundTrips } from "./tcp_client.ts";
 * console.log(await echoRoundTrips("127.0.0.1", 7000, ["hi"]));
 * ```
 */
export async function echoRoundTrips(
  host: string,
  port: number,
  messages: string[],
): Promise<string[]> {
  const parts = host.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) {
    throw new TypeError(`tcp_client: bad IPv4 address ${host}`);
  }
  if (!(Number.isInteger(port) && port > 0 && port < 65536)) {
    throw new RangeError(`tcp_client: bad port ${port}`);
  }
  const sa = new Uint8Array(16);
  const dv = new DataView(sa.buffer);
  dv.setUint16(0, AF.INET, true);
  dv.setUint16(2, port, false);
  sa.set(parts, 4);
  const d = new UringDriver({ entries: 32 });
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const replies: string[] = [];
  let fd = -1;
  try {
    // The socket itself comes from io_uring (IORING_OP_SOCKET).
    fd = (await d.submit("socket", (r, c, o) => r.tcp4Socket(c, o))).res;
    await d.connect(fd, sa, { timeoutMs: 5000 });
    const buf = new Uint8Array(4096);
    for (const m of messages) {
      const out = enc.encode(m);
      await d.sendAll(fd, out);
      let got = 0;
      while (got < out.length) {
        const n = await d.recv(fd, buf.subarray(got), { timeoutMs: 5000 });
        if (n === 0) throw new Error("tcp_client: connection closed");
        got += n;
      }
      replies.push(dec.decode(buf.subarray(0, got)));
    }
  } finally {
    if (fd >= 0) await d.closeFd(fd);
    await d.close();
  }
  return replies;
}

if (import.meta.main) {
  const host = Deno.args[1] ?? "127.0.0.1";
  const count = Number(Deno.args[2] ?? 5);
  let port = Number(Deno.args[0] ?? 0);
  const local = port === 0 ? startEchoServer(0) : null;
  if (local) port = local.port;
  try {
    const msgs = Array.from(
      { length: count },
      (_, i) => `hello ${i} from io_uring`,
    );
    for (const r of await echoRoundTrips(host, port, msgs)) {
      console.log(`echo: ${r}`);
    }
  } finally {
    await local?.close();
  }
}
