// A small run of the load harness (stress/load.ts: 200 connections x 20
// messages on one io_uring, echo server in a child process); `deno task
// stress` runs 10,000 x 100. Spawned: the harness raises RLIMIT_NOFILE and
// counts /proc/self/fd, which must not disturb other test files.

import assert from "node:assert/strict";
import type { LoadReport } from "../stress/load.ts";
import { reportStat, RUN_SEED } from "./_util/prop.ts";

Deno.test("reliability: 200 loopback connections echo 20 messages each, byte exact", async () => {
  for (const driver of ["--uring", "--epoll"]) {
    const { code, signal, stdout, stderr } = await new Deno.Command(
      Deno.execPath(),
      {
        args: [
          "run",
          "--allow-all",
          new URL("../stress/load.ts", import.meta.url).pathname,
          "200",
          "20",
          String(RUN_SEED || 1),
          driver,
        ],
        env: { DENO_NO_UPDATE_CHECK: "1" },
        stdout: "piped",
        stderr: "piped",
      },
    ).output();
    const out = new TextDecoder().decode(stdout);
    const err = new TextDecoder().decode(stderr);
    assert.equal(signal, null, `load crashed (${signal}):\n${err}`);
    const line = out.split("\n").find((l) => l.startsWith("LOAD "));
    assert.ok(line, `no report (exit ${code}):\n${out}\n${err}`);
    const r = JSON.parse(line.slice(5)) as LoadReport;
    console.log(
      `${r.driver}: ${r.messagesVerified} messages, ${r.bytesVerified} bytes verified in ${r.seconds} s`,
    );
    reportStat({
      kind: "load-small",
      driver: r.driver,
      verified: r.messagesVerified,
    });
    assert.equal(r.peakConnections, 200);
    assert.equal(r.messagesVerified, 200 * 20);
    assert.equal(r.corrupted, 0);
    assert.equal(r.lost, 0);
    assert.equal(code, 0);
  }
});
