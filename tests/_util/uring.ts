// Helpers for the uring tests: loopback TCP pairs and listeners made
// with zcall, and fd/mapping leak checks against /proc/self.

import {
  accept4,
  AF,
  bind,
  close,
  connect,
  getsockname,
  IPPROTO,
  listen,
  setsockopt,
  SOCK,
  socket,
  TCP,
} from "../../zcall/mod.ts";

/** A 127.0.0.1:port sockaddr_in. */
export function sockaddrIn(port: number): Uint8Array {
  const sa = new Uint8Array(16);
  const dv = new DataView(sa.buffer);
  dv.setUint16(0, AF.INET, true);
  dv.setUint16(2, port, false);
  sa.set([127, 0, 0, 1], 4);
  return sa;
}

/** The local port of a socket. */
export function localPort(fd: number): number {
  const sa = new Uint8Array(16);
  const len = new Uint32Array([16]);
  if (getsockname(fd, sa, len) < 0) throw new Error("getsockname");
  return new DataView(sa.buffer).getUint16(2, false);
}

/** A listening TCP socket on 127.0.0.1, port 0: [fd, port]. */
export function tcpListener(nonblock = false): [number, number] {
  const fd = socket(
    AF.INET,
    SOCK.STREAM | SOCK.CLOEXEC | (nonblock ? SOCK.NONBLOCK : 0),
    0,
  );
  if (fd < 0) throw new Error(`socket ${fd}`);
  if (bind(fd, sockaddrIn(0)) < 0 || listen(fd, 128) < 0) {
    close(fd);
    throw new Error("bind/listen");
  }
  return [fd, localPort(fd)];
}

/** A blocking TCP client connected to 127.0.0.1:port. */
export function tcpConnect(port: number): number {
  const fd = socket(AF.INET, SOCK.STREAM | SOCK.CLOEXEC, 0);
  if (fd < 0) throw new Error(`socket ${fd}`);
  const r = connect(fd, sockaddrIn(port));
  if (r < 0) {
    close(fd);
    throw new Error(`connect ${r}`);
  }
  const one = new Uint8Array(new Int32Array([1]).buffer);
  setsockopt(fd, IPPROTO.TCP, TCP.NODELAY, one);
  return fd;
}

/** A connected loopback TCP pair: [client, server]. */
export function tcpPair(): [number, number] {
  const [l, port] = tcpListener();
  try {
    const c = tcpConnect(port);
    const s = accept4(l, null, null, SOCK.CLOEXEC);
    if (s < 0) throw new Error(`accept ${s}`);
    return [c, s];
  } finally {
    close(l);
  }
}

/** Open descriptors of this process. */
export function openFds(): Set<string> {
  const s = new Set<string>();
  for (const e of Deno.readDirSync("/proc/self/fd")) s.add(e.name);
  return s;
}

/** Number of io_uring mappings (SQ/CQ rings, SQEs, kernel buffer rings). */
export function mapCount(): number {
  return Deno.readTextFileSync("/proc/self/maps").split("\n")
    .filter((l) => l.includes("io_uring")).length;
}

/** Whether some mapping in /proc/self/maps contains `address`. */
export function isMapped(address: number): boolean {
  for (const l of Deno.readTextFileSync("/proc/self/maps").split("\n")) {
    const m = /^([0-9a-f]+)-([0-9a-f]+)/.exec(l);
    if (m && parseInt(m[1], 16) <= address && address < parseInt(m[2], 16)) {
      return true;
    }
  }
  return false;
}

/**
 * Whether the fd/mapping diff is reliable: test files running in parallel
 * share one process (and its fd table), so the strict check runs in the
 * isolated subprocess of uring_leaks_test.ts (KERNIO_URING_STRICT_LEAKS=1).
 */
export const STRICT_LEAKS: boolean = (() => {
  try {
    return Deno.env.get("KERNIO_URING_STRICT_LEAKS") === "1";
  } catch {
    return false;
  }
})();

/**
 * Runs `fn` and (in strict mode) checks it left no new descriptor and no new
 * io_uring mapping behind.
 */
export async function noLeaks(fn: () => unknown): Promise<void> {
  if (!STRICT_LEAKS) {
    await fn();
    return;
  }
  const fds = openFds();
  const maps = mapCount();
  await fn();
  // A ring with provided buffers closes its teardown fence (a pipe) only
  // once the kernel finished tearing it down: tens of milliseconds later.
  for (let i = 0; i < 200; i++) {
    const leaked = [...openFds()].filter((f) => !fds.has(f));
    if (leaked.length === 0 && mapCount() <= maps) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  const leaked = [...openFds()].filter((f) => !fds.has(f)).map((f) => {
    try {
      return `${f} -> ${Deno.readLinkSync(`/proc/self/fd/${f}`)}`;
    } catch {
      return f;
    }
  });
  if (leaked.length > 0) throw new Error(`fd leak: ${leaked.join(", ")}`);
  const now = mapCount();
  if (now > maps) throw new Error(`mapping leak: ${maps} -> ${now}`);
}

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
