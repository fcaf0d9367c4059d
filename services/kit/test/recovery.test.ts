import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Fixture } from "./fixture";
import { createFixture, orderPlaced } from "./fixture";
import { count, waitFor } from "./helpers";
import { TcpProxy } from "./tcp-proxy";
import { AMQP_TARGET, TEST_AMQP_URL, missingServers, skipWithoutServers } from "./servers";

describe("consumer recovery through a TCP proxy (real RabbitMQ + PostgreSQL)", () => {
  const proxy = new TcpProxy(AMQP_TARGET);
  let f: Fixture | undefined;
  beforeAll(async () => {
    if ((await missingServers()).length > 0) return;
    await proxy.listen();
    f = await createFixture({ amqpUrl: proxy.rewrite(TEST_AMQP_URL) });
  });
  afterAll(async () => {
    await f?.cleanup();
    await proxy.close();
  });

  it("resumes by itself after its connection is cut mid-stream, losing nothing", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const fx = f!;
    const queue = fx.queueName();
    let reconnects = 0;
    fx.broker.connection.on("connection", () => reconnects++);
    let handled = 0;
    await fx.broker.subscribe(orderPlaced, {
      queue,
      pool: fx.pool,
      schema: fx.schema,
      prefetch: 5,
      handler: async (e, c) => {
        handled++;
        await fx.recordEffect(c, e.id, e.payload.orderId);
        await new Promise((r) => setTimeout(r, 5));
      },
    });
    const total = 300;
    const ids: string[] = [];
    for (let i = 0; i < total; i++) {
      const order = fx.newOrder();
      ids.push(order.orderId);
      await fx.admin.publish(orderPlaced, order);
    }

    await waitFor("some progress", () => handled >= 40);
    const reconnectsBefore = reconnects;
    expect(proxy.cutAll()).toBeGreaterThan(0);
    const processedAtCut = await count(fx.pool, "SELECT count(*) FROM effects");
    expect(processedAtCut).toBeLessThan(total);

    await waitFor(
      "every order processed",
      async () => (await count(fx.pool, "SELECT count(DISTINCT order_id) FROM effects")) === total,
      60_000,
    );
    expect(reconnects).toBeGreaterThan(reconnectsBefore);
    // Exactly one effect per order: redeliveries after the cut were absorbed by the inbox.
    expect(await count(fx.pool, "SELECT count(*) FROM effects")).toBe(total);
    const { rows } = await fx.pool.query<{ order_id: string }>("SELECT order_id FROM effects");
    expect(new Set(rows.map((r) => r.order_id))).toEqual(new Set(ids));
  });
});
