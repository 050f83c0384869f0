// node:net echo server for the echo bench. Prints "LISTENING <port>".
import net from "node:net";

const server = net.createServer({ noDelay: true }, (s) => {
  s.on("data", (d) => s.write(d));
  s.on("error", () => s.destroy());
});
server.listen(Number(process.argv[2] ?? 0), "127.0.0.1", () => {
  console.log(`LISTENING ${server.address().port}`);
});
