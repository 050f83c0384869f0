// Helpers for the sock tests: fd-leak checks against /proc/self/fd.
//
// `deno test --parallel` may run several test modules in one process, so
// /proc/self/fd also shows other modules' descriptors. The check therefore
// looks at the descriptors this module instance created during the test
// (reported by the sock layer's fd hook, identified by their inode) and
// asserts that none of them is still open afterwards.

import { reactorFds } from "../../sock/_reactor.ts";
import { _trackFds } from "../../sock/socket.ts";

function target(fd: number | string): string | null {
  try {
    return Deno.readLinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return null;
  }
}

/** The set of open descriptors of this process. */
export function openFds(): Set<string> {
  const s = new Set<string>();
  for (const e of Deno.readDirSync("/proc/self/fd")) s.add(e.name);
  return s;
}

/**
 * Runs `fn` and asserts that every socket it created was closed, checked
 * against /proc/self/fd (the reactor's own epoll/eventfd are created first
 * and do not count).
 */
export async function noFdLeak(fn: () => unknown): Promise<void> {
  reactorFds(true);
  const created: [number, string][] = [];
  _trackFds((fd) => {
    const t = target(fd);
    if (t !== null) created.push([fd, t]);
  });
  try {
    await fn();
  } finally {
    _trackFds(null);
  }
  let leaked: string[] = [];
  // Give asynchronous closes a few ticks.
  for (let i = 0; i < 20; i++) {
    leaked = created.filter(([fd, t]) => target(fd) === t).map(([fd, t]) =>
      `${fd} -> ${t}`
    );
    if (leaked.length === 0) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`fd leak: ${leaked.join(", ")}`);
}
