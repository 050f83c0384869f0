// zcall positional vectored I/O on a sparse temp file: offsets above 4 GiB
// prove the lo/hi split of 64-bit offsets.

import assert from "node:assert/strict";
import {
  close,
  Errno,
  Iovecs,
  O,
  pipe2,
  preadv,
  preadv2,
  pwritev,
  pwritev2,
  read,
  RWF,
} from "../zcall/mod.ts";
import { dec, enc, openPath } from "./_util/zcall.ts";

const E = Errno;
const GiB = 1024 ** 3;

Deno.test("zcall: preadv/pwritev/preadv2/pwritev2 on a sparse file", async (t) => {
  const dir = Deno.makeTempDirSync({ prefix: "kernio_file_" });
  const path = `${dir}/sparse`;
  const fd = openPath(path, O.RDWR | O.CREAT | O.EXCL);
  assert.ok(fd >= 0, `openat: ${fd}`);
  try {
    await t.step("pwritev/preadv above 4 GiB", () => {
      const off = 5 * GiB + 3; // hi = 1, lo = GiB + 3
      const w = new Iovecs(2).set(0, enc("high")).set(1, enc("-data"));
      assert.equal(pwritev(fd, w.bytes, 2, off), 9);
      assert.equal(Deno.statSync(path).size, off + 9);
      const a = new Uint8Array(4), b = new Uint8Array(5);
      const r = new Iovecs(2).set(0, a).set(1, b);
      assert.equal(preadv(fd, r.bytes, 2, off), 9);
      assert.equal(dec(a) + dec(b), "high-data");
      // Same low word, high word 0: a hole (zeros), so hi was not dropped.
      const low = new Uint8Array(4);
      const r1 = new Iovecs(1).set(0, low);
      assert.equal(preadv(fd, r1.bytes, 1, GiB + 3), 4);
      assert.deepEqual([...low], [0, 0, 0, 0]);
      // Exactly at 2^32.
      assert.equal(
        pwritev(fd, new Iovecs(1).set(0, enc("B")).bytes, 1, 2 ** 32),
        1,
      );
      assert.equal(preadv(fd, r1.bytes, 1, 2 ** 32 - 1), 4);
      assert.deepEqual([...low], [0, 66, 0, 0]);
      // Past EOF reads 0 bytes.
      assert.equal(preadv(fd, r1.bytes, 1, 6 * GiB), 0);
    });

    await t.step("preadv2/pwritev2 with flags and the current position", () => {
      const off = 4 * GiB + 100;
      const w = new Iovecs(1).set(0, enc("v2"));
      assert.equal(pwritev2(fd, w.bytes, 1, off, RWF.DSYNC), 2);
      const got = new Uint8Array(2);
      const r = new Iovecs(1).set(0, got);
      const n = preadv2(fd, r.bytes, 1, off, RWF.NOWAIT);
      // NOWAIT may decline when the page is not cached; both are kernel truth.
      assert.ok(n === 2 || n === -E.EAGAIN, `preadv2 NOWAIT: ${n}`);
      assert.equal(preadv2(fd, r.bytes, 1, off, 0), 2);
      assert.equal(dec(got), "v2");
      // Offset -1: the file position, which advances (starts at 0).
      const head = new Uint8Array(1);
      const rh = new Iovecs(1).set(0, head);
      assert.equal(
        pwritev2(fd, new Iovecs(1).set(0, enc("AB")).bytes, 1, -1, 0),
        2,
      );
      assert.equal(preadv2(fd, rh.bytes, 1, -1, 0), 1); // position 2 now: hole
      assert.equal(head[0], 0);
      assert.equal(preadv2(fd, rh.bytes, 1, 0, 0), 1);
      assert.equal(dec(head), "A");
      // RWF_APPEND writes at the end whatever the offset says.
      const size = Deno.statSync(path).size;
      assert.equal(
        pwritev2(fd, new Iovecs(1).set(0, enc("Z")).bytes, 1, 0, RWF.APPEND),
        1,
      );
      assert.equal(Deno.statSync(path).size, size + 1);
    });

    await t.step("error paths", () => {
      const buf = new Uint8Array(4);
      const iov = new Iovecs(1).set(0, buf);
      // Offsets are refused before the kernel sees them.
      for (const bad of [-1, -2, 0.5, NaN, Infinity, 2 ** 53]) {
        assert.equal(preadv(fd, iov.bytes, 1, bad), -E.EINVAL, `preadv ${bad}`);
        assert.equal(
          pwritev(fd, iov.bytes, 1, bad),
          -E.EINVAL,
          `pwritev ${bad}`,
        );
      }
      for (const bad of [-2, 1.5, NaN, 2 ** 53]) {
        assert.equal(preadv2(fd, iov.bytes, 1, bad, 0), -E.EINVAL);
        assert.equal(pwritev2(fd, iov.bytes, 1, bad, 0), -E.EINVAL);
      }
      // iovcnt beyond the iovec array.
      assert.equal(preadv(fd, iov.bytes, 2, 0), -E.EFAULT);
      assert.equal(pwritev(fd, iov.bytes, 2, 0), -E.EFAULT);
      assert.equal(preadv2(fd, iov.bytes, 2, 0, 0), -E.EFAULT);
      assert.equal(pwritev2(fd, iov.bytes, 2, 0, 0), -E.EFAULT);
      // Kernel errors.
      assert.equal(preadv(-1, iov.bytes, 1, 0), -E.EBADF);
      assert.equal(pwritev(-1, iov.bytes, 1, 0), -E.EBADF);
      assert.equal(preadv2(-1, iov.bytes, 1, 0, 0), -E.EBADF);
      assert.equal(pwritev2(-1, iov.bytes, 1, 0, 0), -E.EBADF);
      assert.equal(preadv2(fd, iov.bytes, 1, 0, 0x40000000), -E.EOPNOTSUPP);
      const fds = new Int32Array(2);
      assert.equal(pipe2(fds, O.CLOEXEC), 0);
      assert.equal(preadv(fds[0], iov.bytes, 1, 0), -E.ESPIPE);
      assert.equal(pwritev(fds[1], iov.bytes, 1, 0), -E.ESPIPE);
      close(fds[0]);
      close(fds[1]);
      // Reading a write-only descriptor.
      const wo = openPath(path, O.WRONLY);
      assert.equal(read(wo, buf), -E.EBADF);
      assert.equal(preadv(wo, iov.bytes, 1, 0), -E.EBADF);
      close(wo);
    });
  } finally {
    close(fd);
    Deno.removeSync(dir, { recursive: true });
  }
});
