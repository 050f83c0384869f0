// When the kernel has let go of a ring's memory.
//
// close(2) on a ring fd only starts the teardown: the kernel cancels and
// reaps the ring's requests in a worker afterwards, and nothing stops it
// from running late (another ring's poll on this ring's fd, a fork that has
// not exec'd, load). Until then an operation in flight may still write
// through a user address, e.g. an io-wq recv that picked a provided buffer
// before it blocked. Pages the kernel pinned are safe once PageMemory gives
// their addresses fresh pages; addresses it writes through are not, so
// that memory must outlive the teardown.
//
// The signal: just before close, the write end of a pipe goes into the
// ring's registered-file table and this side closes its copy. The kernel
// frees the table only at the very end of the teardown, after every request
// of the ring is gone; the pipe's last writer goes with it and the read end
// reports POLLHUP. That is the fence the ring's provided-buffer memory (and
// any memory still pinned by requests) waits for before it is released.

import { IORING_REGISTER } from "../zcall/constants.ts";
import { type Mapping, unsafeAddressOf } from "../zcall/memory.ts";
import type { PageMemory, ReleaseFence } from "../zcall/page_memory.ts";
import { close, ioUringRegister, pipe2, poll } from "../zcall/syscalls.ts";

const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;
const POLLIN = 0x1;
const POLLHUP = 0x10;
const EBUSY = -16;

/** Passes once the ring it was armed on is torn down completely. */
export class TeardownFence implements ReleaseFence {
  #readFd = -1;
  #passed = false;
  #poll = new Uint8Array(8); // struct pollfd

  /**
   * Puts the sentinel into the ring's file table. Call it on the open ring
   * fd just before closing it: a table the ring already has gets the
   * sentinel in slot 0 (the ring is closing; requests in flight hold their
   * own references to the file they use). Returns false when it could not
   * (no descriptors left): the fence then never passes and the memory it
   * guards is kept for the life of the process.
   */
  arm(ringFd: number): boolean {
    if (this.#readFd >= 0 || this.#passed) return true;
    const fds = new Int32Array(2);
    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) < 0) return false;
    const table = new Uint8Array(fds.buffer, 4, 4); // the write end
    let r = ioUringRegister(ringFd, IORING_REGISTER.FILES, table, 1);
    if (r === EBUSY) {
      // struct io_uring_files_update { u32 offset; u32 resv; u64 fds; }
      const up = new Uint8Array(16);
      const a = unsafeAddressOf(fds) + 4; // fds[1]
      const dv = new DataView(up.buffer);
      dv.setUint32(8, a >>> 0, true);
      dv.setUint32(12, Math.floor(a / 2 ** 32), true);
      r = ioUringRegister(ringFd, IORING_REGISTER.FILES_UPDATE, up, 1);
      if (r === 1) r = 0;
    }
    close(fds[1]);
    if (r < 0) {
      close(fds[0]);
      return false;
    }
    this.#readFd = fds[0];
    return true;
  }

  /** Whether the ring's teardown finished (never blocks). */
  passed(): boolean {
    if (this.#passed) return true;
    const fd = this.#readFd;
    if (fd < 0) return false;
    const p = this.#poll;
    const dv = new DataView(p.buffer);
    dv.setInt32(0, fd, true);
    dv.setUint32(4, POLLIN, true);
    if (poll(p, 1, 0) !== 1 || (dv.getUint16(6, true) & POLLHUP) === 0) {
      return false;
    }
    close(fd);
    this.#readFd = -1;
    this.#passed = true;
    return true;
  }
}

/**
 * What a ring releases only after its teardown: memory of provided-buffer
 * groups registered on it (closed or not by their handles) and memory that
 * requests still in flight at close may write into. Shared by the ring, its
 * buffer-ring handles and the ring's finalizer record (it references no
 * ring object).
 */
export class RingTeardown {
  readonly fence: TeardownFence = new TeardownFence();
  #attached = new Set<PageMemory | Mapping>();
  #waiting = false;
  #armed = false;
  #finished = false;

  /** The fence, if finish() armed it (memory released later waits for it). */
  armedFence(): TeardownFence | null {
    return this.#armed ? this.fence : null;
  }

  /** Memory the kernel may write through its addresses while the ring lives. */
  attach(mem: PageMemory | Mapping): void {
    this.#attached.add(mem);
  }

  /**
   * Releases attached memory now for the JavaScript side (views detach) and
   * for the allocator after the teardown (a handle closed while its ring
   * still runs: an operation may have picked one of its buffers).
   */
  release(mem: PageMemory | Mapping): void {
    this.#attached.delete(mem);
    this.#waiting = true;
    // After a teardown that needed no fence, nothing will ever arm it.
    closeAfter(mem, this.#finished && !this.#armed ? undefined : this.fence);
  }

  /**
   * Called on the open ring fd just before it is closed: arms the fence if
   * anything waits for it or `inFlight` says requests may still use JS
   * memory, and releases the attached memory behind it. Returns the fence
   * to close other memory with, or null when nothing needs one.
   */
  finish(ringFd: number, inFlight: boolean): TeardownFence | null {
    this.#finished = true;
    const need = inFlight || this.#waiting || this.#attached.size > 0;
    if (!need) return null;
    this.fence.arm(ringFd);
    this.#armed = true;
    for (const m of this.#attached) closeAfter(m, this.fence);
    this.#attached.clear();
    return this.fence;
  }
}

function closeAfter(mem: PageMemory | Mapping, fence?: TeardownFence): void {
  try {
    // A Mapping (kernel-mapped buffer ring) is the kernel's own memory:
    // unmapping drops only this process's view of it.
    (mem as PageMemory).close(fence);
  } catch {
    // Already released.
  }
}

const teardowns = new WeakMap<object, RingTeardown>();

/** Links a ring object (public or core) to its teardown record. */
export function setTeardown(ring: object, t: RingTeardown): void {
  teardowns.set(ring, t);
}

/** The teardown record of a ring object, if it is one of the library's. */
export function teardownOf(ring: unknown): RingTeardown | undefined {
  return typeof ring === "object" && ring !== null
    ? teardowns.get(ring)
    : undefined;
}
