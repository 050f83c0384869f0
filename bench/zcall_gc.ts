/**
 * GC probe for bench/zcall_bench.ts: run under `--v8-flags=--trace-gc`, it
 * warms up, prints GC_CHECK_START, performs 1M zcall write+read ops on an
 * eventfd with typed arrays and 1M with precomputed addresses
 * (unsafeWrite/unsafeRead), and prints GC_CHECK_END; every "Scavenge" line between the two
 * markers is an allocation on the hot path.
 *
 * @module
 */

import {
  close,
  EFD,
  eventfd2,
  read,
  unsafeAddressOf,
  unsafeRead,
  unsafeWrite,
  write,
} from "../zcall/mod.ts";

const efd = eventfd2(0, EFD.CLOEXEC);
if (efd < 0) throw new Error(`eventfd2: ${efd}`);
const one = new Uint8Array(new BigUint64Array([1n]).buffer);
const got = new Uint8Array(8);
let sink = 0;
const oneAddr = unsafeAddressOf(one), gotAddr = unsafeAddressOf(got);
function loop(n: number) {
  for (let i = 0; i < n; i++) {
    sink += write(efd, one);
    sink += read(efd, got);
  }
}
function loopAddr(n: number) {
  for (let i = 0; i < n; i++) {
    sink += unsafeWrite(efd, oneAddr, 8);
    sink += unsafeRead(efd, gotAddr, 8);
  }
}
loop(50_000);
loopAddr(50_000);
console.log("GC_CHECK_START");
loop(1_000_000);
loopAddr(1_000_000);
console.log("GC_CHECK_END");
close(efd);
if (sink !== 16 * 2_100_000) throw new Error(`unexpected total ${sink}`);
