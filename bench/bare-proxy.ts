/**
 * The baseline of benchmark (c): a bare Fastify proxy for POST /orders to the same upstream, with the same HTTP client the gateway uses (undici's `request` on a keep-alive Agent),
 * and nothing else: no request ids, validation, timeouts, retries, circuit breaker, metrics or
 * logs.
 * Run: tsx --conditions=causeway-source bench/bare-proxy.ts (env ORDERS_URL); prints its URL.
 */
import Fastify from "fastify";
import { Agent, request } from "undici";

async function main(): Promise<void> {
  const orders = process.env.ORDERS_URL;
  if (!orders) throw new Error("ORDERS_URL is required");
  const app = Fastify({ logger: false });
  const dispatcher = new Agent({ keepAliveTimeout: 4_000 });
  app.post("/orders", async (req, reply) => {
    const res = await request(`${orders}/orders`, {
      method: "POST",
      dispatcher,
      headers: {
        "content-type": "application/json",
        "idempotency-key": String(req.headers["idempotency-key"]),
      },
      body: JSON.stringify(req.body),
    });
    const text = await res.body.text();
    return reply.code(res.statusCode).header("content-type", "application/json").send(text);
  });
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  process.stdout.write(`${JSON.stringify({ msg: "listening", address })}\n`);
  process.once("SIGTERM", () => void app.close().then(() => process.exit(0)));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
