// A Worker for the SO_REUSEPORT test: listens on the given port with
// reusePort (its own ring: each Worker is its own isolate and engine) and
// answers each connection's first read with a 2-byte id of this Worker.

import { listen } from "../../uring/mod.ts";

declare const self: Worker;
const id = crypto.randomUUID().slice(0, 2);

self.onmessage = (e: MessageEvent<{ port: number }>) => {
  const l = listen({
    hostname: "127.0.0.1",
    port: e.data.port,
    reusePort: true,
  });
  self.postMessage("ready");
  (async () => {
    for await (const c of l) {
      (async () => {
        const b = new Uint8Array(16);
        while ((await c.read(b).catch(() => null)) !== null) {
          await c.write(new TextEncoder().encode(id));
        }
        c.close();
      })();
    }
  })();
};
