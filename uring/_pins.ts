// Keep-alive table for JS objects referenced by in-flight SQEs (buffers whose
// addresses went into the ring, paths, msghdrs...). A CQE carries only
// user_data, so pins are keyed by the user_data halves: each pinning SQE
// adds one expected completion to its key, each final CQE (no
// IORING_CQE_F_MORE) of that key removes one, and the key's objects are
// released when its count reaches zero. Sharing a context between several
// in-flight ops is therefore safe (release waits for the last of them).
//
// Open addressing with linear probing and backward-shift deletion over
// typed arrays: pinning and releasing allocate nothing; the table only
// grows (rehash) when more keys are in flight than it has room for.
//
// An op submitted with IOSQE_CQE_SKIP_SUCCESS posts no CQE when it succeeds,
// so its pins could never end. The ring strips that flag from SQEs that
// pin memory and marks their key "hidden": complete() then reports HIDDEN
// and the reap loops drop the successful CQE the caller asked not to see.
//
// Pins still held when a ring stops and the kernel has not let go within
// the bounded drain are retired, never released: a bounded leak instead of
// the kernel writing into (or a zero-copy send transmitting) freed memory.

/** complete(): the key had no pins. */
export const NOT_PINNED = 0;
/** complete(): one expected completion of a pinned key arrived. */
export const PINNED = 1;
/** complete(): as PINNED, and the op asked for no CQE on success. */
export const HIDDEN = 2;

const retired: PinTable[] = [];
let retiredKeys = 0;

/**
 * Keeps a stopped ring's remaining pins alive for the life of the process
 * (the kernel may still use that memory).
 */
export function retirePins(t: PinTable): void {
  retired.push(t);
  retiredKeys += t.keys;
}

/** Keys retired so far in this process (diagnostics and tests). */
export function retiredPinKeys(): number {
  return retiredKeys;
}

export class PinTable {
  #cap = 0;
  #keyLo = new Uint32Array(0);
  #keyHi = new Uint32Array(0);
  #count = new Int32Array(0); // 0 = empty bucket
  #hide = new Uint8Array(0); // 1: successful CQEs of this key are dropped
  #head = new Int32Array(0); // first object entry, -1 = none
  #objs: unknown[] = [];
  #next = new Int32Array(0);
  #free = new Int32Array(0);
  #freeTop = 0;
  /** Keys (distinct user_data values) with pins in flight. */
  keys = 0;

  constructor(capacity: number) {
    this.#resize(Math.max(16, capacity));
    this.#growObjs(Math.max(16, capacity));
  }

  /**
   * One more expected completion for (lo, hi), keeping `a` and `b` alive;
   * `hide`: the op asked for no CQE on success (CQE_SKIP_SUCCESS, stripped
   * from its SQE so the pins can end).
   */
  pin(lo: number, hi: number, a: unknown, b: unknown, hide = false): void {
    if ((this.keys + 1) * 2 > this.#cap) this.#resize(this.#cap * 2);
    const mask = this.#cap - 1;
    let k = this.#hash(lo, hi) & mask;
    while (this.#count[k] !== 0) {
      if (this.#keyLo[k] === lo && this.#keyHi[k] === hi) break;
      k = (k + 1) & mask;
    }
    if (this.#count[k] === 0) {
      this.#keyLo[k] = lo;
      this.#keyHi[k] = hi;
      this.#head[k] = -1;
      this.#hide[k] = 0;
      this.keys++;
    }
    if (hide) this.#hide[k] = 1;
    this.#count[k]++;
    if (a !== undefined && a !== null) this.#push(k, a);
    if (b !== undefined && b !== null) this.#push(k, b);
  }

  /**
   * A final completion for (lo, hi) arrived: NOT_PINNED, PINNED, or HIDDEN
   * (pinned, and a success is to be dropped).
   */
  complete(lo: number, hi: number): number {
    if (this.keys === 0) return NOT_PINNED;
    const mask = this.#cap - 1;
    let k = this.#hash(lo, hi) & mask;
    while (this.#count[k] !== 0) {
      if (this.#keyLo[k] === lo && this.#keyHi[k] === hi) {
        const r = this.#hide[k] === 1 ? HIDDEN : PINNED;
        if (--this.#count[k] === 0) this.#remove(k);
        return r;
      }
      k = (k + 1) & mask;
    }
    return NOT_PINNED;
  }

  /** Releases everything (ring stop). */
  clear(): void {
    this.#objs.fill(undefined);
    this.#count.fill(0);
    for (let j = 0; j < this.#next.length; j++) this.#free[j] = j;
    this.#freeTop = this.#next.length;
    this.keys = 0;
  }

  #hash(lo: number, hi: number): number {
    return (Math.imul(lo ^ (hi * 0x9e3779b1), 0x85ebca6b) >>> 15) ^ lo;
  }

  #push(k: number, obj: unknown): void {
    if (this.#freeTop === 0) this.#growObjs(this.#next.length * 2);
    const j = this.#free[--this.#freeTop];
    this.#objs[j] = obj;
    this.#next[j] = this.#head[k];
    this.#head[k] = j;
  }

  #remove(k: number): void {
    // Free the key's object list.
    let j = this.#head[k];
    while (j !== -1) {
      const n = this.#next[j];
      this.#objs[j] = undefined;
      this.#free[this.#freeTop++] = j;
      j = n;
    }
    this.keys--;
    // Backward-shift deletion keeps probe chains intact without tombstones.
    const mask = this.#cap - 1;
    let hole = k;
    let i = (k + 1) & mask;
    while (this.#count[i] !== 0) {
      const home = this.#hash(this.#keyLo[i], this.#keyHi[i]) & mask;
      if (((i - home) & mask) >= ((i - hole) & mask)) {
        this.#keyLo[hole] = this.#keyLo[i];
        this.#keyHi[hole] = this.#keyHi[i];
        this.#count[hole] = this.#count[i];
        this.#head[hole] = this.#head[i];
        this.#hide[hole] = this.#hide[i];
        hole = i;
      }
      i = (i + 1) & mask;
    }
    this.#count[hole] = 0;
  }

  #resize(cap: number): void {
    const oldLo = this.#keyLo, oldHi = this.#keyHi;
    const oldCount = this.#count, oldHead = this.#head, oldCap = this.#cap;
    const oldHide = this.#hide;
    this.#cap = cap;
    this.#keyLo = new Uint32Array(cap);
    this.#keyHi = new Uint32Array(cap);
    this.#count = new Int32Array(cap);
    this.#head = new Int32Array(cap);
    this.#hide = new Uint8Array(cap);
    const mask = cap - 1;
    for (let o = 0; o < oldCap; o++) {
      if (oldCount[o] === 0) continue;
      let k = this.#hash(oldLo[o], oldHi[o]) & mask;
      while (this.#count[k] !== 0) k = (k + 1) & mask;
      this.#keyLo[k] = oldLo[o];
      this.#keyHi[k] = oldHi[o];
      this.#count[k] = oldCount[o];
      this.#head[k] = oldHead[o];
      this.#hide[k] = oldHide[o];
    }
  }

  #growObjs(n: number): void {
    const old = this.#next.length;
    const next = new Int32Array(n);
    next.set(this.#next);
    this.#next = next;
    const free = new Int32Array(n);
    free.set(this.#free.subarray(0, this.#freeTop));
    for (let j = old; j < n; j++) free[this.#freeTop++] = j;
    this.#free = free;
    this.#objs.length = n;
  }
}
