// Timer fairness under load: counts the ticks of a 10 ms interval while a
// load runs and splits each tick's lateness into the machine's share (the
// JS thread waiting for a core, from /proc/thread-self/schedstat) and the
// event loop's own.

/** Run-queue wait of the calling (JS) thread so far, in ms. */
export function runQueueWaitMs(): number {
  const f = Deno.readTextFileSync("/proc/thread-self/schedstat");
  return Number(f.split(" ")[1]) / 1e6;
}

/** One measured window. */
export interface TickWindow {
  ticks: number;
  secs: number;
  /** Run-queue wait over the window, ms. */
  wait: number;
  /** Lateness past 10 ms that run-queue wait does not explain, ms. */
  ownLate: number;
  maxGapMs: number;
  msgs: number;
}

/** Ticks of a 10 ms interval while `load` runs (it returns a message count). */
export async function tickWindow(
  load: () => Promise<number>,
): Promise<TickWindow> {
  let ticks = 0;
  let ownLate = 0;
  let maxGapMs = 0;
  let last = performance.now();
  let lastWait = runQueueWaitMs();
  const w0 = lastWait;
  const timer = setInterval(() => {
    const now = performance.now();
    const wait = runQueueWaitMs();
    const gap = now - last;
    maxGapMs = Math.max(maxGapMs, gap);
    ownLate += Math.max(0, gap - 10 - (wait - lastWait));
    last = now;
    lastWait = wait;
    ticks++;
  }, 10);
  const t0 = performance.now();
  const msgs = await load();
  const secs = (performance.now() - t0) / 1000;
  clearInterval(timer);
  return { ticks, secs, wait: runQueueWaitMs() - w0, ownLate, maxGapMs, msgs };
}

/** Windows added up: tick rate, and the rate had ticks been late only by the event loop. */
export function sumWindows(ws: TickWindow[]): TickWindow & {
  rate: number;
  own: number;
} {
  const t = ws.reduce((a, w) => ({
    ticks: a.ticks + w.ticks,
    secs: a.secs + w.secs,
    wait: a.wait + w.wait,
    ownLate: a.ownLate + w.ownLate,
    maxGapMs: Math.max(a.maxGapMs, w.maxGapMs),
    msgs: a.msgs + w.msgs,
  }));
  return {
    ...t,
    rate: t.ticks / t.secs,
    own: 1000 / (10 + t.ownLate / Math.max(t.ticks, 1)),
  };
}
