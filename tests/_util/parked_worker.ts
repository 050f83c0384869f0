// A Worker whose driver is parked (a nonblocking poll on Deno's blocking
// pool) when it is terminated; the sleep completes 300 ms later, waking
// that poll after the Worker's isolate is gone.
import { UringDriver } from "../../uring/mod.ts";

const d = new UringDriver({ entries: 8 });
d.sleep(300).catch(() => {});
self.postMessage("parked");
