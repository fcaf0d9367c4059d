import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Fixture } from "./fixture";
import { createFixture, orderPlaced } from "./fixture";
import { withInbox } from "../src/inbox";
import { count, queueDepth, waitFor } from "./helpers";
import { missingServers, skipWithoutServers } from "./servers";

describe("messaging on real RabbitMQ + PostgreSQL", () => {
  let f: Fixture | undefined;
  beforeAll(async () => {
    if ((await missingServers()).length === 0) f = await createFixture();
  });
  afterAll(async () => {
    await f?.cleanup();
  });

  it("a message delivered twice has one effect (inbox)", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const fx = f!;
    const queue = fx.queueName();
    await fx.broker.subscribe(orderPlaced, {
      queue,
      pool: fx.pool,
      schema: fx.schema,
      handler: (e, c) => fx.recordEffect(c, e.id, e.payload.orderId),
    });
    const order = fx.newOrder();
    const messageId = randomUUID();
    await fx.admin.publish(orderPlaced, order, { messageId });
    await fx.admin.publish(orderPlaced, order, { messageId });

    await waitFor("both deliveries", async () => (await fx.consumed(queue, "duplicate")) === 1);
    expect(await fx.consumed(queue, "processed")).toBe(1);
    expect(
      await count(fx.pool, "SELECT count(*) FROM effects WHERE message_id = $1", [messageId]),
    ).toBe(1);
    expect(
      await count(fx.pool, `SELECT count(*) FROM "${fx.schema}".inbox WHERE consumer = $1`, [
        queue,
      ]),
    ).toBe(1);
  });

  it("per-message mode: a handler that swallows a database error is not acked as processed; it is retried and its effect lands once", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const fx = f!;
    const inboxRows = (consumer: string) =>
      count(fx.pool, `SELECT count(*) FROM "${fx.schema}".inbox WHERE consumer = $1`, [consumer]);
    const swallow = async (db: { query: (sql: string) => Promise<unknown> }) => {
      // The statement fails and aborts the transaction; the handler catches it and returns.
      await db.query("SELECT 1/0").catch(() => undefined);
    };

    // withInbox itself: the COMMIT ends as ROLLBACK, so it throws and stores nothing.
    const direct = `direct_${randomUUID()}`;
    await expect(
      withInbox(fx.pool, fx.schema, direct, randomUUID(), async (db) => {
        await db.query("INSERT INTO effects (message_id, order_id) VALUES ($1, $2)", [direct, "x"]);
        await swallow(db);
      }),
    ).rejects.toThrow("COMMIT ended as ROLLBACK: the transaction was aborted");
    expect(await inboxRows(direct)).toBe(0);
    expect(
      await count(fx.pool, "SELECT count(*) FROM effects WHERE message_id = $1", [direct]),
    ).toBe(0);

    // Through a subscription: the first attempt swallows the error and is retried, not acked.
    const queue = fx.queueName();
    const attempts: number[] = [];
    await fx.broker.subscribe(orderPlaced, {
      queue,
      pool: fx.pool,
      schema: fx.schema,
      batch: false,
      retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 50 },
      handler: async (e, c) => {
        attempts.push(e.attempt);
        // Tagged with this queue: other tests' subscriptions get the message too.
        await fx.recordEffect(c, e.id, queue);
        if (e.attempt === 1) await swallow(c.db);
      },
    });
    const messageId = randomUUID();
    await fx.admin.publish(orderPlaced, fx.newOrder(), { messageId });
    await waitFor(
      "the retry to be processed",
      async () => (await fx.consumed(queue, "processed")) === 1,
    );
    expect(attempts).toEqual([1, 2]);
    expect(await fx.consumed(queue, "retried")).toBe(1);
    expect(await inboxRows(queue)).toBe(1);
    expect(
      await count(fx.pool, "SELECT count(*) FROM effects WHERE message_id = $1 AND order_id = $2", [
        messageId,
        queue,
      ]),
    ).toBe(1);
  });

  it("a handler that always throws parks the message in the DLQ after N attempts; others flow", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const fx = f!;
    const queue = fx.queueName();
    const poisonCalls: number[] = [];
    const sub = await fx.broker.subscribe(orderPlaced, {
      queue,
      pool: fx.pool,
      schema: fx.schema,
      retry: { maxAttempts: 3, baseDelayMs: 40, maxDelayMs: 200 },
      handler: async (e, c) => {
        if (e.payload.poison) {
          poisonCalls.push(e.attempt);
          throw new Error("boom");
        }
        await fx.recordEffect(c, e.id, e.payload.orderId);
      },
    });
    const poisonId = randomUUID();
    await fx.admin.publish(orderPlaced, fx.newOrder({ poison: true }), { messageId: poisonId });
    for (let i = 0; i < 20; i++) await fx.admin.publish(orderPlaced, fx.newOrder());

    await waitFor(
      "the DLQ to hold the poison message",
      async () => (await queueDepth(fx.admin.connection, sub.topology.dlq)) === 1,
    );
    await waitFor("the good messages", async () => (await fx.consumed(queue, "processed")) === 20);
    expect(poisonCalls).toEqual([1, 2, 3]);
    expect(await fx.consumed(queue, "retried")).toBe(2);
    expect(await fx.consumed(queue, "parked")).toBe(1);

    const ch = await fx.admin.connection.acquire();
    try {
      const parked = await ch.basicGet({ queue: sub.topology.dlq, noAck: true });
      expect(parked?.messageId).toBe(poisonId);
      expect(parked?.headers?.["x-causeway-reason"]).toBe(
        "max attempts reached; attempt 3/3 failed: Error: boom",
      );
      expect(parked?.headers?.["x-causeway-attempt"]).toBe(3);
    } finally {
      await ch.close();
    }
    for (const q of sub.topology.retryQueues)
      expect(await queueDepth(fx.admin.connection, q)).toBe(0);
  });

  it("dead-letters bad messages (not JSON, schema failure) with a reason and keeps consuming", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const fx = f!;
    const queue = fx.queueName();
    const sub = await fx.broker.subscribe(orderPlaced, {
      queue,
      pool: fx.pool,
      schema: fx.schema,
      handler: (e, c) => fx.recordEffect(c, e.id, e.payload.orderId),
    });
    const send = (messageId: string, body: string) =>
      fx.admin.sendToQueue(queue, Buffer.from(body), { messageId, type: "order.placed" });
    await send("not-json", "{oops");
    await send("bad-schema", JSON.stringify({ orderId: 7 }));
    await fx.admin.publish(orderPlaced, fx.newOrder());

    await waitFor("the good message", async () => (await fx.consumed(queue, "processed")) === 1);
    await waitFor("two rejects", async () => (await fx.consumed(queue, "rejected")) === 2);
    const ch = await fx.admin.connection.acquire();
    try {
      const reasons: Record<string, unknown> = {};
      for (let i = 0; i < 2; i++) {
        const m = await ch.basicGet({ queue: sub.topology.dlq, noAck: true });
        reasons[m!.messageId!] = m!.headers!["x-causeway-reason"];
      }
      expect(reasons).toEqual({
        "not-json": "body is not valid JSON",
        "bad-schema":
          "schema validation failed: orderId: Invalid input: expected string, received number; amount: Invalid input: expected number, received undefined",
      });
    } finally {
      await ch.close();
    }
  });
});
