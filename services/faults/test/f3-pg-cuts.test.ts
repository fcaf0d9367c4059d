import { afterAll, describe, expect, it } from "vitest";
import { Broker, createPool } from "@causeway/kit";
import { TcpProxy } from "../../kit/test/tcp-proxy";
import { skipWithoutServers } from "../../kit/test/servers";
import type { World } from "./harness";
import {
  PG_TARGET,
  TEST_AMQP_URL,
  TEST_DATABASE_URL,
  checkHistory,
  createWorld,
  effectCount,
  faultEvent,
  queueDepth,
  recordEffect,
  sleep,
  spyDeliveries,
  summarize,
  waitFor,
} from "./harness";
import { TEST_TIMEOUT_MS, scaled } from "./scale";

const EVENTS = scaled(500, 5_000);
const CUTS = scaled(5, 20);

describe("F3: PostgreSQL connections are cut mid-transaction", () => {
  const pgProxy = new TcpProxy(PG_TARGET);
  let world: World | undefined;
  afterAll(async () => {
    await world?.cleanup();
    await pgProxy.close();
  });

  it(
    `${EVENTS} events, ${CUTS} cuts: effect iff inbox row, redelivered, 0 lost, 0 duplicates`,
    async (ctx) => {
      if (await skipWithoutServers(ctx)) return;
      await pgProxy.listen();
      const w = (world = await createWorld("f3"));
      const queue = w.queueName();
      // The consumer's pool goes through the proxy; the checking pool (w.pool) does not.
      const pool = createPool({
        url: pgProxy.rewrite(TEST_DATABASE_URL),
        schema: w.schema,
        max: 10,
      });
      w.onCleanup(() => pool.end());
      const consumer = new Broker({ url: TEST_AMQP_URL, exchange: w.exchange });
      w.onCleanup(() => consumer.close());
      const spy = spyDeliveries(consumer);
      let inFlight = 0;
      await consumer.subscribe(faultEvent, {
        queue,
        pool,
        schema: w.schema,
        prefetch: 10,
        retry: { maxAttempts: 10, baseDelayMs: 20, maxDelayMs: 200 },
        handler: async (event, c) => {
          // Inside the inbox transaction: BEGIN and the inbox INSERT already ran.
          inFlight++;
          try {
            await recordEffect(c, event.id);
            await sleep(3);
          } finally {
            inFlight--;
          }
        },
      });

      const send = w.sender();
      const sent: string[] = [];
      const publishing = (async () => {
        for (let i = 0; i < EVENTS; i += 100) {
          const batch = Array.from({ length: Math.min(100, EVENTS - i) }, (_, j) =>
            send(faultEvent, { n: i + j }),
          );
          sent.push(...(await Promise.all(batch)));
        }
      })();

      let midTransaction = 0;
      for (let k = 1; k <= CUTS; k++) {
        const threshold = Math.floor((EVENTS * k) / (CUTS + 1));
        await waitFor(
          `${threshold} effects and a handler in its transaction before cut ${k}`,
          async () => (await effectCount(w.pool, w.schema)) >= threshold && inFlight > 0,
          120_000,
          5,
        );
        midTransaction += inFlight;
        pgProxy.cutAll();
      }
      await publishing;
      await waitFor(
        "every event to have an effect",
        async () => (await effectCount(w.pool, w.schema)) >= EVENTS,
        scaled(60_000, 300_000),
        100,
      );
      await waitFor("the queue to drain", async () => (await queueDepth(w.admin, queue)) === 0);
      await sleep(300);

      const h = await checkHistory(w.pool, w.schema, sent);
      const { rows } = await w.pool.query<{ orphanEffects: number; orphanInbox: number }>(
        `SELECT
           (SELECT count(*) FROM "${w.schema}".effects e WHERE NOT EXISTS
             (SELECT 1 FROM "${w.schema}".inbox i
              WHERE i.consumer = $1 AND i.message_id = e.event_id))::int AS "orphanEffects",
           (SELECT count(*) FROM "${w.schema}".inbox i WHERE i.consumer = $1 AND NOT EXISTS
             (SELECT 1 FROM "${w.schema}".effects e WHERE e.event_id = i.message_id))::int
             AS "orphanInbox"`,
        [queue],
      );
      const dlq = await queueDepth(w.admin, `${queue}.dlq`);
      const redeliveries = spy.deliveries - spy.ids.size;
      summarize("F3", {
        sent: sent.length,
        effects: h.effects,
        lost: h.lost,
        duplicates: h.duplicates,
        redeliveries,
        dlq,
      });
      expect(midTransaction).toBeGreaterThan(0);
      expect(rows[0]).toEqual({ orphanEffects: 0, orphanInbox: 0 });
      expect(redeliveries).toBeGreaterThan(0);
      expect(h).toEqual({ effects: EVENTS, lost: 0, duplicates: 0, unexpected: 0 });
      expect(dlq).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );
});
