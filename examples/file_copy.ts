/**
 * File copy with splice over io_uring: IORING_OP_OPENAT opens both files,
 * then IORING_OP_SPLICE moves the bytes file → pipe → file without copying
 * them through userspace, and IORING_OP_CLOSE closes them. With no
 * arguments it copies a generated 8 MiB temporary file, verifies the copy
 * and removes both.
 *
 * Run: `deno task build && deno run --allow-ffi --allow-read
 * --allow-write examples/file_copy.ts [src dst]` (or `deno task
 * example:copy`).
 *
 * @example
 * ```sh
 * deno run --allow-ffi --allow-read --allow-write examples/file_copy.ts a.bin b.bin
 * ```
 *
 * @module
 */

import { close, O, pipe2 } from "@kernio/kernio/zcall";
import { UringDriver } from "@kernio/kernio/uring";

const CHUNK = 1 << 16;

/**
 * Copies `src` to `dst` (created or truncated); resolves with the bytes
 * copied.
 *
 * @example
 * ```ts
 * import { spliceCopy } from "./file_copy.ts";
 * const n = await spliceCopy("a.bin", "b.bin");
 * ```
 */
export async function spliceCopy(src: string, dst: string): Promise<number> {
  const d = new UringDriver({ entries: 32 });
  const pipe = new Int32Array(2);
  let inFd = -1;
  let outFd = -1;
  try {
    if (pipe2(pipe, O.CLOEXEC) < 0) throw new Error("pipe2 failed");
    inFd = await d.openAt(src, O.RDONLY);
    outFd = await d.openAt(dst, O.WRONLY | O.CREAT | O.TRUNC, 0o644);
    let off = 0;
    for (;;) {
      // file → pipe at the source offset, then pipe → file at the same one.
      const n = await d.splice(inFd, pipe[1], CHUNK, off, -1);
      if (n === 0) break;
      let moved = 0;
      while (moved < n) {
        moved += await d.splice(pipe[0], outFd, n - moved, -1, off + moved);
      }
      off += n;
    }
    return off;
  } finally {
    if (inFd >= 0) await d.closeFd(inFd);
    if (outFd >= 0) await d.closeFd(outFd);
    if (pipe[0] > 0) close(pipe[0]);
    if (pipe[1] > 0) close(pipe[1]);
    await d.close();
  }
}

if (import.meta.main) {
  let [src, dst] = Deno.args;
  const demo = src === undefined;
  if (demo) {
    const dir = Deno.makeTempDirSync({ prefix: "kernio-copy-" });
    src = `${dir}/src.bin`;
    dst = `${dir}/dst.bin`;
    const data = new Uint8Array(8 << 20);
    for (let i = 0; i < data.length; i += 65536) {
      crypto.getRandomValues(data.subarray(i, i + 65536));
    }
    Deno.writeFileSync(src, data);
  } else if (dst === undefined) {
    console.error("usage: file_copy.ts [src dst]");
    Deno.exit(2);
  }
  const t0 = performance.now();
  const n = await spliceCopy(src, dst);
  const ms = performance.now() - t0;
  console.log(
    `copied ${n} bytes in ${ms.toFixed(1)} ms (${
      (n / 1048576 / (ms / 1000)).toFixed(0)
    } MiB/s)`,
  );
  if (demo) {
    const a = Deno.readFileSync(src);
    const b = Deno.readFileSync(dst);
    const same = a.length === b.length && a.every((v, i) => v === b[i]);
    console.log(same ? "verified: identical" : "MISMATCH");
    Deno.removeSync(src.slice(0, src.lastIndexOf("/")), { recursive: true });
    if (!same) Deno.exit(1);
  }
}
