// Helpers for the sock tests: fd-leak checks against /proc/self/fd.

import { reactorFds } from "../sock/_reactor.ts";

/** The set of open descriptors of this process. */
export function openFds(): Set<string> {
  const s = new Set<string>();
  for (const e of Deno.readDirSync("/proc/self/fd")) s.add(e.name);
  return s;
}

/**
 * Runs `fn` and asserts that it closed every descriptor it opened (the
 * reactor's own epoll/eventfd are created first so they do not count).
 */
export async function noFdLeak(fn: () => unknown): Promise<void> {
  reactorFds(true);
  const before = openFds();
  await fn();
  // Deno closes some resources asynchronously: give it a couple of ticks.
  for (let i = 0; i < 20; i++) {
    const leaked = [...openFds()].filter((f) => !before.has(f));
    if (leaked.length === 0) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  const leaked = [...openFds()].filter((f) => !before.has(f));
  if (leaked.length > 0) {
    const targets = leaked.map((f) => {
      try {
        return `${f} -> ${Deno.readLinkSync(`/proc/self/fd/${f}`)}`;
      } catch {
        return f;
      }
    });
    throw new Error(`fd leak: ${targets.join(", ")}`);
  }
}
