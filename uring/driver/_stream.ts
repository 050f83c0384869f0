// A multishot subscription viewed as an async iterator (the driver's
// multishot(), acceptStream() and recvStream()). Internal to the driver.

import { Errno } from "../../zcall/errno.ts";
import {
  MultishotAction,
  type MultishotHandler,
  type MultishotStep,
  type MultishotSubscription,
} from "../multishot.ts";
import type { Uring } from "../ring.ts";
import type { Completion } from "./_pending.ts";

const ENOBUFS = -Errno.ENOBUFS;

/** What a stream needs of its driver. */
export interface StreamOwner {
  subscribe(
    start: (ring: Uring, handler: MultishotHandler) => MultishotSubscription,
    handler: MultishotHandler,
  ): MultishotSubscription;
}

// One multishot subscription viewed as an async iterator.
export class MultishotStream implements AsyncIterableIterator<Completion> {
  #queue: Completion[] = [];
  #waiter: ((v: IteratorResult<Completion>) => void) | null = null;
  #fail: ((e: unknown) => void) | null = null;
  #done = false;
  #error: unknown = undefined;
  #sub: MultishotSubscription | null = null;
  #signal: AbortSignal | undefined;
  #onAbort = () => this.#sub?.cancel();
  #noBuffersEnds: boolean;
  // Releases a completion nobody will see (a buffer, an accepted fd).
  #drop: ((c: Completion) => void) | undefined;
  #returning = false;

  constructor(
    driver: StreamOwner,
    start: (ring: Uring, handler: MultishotHandler) => MultishotSubscription,
    signal: AbortSignal | undefined,
    noBuffersEnds: boolean,
    drop?: (c: Completion) => void,
  ) {
    this.#signal = signal;
    this.#drop = drop;
    // recvStream takes ENOBUFS as a value (it refills and resubmits).
    this.#noBuffersEnds = noBuffersEnds;
    signal?.throwIfAborted();
    const handler: MultishotHandler = {
      onMultishotStep: (step: MultishotStep) => {
        const res = step.cqe.res;
        if (
          res >= 0 || (this.#noBuffersEnds && res === ENOBUFS && step.final())
        ) {
          this.#push({ res, flags: step.cqe.flags });
        }
        return MultishotAction.Continue;
      },
      onMultishotStop: (err, cancelled) => {
        this.#signal?.removeEventListener("abort", this.#onAbort);
        if (
          err && !(cancelled && this.#signal?.aborted) &&
          !(this.#noBuffersEnds && err.errno === Errno.ENOBUFS)
        ) {
          this.#error = err;
        }
        this.#done = true;
        this.#settle();
      },
    };
    this.#sub = driver.subscribe(start, handler);
    signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  #push(c: Completion): void {
    if (this.#returning) {
      this.#drop?.(c);
      return;
    }
    if (this.#waiter) {
      const w = this.#waiter;
      this.#waiter = this.#fail = null;
      w({ value: c, done: false });
    } else this.#queue.push(c);
  }

  #settle(): void {
    if (!this.#waiter || (this.#queue.length > 0 && !this.#returning)) return;
    const w = this.#waiter;
    const f = this.#fail!;
    this.#waiter = this.#fail = null;
    if (this.#error !== undefined) f(this.#error);
    else w({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<Completion>> {
    if (this.#queue.length > 0) {
      return Promise.resolve({ value: this.#queue.shift()!, done: false });
    }
    if (this.#done) {
      if (this.#error !== undefined) {
        const e = this.#error;
        this.#error = undefined;
        return Promise.reject(e);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((res, rej) => {
      this.#waiter = res;
      this.#fail = rej;
    });
  }

  async return(): Promise<IteratorResult<Completion>> {
    // Leaving early: what is queued is released (buffers recycled, fds
    // closed), the rest released as it arrives; cancel and wait for the
    // final CQE so nothing dangles.
    this.#returning = true;
    this.#releaseQueued();
    if (!this.#done) {
      try {
        this.#sub?.cancel();
      } catch { /* already ending */ }
      while (!this.#done) {
        await new Promise<void>((res) => {
          this.#waiter = () => res();
          this.#fail = () => res();
        });
      }
    }
    this.#signal?.removeEventListener("abort", this.#onAbort);
    this.#releaseQueued();
    return { value: undefined, done: true };
  }

  #releaseQueued(): void {
    const q = this.#queue.splice(0);
    for (const c of q) this.#drop?.(c);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
