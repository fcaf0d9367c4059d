import { describe, expect, it } from "vitest";
import { createPool } from "../src/db/pool";
import { withTransaction } from "../src/db/client";
import { createMetrics } from "../src/metrics";
import { enqueueEvent, OutboxRelay } from "../src/outbox";
import type { Fixture } from "./fixture";
import { orderPlaced } from "./fixture";
import { relayWorld, unsent } from "./relay-world";
import { waitFor } from "./helpers";
import { TEST_DATABASE_URL, skipWithoutServers } from "./servers";

describe("outbox relay: NOTIFY wake-up and concurrent relays (real RabbitMQ + PostgreSQL)", () => {
  const { fixture, pools, relays } = relayWorld();
  const newPool = (fx: Fixture) => {
    const pool = createPool({ url: TEST_DATABASE_URL, schema: fx.schema, max: 3 });
    pools.push(pool);
    return pool;
  };

  it("an enqueue wakes an idle relay on commit: published long before the poll would", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const fx = fixture()!;
    const published: string[] = [];
    const relay = new OutboxRelay({
      pool: newPool(fx),
      schema: fx.schema,
      // Ten minutes: far beyond the wait below, so only the NOTIFY can wake the relay.
      pollIntervalMs: 600_000,
      concurrency: 2,
      publish: async (msg) => {
        await fx.broker.publishMessage(msg);
        published.push(msg.messageId);
      },
    });
    relays.push(relay);
    relay.start();
    await relay.listening();
    // Both workers have found nothing and sleep on the ten-minute poll.
    await waitFor("the relay to be idle", () => relay.idleWorkers === 2);
    expect(await unsent(fx)).toBe(0);

    const rolledBack = await fx.pool.connect();
    try {
      await rolledBack.query("BEGIN");
      await enqueueEvent(rolledBack, fx.schema, orderPlaced, fx.newOrder());
      await rolledBack.query("ROLLBACK");
    } finally {
      rolledBack.release();
    }
    const id = await withTransaction(fx.pool, (c) =>
      enqueueEvent(c, fx.schema, orderPlaced, fx.newOrder()),
    );
    await waitFor("the committed event to be published", () => published.includes(id), 15_000);
    expect(published).toEqual([id]);
    await waitFor("the row to be marked", async () => (await unsent(fx)) === 0);
    await relay.stop();
  });

  it("three relays (two batches in flight each) share the outbox: every row published, marked once, none lost", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const fx = fixture()!;
    const queue = fx.queueName();
    await fx.admin.connection.queueDeclare({ queue, durable: true });
    await fx.admin.connection.exchangeDeclare({
      exchange: fx.exchange,
      type: "topic",
      durable: true,
    });
    await fx.admin.connection.queueBind({
      exchange: fx.exchange,
      queue,
      routingKey: orderPlaced.type,
    });
    const received = new Set<string>();
    const consumer = fx.admin.connection.createConsumer(
      { queue, queueOptions: { durable: true }, noAck: true },
      (msg) => {
        if (msg.messageId) received.add(msg.messageId);
      },
    );

    const metrics = [0, 1, 2].map(() => createMetrics({ defaultMetrics: false }));
    const publishedBy = metrics.map(() => new Map<string, number>());
    for (let r = 0; r < 3; r++) {
      const relay = new OutboxRelay({
        pool: newPool(fx),
        schema: fx.schema,
        batchSize: 50,
        concurrency: 2,
        pollIntervalMs: 200,
        metrics: metrics[r]!,
        publish: async (msg) => {
          await fx.broker.publishMessage(msg);
          publishedBy[r]!.set(msg.messageId, (publishedBy[r]!.get(msg.messageId) ?? 0) + 1);
        },
      });
      relays.push(relay);
      relay.start();
    }

    // 1,500 rows in 30 transactions of 50, enqueued while the relays run.
    const TX = 30;
    const PER_TX = 50;
    const ids = (
      await Promise.all(
        Array.from({ length: TX }, () =>
          withTransaction(fx.pool, async (c) => {
            const out: string[] = [];
            for (let i = 0; i < PER_TX; i++) {
              out.push(await enqueueEvent(c, fx.schema, orderPlaced, fx.newOrder()));
            }
            return out;
          }),
        ),
      )
    ).flat();
    const N = TX * PER_TX;

    await waitFor("every row to be marked sent", async () => (await unsent(fx)) === 0, 60_000);
    await waitFor("every message to reach the queue", () => received.size === N, 30_000);
    await consumer.close();

    const marked = await Promise.all(
      metrics.map(async (m) => {
        const { values } = await m.outboxRelayed.get();
        return values.find((v) => v.labels.outcome === "sent")?.value ?? 0;
      }),
    );
    // Marked once: the relays' marks add up to exactly the rows (none marked twice).
    expect(marked.reduce((a, b) => a + b, 0)).toBe(N);
    // Published at least once, each by one relay (no fault here, so exactly once).
    const publishes = new Map<string, number>();
    for (const m of publishedBy)
      for (const [id, n] of m) publishes.set(id, (publishes.get(id) ?? 0) + n);
    expect(new Set(publishes.keys())).toEqual(new Set(ids));
    expect([...publishes.values()].every((n) => n === 1)).toBe(true);
    // None lost: every id arrived.
    expect([...received].sort()).toEqual([...ids].sort());
    await fx.admin.connection.queueDelete({ queue });
  }, 90_000);
});
