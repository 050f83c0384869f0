// Listener setup through io_uring ops (SOCKET → BIND → LISTEN) against the
// real kernel, then multishot accept on it.

import assert from "node:assert/strict";
import {
  CQEView,
  decodeListenerCQE,
  dispatchCQE,
  ListenerManager,
  type ListenerStep,
  ListenerSubscriber,
  MultishotAction,
  MultishotSubscriber,
  NoopListenerHandler,
  NotReadyError,
  prepareListenerBind,
  prepareListenerListen,
  setListenerReady,
  submitExtended,
  Uring,
  UringError,
} from "../uring/mod.ts";
import { close, IORING_OP } from "../zcall/mod.ts";
import { noLeaks, tcpConnect } from "./_util/uring.ts";

const cqes = Array.from({ length: 16 }, () => new CQEView());

function nextSteps(ring: Uring, max = 100): ListenerStep[] {
  for (let i = 0; i < max; i++) {
    const n = ring.waitBlocking(cqes, 1, 10);
    const out: ListenerStep[] = [];
    for (let k = 0; k < n; k++) {
      const s = decodeListenerCQE(cqes[k]);
      if (s) out.push(s);
    }
    if (out.length) return out;
  }
  return [];
}

Deno.test("uring listener: SOCKET → BIND → LISTEN by hand, then multishot accept", async () => {
  await noLeaks(() => {
    using ring = new Uring({ entries: 16 });
    ring.start();
    const events: string[] = [];
    const op = new ListenerManager(ring).listenTCP4(
      { hostname: "127.0.0.1", port: 0 },
      64,
      new ListenerSubscriber()
        .onSocketCreated((fd) => {
          events.push(`socket ${fd >= 0}`);
          return true;
        })
        .onBound(() => {
          events.push("bound");
          return true;
        })
        .onListening(() => events.push("listening")),
    );
    assert.equal(op.state, "init");
    assert.equal(op.fd, -1);
    assert.throws(
      () => op.acceptMultishot(new MultishotSubscriber()),
      (e) =>
        e instanceof NotReadyError && e instanceof UringError &&
        e.code === "ENOTREADY" && e.errno === 11,
    );

    let [step] = nextSteps(ring);
    assert.equal(step.opcode, IORING_OP.SOCKET);
    assert.equal(step.state, "socket");
    assert.ok(step.fd >= 0 && step.proceed);
    prepareListenerBind(step.ext, step.fd);
    submitExtended(ring, step.ext);

    [step] = nextSteps(ring);
    assert.equal(step.opcode, IORING_OP.BIND);
    assert.equal(step.state, "bound");
    assert.ok(op.port() > 0);
    prepareListenerListen(step.ext, op.fd);
    submitExtended(ring, step.ext);

    [step] = nextSteps(ring);
    assert.equal(step.opcode, IORING_OP.LISTEN);
    assert.equal(step.state, "listening");
    setListenerReady(step.ext);
    assert.equal(op.state, "ready");
    assert.deepEqual(events, ["socket true", "bound", "listening"]);

    const accepted: number[] = [];
    let stopped = 0;
    const sub = op.acceptMultishot(
      new MultishotSubscriber()
        .onStep((s) => {
          if (s.err === null) accepted.push(s.cqe.res);
          return MultishotAction.Continue;
        })
        .onStop(() => stopped++),
    );
    ring.submit();
    const clients = [tcpConnect(op.port()), tcpConnect(op.port())];
    for (let i = 0; i < 100 && accepted.length < 2; i++) {
      const n = ring.waitBlocking(cqes, 1, 10);
      for (let k = 0; k < n; k++) dispatchCQE(cqes[k]);
    }
    assert.equal(accepted.length, 2);
    sub.cancel();
    for (let i = 0; i < 100 && sub.active(); i++) {
      const n = ring.waitBlocking(cqes, 1, 10);
      for (let k = 0; k < n; k++) dispatchCQE(cqes[k]);
    }
    assert.equal(stopped, 1);
    for (const fd of [...accepted, ...clients]) close(fd);
    op.close();
    op.close();
    assert.equal(op.fd, -1);
  });
});

Deno.test("uring listener: advance() chain, failures reach onError", async () => {
  await noLeaks(() => {
    using ring = new Uring({ entries: 16 });
    ring.start();
    const m = new ListenerManager(ring);
    const a = m.listenTCP4({ hostname: "127.0.0.1", port: 0 }, 16);
    let ready = false;
    for (let i = 0; i < 10 && !ready; i++) {
      for (const s of nextSteps(ring)) ready = s.op.advance(s);
    }
    assert.ok(ready);
    assert.equal(a.state, "ready");
    // A second listener on the same port fails at BIND with EADDRINUSE.
    const errors: string[] = [];
    class H extends NoopListenerHandler {
      override onError(op: number, err: UringError) {
        errors.push(`${op} ${err.code}`);
      }
    }
    const b = m.listenTCP4(
      { hostname: "127.0.0.1", port: a.port() },
      16,
      new H(),
    );
    let failed: ListenerStep | undefined;
    for (let i = 0; i < 10 && !failed; i++) {
      for (const s of nextSteps(ring)) {
        if (s.err) failed = s;
        else s.op.advance(s);
      }
    }
    assert.ok(failed);
    assert.equal(failed.opcode, IORING_OP.BIND);
    assert.equal(b.state, "failed");
    assert.deepEqual(errors, [`${IORING_OP.BIND} EADDRINUSE`]);
    // onSocketCreated returning false stops the chain.
    const c = m.listenTCP4(
      { hostname: "127.0.0.1", port: 0 },
      16,
      new ListenerSubscriber().onSocketCreated(() => false),
    );
    const [s] = nextSteps(ring);
    assert.equal(s.proceed, false);
    assert.equal(c.advance(s), false);
    assert.equal(c.state, "socket");
    for (const op of [a, b, c]) op.close();
    // Unix listener through the same chain.
    const path = Deno.makeTempDirSync() + "/l.sock";
    const u = m.listenUnix({ path }, 4);
    let uready = false;
    for (let i = 0; i < 10 && !uready; i++) {
      for (const st of nextSteps(ring)) uready = st.op.advance(st);
    }
    assert.ok(uready);
    u.close();
    Deno.removeSync(path);
    Deno.removeSync(path.slice(0, -7));
    assert.throws(
      () => m.listenTCP4({ hostname: "127.0.0.1", port: 0 }, -1),
      RangeError,
    );
    assert.throws(
      () => m.listenTCP6({ hostname: "127.0.0.1", port: 0 }, 1),
      TypeError,
    );
    assert.throws(
      () => m.listenTCP4({ hostname: "127.0.0.1", port: 0 }, 1, {} as never),
      TypeError,
    );
    // deno-lint-ignore no-explicit-any
    assert.throws(() => new ListenerManager({} as any), TypeError);
  });
});
