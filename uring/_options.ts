// Merging and validation of user options for `new Uring(options)`.
// Internal: not exported from mod.ts.

import {
  type BufferGroupsConfig,
  defaultBufferGroupsConfig,
  defaultOptions,
  type Options,
} from "./options.ts";
import { bool, intIn } from "../zcall/_validate.ts";

const WHERE = "Uring options";

const TIER_KEYS = Object.keys(
  defaultBufferGroupsConfig(),
) as (keyof BufferGroupsConfig)[];

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
  intIn(r.entries, 1, 32768, WHERE, "entries");
  if ((r.entries & (r.entries - 1)) !== 0) {
    throw new RangeError(
      `Uring options: entries must be a power of two, got ${r.entries}`,
    );
  }
  intIn(r.cqEntries, 0, 65536, WHERE, "cqEntries");
  if (r.cqEntries !== 0 && r.cqEntries < r.entries) {
    throw new RangeError("Uring options: cqEntries must be >= entries");
  }
  intIn(r.lockedBufferMem, 0, 2 ** 40, WHERE, "lockedBufferMem");
  intIn(r.readBufferSize, 1, 2 ** 31, WHERE, "readBufferSize");
  intIn(r.readBufferNum, 0, 32768, WHERE, "readBufferNum");
  intIn(r.readBufferGidOffset, 0, 65535, WHERE, "readBufferGidOffset");
  intIn(r.writeBufferSize, 1, 2 ** 31, WHERE, "writeBufferSize");
  intIn(r.writeBufferNum, 0, 32768, WHERE, "writeBufferNum");
  intIn(r.multiSizeBuffer, 0, 1 << 20, WHERE, "multiSizeBuffer");
  bool(r.multiIssuers, WHERE, "multiIssuers");
  bool(r.signalTaskrun, WHERE, "signalTaskrun");
  bool(r.notifySucceed, WHERE, "notifySucceed");
  bool(r.indirectSubmissionQueue, WHERE, "indirectSubmissionQueue");
  bool(r.sqe128, WHERE, "sqe128");
  bool(r.cqe32, WHERE, "cqe32");
  bool(r.hybridPolling, WHERE, "hybridPolling");
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
    intIn(r.bufferGroups[k], 0, 1 << 20, WHERE, `bufferGroups.${k}`);
  }
  return r;
}
