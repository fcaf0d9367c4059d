import { afterAll, describe, expect, it } from "vitest";
import { Broker, MessageHeaders } from "@causeway/kit";
import { skipWithoutServers } from "../../kit/test/servers";
import type { World } from "./harness";
import {
  CONSUMER_MODES,
  consumerModeOptions,
  TEST_AMQP_URL,
  checkHistory,
  createWorld,
  effectCount,
  faultEvent,
  queueDepth,
  recordEffect,
  summarize,
  waitFor,
} from "./harness";
import { TEST_TIMEOUT_MS, scaled } from "./scale";

const EVENTS = scaled(300, 3_000);
const MAX_ATTEMPTS = 4;
const DELIVERY_LIMIT = 10;

describe.each(CONSUMER_MODES)("F4: poison messages (%s consumer)", (mode) => {
  let world: World | undefined;
  afterAll(async () => {
    await world?.cleanup();
  });

  it(
    `a throwing and a malformed message reach the DLQ within the limit; ${EVENTS} others flow`,
    async (ctx) => {
      if (await skipWithoutServers(ctx)) return;
      const w = (world = await createWorld("f4"));
      const queue = w.queueName();
      const consumer = new Broker({ url: TEST_AMQP_URL, exchange: w.exchange });
      w.onCleanup(() => consumer.close());
      const poisonAttempts: number[] = [];
      await consumer.subscribe(faultEvent, {
        queue,
        pool: w.pool,
        schema: w.schema,
        ...consumerModeOptions(mode),
        deliveryLimit: DELIVERY_LIMIT,
        retry: { maxAttempts: MAX_ATTEMPTS, baseDelayMs: 20, maxDelayMs: 100 },
        handler: async (event, c) => {
          if (event.payload.poison) {
            poisonAttempts.push(event.attempt);
            throw new Error("poison pill");
          }
          await recordEffect(c, event.id);
        },
      });

      const send = w.sender();
      const sendRaw = w.rawSender();
      const half = Math.floor(EVENTS / 2);
      const sent: string[] = [];
      const batch = async (from: number, to: number) => {
        for (let i = from; i < to; i += 100) {
          const n = Math.min(100, to - i);
          sent.push(
            ...(await Promise.all(
              Array.from({ length: n }, (_, j) => send(faultEvent, { n: i + j })),
            )),
          );
        }
      };
      await batch(0, half);
      const poisonId = await send(faultEvent, { n: -1, poison: true });
      const malformedId = await sendRaw(faultEvent.type, Buffer.from("{not json"));
      await batch(half, EVENTS);

      await waitFor(
        "every good event to have an effect",
        async () => (await effectCount(w.pool, w.schema)) >= EVENTS,
        60_000,
        50,
      );
      await waitFor("both poison messages in the DLQ", async () => {
        return (await queueDepth(w.admin, `${queue}.dlq`)) >= 2;
      });
      const h = await checkHistory(w.pool, w.schema, sent);
      const dlq = await queueDepth(w.admin, `${queue}.dlq`);

      const ch = await w.admin.acquire();
      const parked = new Map<string, string>();
      try {
        for (let i = 0; i < dlq; i++) {
          const m = await ch.basicGet({ queue: `${queue}.dlq`, noAck: false });
          if (!m) break;
          parked.set(String(m.messageId), String(m.headers?.[MessageHeaders.reason]));
        }
      } finally {
        await ch.close(); // unacked gets requeued; the queue is deleted at cleanup anyway
      }
      summarize(`F4 (${mode})`, {
        sent: sent.length + 2,
        effects: h.effects,
        lost: h.lost,
        duplicates: h.duplicates,
        redeliveries: poisonAttempts.length - 1,
        dlq,
      });
      // The rest kept flowing: every good event has exactly one effect, none lost.
      expect(h).toEqual({ effects: EVENTS, lost: 0, duplicates: 0, unexpected: 0 });
      // The poison pills reached the DLQ, and only they, within the delivery limit.
      expect(dlq).toBe(2);
      expect([...parked.keys()].sort()).toEqual([poisonId, malformedId].sort());
      expect(poisonAttempts).toEqual([1, 2, 3, 4]);
      expect(poisonAttempts.length).toBeLessThanOrEqual(DELIVERY_LIMIT);
      expect(parked.get(poisonId)).toMatch(
        /^max attempts reached; attempt 4\/4 failed: .*poison pill/,
      );
      expect(parked.get(malformedId)).toBe("body is not valid JSON");
    },
    TEST_TIMEOUT_MS,
  );
});
