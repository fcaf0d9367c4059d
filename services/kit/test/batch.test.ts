import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Fixture } from "./fixture";
import { createFixture, orderPlaced } from "./fixture";
import { count, queueDepth, waitFor } from "./helpers";
import { missingServers, skipWithoutServers } from "./servers";

/**
 * The batched consumer on real RabbitMQ + PostgreSQL. Each test publishes its messages so that
 * they arrive as ONE batch (batch size = their number, a long wait for the rest), and checks
 * through `txid_current()` that they really shared one transaction.
 */
describe("batched inbox consumer", () => {
  let f: Fixture | undefined;
  beforeAll(async () => {
    if ((await missingServers()).length === 0) f = await createFixture();
  });
  afterAll(async () => {
    await f?.cleanup();
  });

  const effectsOf = (fx: Fixture, ids: readonly string[]) =>
    count(fx.pool, `SELECT count(*) FROM "${fx.schema}".effects WHERE message_id = ANY($1)`, [ids]);

  it("a poison message is rolled back to its savepoint and retried and parked alone; its neighbours commit once", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const fx = f!;
    const queue = fx.queueName();
    const GOOD = 20;
    const txOf = new Map<string, string[]>();
    const runs = new Map<string, number>();
    const sub = await fx.broker.subscribe(orderPlaced, {
      queue,
      pool: fx.pool,
      schema: fx.schema,
      batch: { size: GOOD + 1, waitMs: 300 },
      retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 50 },
      handler: async (e, c) => {
        runs.set(e.id, (runs.get(e.id) ?? 0) + 1);
        const { rows } = await c.db.query<{ tx: string }>("SELECT txid_current()::text AS tx");
        txOf.set(e.id, [...(txOf.get(e.id) ?? []), rows[0]!.tx]);
        // Both write an effect; the poison one's must be rolled back with its savepoint.
        await fx.recordEffect(c, e.id, e.payload.orderId);
        if (e.payload.poison) throw new Error("poison pill");
      },
    });
    const poisonId = randomUUID();
    const goodIds = Array.from({ length: GOOD }, () => randomUUID());
    await Promise.all([
      ...goodIds
        .slice(0, GOOD / 2)
        .map((id) => fx.admin.publish(orderPlaced, fx.newOrder(), { messageId: id })),
      fx.admin.publish(orderPlaced, fx.newOrder({ poison: true }), { messageId: poisonId }),
      ...goodIds
        .slice(GOOD / 2)
        .map((id) => fx.admin.publish(orderPlaced, fx.newOrder(), { messageId: id })),
    ]);

    await waitFor(
      "the poison message in the DLQ",
      async () => (await queueDepth(fx.admin.connection, sub.topology.dlq)) === 1,
    );
    // One transaction held the poison message's first attempt and every neighbour.
    const firstTx = txOf.get(poisonId)![0];
    expect(new Set(goodIds.map((id) => txOf.get(id)![0]))).toEqual(new Set([firstTx]));
    // Neighbours: run once, committed once, never retried.
    expect(goodIds.map((id) => runs.get(id))).toEqual(goodIds.map(() => 1));
    expect(await effectsOf(fx, goodIds)).toBe(GOOD);
    expect(await fx.consumed(queue, "processed")).toBe(GOOD);
    // The poison message: 3 attempts, each alone (later transactions), no effect, no inbox row.
    expect(runs.get(poisonId)).toBe(3);
    expect(txOf.get(poisonId)!.slice(1)).not.toContain(firstTx);
    expect(await effectsOf(fx, [poisonId])).toBe(0);
    expect(await fx.consumed(queue, "retried")).toBe(2);
    expect(await fx.consumed(queue, "parked")).toBe(1);
    expect(
      await count(
        fx.pool,
        `SELECT count(*) FROM "${fx.schema}".inbox WHERE consumer = $1 AND message_id = $2`,
        [queue, poisonId],
      ),
    ).toBe(0);
    expect(await queueDepth(fx.admin.connection, queue)).toBe(0);
    await sub.close();
  });

  it("the same message id twice in one batch claims the inbox row once: one effect", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const fx = f!;
    const queue = fx.queueName();
    const txs = new Set<string>();
    const sub = await fx.broker.subscribe(orderPlaced, {
      queue,
      pool: fx.pool,
      schema: fx.schema,
      batch: { size: 4, waitMs: 2_000 },
      handler: async (e, c) => {
        const { rows } = await c.db.query<{ tx: string }>("SELECT txid_current()::text AS tx");
        txs.add(rows[0]!.tx);
        await fx.recordEffect(c, e.id, e.payload.orderId);
      },
    });
    const twice = randomUUID();
    const others = [randomUUID(), randomUUID()];
    const order = fx.newOrder();
    await fx.admin.publish(orderPlaced, order, { messageId: twice });
    await fx.admin.publish(orderPlaced, fx.newOrder(), { messageId: others[0] });
    await fx.admin.publish(orderPlaced, order, { messageId: twice });
    await fx.admin.publish(orderPlaced, fx.newOrder(), { messageId: others[1] });

    await waitFor("the batch", async () => (await fx.consumed(queue, "duplicate")) === 1);
    expect(await fx.consumed(queue, "processed")).toBe(3);
    expect(txs.size).toBe(1);
    expect(await effectsOf(fx, [twice])).toBe(1);
    expect(await effectsOf(fx, others)).toBe(2);
    await sub.close();
  });

  it("when the transaction breaks, nothing of the batch is acked: all redelivered, each effect once", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const fx = f!;
    const queue = fx.queueName();
    const N = 10;
    const killer = randomUUID();
    let killed = false;
    const runs = new Map<string, number>();
    const sub = await fx.broker.subscribe(orderPlaced, {
      queue,
      pool: fx.pool,
      schema: fx.schema,
      batch: { size: N, waitMs: 2_000 },
      handler: async (e, c) => {
        runs.set(e.id, (runs.get(e.id) ?? 0) + 1);
        await fx.recordEffect(c, e.id, e.payload.orderId);
        if (e.id === killer && !killed) {
          killed = true;
          // The server ends this very connection: the batch's transaction is lost.
          await c.db.query("SELECT pg_terminate_backend(pg_backend_pid())");
        }
      },
    });
    const ids = Array.from({ length: N }, (_, i) => (i === N - 1 ? killer : randomUUID()));
    await Promise.all(
      ids.map((id) => fx.admin.publish(orderPlaced, fx.newOrder(), { messageId: id })),
    );

    await waitFor(
      "every message processed",
      async () => (await fx.consumed(queue, "processed")) === N,
    );
    expect(killed).toBe(true);
    expect(await fx.consumed(queue, "requeued")).toBe(N);
    // The first run of every message was rolled back with the batch, the second committed.
    expect(ids.map((id) => runs.get(id))).toEqual(ids.map(() => 2));
    expect(await effectsOf(fx, ids)).toBe(N);
    expect(await fx.consumed(queue, "retried")).toBe(0);
    await sub.close();
  });
});
