// Network-namespace helpers for tests that build their own hosts (veth
// pairs between namespaces made by the test and deleted by it).

import assert from "node:assert/strict";
import { close, O, SYS, syscall6, unsafeAddressOf } from "../../zcall/mod.ts";

const CLONE_NEWNET = 0x40000000;

/**
 * Runs `ip` with `args`; throws with its stderr on failure.
 *
 * @example
 * ```ts
 * import { ip } from "./netns.ts";
 * ip("link", "show", "lo");
 * ```
 */
export function ip(...args: string[]): void {
  const out = new Deno.Command("ip", { args, stderr: "piped" }).outputSync();
  if (!out.success) {
    throw new Error(
      `ip ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
}

/**
 * Why namespaces cannot be made here (not root, no iproute2), or null.
 *
 * @example
 * ```ts
 * import { netnsUnavailable } from "./netns.ts";
 * const reason = netnsUnavailable("probe");
 * ```
 */
export function netnsUnavailable(probePrefix: string): string | null {
  if (Deno.uid() !== 0) return "not root: ip netns needs CAP_SYS_ADMIN";
  try {
    const probe = `${probePrefix}${Deno.pid}`;
    ip("netns", "add", probe);
    ip("netns", "del", probe);
    return null;
  } catch (e) {
    return `ip netns unavailable: ${(e as Error).message}`;
  }
}

function openPath(path: string): number {
  const c = new TextEncoder().encode(path + "\0");
  const fd = syscall6(
    SYS.OPENAT,
    -100,
    unsafeAddressOf(c),
    O.RDONLY | O.CLOEXEC,
    0,
    0,
    0,
  );
  assert.ok(fd >= 0, `open ${path}: ${fd}`);
  return fd;
}

/**
 * Runs `fn` with the calling thread (Deno's JS thread, where FFI calls run)
 * inside network namespace `name`: sockets created there stay in it.
 *
 * @example
 * ```ts
 * import { inNetns } from "./netns.ts";
 * declare const makeSocket: () => number;
 * const fd = inNetns("kio-a", makeSocket);
 * ```
 */
export function inNetns<T>(name: string, fn: () => T): T {
  const self = openPath("/proc/thread-self/ns/net");
  const target = openPath(`/run/netns/${name}`);
  try {
    assert.equal(syscall6(SYS.SETNS, target, CLONE_NEWNET, 0, 0, 0, 0), 0);
    try {
      return fn();
    } finally {
      assert.equal(syscall6(SYS.SETNS, self, CLONE_NEWNET, 0, 0, 0, 0), 0);
    }
  } finally {
    close(self);
    close(target);
  }
}
