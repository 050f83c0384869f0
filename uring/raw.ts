/**
 * The raw SQE layer under `Uring`: the struct io_uring_sqe layout
 * (`SQE_LAYOUT`, `SQE_WORD`), field setters, and one prep function per
 * opcode (liburing's io_uring_prep_* family). A prep writes all 16 words of one SQE into
 * a Uint32Array; with a ring, claim the slot with `getSqe()`, write it
 * through `sqeWords`, and hand it back with `finishSqe()`, which fills in
 * user_data, flags and keeps buffers alive until the completion.
 *
 * This entry point needs no permission and loads without the native
 * library (the preps only write into a Uint32Array); a ring needs
 * `--allow-ffi` (see `@kernio/kernio/uring`).
 *
 * @example
 * ```ts
 * import { CQEView, forFD, Uring } from "@kernio/kernio/uring";
 * import { prepNop, SQE_WORD } from "@kernio/kernio/uring/raw";
 * const ring = new Uring({ entries: 8 });
 * ring.start();
 * const i = ring.getSqe();
 * prepNop(ring.sqeWords, i);
 * ring.finishSqe(i, forFD(0));
 * console.log(ring.sqeWords[i + SQE_WORD.USER_DATA_LO]);
 * const cqes = CQEView.array(4);
 * ring.wait(cqes); // 1
 * ring.stop();
 * ```
 *
 * @module
 * @tags allow-ffi
 */

export * from "./sqe.ts";
export { IORING_OP, IOSQE } from "../zcall/constants.ts";
