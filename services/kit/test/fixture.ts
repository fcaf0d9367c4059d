import { randomUUID } from "node:crypto";
import { z } from "zod";
import { createPool } from "../src/db/pool";
import { kitMigrations } from "../src/db/kit-migrations";
import { migrate } from "../src/db/migrate";
import { Broker } from "../src/messaging/broker";
import { defineEvent } from "../src/messaging/events";
import type { HandlerContext } from "../src/messaging/subscribe";
import { createMetrics } from "../src/metrics";
import type { ConsumeOutcome } from "../src/metrics";
import { deleteTopology } from "./helpers";
import { TEST_AMQP_URL, TEST_DATABASE_URL, uniqueName } from "./servers";

export const orderPlaced = defineEvent(
  "order.placed",
  z.object({ orderId: z.string(), amount: z.number().int(), poison: z.boolean().optional() }),
);

/**
 * One integration fixture: a unique schema (kit tables + an `effects` table), a unique
 * events exchange, a broker and metrics. `cleanup()` deletes every queue it was told about,
 * the exchange and the schema.
 */
export async function createFixture(opts: { amqpUrl?: string } = {}) {
  const schema = uniqueName("kit_it");
  const exchange = uniqueName("causeway.events.test");
  const pool = createPool({ url: TEST_DATABASE_URL, schema, max: 12 });
  await migrate(pool, {
    schema,
    migrations: [
      ...kitMigrations,
      {
        id: "test-0001-effects",
        sql: "CREATE TABLE effects (id bigserial PRIMARY KEY, message_id text, order_id text)",
      },
    ],
  });
  const metrics = createMetrics({ defaultMetrics: false });
  const broker = new Broker({
    url: opts.amqpUrl ?? TEST_AMQP_URL,
    exchange,
    metrics,
    publishTimeoutMs: 5_000,
  });
  const admin = new Broker({ url: TEST_AMQP_URL, exchange });
  const queues: string[] = [];

  return {
    schema,
    exchange,
    pool,
    metrics,
    broker,
    /** A broker connected directly (not through any proxy), for publishing and inspection. */
    admin,
    queueName(): string {
      const q = uniqueName("kit.test");
      queues.push(q, `${q}.dlq`, ...Array.from({ length: 19 }, (_, i) => `${q}.retry.${i + 1}`));
      return q;
    },
    /** An effect the tests can count: one row per handler run that committed. */
    async recordEffect(ctx: HandlerContext, messageId: string, orderId: string): Promise<void> {
      await ctx.db.query("INSERT INTO effects (message_id, order_id) VALUES ($1, $2)", [
        messageId,
        orderId,
      ]);
    },
    async consumed(queue: string, outcome: ConsumeOutcome): Promise<number> {
      const { values } = await metrics.messagesConsumed.get();
      return (
        values.find((v) => v.labels.queue === queue && v.labels.outcome === outcome)?.value ?? 0
      );
    },
    newOrder(extra: { poison?: boolean } = {}) {
      return { orderId: randomUUID(), amount: 100, ...extra };
    },
    async cleanup(): Promise<void> {
      await broker.close().catch(() => undefined);
      await deleteTopology(admin.connection, queues, exchange);
      await admin.close().catch(() => undefined);
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await pool.end();
    },
  };
}
export type Fixture = Awaited<ReturnType<typeof createFixture>>;
