import Fastify from "fastify";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@causeway/kit";
import { buildGatewayApp } from "./app";
import { loadGatewayConfig } from "./config";

const body = {
  customerId: "cus_1",
  currency: "EUR",
  items: [{ sku: "book", quantity: 1, unitPriceCents: 1000 }],
};
const orderId = "4f0c0a31-8a0e-4a55-9d0e-3f2a1b0c9d8e";

describe("gateway", () => {
  // A stand-in for orders that records what it receives.
  const upstream = Fastify();
  const seen: Array<{
    method: string;
    url: string;
    headers: Record<string, unknown>;
    body: unknown;
  }> = [];
  let failNext = 0;
  let gateway: FastifyInstance;

  beforeAll(async () => {
    upstream.post("/orders", async (req, reply) => {
      seen.push({ method: "POST", url: req.url, headers: req.headers, body: req.body });
      if (failNext > 0) {
        failNext--;
        return reply.code(503).send({ error: { code: "SHUTTING_DOWN" } });
      }
      return reply
        .code(201)
        .header("idempotent-replayed", "true")
        .send({ id: orderId, status: "PENDING" });
    });
    upstream.get("/orders/:id", async (req, reply) => {
      seen.push({ method: "GET", url: req.url, headers: req.headers, body: undefined });
      return reply
        .code(404)
        .send({ error: { code: "ORDER_NOT_FOUND", message: "No order with this id." } });
    });
    const url = await upstream.listen({ host: "127.0.0.1", port: 0 });
    gateway = buildGatewayApp({
      ordersUrl: url,
      app: { logger: createLogger({ name: "gateway", level: "silent" }) },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream.close();
  });

  it("forwards POST /orders with the Idempotency-Key, request id and a traceparent", async () => {
    seen.length = 0;
    const res = await gateway.inject({
      method: "POST",
      url: "/orders",
      payload: body,
      headers: { "idempotency-key": "k-1", "x-request-id": "req-1" },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ id: orderId, status: "PENDING" });
    expect(res.headers["idempotent-replayed"]).toBe("true");
    expect(seen).toHaveLength(1);
    expect(seen[0]!.body).toEqual(body);
    expect(seen[0]!.headers).toMatchObject({ "idempotency-key": "k-1", "x-request-id": "req-1" });
    expect(seen[0]!.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it("retries a keyed POST when orders answers 503 (safe: same key)", async () => {
    seen.length = 0;
    failNext = 1;
    const res = await gateway.inject({
      method: "POST",
      url: "/orders",
      payload: body,
      headers: { "idempotency-key": "k-2" },
    });
    expect(res.statusCode).toBe(201);
    expect(seen.map((s) => s.headers["idempotency-key"])).toEqual(["k-2", "k-2"]);
  });

  it("requires the Idempotency-Key and a valid body before calling orders", async () => {
    seen.length = 0;
    const noKey = await gateway.inject({ method: "POST", url: "/orders", payload: body });
    expect(noKey.statusCode).toBe(400);
    expect(noKey.json().error.code).toBe("IDEMPOTENCY_KEY_MISSING");
    const bad = await gateway.inject({
      method: "POST",
      url: "/orders",
      payload: { ...body, items: [{ sku: "x", quantity: 0, unitPriceCents: 1 }], extra: 1 },
      headers: { "idempotency-key": "k-3" },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe("VALIDATION_FAILED");
    expect((await gateway.inject({ method: "GET", url: "/orders/not-a-uuid" })).statusCode).toBe(
      400,
    );
    expect(seen).toEqual([]);
  });

  it("passes upstream statuses and error bodies through on GET /orders/:id", async () => {
    const res = await gateway.inject({ method: "GET", url: `/orders/${orderId}` });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe("ORDER_NOT_FOUND");
  });

  it("answers 503 UPSTREAM_UNAVAILABLE when orders is unreachable", async () => {
    const dead = buildGatewayApp({
      ordersUrl: "http://127.0.0.1:1",
      app: { logger: createLogger({ name: "gateway", level: "silent" }) },
    });
    const res = await dead.inject({ method: "GET", url: `/orders/${orderId}` });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe("UPSTREAM_UNAVAILABLE");
    await dead.close();
  });

  it("needs only what NodeService sets: SERVICE_NAME, HOST, PORT, SHUTDOWN_TIMEOUT_MS, ORDERS_URL", () => {
    const config = loadGatewayConfig({
      SERVICE_NAME: "gateway",
      HOST: "0.0.0.0",
      PORT: "8080",
      SHUTDOWN_TIMEOUT_MS: "20000",
      ORDERS_URL: "http://orders.causeway.svc.cluster.local:8080",
    });
    expect(config).toMatchObject({ PORT: 8080, UPSTREAM_TIMEOUT_MS: 2000 });
    expect(() => loadGatewayConfig({ SERVICE_NAME: "gateway", ORDERS_URL: "ftp://x" })).toThrow(
      "ORDERS_URL: must be an http(s) URL",
    );
  });
});
