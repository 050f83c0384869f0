/**
 * The HTTP bench's server: the same handler on kernio's `serve()` or on
 * `Deno.serve`, written as a user would. Prints `LISTENING <port>`.
 *
 * Run: `deno run --allow-all bench/_http_server.ts <kernio|deno>
 * <hello|json|stream> [port=0]`. Handlers: `hello` a fixed text, `json`
 * a small object through `Response.json`, `stream` 1 MiB as a
 * ReadableStream of 64 KiB chunks (unknown length: chunked).
 *
 * @example
 * ```sh
 * deno run --allow-all bench/_http_server.ts kernio hello 8080
 * ```
 *
 * @module
 */

const [impl = "kernio", kind = "hello", portArg = "0"] = Deno.args;
const CHUNK = new Uint8Array(64 * 1024).fill(120);

const handlers: Record<string, (req: Request) => Response> = {
  hello: () => new Response("Hello, World!"),
  json: (req) =>
    Response.json({
      message: "Hello, World!",
      path: new URL(req.url).pathname,
      items: [1, 2, 3],
    }),
  stream: () => {
    let left = 16;
    return new Response(
      new ReadableStream<Uint8Array>({
        pull(c) {
          c.enqueue(CHUNK);
          if (--left === 0) c.close();
        },
      }),
    );
  },
};
const handler = handlers[kind];
if (handler === undefined) throw new TypeError(`unknown handler ${kind}`);

const options = {
  hostname: "127.0.0.1",
  port: Number(portArg),
  onListen: ({ port }: { port: number }) => console.log(`LISTENING ${port}`),
};
// kernio is imported only for its own runs (the Deno.serve side runs
// without --allow-ffi).
const server = impl === "deno"
  ? Deno.serve(options, handler)
  : (await import("../http/mod.ts")).serve(options, handler);
Deno.addSignalListener("SIGTERM", () => void server.shutdown());
await server.finished;
Deno.exit(0);
