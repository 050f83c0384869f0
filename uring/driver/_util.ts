// Small helpers of the driver: fd checks, contexts, event-loop turns.

import { setImmediate } from "node:timers";
import type { SQEContext } from "../context.ts";
import { checkFd as checkFdBits } from "../_validate.ts";

/** Checks a file descriptor for a driver method (a direct context's 29 bits). */
export function checkFd(where: string, fd: number): void {
  checkFdBits(where, fd, 29);
}

// An extended context that reports `fd` for the ring's prep methods (which
// read the fd from the context).
export function fdCtx(ctx: SQEContext, fd: number): SQEContext {
  ctx.extSQE().fd = fd;
  return ctx;
}

// A handler threw: report it asynchronously, keep the loop alive. Apart
// from the dispatch so its closure is not allocated per completion.
export function reportLater(e: unknown): void {
  queueMicrotask(() => {
    throw e;
  });
}

// setImmediate: one event-loop turn (setTimeout(0) is clamped to ~1 ms+).
export function macrotask(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

export function sleepMs(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
