// The operation table (uring/ops/table.ts): every declaration names a ring
// method and the opcode its prep writes, every operation method submits
// through a declaration, and the generic submit path allocates nothing.

import assert from "node:assert/strict";
import { OPS } from "../uring/ops/table.ts";
import { forFD, Uring } from "../uring/mod.ts";
import { CQEView } from "../uring/cqe.ts";
import { IORING_OP, IOSQE } from "../zcall/constants.ts";

// Methods that are not one declared operation: the NOP fast path (its own
// hand-inlined submit), the socket shorthands (socket/socketDirect with
// fixed arguments) and the deprecated former names.
const NOT_DECLARED = new Set([
  "constructor",
  "nop",
  "receive",
  "receiveZeroCopy",
  "sync",
  "readV",
  "writeV",
  "socketRaw",
  "fileAdvise",
]);
const SHORTHAND = /^(tcp|udp|udplite|sctp)[46]Socket(Direct)?$|^unixSocket/;

function opMethods(): string[] {
  const names: string[] = [];
  // deno-lint-ignore no-explicit-any
  let p: any = Object.getPrototypeOf(Uring.prototype); // UringOps
  while (p !== null && p !== Object.prototype) {
    for (const k of Object.getOwnPropertyNames(p)) {
      if (!NOT_DECLARED.has(k) && !SHORTHAND.test(k)) names.push(k);
    }
    p = Object.getPrototypeOf(p);
  }
  return names;
}

const OPCODE_NAME = new Map(
  Object.entries(IORING_OP).map(([k, v]) => [v as number, k]),
);

Deno.test("uring op table: each declaration's prep writes its opcode", () => {
  const w = new Uint32Array(32);
  for (const [key, d] of Object.entries(OPS)) {
    w.fill(0xa5a5a5a5);
    // Zero arguments (a NUL-free command: none) are enough to see the
    // opcode and that no prep leaves the poisoned head in place.
    const args = new Array(d.prep.length - 2).fill(0);
    if (key === "uringCmd" || key === "uringCmd128") args[2] = undefined;
    (d.prep as (w: Uint32Array, i: number, ...a: unknown[]) => void)(
      w,
      0,
      ...args,
    );
    assert.equal(
      w[0] & 0xff,
      d.opcode,
      `${key}: prep wrote ${OPCODE_NAME.get(w[0] & 0xff)}, declared ${
        OPCODE_NAME.get(d.opcode)
      }`,
    );
    // Only FIXED_FD_INSTALL carries a flag of its own (the kernel
    // requires IOSQE_FIXED_FILE on it).
    const own = key === "fixedFdInstall" ? IOSQE.FIXED_FILE : 0;
    assert.equal((w[0] >>> 8) & 0xff, own, `${key}: prep left SQE flags`);
  }
});

Deno.test("uring op table: declarations and ring methods match one to one", () => {
  const methods = new Set(opMethods());
  const declared = new Set(Object.values(OPS).map((d) => d.name));
  for (const name of declared) {
    assert.ok(methods.has(name), `declared ${name} is no Uring method`);
  }
  for (const name of methods) {
    assert.ok(declared.has(name), `Uring.${name} has no declaration`);
  }
  // The deprecated names are the same operations.
  const ring = new Uring({ entries: 8 });
  try {
    const w = ring.sqeWords;
    const c = forFD(5);
    const buf = new Uint8Array(8);
    const pairs: [() => boolean, () => boolean][] = [
      [() => ring.recv(c, buf), () => ring.receive(c, buf)],
      [() => ring.fsync(c), () => ring.sync(c)],
      [() => ring.fadvise(c, 0, 1, 2), () => ring.fileAdvise(c, 0, 1, 2)],
      [() => ring.socket(c, 2, 1, 0), () => ring.socketRaw(c, 2, 1, 0)],
      [() => ring.recvZc(c, 0, 1), () => ring.receiveZeroCopy(c, 0, 1)],
    ];
    for (const [now, old] of pairs) {
      assert.equal(now(), true);
      const a = w.slice(0, 16);
      ring.cancelPending();
      assert.equal(old(), true);
      assert.deepEqual(w.slice(0, 16), a);
      ring.cancelPending();
    }
  } finally {
    ring.stop();
  }
});

// Child: `ops` operations through the generic path (fsync, a poll, a
// shutdown of a non-socket: none pins an object), submitted and reaped in
// batches of 32. Pinning operations keep their buffers in the pin table,
// which grows with the number in flight; that is measured elsewhere.
if (Deno.args[0] === "--gc-child") {
  const ops = Number(Deno.args[1]);
  const ring = new Uring({ entries: 64 });
  ring.start();
  const cqes = CQEView.array(64);
  const fd = forFD(1);
  const run = (n: number) => {
    for (let k = 0; k < n; k += 32) {
      for (let j = 0; j < 10; j++) {
        ring.fsync(fd);
        ring.pollAdd(fd, 4);
        ring.shutdown(fd, 1);
      }
      ring.nop(fd);
      ring.nop(fd);
      ring.submit();
      let got = 0;
      while (got < 32) got += ring.wait(cqes);
    }
  };
  run(300_000); // warm up the JIT
  // On a loaded machine the optimizing compiler (a background thread) can
  // lag behind the warm-up: give it time and warm up again (the baseline
  // child does the same, so only the measured ops differ).
  await new Promise((r) => setTimeout(r, 200));
  run(100_000);
  if (ops > 0) run(ops);
  ring.stop();
  Deno.exit(0);
}

async function scavenges(ops: number): Promise<number> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--v8-flags=--trace-gc",
      "--allow-all",
      new URL(import.meta.url).pathname,
      "--gc-child",
      String(ops),
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.equal(r.code, 0);
  const text = new TextDecoder().decode(r.stdout);
  return text.split("\n").filter((l) => l.includes("Scavenge")).length;
}

Deno.test("uring op table: the generic submit path allocates nothing", async () => {
  // Per-operation garbage scales with the count: even 16 bytes an op is
  // 32 MB over 2M ops, several scavenges of the young generation. One
  // stray scavenge (the runtime's own, seen with or without these ops on
  // a loaded machine) is tolerated.
  const base = await scavenges(0);
  const withOps = await scavenges(2_000_000);
  assert.ok(
    withOps - base <= 1,
    `${withOps - base} scavenges during 2M submitted operations`,
  );
});
