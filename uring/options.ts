// Ring options, their defaults and the budget-based presets.

/**
 * 1 KiB.
 *
 * @example
 * ```ts
 * import { KiB } from "@kernio/kernio/uring";
 * KiB * 4; // 4096
 * ```
 */
export const KiB = 1 << 10;
/**
 * 1 MiB.
 *
 * @example
 * ```ts
 * import { MiB } from "@kernio/kernio/uring";
 * MiB * 8; // 8388608
 * ```
 */
export const MiB = 1 << 20;
/**
 * 1 GiB.
 *
 * @example
 * ```ts
 * import { GiB } from "@kernio/kernio/uring";
 * GiB * 2;
 * ```
 */
export const GiB = 1 << 30;

/**
 * SQ sizes, scaling by powers of four.
 *
 * @example
 * ```ts
 * import { Entries, Uring } from "@kernio/kernio/uring";
 * const ring = new Uring({ entries: Entries.SMALL });
 * ring.stop();
 * ```
 */
export const Entries = {
  PICO: 1 << 3,
  NANO: 1 << 5,
  MICRO: 1 << 7,
  SMALL: 1 << 9,
  MEDIUM: 1 << 11,
  LARGE: 1 << 13,
  HUGE: 1 << 15,
} as const;

/**
 * Buffer tier sizes (power-of-four progression from 32 bytes).
 *
 * @example
 * ```ts
 * import { BufferSize } from "@kernio/kernio/uring";
 * BufferSize.SMALL; // 2048
 * ```
 */
export const BufferSize = {
  PICO: 32,
  NANO: 128,
  MICRO: 512,
  SMALL: 2 * KiB,
  MEDIUM: 8 * KiB,
  BIG: 32 * KiB,
  LARGE: 128 * KiB,
  GREAT: 512 * KiB,
  HUGE: 2 * MiB,
  VAST: 8 * MiB,
  GIANT: 32 * MiB,
  TITAN: 128 * MiB,
} as const;

/**
 * Default buffer count per tier.
 *
 * @example
 * ```ts
 * import { DefaultBufferNum } from "@kernio/kernio/uring";
 * DefaultBufferNum.PICO; // 32768
 * ```
 */
export const DefaultBufferNum = {
  PICO: 1 << 15,
  NANO: 1 << 14,
  MICRO: 1 << 13,
  SMALL: 1 << 12,
  MEDIUM: 1 << 11,
  BIG: 1 << 10,
  LARGE: 1 << 9,
  GREAT: 1 << 8,
  HUGE: 1 << 7,
  VAST: 1 << 6,
  GIANT: 1 << 5,
  TITAN: 1 << 4,
} as const;

/**
 * Common machine memory sizes for optionsForSystem.
 *
 * @example
 * ```ts
 * import { MachineMemory, optionsForSystem } from "@kernio/kernio/uring";
 * optionsForSystem(MachineMemory.GB4).entries;
 * ```
 */
export const MachineMemory = {
  MB512: 512 * MiB,
  GB1: 1 * GiB,
  GB2: 2 * GiB,
  GB4: 4 * GiB,
  GB8: 8 * GiB,
  GB16: 16 * GiB,
  GB32: 32 * GiB,
  GB64: 64 * GiB,
  GB96: 96 * GiB,
  GB128: 128 * GiB,
} as const;

/**
 * Size of one registered buffer created from lockedBufferMem.
 *
 * @example
 * ```ts
 * import { REGISTER_BUFFER_SIZE } from "@kernio/kernio/uring";
 * REGISTER_BUFFER_SIZE; // 4096
 * ```
 */
export const REGISTER_BUFFER_SIZE = 4 * KiB;
/**
 * A large registered-buffer budget: 32768 x 4 KiB = 128 MiB.
 *
 * @example
 * ```ts
 * import { LOCKED_BUFFER_MEM_LARGE, Uring } from "@kernio/kernio/uring";
 * const ring = new Uring({ entries: 8, lockedBufferMem: LOCKED_BUFFER_MEM_LARGE / 1024 });
 * ring.stop();
 * ```
 */
export const LOCKED_BUFFER_MEM_LARGE = REGISTER_BUFFER_SIZE * 32768;

/**
 * Ring options. Every field is optional in `new Uring(options)`.
 *
 * @example
 * ```ts
 * import { Entries, type Options } from "@kernio/kernio/uring";
 * const o: Partial<Options> = { entries: Entries.MICRO, notifySucceed: true };
 * ```
 */
export interface Options {
  /** SQ entries (power of two, 1..32768; use Entries.*). */
  entries: number;
  /** CQ entries (0: twice the SQ, the kernel default). */
  cqEntries: number;
  /**
   * Bytes of registered (pinned) buffers created by start(), in
   * REGISTER_BUFFER_SIZE pieces. Defaults to 0, so a ring costs no
   * pinned memory unless asked (LOCKED_BUFFER_MEM_LARGE is 128 MiB).
   */
  lockedBufferMem: number;
  /** Size of each provided read buffer (bytes). */
  readBufferSize: number;
  /** Number of provided read buffers (0: none). */
  readBufferNum: number;
  /** Base buffer-group id of the read buffers. */
  readBufferGidOffset: number;
  /** Size of each write buffer (bytes). */
  writeBufferSize: number;
  /** Number of write buffers. */
  writeBufferNum: number;
  /** Scale of the multi-size buffer groups (0: disabled). */
  multiSizeBuffer: number;
  /** Tier counts used when multiSizeBuffer > 0. */
  bufferGroups: BufferGroupsConfig;
  /** Shared submission (COOP_TASKRUN) instead of SINGLE_ISSUER + DEFER_TASKRUN. */
  multiIssuers: boolean;
  /**
   * Neither DEFER_TASKRUN nor COOP_TASKRUN: completion work interrupts the
   * submitting thread even while it sleeps elsewhere (e.g. in Deno's own
   * event loop), so linked operations run without anyone entering the
   * ring. For small notifier rings; costs an interrupt per wake.
   */
  signalTaskrun: boolean;
  /** Keep a CQE for every successful operation (never set CQE_SKIP_SUCCESS implicitly). */
  notifySucceed: boolean;
  /** Keep the SQ index array (otherwise IORING_SETUP_NO_SQARRAY). */
  indirectSubmissionQueue: boolean;
  /** 128-byte SQEs (needed by nop128 / uringCmd128). */
  sqe128: boolean;
  /**
   * 32-byte CQEs (IORING_SETUP_CQE32): completions carry 16 more bytes
   * (CQEView.extra1Lo..extra2Hi; with wait() only). Needed by zero-copy
   * receive (ZCRX) and by commands that return a second value.
   */
  cqe32: boolean;
  /** IORING_SETUP_IOPOLL | HYBRID_IOPOLL (O_DIRECT on polling-capable devices only). */
  hybridPolling: boolean;
  /**
   * Where the SQ/CQ rings and SQE array live. "auto" (default): in memory
   * JavaScript owns (IORING_SETUP_NO_MMAP) when the kernel accepts it (6.5+),
   * else mmap'd. "user": JavaScript memory or NotSupportedError. "kernel":
   * mmap'd kernel memory, whose views need the unscoped `--allow-ffi`.
   */
  ringMemory: "auto" | "user" | "kernel";
}

/**
 * Buffer counts per tier; 0 disables a tier.
 *
 * @example
 * ```ts
 * import { defaultBufferGroupsConfig } from "@kernio/kernio/uring";
 * defaultBufferGroupsConfig().smallNum; // 4096
 * ```
 */
export interface BufferGroupsConfig {
  /** Buffers of BufferSize.PICO bytes in this tier. */
  picoNum: number;
  /** Buffers of BufferSize.NANO bytes in this tier. */
  nanoNum: number;
  /** Buffers of BufferSize.MICRO bytes in this tier. */
  microNum: number;
  /** Buffers of BufferSize.SMALL bytes in this tier. */
  smallNum: number;
  /** Buffers of BufferSize.MEDIUM bytes in this tier. */
  mediumNum: number;
  /** Buffers of BufferSize.BIG bytes in this tier. */
  bigNum: number;
  /** Buffers of BufferSize.LARGE bytes in this tier. */
  largeNum: number;
  /** Buffers of BufferSize.GREAT bytes in this tier. */
  greatNum: number;
  /** Buffers of BufferSize.HUGE bytes in this tier. */
  hugeNum: number;
  /** Buffers of BufferSize.VAST bytes in this tier. */
  vastNum: number;
  /** Buffers of BufferSize.GIANT bytes in this tier. */
  giantNum: number;
  /** Buffers of BufferSize.TITAN bytes in this tier. */
  titanNum: number;
}

const TIERS = [
  ["picoNum", BufferSize.PICO, DefaultBufferNum.PICO],
  ["nanoNum", BufferSize.NANO, DefaultBufferNum.NANO],
  ["microNum", BufferSize.MICRO, DefaultBufferNum.MICRO],
  ["smallNum", BufferSize.SMALL, DefaultBufferNum.SMALL],
  ["mediumNum", BufferSize.MEDIUM, DefaultBufferNum.MEDIUM],
  ["bigNum", BufferSize.BIG, DefaultBufferNum.BIG],
  ["largeNum", BufferSize.LARGE, DefaultBufferNum.LARGE],
  ["greatNum", BufferSize.GREAT, DefaultBufferNum.GREAT],
  ["hugeNum", BufferSize.HUGE, DefaultBufferNum.HUGE],
  ["vastNum", BufferSize.VAST, DefaultBufferNum.VAST],
  ["giantNum", BufferSize.GIANT, DefaultBufferNum.GIANT],
  ["titanNum", BufferSize.TITAN, DefaultBufferNum.TITAN],
] as const;

function tiersConfig(n: number): BufferGroupsConfig {
  const c = {} as Record<string, number>;
  TIERS.forEach(([k, , num], i) => c[k] = i < n ? num : 0);
  return c as unknown as BufferGroupsConfig;
}

/**
 * The first 7 tiers (Pico..Large), ~127 MiB per scale.
 *
 * @example
 * ```ts
 * import { bufferGroupsBytes, defaultBufferGroupsConfig } from "@kernio/kernio/uring";
 * bufferGroupsBytes(defaultBufferGroupsConfig()); // 133169152
 * ```
 */
export function defaultBufferGroupsConfig(): BufferGroupsConfig {
  return tiersConfig(7);
}
/**
 * The first 5 tiers (Pico..Medium), ~31 MiB per scale.
 *
 * @example
 * ```ts
 * import { minimalBufferGroupsConfig } from "@kernio/kernio/uring";
 * minimalBufferGroupsConfig().bigNum; // 0
 * ```
 */
export function minimalBufferGroupsConfig(): BufferGroupsConfig {
  return tiersConfig(5);
}
/**
 * All 12 tiers, ~4 GiB per scale.
 *
 * @example
 * ```ts
 * import { fullBufferGroupsConfig } from "@kernio/kernio/uring";
 * fullBufferGroupsConfig().titanNum; // 16
 * ```
 */
export function fullBufferGroupsConfig(): BufferGroupsConfig {
  return tiersConfig(12);
}

/**
 * Bytes used by a tier configuration at scale 1.
 *
 * @example
 * ```ts
 * import { bufferGroupsBytes, minimalBufferGroupsConfig } from "@kernio/kernio/uring";
 * bufferGroupsBytes(minimalBufferGroupsConfig()); // 32505856
 * ```
 */
export function bufferGroupsBytes(c: BufferGroupsConfig): number {
  let total = 0;
  for (const [k, size] of TIERS) total += c[k] * size;
  return total;
}

/**
 * Default options: 2048 entries, single issuer, no SQ array, 64-byte SQEs,
 * no registered or provided buffers.
 *
 * @example
 * ```ts
 * import { defaultOptions } from "@kernio/kernio/uring";
 * defaultOptions().entries; // 2048
 * ```
 */
export function defaultOptions(): Options {
  return {
    entries: Entries.MEDIUM,
    cqEntries: 0,
    lockedBufferMem: 0,
    readBufferSize: BufferSize.SMALL,
    readBufferNum: 0,
    readBufferGidOffset: 0,
    writeBufferSize: BufferSize.SMALL,
    writeBufferNum: 0,
    multiSizeBuffer: 0,
    bufferGroups: defaultBufferGroupsConfig(),
    multiIssuers: false,
    signalTaskrun: false,
    notifySucceed: false,
    indirectSubmissionQueue: false,
    sqe128: false,
    cqe32: false,
    hybridPolling: false,
    ringMemory: "auto",
  };
}

const BUDGET_MIN = 16 * MiB;
const BUDGET_MAX = 128 * GiB;

// Entries tier by budget: more memory, more expected throughput.
function entriesForBudget(budget: number): number {
  if (budget < 64 * MiB) return Entries.MICRO;
  if (budget < 512 * MiB) return Entries.SMALL;
  if (budget < 4 * GiB) return Entries.MEDIUM;
  if (budget < 32 * GiB) return Entries.LARGE;
  return Entries.HUGE;
}

function ringOverhead(entries: number): number {
  // SQEs + CQ (2x, 16 B) + SQ index, page-rounded, plus the context pools.
  const bytes = entries * 64 + entries * 2 * 16 + entries * 4 + 2 * 4096;
  return bytes + entries * (64 + 128);
}

function clampBudget(where: string, budget: number): number {
  if (!(Number.isFinite(budget) && budget > 0)) {
    throw new RangeError(`${where}: budget must be a positive number of bytes`);
  }
  return Math.min(BUDGET_MAX, Math.max(BUDGET_MIN, Math.floor(budget)));
}

function lockedFor(budget: number): number {
  const quarter = Math.floor(budget / 4);
  const v = Math.max(8 * MiB, quarter);
  return v - (v % REGISTER_BUFFER_SIZE);
}

/**
 * The tier configuration and scale for a memory budget (bytes): 25% goes
 * to registered buffers (at least 8 MiB), the ring overhead is reserved,
 * and the rest picks the largest tier set that fits (full, default,
 * minimal) with the largest integer scale; budgets below one minimal set
 * get the minimal tiers halved until they fit, at scale 1.
 *
 * @example
 * ```ts
 * import { bufferConfigForBudget, MiB } from "@kernio/kernio/uring";
 * const [cfg, scale] = bufferConfigForBudget(256 * MiB);
 * ```
 */
export function bufferConfigForBudget(
  budget: number,
): [BufferGroupsConfig, number] {
  const b = clampBudget("bufferConfigForBudget", budget);
  const rest = Math.max(
    0,
    b - lockedFor(b) - ringOverhead(entriesForBudget(b)),
  );
  for (const make of [fullBufferGroupsConfig, defaultBufferGroupsConfig]) {
    const c = make();
    const per = bufferGroupsBytes(c);
    if (rest >= per) return [c, Math.floor(rest / per)];
  }
  const c = minimalBufferGroupsConfig();
  const per = bufferGroupsBytes(c);
  if (rest >= per) return [c, Math.floor(rest / per)];
  // Shrink every tier by halves until the set fits.
  let shift = 0;
  while (shift < 15) {
    shift++;
    const s = {} as Record<string, number>;
    for (const [k] of TIERS) s[k] = c[k] >> shift;
    if (bufferGroupsBytes(s as unknown as BufferGroupsConfig) <= rest) {
      return [s as unknown as BufferGroupsConfig, 1];
    }
  }
  return [tiersConfig(0), 1];
}

/**
 * Options for a memory budget in bytes (clamped to 16 MiB..128 GiB):
 * entries by tier (<64 MiB: 128, <512 MiB: 512, <4 GiB: 2048, <32 GiB:
 * 8192, else 32768), 25% registered buffers (min 8 MiB), buffer groups
 * from the rest (see bufferConfigForBudget).
 *
 * @example
 * ```ts
 * import { MiB, optionsForBudget, Uring } from "@kernio/kernio/uring";
 * const ring = new Uring(optionsForBudget(64 * MiB));
 * ring.stop();
 * ```
 */
export function optionsForBudget(budget: number): Options {
  const b = clampBudget("optionsForBudget", budget);
  const [cfg, scale] = bufferConfigForBudget(b);
  return {
    ...defaultOptions(),
    entries: entriesForBudget(b),
    lockedBufferMem: lockedFor(b),
    multiSizeBuffer: scale,
    bufferGroups: cfg,
  };
}

/**
 * Options for a machine with `systemMemory` bytes: a budget of 25% of it.
 *
 * @example
 * ```ts
 * import { MachineMemory, optionsForSystem } from "@kernio/kernio/uring";
 * optionsForSystem(MachineMemory.GB1).entries; // 512
 * ```
 */
export function optionsForSystem(systemMemory: number): Options {
  if (!(Number.isFinite(systemMemory) && systemMemory > 0)) {
    throw new RangeError("optionsForSystem: memory must be a positive number");
  }
  return optionsForBudget(Math.floor(systemMemory / 4));
}
