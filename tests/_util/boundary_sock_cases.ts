/**
 * The sock boundary cases, run as a child process by
 * tests/boundary_sock_test.ts: the I/O and batch paths given views that lie
 * about their size, resizable and detached buffers, and wrong-typed input;
 * each checked for its outcome (a count bounded by the true size, or a
 * typed error) and for the canary bytes around the view.
 *
 * `deno run -A tests/_util/boundary_sock_cases.ts` prints one
 * `CANARY [outcomes]` line.
 *
 * @example
 * ```ts
 * // deno run -A tests/_util/boundary_sock_cases.ts
 * ```
 *
 * @module
 */

import * as s from "../../sock/mod.ts";
import {
  type Case,
  caseAdder,
  Guarded,
  lieAboutSize,
  runCases,
} from "./canary.ts";

const cases: Case[] = [];
const add = caseAdder(cases);

const [a, b] = s.unixConnPair("unix");
const [da, db] = s.unixConnPair("unixgram");
const big = new Uint8Array(4096).fill(0x42);

{
  const g = new Guarded(8);
  const v = lieAboutSize(g.bytes, 4096);
  add("UnixConn.tryRead", "8-byte view claiming 4096", [g], 8, () => {
    b.tryWrite(big);
    return a.tryRead(v);
  });
  add("UnixConn.tryWrite", "8-byte view claiming 4096", [g], 8, () => {
    const r = a.tryWrite(v);
    b.tryRead(new Uint8Array(8192));
    return r;
  });
  add(
    "UnixConn.tryReadFrom",
    "datagram into 8-byte view claiming 4096",
    [
      g,
    ],
    8,
    () => {
      db.tryWrite(big.subarray(0, 512));
      return da.tryReadFrom(v);
    },
  );
}
add("UnixConn.tryRead", "DataView instead of Uint8Array", [], "throws", () => {
  return a.tryRead(new DataView(new ArrayBuffer(8)) as unknown as Uint8Array);
});
{
  const g = new Guarded(16);
  add(
    "UDPMessages.setBuffer",
    "explicit length past the true size of a lying view",
    [g],
    "throws",
    () => {
      const m = new s.UDPMessages(1, { bufferSize: 0 });
      m.setBuffer(0, 0, lieAboutSize(g.bytes, 4096), 1024);
    },
  );
  add(
    "UDPMessages.setLength",
    "past the true size of a lying view",
    [g],
    "throws",
    () => {
      const m = new s.UDPMessages(1, { bufferSize: 0 });
      m.setBuffer(0, 0, lieAboutSize(g.bytes, 4096));
      m.setLength(0, 1024);
    },
  );
}
add(
  "UDPMessages.setBuffer",
  "resizable ArrayBuffer refused",
  [],
  "throws",
  () => {
    const m = new s.UDPMessages(1, { bufferSize: 0 });
    m.setBuffer(
      0,
      0,
      new Uint8Array(new ArrayBuffer(64, { maxByteLength: 128 })),
    );
  },
);
add(
  "recvMessages",
  "a message buffer transferred after setBuffer",
  [],
  "throws",
  () => {
    const m = new s.UDPMessages(1, { bufferSize: 0 });
    const buf = new Uint8Array(1024);
    m.setBuffer(0, 0, buf);
    buf.buffer.transfer(); // the recorded address is freed
    db.tryWrite(big.subarray(0, 64));
    return s.recvMessages(da, m);
  },
);

const outcomes = await runCases(cases);
for (const c of [a, b, da, db]) c.close();
console.log("CANARY " + JSON.stringify(outcomes));
