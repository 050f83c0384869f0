/**
 * The bad-input catalogue: public functions of zcall, sock and uring called
 * with invalid arguments, one parameter at a time, and each outcome
 * classified. This module runs the cases and classifies them; the cases are
 * in bad_input_{zcall,sock,uring}_cases.ts, the known findings in
 * bad_input_findings.ts.
 *
 * Contracts checked:
 * - zcall syscall wrappers return `-errno` and never throw;
 * - zcall's struct classes, sock and uring throw a clear typed error
 *   (`TypeError`, `RangeError`, `ReferenceError` for use-after-close, or a
 *   layer error carrying `errno` and `code`);
 * - nothing crashes the process, and no bad input silently succeeds.
 *
 * Run it as a program (it is spawned by tests/reliability_bad_input_test.ts
 * and stress/run.ts, so fd-number cases never touch the descriptors of other
 * test files sharing a `deno test --parallel` process):
 * `deno run -A tests/_util/bad_input.ts` prints one `BAD_INPUT {json}` line.
 *
 * @example
 * ```ts
 * import { runCatalogue } from "./bad_input.ts";
 * const report = await runCatalogue();
 * console.log(report.total, report.violations.length);
 * ```
 *
 * @module
 */

import * as z from "../../zcall/mod.ts";
import type {
  BadCase,
  CaseSource,
  Kind,
  Outcome,
  Report,
} from "./bad_input_case.ts";
import { KNOWN_FINDINGS } from "./bad_input_findings.ts";
import {
  closeFixtures,
  openFixtures,
  zcallCases,
} from "./bad_input_zcall_cases.ts";
import { sockSource } from "./bad_input_sock_cases.ts";
import { uringSource } from "./bad_input_uring_cases.ts";

function isTypedError(e: unknown): boolean {
  // Rejecting with an aborted signal's reason is the web platform's way
  // (fetch, streams): a DOMException named AbortError.
  if (e instanceof DOMException && e.name === "AbortError") return true;
  if (
    e instanceof TypeError || e instanceof RangeError ||
    e instanceof ReferenceError
  ) return true;
  if (!(e instanceof Error)) return false;
  const rec = e as unknown as { errno?: unknown; code?: unknown };
  // A layer error: its own class, with errno and code.
  return e.constructor !== Error && typeof rec.errno === "number" &&
    typeof rec.code === "string";
}

// V8 / FFI plumbing messages: a TypeError, but not from a validation.
const INCIDENTAL =
  /Cannot read properties|is not a function|Invalid FFI|is not iterable|Cannot convert|Cannot mix BigInt|not a constructor|Detached|detached ArrayBuffer/;

function describe(v: unknown): string {
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  if (v instanceof Error) return `${v.name}: ${v.message}`;
  const s = Object.prototype.toString.call(v);
  return s;
}

let TRACE = false;
try {
  TRACE = Deno.env.get("KERNIO_BAD_TRACE") === "1";
} catch {
  // no env permission: no tracing
}

/** Raised when an awaited case neither settles nor fails within 5 s. */
class HungError extends Error {
  constructor() {
    super("the promise did not settle within 5 s");
    this.name = "HungError";
  }
}

// A bad input must fail fast: an operation left pending is a finding too.
async function withTimeout(p: Promise<unknown>): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new HungError()), 5000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Classifies one case (awaiting promises).
 *
 * @example
 * ```ts
 * import { runCase } from "./bad_input.ts";
 * const o = await runCase({
 *   layer: "zcall",
 *   fn: "close",
 *   input: "-1",
 *   expect: "errno",
 *   call: () => -9,
 * });
 * o.kind; // "errno"
 * ```
 */
export async function runCase(c: BadCase): Promise<Outcome> {
  const base = { layer: c.layer, fn: c.fn, input: c.input };
  let value: unknown;
  if (TRACE) console.error(`case ${c.layer} ${c.fn} | ${c.input}`);
  try {
    value = c.call();
    if (value instanceof Promise) value = await withTimeout(value);
  } catch (e) {
    const detail = describe(e);
    if (c.expect === "noThrow") {
      return { ...base, kind: "threwUnexpectedly", detail };
    }
    if (!(e instanceof Error) || !isTypedError(e)) {
      return { ...base, kind: "untyped", detail };
    }
    if (c.expect === "errno") return { ...base, kind: "threw", detail };
    if (e instanceof TypeError && INCIDENTAL.test(e.message)) {
      return { ...base, kind: "incidental", detail };
    }
    return { ...base, kind: "typed", detail };
  }
  if (c.expect === "noThrow") {
    return { ...base, kind: "ok", detail: describe(value) };
  }
  if (c.expect === "errno") {
    if (typeof value === "number" && Number.isInteger(value) && value < 0) {
      return { ...base, kind: "errno", detail: z.errnoName(value) };
    }
    if (value === 0 && /= (empty|detached)$/.test(c.input)) {
      return { ...base, kind: "benign", detail: "0" };
    }
    // A bad input that created something: close it so the run stays clean.
    if (
      typeof value === "number" && Number.isInteger(value) && value > 2 &&
      /socket|eventfd|pidfd|memfd|timerfdCreate|signalfd|epollCreate|accept|ioUringSetup/
        .test(c.fn)
    ) z.close(value);
    return { ...base, kind: "accepted", detail: describe(value) };
  }
  return { ...base, kind: "accepted", detail: describe(value) };
}

const ok = new Set<Kind>(["errno", "typed", "benign", "ok"]);

/** The exported function/class names of a module namespace. */
function exportedCallables(ns: Record<string, unknown>): string[] {
  return Object.keys(ns).filter((k) => typeof ns[k] === "function");
}

/**
 * Runs every case (zcall, plus the sock and uring catalogues when those
 * modules load) and returns the classified report.
 *
 * @example
 * ```ts
 * import { runCatalogue } from "./bad_input.ts";
 * import { sockSource } from "./bad_input_sock_cases.ts";
 * import { uringSource } from "./bad_input_uring_cases.ts";
 * const r = await runCatalogue([sockSource, uringSource]);
 * console.log(r.total, r.violations.length);
 * ```
 */
export async function runCatalogue(
  extra: CaseSource[] = [],
): Promise<Report> {
  const f = openFixtures();
  const outcomes: Outcome[] = [];
  const covered = new Set<string>();
  try {
    const sources: CaseSource[] = [
      () => Promise.resolve({ cases: zcallCases(f), cleanup: () => {} }),
      ...extra,
    ];
    for (const src of sources) {
      const { cases, cleanup } = await src();
      try {
        for (const c of cases) {
          covered.add(`${c.layer}:${c.fn.split(/[.( ]/)[0]}`);
          outcomes.push(await runCase(c));
        }
      } finally {
        // A fixture that cannot be closed cleanly after the cases is a
        // finding of its own (a bad input left state behind).
        try {
          await cleanup();
        } catch (e) {
          outcomes.push({
            layer: cases[0]?.layer ?? "zcall",
            fn: "cleanup",
            input: "closing the fixtures after the cases",
            kind: "untyped",
            detail: describe(e),
          });
        }
      }
    }
  } finally {
    closeFixtures(f);
  }
  const report: Report = {
    total: outcomes.length,
    byLayer: {},
    byKind: {},
    violations: [],
    known: {},
    knownExamples: {},
    uncovered: [],
  };
  for (const o of outcomes) {
    report.byLayer[o.layer] = (report.byLayer[o.layer] ?? 0) + 1;
    report.byKind[o.kind] = (report.byKind[o.kind] ?? 0) + 1;
    if (ok.has(o.kind)) continue;
    const id = Object.keys(KNOWN_FINDINGS).find((k) =>
      KNOWN_FINDINGS[k].match(o)
    );
    if (id === undefined) {
      report.violations.push(o);
    } else {
      report.known[id] = (report.known[id] ?? 0) + 1;
      const ex = report.knownExamples[id] ??= [];
      if (ex.length < 3) ex.push(o);
    }
  }
  const zNames = exportedCallables(z as unknown as Record<string, unknown>)
    .filter((n) =>
      !/^(errno|libraryFileName|libraryUrl|LibraryLoadError|MappingError|unsafeAddressOf|unsafePointer|detach|getpid|gettid|syscall6Big)/
        .test(n)
    );
  for (const n of zNames) {
    if (!covered.has(`zcall:${n}`)) report.uncovered.push(`zcall:${n}`);
  }
  return report;
}

if (import.meta.main) {
  const report = await runCatalogue([sockSource, uringSource]);
  console.log(`BAD_INPUT ${JSON.stringify(report)}`);
  // A bad input may leave an operation parked forever (a finding reported
  // above); it must not keep this program alive.
  Deno.exit(0);
}
