// Run under a small descriptor limit (prlimit --nofile=N) by the EMFILE
// test: accepts until the process runs out of fds, reports the CPU spent
// while the kernel keeps refusing (the accept must back off, not spin),
// then closes some connections and reports that accepting resumed.

import process from "node:process";
import { Engine } from "../../uring/net/_engine.ts";
import { listen } from "../../uring/mod.ts";

// Deno sets up its signal handling lazily and panics if that first happens
// while the process is out of descriptors: make it happen now.
Deno.addSignalListener("SIGUSR2", () => {});
const l = listen({ hostname: "127.0.0.1", port: 0 });
console.log(`PORT ${l.addr.port}`);
const conns: Deno.Conn[] = [];
(async () => {
  try {
    for await (const c of l) conns.push(c);
  } catch (e) {
    console.log(`ACCEPT_ERROR ${e}`);
  }
})();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Wait until accepting stalls (fds exhausted).
for (let i = 0; i < 100 && conns.length === 0; i++) await sleep(50);
let last = -1;
for (let i = 0; i < 100 && conns.length !== last; i++) {
  last = conns.length;
  await sleep(200);
}
const cpu0 = process.cpuUsage();
await sleep(1000);
const cpu = process.cpuUsage(cpu0);
const stalled = conns.length;
for (const c of conns.splice(0, 10)) c.close();
await sleep(1500);
console.log(
  `RESULT ${
    JSON.stringify({
      stalled,
      cpuMs: (cpu.user + cpu.system) / 1000,
      after: conns.length + 10, // accepted in total since the stall
      backoffs: Engine.default().stats.acceptBackoffs,
    })
  }`,
);
Deno.exit(0);
