// Merging and validation of user options for `new Uring(options)`.
// Internal: not exported from mod.ts.

import {
  type BufferGroupsConfig,
  defaultBufferGroupsConfig,
  defaultOptions,
  type Options,
} from "./options.ts";

const TIER_KEYS = Object.keys(
  defaultBufferGroupsConfig(),
) as (keyof BufferGroupsConfig)[];

function checkInt(
  name: string,
  v: unknown,
  min: number,
  max: number,
): void {
  if (!(typeof v === "number" && Number.isInteger(v) && v >= min && v <= max)) {
    throw new RangeError(
      `Uring options: ${name} must be an integer in ${min}..${max}, got ${v}`,
    );
  }
}

function checkBool(name: string, v: unknown): void {
  if (typeof v !== "boolean") {
    throw new TypeError(`Uring options: ${name} must be a boolean, got ${v}`);
  }
}

/** Merges and validates user options. */
export function resolveOptions(o: Partial<Options> | undefined): Options {
  if (o !== undefined && (typeof o !== "object" || o === null)) {
    throw new TypeError("Uring: options must be an object");
  }
  const defaults = defaultOptions();
  for (const k of Object.keys(o ?? {})) {
    if (!(k in defaults)) {
      throw new TypeError(`Uring options: unknown option "${k}"`);
    }
  }
  const r: Options = { ...defaults };
  for (const [k, v] of Object.entries(o ?? {})) {
    if (v !== undefined) (r as unknown as Record<string, unknown>)[k] = v;
  }
  checkInt("entries", r.entries, 1, 32768);
  if ((r.entries & (r.entries - 1)) !== 0) {
    throw new RangeError(
      `Uring options: entries must be a power of two, got ${r.entries}`,
    );
  }
  checkInt("cqEntries", r.cqEntries, 0, 65536);
  if (r.cqEntries !== 0 && r.cqEntries < r.entries) {
    throw new RangeError("Uring options: cqEntries must be >= entries");
  }
  checkInt("lockedBufferMem", r.lockedBufferMem, 0, 2 ** 40);
  checkInt("readBufferSize", r.readBufferSize, 1, 2 ** 31);
  checkInt("readBufferNum", r.readBufferNum, 0, 32768);
  checkInt("readBufferGidOffset", r.readBufferGidOffset, 0, 65535);
  checkInt("writeBufferSize", r.writeBufferSize, 1, 2 ** 31);
  checkInt("writeBufferNum", r.writeBufferNum, 0, 32768);
  checkInt("multiSizeBuffer", r.multiSizeBuffer, 0, 1 << 20);
  checkBool("multiIssuers", r.multiIssuers);
  checkBool("signalTaskrun", r.signalTaskrun);
  checkBool("notifySucceed", r.notifySucceed);
  checkBool("indirectSubmissionQueue", r.indirectSubmissionQueue);
  checkBool("sqe128", r.sqe128);
  checkBool("cqe32", r.cqe32);
  checkBool("hybridPolling", r.hybridPolling);
  if (!["auto", "user", "kernel"].includes(r.ringMemory)) {
    throw new TypeError(
      `Uring options: ringMemory must be "auto", "user" or "kernel", got ${
        String(r.ringMemory)
      }`,
    );
  }
  if (typeof r.bufferGroups !== "object" || r.bufferGroups === null) {
    throw new TypeError("Uring options: bufferGroups must be an object");
  }
  for (const k of TIER_KEYS) {
    checkInt(`bufferGroups.${k}`, r.bufferGroups[k], 0, 1 << 20);
  }
  return r;
}
