// fd-leak checks for the sock tests that hold under `deno test --parallel`
// (several modules may share the process, so /proc/self/fd counts are
// meaningless): each descriptor a test creates is recorded with its target
// (socket:[inode], pipe:[inode]...) and must be gone afterwards. Sockets
// opened through the sock layer are recorded by its fd hook; descriptors
// made through zcall directly are passed to track().

import { reactorFds } from "../../sock/_reactor.ts";
import { _trackFds } from "../../sock/socket.ts";

function target(fd: number): string | null {
  try {
    return Deno.readLinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return null;
  }
}

let current: FdGuard | null = null;

/** Records `fd` (if a guard is active) and returns it. */
export function track(fd: number): number {
  current?.add(fd);
  return fd;
}

/** Collects the descriptors created from construction to check(). */
export class FdGuard {
  readonly #created: [number, string][] = [];

  constructor() {
    reactorFds(true);
    current = this;
    _trackFds((fd) => this.add(fd));
  }

  add(fd: number): void {
    const t = fd >= 0 ? target(fd) : null;
    if (t !== null) this.#created.push([fd, t]);
  }

  /** Throws when a recorded descriptor is still open. */
  check(): void {
    _trackFds(null);
    if (current === this) current = null;
    const leaked = this.#created.filter(([fd, t]) => target(fd) === t);
    if (leaked.length > 0) {
      throw new Error(
        `fd leak: ${leaked.map(([fd, t]) => `${fd} -> ${t}`).join(", ")}`,
      );
    }
  }
}
