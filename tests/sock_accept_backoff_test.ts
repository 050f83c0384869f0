// accept() when the process is out of descriptors (EMFILE): it backs off
// and retries instead of failing or spinning, and completes once an fd is
// free. In a child process whose fd limit the test lowers.
import assert from "node:assert/strict";
import { runDenoChild } from "./_util/deno_child.ts";

Deno.test("sock accept: EMFILE backs off without spinning, then accepts", async () => {
  const sock = new URL("../sock/mod.ts", import.meta.url).href;
  const zcall = new URL("../zcall/mod.ts", import.meta.url).href;
  const code = `
    import { dialTCP4, listenTCP4 } from ${JSON.stringify(sock)};
    import { close, EFD, eventfd2, SYS, syscall6, unsafeAddressOf } from ${
    JSON.stringify(zcall)
  };
    const RLIMIT_NOFILE = 7;
    const lim = new BigUint64Array(2);
    syscall6(SYS.PRLIMIT64, 0, RLIMIT_NOFILE, 0, unsafeAddressOf(lim), 0, 0);
    const soft = new BigUint64Array([lim[0] > 512n ? 512n : lim[0], lim[1]]);
    if (syscall6(SYS.PRLIMIT64, 0, RLIMIT_NOFILE, unsafeAddressOf(soft), 0, 0, 0) !== 0) {
      throw new Error("prlimit64 failed");
    }
    const ln = listenTCP4({ hostname: "127.0.0.1", port: 0 });
    const c = dialTCP4(null, ln.addr);
    await c.waitConnected();
    // Deno creates its signal driver lazily and panics if that meets
    // EMFILE: create it now.
    const onSig = () => {};
    Deno.addSignalListener("SIGUSR2", onSig);
    const filler = [];
    for (;;) {
      const fd = eventfd2(0, EFD.CLOEXEC);
      if (fd < 0) break;
      filler.push(fd);
    }
    const u0 = Deno.cpuUsage();
    let settled = "pending";
    const p = ln.accept().then(() => settled = "accepted", (e) => settled = "rejected " + e.code);
    await new Promise((r) => setTimeout(r, 1000));
    const cpuMs = (Deno.cpuUsage().user + Deno.cpuUsage().system - u0.user - u0.system) / 1000;
    console.log("during", settled, "cpu_ms", cpuMs.toFixed(1), "filled", filler.length);
    for (let i = 0; i < 4; i++) close(filler.pop());
    const t0 = performance.now();
    await p;
    for (const fd of filler) close(fd);
    console.log("after", settled, "ms", (performance.now() - t0).toFixed(0));
    Deno.removeSignalListener("SIGUSR2", onSig);
    c.close();
    ln.close();
  `;
  // No background update check: it would need descriptors too.
  const out = await runDenoChild(code, ["--allow-all"], {
    env: { DENO_NO_UPDATE_CHECK: "1" },
  });
  const text = out.stdout;
  assert.equal(out.code, 0, out.stderr);
  const m = /during (\S+) cpu_ms ([0-9.]+) filled (\d+)/.exec(text);
  assert.ok(m, text);
  assert.equal(m[1], "pending", "accept must wait out EMFILE, not fail");
  assert.ok(Number(m[3]) > 0);
  // Backing off (5 ms doubling to 1 s): a handful of retries in a second,
  // not a busy loop (which burns the whole second).
  assert.ok(Number(m[2]) < 300, `cpu ${m[2]} ms in 1 s of EMFILE`);
  assert.match(text, /after accepted ms \d+/);
});
