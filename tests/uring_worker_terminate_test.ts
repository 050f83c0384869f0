// Workers terminated while their io_uring driver is parked: the park is a
// nonblocking FFI call still running on Deno's blocking pool when the
// isolate ends and Deno closes the library. The library must stay mapped
// (it is linked NODELETE), or the call returns into unmapped code
// (SIGSEGV, exit 139).
import assert from "node:assert/strict";

Deno.test("uring: Workers terminated while their driver is parked leave the process running", async () => {
  const worker = new URL("./_util/parked_worker.ts", import.meta.url).href;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `for (let i = 0; i < 3; i++) {
         const w = new Worker(${JSON.stringify(worker)}, { type: "module" });
         await new Promise((r) => w.onmessage = r);
         await new Promise((r) => setTimeout(r, 50));
         w.terminate();
       }
       await new Promise((r) => setTimeout(r, 800));
       console.log("survived");`,
    ],
    signal: AbortSignal.timeout(30_000),
  }).output();
  const err = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `exit ${out.code} (139: SIGSEGV)\n${err}`);
  assert.equal(new TextDecoder().decode(out.stdout).trim(), "survived");
});
