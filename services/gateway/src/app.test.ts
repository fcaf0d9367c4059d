import { randomBytes } from "node:crypto";
import Fastify from "fastify";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
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
    at: number;
  }> = [];
  let failNext = 0;
  /** Retry-After sent with the next scripted 503s, if any. */
  let retryAfter: string | undefined;
  let gateway: FastifyInstance;

  beforeAll(async () => {
    upstream.post("/orders", async (req, reply) => {
      seen.push({
        method: "POST",
        url: req.url,
        headers: req.headers,
        body: req.body,
        at: Date.now(),
      });
      // An answer about this one request (a bug its input triggers), from a live upstream.
      if ((req.body as { customerId?: string }).customerId === "boom") {
        return reply.code(500).send({ error: { code: "INTERNAL" } });
      }
      if (failNext > 0) {
        failNext--;
        if (retryAfter !== undefined) void reply.header("retry-after", retryAfter);
        return reply.code(503).send({ error: { code: "SHUTTING_DOWN" } });
      }
      return reply
        .code(201)
        .header("idempotent-replayed", "true")
        .send({ id: orderId, status: "PENDING" });
    });
    upstream.get("/orders/:id", async (req, reply) => {
      seen.push({
        method: "GET",
        url: req.url,
        headers: req.headers,
        body: undefined,
        at: Date.now(),
      });
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

  it("honours orders' Retry-After: waits it out when short, hands it to the client when long", async () => {
    const post = (key: string) =>
      gateway.inject({
        method: "POST",
        url: "/orders",
        payload: body,
        headers: { "idempotency-key": key },
      });
    try {
      // Short: the retry comes no sooner than orders asked (the policy alone would retry at once).
      seen.length = 0;
      failNext = 1;
      retryAfter = "1";
      const res = await post("k-ra-1");
      expect(res.statusCode).toBe(201);
      const [first, second] = seen.map((s) => s.at);
      expect(second! - first!).toBeGreaterThanOrEqual(990);
      // Long: no retry here; the client gets orders' 503 and its Retry-After at once.
      seen.length = 0;
      failNext = 1;
      retryAfter = "120";
      const shed = await post("k-ra-2");
      expect([shed.statusCode, shed.headers["retry-after"]]).toEqual([503, "120"]);
      expect(seen).toHaveLength(1);
    } finally {
      failNext = 0;
      retryAfter = undefined;
    }
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

  it("refuses what the admission contract refuses, with the field and the fix, before orders", async () => {
    seen.length = 0;
    const item = body.items[0]!;
    const send = (payload: string | Buffer | object, key: string) =>
      gateway.inject({
        method: "POST",
        url: "/orders",
        payload,
        headers: { "idempotency-key": key, "content-type": "application/json" },
      });
    const cases: Array<[string, string | Buffer | object, RegExp]> = [
      ["XYZ", { ...body, currency: "XYZ" }, /currency must be equal to one of the allowed values/],
      [
        "price 0",
        { ...body, items: [{ ...item, unitPriceCents: 0 }] },
        /the order total is 0 cents; it must be at least 1 cent/,
      ],
      ["NUL", { ...body, customerId: "a\u0000b" }, /customerId must match pattern/],
      [
        "lone surrogate",
        JSON.stringify({ ...body, items: [{ ...item, sku: "PLACEHOLDER" }] }).replace(
          "PLACEHOLDER",
          "\\ud800",
        ),
        /sku must match pattern/,
      ],
      [
        "invalid UTF-8",
        Buffer.concat([
          Buffer.from('{"customerId":"a'),
          Buffer.from([0xff]),
          Buffer.from('","currency":"EUR","items":[{"sku":"s","quantity":1,"unitPriceCents":1}]}'),
        ]),
        /not valid UTF-8/,
      ],
      [
        "total above the cap",
        { ...body, items: [{ ...item, quantity: 11, unitPriceCents: 10_000_000 }] },
        /order total is 110000000 cents, above the cap of 100000000 cents; split the order/,
      ],
    ];
    for (const [name, payload, message] of cases) {
      const res = await send(payload, `adm-${name.replace(/\W/g, "-")}`);
      expect([name, res.statusCode, res.json().error.code]).toEqual([
        name,
        400,
        "VALIDATION_FAILED",
      ]);
      expect(res.json().error.message).toMatch(message);
    }
    expect(seen).toEqual([]);
    // Valid Unicode outside the BMP is accepted, its length counted in code points (128).
    const emoji = await send({ ...body, customerId: "\u{1F600}".repeat(128) }, "adm-emoji");
    expect(emoji.statusCode).toBe(201);
    expect(seen).toHaveLength(1);
  });

  it("an upstream 500 (an answer about one request) never opens the circuit for others", async () => {
    seen.length = 0;
    for (let i = 0; i < 12; i++) {
      const res = await gateway.inject({
        method: "POST",
        url: "/orders",
        payload: { ...body, customerId: "boom" },
        headers: { "idempotency-key": `boom-${i}` },
      });
      expect(res.statusCode).toBe(500); // passed through, not retried
    }
    expect(seen).toHaveLength(12);
    const good = await gateway.inject({
      method: "POST",
      url: "/orders",
      payload: body,
      headers: { "idempotency-key": "after-boom" },
    });
    expect(good.statusCode).toBe(201);
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
    expect(config).toMatchObject({
      PORT: 8080,
      UPSTREAM_TIMEOUT_MS: 2000,
      BREAKER_THRESHOLD: 5,
      RATE_LIMIT_MAX: 600,
      RATE_LIMIT_WINDOW_MS: 60_000,
      TRUST_PROXY_HOPS: 0,
    });
    expect(config.RATE_LIMIT_REDIS_URL).toBeUndefined();
    expect(() =>
      loadGatewayConfig({
        SERVICE_NAME: "gateway",
        ORDERS_URL: "http://orders:8080",
        RATE_LIMIT_REDIS_URL: "http://redis:6379",
        RATE_LIMIT_MAX: "-1",
      }),
    ).toThrow(
      /RATE_LIMIT_MAX: must be an integer from 0 to 1000000\n {2}- RATE_LIMIT_REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/,
    );
    expect(() => loadGatewayConfig({ SERVICE_NAME: "gateway", ORDERS_URL: "ftp://x" })).toThrow(
      "ORDERS_URL: must be an http(s) URL",
    );
  });
});

const TEST_REDIS_URL = process.env.KIT_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

describe("gateway rate limit (real Redis, shared by two replicas)", () => {
  const prefix = `causeway-test:rl:${randomBytes(5).toString("hex")}:`;
  const admin = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const upstream = Fastify();
  const replicas: FastifyInstance[] = [];
  let reachable = false;

  beforeAll(async () => {
    reachable = await admin.connect().then(
      () => true,
      () => false,
    );
    if (!reachable) return;
    upstream.post("/orders", async (_req, reply) => reply.code(201).send({ ok: true }));
    const url = await upstream.listen({ host: "127.0.0.1", port: 0 });
    for (let i = 0; i < 2; i++) {
      replicas.push(
        buildGatewayApp({
          ordersUrl: url,
          rateLimit: { max: 3, windowMs: 60_000, redisUrl: TEST_REDIS_URL, prefix },
          app: {
            trustProxyHops: 1,
            logger: createLogger({ name: "gateway", level: "silent" }),
          },
        }),
      );
    }
  });
  afterAll(async () => {
    for (const r of replicas) await r.close();
    await upstream.close();
    if (reachable) {
      const keys = await admin.keys(`${prefix}*`);
      if (keys.length > 0) await admin.del(...keys);
    }
    admin.disconnect();
  });

  const skip = (ctx: { skip: (note?: string) => void }) => {
    if (reachable) return false;
    const message = `Redis unreachable at ${TEST_REDIS_URL}; start it or set KIT_TEST_REDIS_URL.`;
    if (process.env.CI === "true") throw new Error(message);
    ctx.skip(message);
    return true;
  };
  // The ALB appends the client's address to X-Forwarded-For; one trusted hop reads it.
  const post = (replica: number, client: string, key: string) =>
    replicas[replica]!.inject({
      method: "POST",
      url: "/orders?debug=1",
      payload: body,
      remoteAddress: "10.0.0.9",
      headers: { "idempotency-key": key, "x-forwarded-for": `198.51.100.7, ${client}` },
    });

  it("counts each client across replicas, answers 429 RATE_LIMITED with Retry-After, spares others", async (ctx) => {
    if (skip(ctx)) return;
    const a = "203.0.113.1";
    const b = "203.0.113.2";
    const first = [await post(0, a, "a1"), await post(1, a, "a2"), await post(0, a, "a3")];
    expect(first.map((r) => r.statusCode)).toEqual([201, 201, 201]);
    const limited = await post(1, a, "a4");
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe("RATE_LIMITED");
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    // Another client is counted on its own, on either replica.
    expect((await post(1, b, "b1")).statusCode).toBe(201);
    expect((await post(0, b, "b2")).statusCode).toBe(201);
    // The counters live in Redis under the stack's prefix, one per client.
    const keys = (await admin.keys(`${prefix}*`)).sort();
    expect(keys).toEqual([`${prefix}${a}`, `${prefix}${b}`]);
    // Probes are never limited, with or without a query string.
    for (let i = 0; i < 5; i++) {
      const probe = await replicas[0]!.inject({
        method: "GET",
        url: i % 2 === 0 ? "/livez" : "/livez?probe=1",
        remoteAddress: "10.0.0.9",
        headers: { "x-forwarded-for": a },
      });
      expect(probe.statusCode).toBe(200);
    }
  });
});
