// Child of tests/boundary_sock_test.ts (run with --v8-flags=--expose-gc):
// sockets collected without close() have their descriptors closed, and a
// descriptor number closed behind the object's back and reused is never
// touched. Prints one JSON line.

import { NetSocket } from "../../sock/mod.ts";
import { socketsClosedByFinalizer } from "../../sock/_dropped.ts";
import { AF, close, pipe2, SOCK } from "../../zcall/mod.ts";

const gc = (globalThis as unknown as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");

function target(fd: number): string {
  try {
    return Deno.readLinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return "closed";
  }
}

function fdCount(): number {
  return [...Deno.readDirSync("/proc/self/fd")].length;
}

async function collect(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    gc!();
    await new Promise((r) => setTimeout(r, 20));
  }
}

// The reactor's own descriptors come with the first socket.
NetSocket.create(AF.INET, SOCK.DGRAM, 0).close();
const before = fdCount();
(() => {
  for (let k = 0; k < 100; k++) NetSocket.pair(AF.UNIX, SOCK.STREAM, 0);
  for (let k = 0; k < 50; k++) NetSocket.create(AF.INET, SOCK.DGRAM, 0);
})();
const during = fdCount();
await collect();
const after = fdCount();
const closed = socketsClosedByFinalizer();

// The number closed behind the object's back, then reused by a pipe and by
// another socket: both must survive the first object's finalization.
let pipeFd = -1, sockFd = -1, pipeWas = "", sockWas = "";
let keep: NetSocket | null = null;
(() => {
  const a = NetSocket.create(AF.INET, SOCK.DGRAM, 0);
  const n = a.fd;
  close(n);
  const p = new Int32Array(2);
  pipe2(p, 0o2000000);
  pipeFd = p[0] === n ? p[0] : p[1] === n ? p[1] : -1;
  pipeWas = target(pipeFd);
  const b = NetSocket.create(AF.INET, SOCK.DGRAM, 0);
  const m = b.fd;
  close(m);
  keep = NetSocket.create(AF.INET, SOCK.DGRAM, 0);
  sockFd = keep.fd === m ? m : -1;
  sockWas = target(sockFd);
})();
await collect();
console.log(JSON.stringify({
  before,
  during,
  after,
  closed,
  reusedPipe: pipeFd >= 0 && pipeWas.startsWith("pipe:") &&
    target(pipeFd) === pipeWas,
  reusedSocket: sockFd >= 0 && sockWas.startsWith("socket:") &&
    target(sockFd) === sockWas && keep !== null,
}));
