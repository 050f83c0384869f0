/// <reference lib="deno.worker" />
// A worker that sends a signal to one thread of this process after a delay
// (tgkill): the way to interrupt a blocking syscall on the JS thread, since
// Deno handles process-directed signals on a thread of its own.
import { SYS, syscall4 } from "../../zcall/mod.ts";

self.onmessage = (
  e: MessageEvent<{ tid: number; sig: number; ms: number }>,
) => {
  const { tid, sig, ms } = e.data;
  setTimeout(() => {
    self.postMessage(syscall4(SYS.TGKILL, Deno.pid, tid, sig, 0));
  }, ms);
};
// Loaded: the caller may now block its own thread.
self.postMessage("ready");
