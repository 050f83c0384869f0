// An echo server on uring's listen() for tests that need it in its own
// process (e.g. under a raised descriptor limit). Prints "PORT <n>" and,
// on stdin end, "SERVED <connections>" before exiting.

import { listen } from "../../uring/mod.ts";

const l = listen({ hostname: "127.0.0.1", port: 0, backlog: 4096 });
let served = 0;
console.log(`PORT ${l.addr.port}`);
(async () => {
  for await (const conn of l) {
    served++;
    (async () => {
      const buf = new Uint8Array(4096);
      try {
        for (let n; (n = await conn.read(buf)) !== null;) {
          await conn.write(buf.subarray(0, n));
        }
      } catch {
        // reset
      } finally {
        conn.close();
      }
    })();
  }
})();
for await (const _ of Deno.stdin.readable) { /* until the test closes it */ }
console.log(`SERVED ${served}`);
Deno.exit(0);
