// Deno.serve "hello" baseline for the HTTP bench. Prints "LISTENING <port>".
// Run: deno run --allow-net=127.0.0.1 bench/deno/http_hello_serve.ts [port]
const port = Number(Deno.args[0] ?? 0);
Deno.serve({
  hostname: "127.0.0.1",
  port,
  onListen: ({ port }) => console.log(`LISTENING ${port}`),
}, () => new Response("Hello, World!"));
