// Run by tests/zcall_leak_test.ts in a process of its own (test files share
// one process, so only a dedicated process can count /proc/self/fd and
// /proc/self/maps reliably). Exercises every descriptor- or mapping-creating
// wrapper in a loop and prints the counts before and after as JSON.

import {
  accept4,
  AF,
  bind,
  close,
  connect,
  EFD,
  epollCreate1,
  eventfd2,
  getsockname,
  ioUringSetup,
  listen,
  MAP,
  Mapping,
  memfdCreate,
  O,
  pidfdGetfd,
  pidfdOpen,
  pipe2,
  PROT,
  SFD,
  signalfd4,
  sigsetOf,
  SOCK,
  socket,
  socketpair,
  timerfdCreate,
} from "../../zcall/mod.ts";

const fdCount = () => [...Deno.readDirSync("/proc/self/fd")].length;
const maps = () => Deno.readTextFileSync("/proc/self/maps").trim().split("\n");
// A size nothing else in the process uses: 13 pages.
const ODD = 13 * 4096;
const oddMaps = () =>
  maps().filter((l) => {
    const [range] = l.split(" ");
    const [a, b] = range.split("-").map((h) => parseInt(h, 16));
    return b - a === ODD;
  }).length;

function round(): void {
  const two = new Int32Array(2);
  if (pipe2(two, O.CLOEXEC) !== 0) throw new Error("pipe2");
  close(two[0]);
  close(two[1]);
  if (socketpair(AF.UNIX, SOCK.STREAM | SOCK.CLOEXEC, 0, two) !== 0) {
    throw new Error("socketpair");
  }
  close(two[0]);
  close(two[1]);
  close(eventfd2(0, EFD.CLOEXEC));
  close(timerfdCreate(1, 0x80000));
  close(memfdCreate("leak", 1));
  close(epollCreate1(0x80000));
  close(signalfd4(-1, sigsetOf(10), 8, SFD.CLOEXEC));
  const pidfd = pidfdOpen(Deno.pid, 0);
  const efd = eventfd2(0, EFD.CLOEXEC);
  close(pidfdGetfd(pidfd, efd, 0));
  close(efd);
  close(pidfd);
  // TCP listener, client and accepted connection.
  const l = socket(AF.INET, SOCK.STREAM | SOCK.CLOEXEC, 0);
  const sa = new Uint8Array(16);
  new DataView(sa.buffer).setUint16(0, AF.INET, true);
  sa.set([127, 0, 0, 1], 4);
  bind(l, sa);
  listen(l, 4);
  const len = new Uint32Array([16]);
  getsockname(l, sa, len);
  const c = socket(AF.INET, SOCK.STREAM | SOCK.CLOEXEC, 0);
  if (connect(c, sa) !== 0) throw new Error("connect");
  const s = accept4(l, null, null, SOCK.CLOEXEC);
  if (s < 0) throw new Error(`accept4 ${s}`);
  close(s);
  close(c);
  close(l);
  // Mappings: anonymous, and an io_uring SQ ring.
  Mapping.anonymous(ODD).close();
  const params = new Uint8Array(120);
  const ring = ioUringSetup(4, params);
  const m = new Mapping(4096, PROT.READ | PROT.WRITE, MAP.SHARED, ring, 0);
  m.close();
  close(ring);
}

round(); // warm up: lazily opened runtime descriptors, JIT
const before = { fds: fdCount(), maps: maps().length, odd: oddMaps() };
const rounds = Number(Deno.args[0] ?? 200);
for (let i = 0; i < rounds; i++) round();
const after = { fds: fdCount(), maps: maps().length, odd: oddMaps() };
console.log(JSON.stringify({ rounds, before, after }));
