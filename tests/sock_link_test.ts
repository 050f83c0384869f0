import assert from "node:assert/strict";
import { FdGuard } from "./_util/fd_guard.ts";
import {
  IFF,
  indexToZone,
  linkByIndex,
  linkByName,
  links,
  splitZone,
  zoneToIndex,
} from "../sock/link.ts";
import { SockError } from "../sock/errors.ts";
import { SockaddrInet6 } from "../sock/sockaddr.ts";

interface IpLink {
  ifindex: number;
  ifname: string;
  flags: string[];
  mtu: number;
  operstate: string;
  txqlen?: number;
  address?: string;
  broadcast?: string;
  qdisc?: string;
  link_type: string;
}

function ipLinks(): IpLink[] {
  const out = new Deno.Command("ip", { args: ["-j", "link", "show"] })
    .outputSync();
  assert.ok(out.success);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

Deno.test("sock link: links() matches ip -j link", () => {
  const guard = new FdGuard();
  const mine = links();
  const theirs = ipLinks();
  assert.ok(mine.length > 0);
  // Links may come and go while other tests run (veth pairs in namespaces
  // live elsewhere, but be tolerant): compare the ones both saw.
  const byIndex = new Map(mine.map((l) => [l.index, l]));
  let compared = 0;
  for (const t of theirs) {
    const m = byIndex.get(t.ifindex);
    if (m === undefined) continue;
    compared++;
    assert.equal(m.name, t.ifname.replace(/@.*/, ""));
    assert.equal(m.mtu, t.mtu);
    assert.equal(m.operState, t.operstate);
    if (t.txqlen !== undefined) assert.equal(m.txQueueLen, t.txqlen);
    if (t.address !== undefined) assert.equal(m.hardwareAddr, t.address);
    if (t.broadcast !== undefined) assert.equal(m.broadcast, t.broadcast);
    if (t.qdisc !== undefined) assert.equal(m.qdisc, t.qdisc);
    assert.equal((m.flags & IFF.UP) !== 0, t.flags.includes("UP"));
    assert.equal((m.flags & IFF.LOOPBACK) !== 0, t.flags.includes("LOOPBACK"));
    assert.equal(
      (m.flags & IFF.MULTICAST) !== 0,
      t.flags.includes("MULTICAST"),
    );
    assert.equal(
      (m.flags & IFF.LOWER_UP) !== 0,
      t.flags.includes("LOWER_UP"),
    );
  }
  assert.ok(compared > 0);
  guard.check();
});

Deno.test("sock link: by name, by index, zones", async (t) => {
  const lo = linkByName("lo");
  assert.equal(lo.type, 772); // ARPHRD_LOOPBACK
  assert.ok((lo.flags & IFF.LOOPBACK) !== 0);
  assert.deepEqual(linkByIndex(lo.index), lo);

  await t.step("unknown links raise ENODEV", () => {
    assert.throws(
      () => linkByName("nosuchlink0"),
      (e) => e instanceof SockError && e.code === "ENODEV",
    );
    assert.throws(
      () => linkByIndex(0x7ffffff0),
      (e) => e instanceof SockError && e.code === "ENODEV",
    );
  });

  await t.step("bad input", () => {
    assert.throws(() => linkByIndex(0), RangeError);
    assert.throws(() => linkByIndex(1.5), RangeError);
    assert.throws(() => linkByName(""), TypeError);
    assert.throws(() => linkByName("a/b"), TypeError);
    // deno-lint-ignore no-explicit-any
    assert.throws(() => zoneToIndex(3 as any), TypeError);
  });

  await t.step("IPv6 zones", () => {
    assert.equal(zoneToIndex("lo"), lo.index);
    assert.equal(zoneToIndex("7"), 7);
    assert.equal(zoneToIndex(""), 0);
    assert.equal(indexToZone(lo.index), "lo");
    assert.equal(indexToZone(0), "");
    assert.equal(indexToZone(0x7ffffff0), String(0x7ffffff0));
    assert.deepEqual(splitZone("fe80::1%lo"), {
      host: "fe80::1",
      scopeId: lo.index,
    });
    assert.deepEqual(splitZone("::1"), { host: "::1", scopeId: 0 });
    // SockaddrInet6 resolves zone names through the same rtnetlink lookup.
    const sa = SockaddrInet6.parse("fe80::1%lo", 80);
    assert.equal(sa.scopeId(), lo.index);
    assert.throws(() => SockaddrInet6.parse("fe80::1%nosuchlink0"), TypeError);
  });
});
