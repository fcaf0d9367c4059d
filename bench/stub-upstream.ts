/**
 * The stub upstream of benchmark (c): answers every POST /orders with 201 and a fixed order, at
 * once, so a proxy in front of it measures its own cost and nothing of orders or PostgreSQL.
 * Run: tsx bench/stub-upstream.ts; prints its URL.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const body = JSON.stringify({ id: "4f0c0a31-8a0e-4a55-9d0e-3f2a1b0c9d8e", status: "PENDING" });
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res
      .writeHead(req.method === "POST" ? 201 : 404, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
      })
      .end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(
    `${JSON.stringify({ msg: "listening", address: `http://127.0.0.1:${port}` })}\n`,
  );
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
