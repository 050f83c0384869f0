// Process-wide table of ContextPools, so an indirect/extended user_data
// (pool id + slot index) finds its slot without a pointer. Internal: not
// exported from mod.ts.

import { RingClosedError } from "./errors.ts";

/** The slot API the registry needs from a pool. */
export interface PoolSlots {
  indirectSlot(k: number): { readonly sqeU32: Uint32Array };
  extSlot(k: number): { readonly sqeU32: Uint32Array };
}

/** Pools by id (undefined once closed). */
export const POOLS: (PoolSlots | undefined)[] = [];
/** Ids of closed pools, reused first. */
export const FREE_IDS: number[] = [];

/** The slot named by an indirect/extended user_data (lo, hi). */
export function slotOf(
  lo: number,
  hi: number,
): { readonly sqeU32: Uint32Array } {
  const pool = POOLS[hi & 0x3fffffff];
  if (pool === undefined) {
    throw new RingClosedError("context slot (its ContextPools is closed)");
  }
  return (hi >>> 30) === 2 ? pool.extSlot(lo) : pool.indirectSlot(lo);
}
