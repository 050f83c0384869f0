import assert from "node:assert/strict";
import { Errno, errnoName, getpid, SYS, syscall6 } from "../zcall/mod.ts";

Deno.test("zcall: getpid through the dedicated and generic entries", () => {
  assert.equal(getpid(), Deno.pid);
  assert.equal(syscall6(SYS.GETPID, 0, 0, 0, 0, 0, 0), Deno.pid);
  assert.equal(errnoName(-Errno.EAGAIN), "EAGAIN");
});
