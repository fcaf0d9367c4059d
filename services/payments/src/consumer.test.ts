import { randomUUID } from "node:crypto";
import { orderPlaced } from "@causeway/contracts";
import {
  Broker,
  MessageHeaders,
  createMetrics,
  createPool,
  kitMigrations,
  migrate,
} from "@causeway/kit";
import { afterAll, describe, expect, it } from "vitest";
import {
  TEST_AMQP_URL,
  TEST_DATABASE_URL,
  skipWithoutServers,
  uniqueName,
} from "../../kit/test/servers";
import { chargingPolicy } from "./charge";
import { subscribePayments } from "./consumer";
import { paymentsMigrations } from "./migrations";
import { SimulatedProvider } from "./provider/simulated";

const waitFor = async (what: string, check: () => Promise<boolean>) => {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe("payments consumer: re-published and re-driven order.placed (real broker and PostgreSQL)", () => {
  const schema = uniqueName("payments_consumer");
  const exchange = uniqueName("causeway.payments-consumer");
  const prefix = uniqueName("payments-consumer");
  const pool = createPool({ url: TEST_DATABASE_URL, schema, max: 6 });
  const metrics = createMetrics({ defaultMetrics: false });
  const broker = new Broker({ url: TEST_AMQP_URL, exchange, metrics });
  afterAll(async () => {
    await broker.stopConsuming().catch(() => undefined);
    const q = `${prefix}.order-placed`;
    for (const name of [
      q,
      `${q}.dlq`,
      ...Array.from({ length: 11 }, (_, i) => `${q}.retry.${i + 1}`),
    ]) {
      await broker.connection.queueDelete({ queue: name }).catch(() => undefined);
    }
    await broker.connection.exchangeDelete({ exchange }).catch(() => undefined);
    await broker.close().catch(() => undefined);
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pool.end();
  });

  it("charges once; answers again from the ledger only for a re-drive", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    await migrate(pool, {
      schema,
      migrations: [...kitMigrations, ...(await paymentsMigrations())],
    });
    const provider = new SimulatedProvider();
    await subscribePayments({
      broker,
      pool,
      schema,
      queuePrefix: prefix,
      charge: chargingPolicy(provider),
    });
    const consumed = async () =>
      (await metrics.messagesConsumed.get()).values
        .filter((v) => v.labels.outcome === "processed")
        .reduce((n, v) => n + v.value, 0);
    const outbox = async () =>
      (
        await pool.query<{ type: string; payload: { chargeId: string } }>(
          `SELECT type, payload FROM "${schema}".outbox ORDER BY id`,
        )
      ).rows;
    const order = {
      version: 1 as const,
      orderId: randomUUID(),
      customerId: "cus_1",
      currency: "EUR",
      amountCents: 500,
      items: [{ sku: "a", quantity: 1, unitPriceCents: 500 }],
      placedAt: new Date().toISOString(),
    };
    await broker.publish(orderPlaced, order);
    await waitFor("the first delivery", async () => (await consumed()) === 1);
    const [first] = await outbox();
    expect(first).toMatchObject({ type: "payment.succeeded" });

    // Re-published with a new message id: the ledger absorbs it, nothing is sent.
    await broker.publish(orderPlaced, order);
    await waitFor("the re-publication", async () => (await consumed()) === 2);
    expect(await outbox()).toHaveLength(1);

    // Re-driven by the reconciler: the outcome is sent again, from the ledger, no new charge.
    await broker.publish(orderPlaced, order, { headers: { [MessageHeaders.redrive]: 1 } });
    await waitFor("the re-drive", async () => (await consumed()) === 3);
    const rows = await outbox();
    expect(rows).toHaveLength(2);
    expect(rows[1]).toEqual(
      first && { ...first, payload: { ...first.payload, succeededAt: expect.any(String) } },
    );
    expect(provider.stats).toMatchObject({ calls: 1, created: { succeeded: 1, declined: 0 } });
    expect(await provider.books.chargesFor(order.orderId)).toHaveLength(1);
  }, 60_000);
});
