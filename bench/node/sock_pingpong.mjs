// 64-byte TCP ping-pong on one loopback connection with node:net, client
// and server in one process (the shape of bench/sock_bench.ts). Prints the
// mean round trip in ns.
import net from "node:net";

const iters = Number(process.argv[2] ?? 20000);
const server = net.createServer({ noDelay: true });
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address();
  const ping = Buffer.alloc(64, 1);
  server.once("connection", (s) => {
    s.setNoDelay(true);
    let got = 0;
    s.on("data", (d) => {
      got += d.length;
      while (got >= 64) {
        got -= 64;
        s.write(ping);
      }
    });
  });
  const c = net.connect({ port, host: "127.0.0.1", noDelay: true }, () => {
    const warm = Math.floor(iters / 10);
    let done = 0, got = 0, t0 = 0n;
    c.on("data", (d) => {
      got += d.length;
      while (got >= 64) {
        got -= 64;
        done++;
        if (done === warm) t0 = process.hrtime.bigint();
        if (done === warm + iters) {
          const ns = Number(process.hrtime.bigint() - t0) / iters;
          console.log(ns.toFixed(1));
          c.destroy();
          server.close();
          return;
        }
        c.write(ping);
      }
    });
    c.write(ping);
  });
});
