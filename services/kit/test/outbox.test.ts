import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool } from "../src/db/pool";
import { enqueueEvent, OutboxRelay } from "../src/outbox";
import type { Fixture } from "./fixture";
import { createFixture, orderPlaced } from "./fixture";
import { count, waitFor } from "./helpers";
import { TEST_DATABASE_URL, missingServers, skipWithoutServers, uniqueName } from "./servers";

describe("transactional outbox + relay (real RabbitMQ + PostgreSQL)", () => {
  let f: Fixture | undefined;
  beforeAll(async () => {
    if ((await missingServers()).length === 0) f = await createFixture();
  });
  afterAll(async () => {
    await f?.cleanup();
  });

  it("only committed transactions publish; a relay killed between publish and mark causes one duplicate and exactly one effect", async (ctx) => {
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
    const client = await fx.pool.connect();
    try {
      // Rolled back: must never be published.
      await client.query("BEGIN");
      await enqueueEvent(client, fx.schema, orderPlaced, fx.newOrder());
      await client.query("ROLLBACK");
      // Committed with the state change.
      await client.query("BEGIN");
      await enqueueEvent(client, fx.schema, orderPlaced, order);
      await client.query("COMMIT");
    } finally {
      client.release();
    }

    // The relay runs on its own connection; right after the broker confirms the first publish,
    // its PostgreSQL backend is terminated, so the transaction that would mark the row sent
    // dies, exactly as if the relay process had been killed at that point.
    const appName = uniqueName("relay");
    const relayPool = createPool({
      url: TEST_DATABASE_URL,
      schema: fx.schema,
      max: 1,
      applicationName: appName,
    });
    let publishes = 0;
    const relay = new OutboxRelay({
      pool: relayPool,
      schema: fx.schema,
      pollIntervalMs: 20,
      publish: async (msg) => {
        publishes++;
        await fx.broker.publishMessage(msg);
        if (publishes === 1) {
          await fx.pool.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
            [appName],
          );
        }
      },
    });
    try {
      await expect(relay.relayBatch()).rejects.toThrow();
      expect(await count(fx.pool, "SELECT count(*) FROM outbox WHERE sent_at IS NULL")).toBe(2 - 1);
      relay.start();
      await waitFor(
        "the row marked sent",
        async () =>
          (await count(fx.pool, "SELECT count(*) FROM outbox WHERE sent_at IS NULL")) === 0,
      );
      await waitFor(
        "the duplicate absorbed",
        async () => (await fx.consumed(queue, "duplicate")) === 1,
      );
    } finally {
      await relay.stop();
      await relayPool.end();
    }
    expect(publishes).toBe(2);
    expect(await fx.consumed(queue, "processed")).toBe(1);
    expect(
      await count(fx.pool, "SELECT count(*) FROM effects WHERE order_id = $1", [order.orderId]),
    ).toBe(1);
    expect(await count(fx.pool, "SELECT count(*) FROM effects")).toBe(1);
  });
});
