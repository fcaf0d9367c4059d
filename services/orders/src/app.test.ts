import type { FastifyInstance } from "fastify";
import { createLogger, createPool, kitMigrations, migrate, withTransaction } from "@causeway/kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  TEST_DATABASE_URL,
  missingServers,
  skipWithoutServers,
  uniqueName,
} from "../../kit/test/servers";
import { buildOrdersApp } from "./app";
import { loadOrdersConfig } from "./config";
import { ordersMigrations } from "./migrations";
import { settleOrder } from "./store";

const body = {
  customerId: "cus_1",
  currency: "EUR",
  items: [
    { sku: "book", quantity: 2, unitPriceCents: 1250 },
    { sku: "pen", quantity: 1, unitPriceCents: 300 },
  ],
};

describe("orders HTTP API (real PostgreSQL)", () => {
  const schema = uniqueName("orders_t");
  const pool = createPool({ url: TEST_DATABASE_URL, schema, max: 4 });
  let app: FastifyInstance;
  let kicks = 0;
  const post = (key: string | undefined, payload: unknown = body) =>
    app.inject({
      method: "POST",
      url: "/orders",
      payload: payload as object,
      headers: key === undefined ? {} : { "idempotency-key": key },
    });
  const outboxRows = async () =>
    (await pool.query(`SELECT type, payload FROM "${schema}".outbox ORDER BY id`)).rows as Array<{
      type: string;
      payload: Record<string, unknown>;
    }>;

  beforeAll(async () => {
    if ((await missingServers()).length > 0) return;
    await migrate(pool, { schema, migrations: [...kitMigrations, ...(await ordersMigrations())] });
    app = await buildOrdersApp({
      pool,
      schema,
      onEnqueued: () => kicks++,
      app: { logger: createLogger({ name: "orders", level: "silent" }) },
    });
  });
  afterAll(async () => {
    await app?.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pool.end();
  });

  it("creates a PENDING order and its order.placed event in one transaction; a replay returns the same", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const res = await post("key-1");
    expect(res.statusCode).toBe(201);
    const order = res.json();
    expect(order).toMatchObject({ status: "PENDING", amountCents: 2800, currency: "EUR" });
    expect(order.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(kicks).toBe(1);
    expect(await outboxRows()).toEqual([
      {
        type: "order.placed",
        payload: {
          version: 1,
          orderId: order.id,
          customerId: "cus_1",
          currency: "EUR",
          amountCents: 2800,
          items: body.items,
          placedAt: order.createdAt,
        },
      },
    ]);

    const replay = await post("key-1");
    expect(replay.statusCode).toBe(201);
    expect(replay.headers["idempotent-replayed"]).toBe("true");
    expect(replay.json()).toEqual(order);
    expect(await outboxRows()).toHaveLength(1);

    const got = await app.inject({ method: "GET", url: `/orders/${order.id}` });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(order);
  });

  it("a retry whose stored response was lost (crash after COMMIT) finds the same order, no second event", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const first = (await post("key-2")).json();
    const events = (await outboxRows()).length;
    // Simulate the crash window: the order committed, the kit's stored response did not.
    await pool.query(`DELETE FROM "${schema}".idempotency_keys WHERE key = 'key-2'`);
    const retry = await post("key-2");
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toEqual(first);
    expect(await outboxRows()).toHaveLength(events);
  });

  it("a key whose record expired, reused for another order, is 422 and creates nothing", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const first = (await post("key-5")).json();
    const events = (await outboxRows()).length;
    // The kit forgets keys after its window (24 h); the order keeps its key for ever.
    await pool.query(`DELETE FROM "${schema}".idempotency_keys WHERE key = 'key-5'`);
    const other = await post("key-5", { ...body, items: [body.items[0]] });
    expect(other.statusCode).toBe(422);
    expect(other.json().error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(await outboxRows()).toHaveLength(events);
    // The same request again is still a retry of the first: the same order.
    await pool.query(`DELETE FROM "${schema}".idempotency_keys WHERE key = 'key-5'`);
    const retry = await post("key-5");
    expect([retry.statusCode, retry.json()]).toEqual([201, first]);
  });

  it("refuses a missing key, an invalid body and reports unknown orders", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    expect((await post(undefined)).json().error.code).toBe("IDEMPOTENCY_KEY_MISSING");
    const invalid = await post("key-3", { ...body, currency: "euro", items: [] });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.code).toBe("VALIDATION_FAILED");
    const missing = await app.inject({
      method: "GET",
      url: "/orders/4f0c0a31-8a0e-4a55-9d0e-3f2a1b0c9d8e",
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe("ORDER_NOT_FOUND");
    expect((await app.inject({ method: "GET", url: "/orders/nope" })).statusCode).toBe(400);
  });

  it("refuses what the admission contract refuses (400, the key not claimed), never a 500", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const events = (await outboxRows()).length;
    const item = body.items[0]!;
    for (const [payload, message] of [
      [{ ...body, currency: "XYZ" }, /currency must be equal to one of the allowed values/],
      [
        { ...body, items: [{ ...item, unitPriceCents: 0 }] },
        /the order total is 0 cents; it must be at least 1 cent/,
      ],
      [{ ...body, customerId: "a\u0000" }, /customerId must match pattern/],
      [
        { ...body, items: Array(11).fill({ ...item, quantity: 1000, unitPriceCents: 10_000 }) },
        /above the cap of 100000000 cents/,
      ],
    ] as const) {
      const res = await post("key-adm", payload);
      expect([res.statusCode, res.json().error.code]).toEqual([400, "VALIDATION_FAILED"]);
      expect(res.json().error.message).toMatch(message);
    }
    const { rowCount } = await pool.query(
      `SELECT 1 FROM "${schema}".idempotency_keys WHERE key = 'key-adm'`,
    );
    expect(rowCount).toBe(0);
    expect(await outboxRows()).toHaveLength(events);
  });

  it("a transient database failure is 503 DATABASE_UNAVAILABLE with Retry-After; the key is released", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    // The database refuses this customer's order with a serialization failure (40001), as a
    // lost race under SERIALIZABLE would: nothing about the request is wrong.
    await pool.query(`
      CREATE FUNCTION "${schema}".flaky() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.customer_id = 'cus_flaky' THEN
          RAISE EXCEPTION 'could not serialize access' USING ERRCODE = '40001';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER flaky BEFORE INSERT ON "${schema}".orders
        FOR EACH ROW EXECUTE FUNCTION "${schema}".flaky();`);
    const flaky = { ...body, customerId: "cus_flaky" };
    const res = await post("key-flaky", flaky);
    expect([res.statusCode, res.json().error.code, res.headers["retry-after"]]).toEqual([
      503,
      "DATABASE_UNAVAILABLE",
      "1",
    ]);
    const { rowCount } = await pool.query(
      `SELECT 1 FROM "${schema}".idempotency_keys WHERE key = 'key-flaky'`,
    );
    expect(rowCount).toBe(0);
    // The failure clears; the client's retry with the same key creates the order.
    await pool.query(`DROP TRIGGER flaky ON "${schema}".orders`);
    const retry = await post("key-flaky", flaky);
    expect([retry.statusCode, retry.json().customerId]).toEqual([201, "cus_flaky"]);
  });

  it("settles an order once: the same outcome again is a no-op, the other outcome a conflict", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const { id } = (await post("key-4")).json();
    const settle = (status: "PAID" | "PAYMENT_FAILED") =>
      withTransaction(pool, (tx) => settleOrder(tx, id, status, "ch_1"));
    expect(await settle("PAID")).toBe("settled");
    expect(await settle("PAID")).toBe("already");
    expect(await settle("PAYMENT_FAILED")).toBe("conflict");
    expect(
      await withTransaction(pool, (tx) =>
        settleOrder(tx, "4f0c0a31-8a0e-4a55-9d0e-3f2a1b0c9d8e", "PAID", "x"),
      ),
    ).toBe("missing");
    const got = await app.inject({ method: "GET", url: `/orders/${id}` });
    expect(got.json().status).toBe("PAID");
  });
});

describe("orders config", () => {
  it("needs only what NodeService sets (plus the Secrets) and defaults the rest for the cluster", () => {
    const config = loadOrdersConfig({
      SERVICE_NAME: "orders",
      HOST: "0.0.0.0",
      PORT: "8080",
      SHUTDOWN_TIMEOUT_MS: "20000",
      DATABASE_URL: "postgres://orders@db:5432/causeway",
      AMQP_URL: "amqps://u:p@mq:5671",
    });
    expect(config).toMatchObject({ DB_SCHEMA: "orders", QUEUE_PREFIX: "orders", PORT: 8080 });
    expect(() => loadOrdersConfig({})).toThrow(
      /AMQP_URL: is required\n {2}- DATABASE_URL: is required\n {2}- SERVICE_NAME: is required/,
    );
  });
});
