// Runs the SO_REUSEPORT check in its own process (the test spawns it with
// --no-check: Workers would otherwise type-check their module again):
// two Workers listen on one port with reusePort, each with its own ring;
// 40 connections must be spread over both. Prints "served <n> <ids>".

import { connect, listen } from "../../uring/mod.ts";

const probe = listen({ hostname: "127.0.0.1", port: 0, reusePort: true });
const port = probe.addr.port;
const url = new URL("./net_worker.ts", import.meta.url);
const workers = [0, 1].map(() => new Worker(url, { type: "module" }));
await Promise.all(workers.map((w) => {
  const ready = new Promise<void>((r) => w.onmessage = () => r());
  w.postMessage({ port });
  return ready;
}));
probe.close(); // only the Workers' sockets remain
const served = new Map<string, number>();
for (let k = 0; k < 40; k++) {
  const c = await connect({ port });
  await c.write(new TextEncoder().encode("who"));
  const b = new Uint8Array(2);
  let got = 0;
  while (got < 2) got += (await c.read(b.subarray(got))) ?? 2;
  const id = new TextDecoder().decode(b);
  served.set(id, (served.get(id) ?? 0) + 1);
  c.close();
}
console.log(`served ${served.size} ${JSON.stringify([...served])}`);
Deno.exit(0);
