import { afterAll, describe, expect, it } from "vitest";
import { Broker } from "@causeway/kit";
import { TcpProxy } from "../../kit/test/tcp-proxy";
import { skipWithoutServers } from "../../kit/test/servers";
import type { World } from "./harness";
import {
  CONSUMER_MODES,
  consumerModeOptions,
  AMQP_TARGET,
  TEST_AMQP_URL,
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

const EVENTS = scaled(1_000, 10_000);
const CUTS = scaled(5, 20);

describe.each(CONSUMER_MODES)(
  "F1: the consumer's broker connection is cut repeatedly (%s consumer)",
  (mode) => {
    const proxy = new TcpProxy(AMQP_TARGET);
    let world: World | undefined;
    afterAll(async () => {
      await world?.cleanup();
      await proxy.close();
    });

    it(
      `${EVENTS} events, ${CUTS} cuts: 0 lost, 0 duplicate effects, redeliveries > 0, DLQ empty`,
      async (ctx) => {
        if (await skipWithoutServers(ctx)) return;
        await proxy.listen();
        const w = (world = await createWorld("f1"));
        const queue = w.queueName();
        const consumer = new Broker({
          url: proxy.rewrite(TEST_AMQP_URL),
          exchange: w.exchange,
          connectionName: "faults-f1-consumer",
          reconnectLowMs: 100,
          reconnectHighMs: 1_000,
        });
        w.onCleanup(() => consumer.close());
        const spy = spyDeliveries(consumer);
        await consumer.subscribe(faultEvent, {
          queue,
          pool: w.pool,
          schema: w.schema,
          ...consumerModeOptions(mode),
          prefetch: 10,
          handler: async (event, c) => {
            await recordEffect(c, event.id);
            await sleep(1);
          },
        });

        // The client: publishes every event with a confirm, straight to the broker (no proxy),
        // while the consumer's connection is cut each time another 1/(CUTS+1) has been processed.
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

        let cuts = 0;
        let cutConnections = 0;
        for (let k = 1; k <= CUTS; k++) {
          const threshold = Math.floor((EVENTS * k) / (CUTS + 1));
          await waitFor(
            `${threshold} effects before cut ${k}`,
            async () => {
              return (await effectCount(w.pool, w.schema)) >= threshold && proxy.connections > 0;
            },
            120_000,
            20,
          );
          cutConnections += proxy.cutAll();
          cuts++;
        }
        await publishing;
        await waitFor(
          "every event to have an effect",
          async () => (await effectCount(w.pool, w.schema)) >= EVENTS,
          scaled(60_000, 300_000),
          100,
        );
        // Let redeliveries of messages acked-too-late (ack lost in a cut) arrive and be absorbed.
        await waitFor(
          "the queue to drain",
          async () => (await queueDepth(w.admin, queue)) === 0 && consumer.ready,
          60_000,
          100,
        );
        await sleep(500);

        const h = await checkHistory(w.pool, w.schema, sent);
        const dlq = await queueDepth(w.admin, `${queue}.dlq`);
        summarize(`F1 (${mode})`, {
          sent: sent.length,
          effects: h.effects,
          lost: h.lost,
          duplicates: h.duplicates,
          redeliveries: spy.redelivered,
          dlq,
        });
        expect(sent.length).toBe(EVENTS);
        expect(cuts).toBe(CUTS);
        expect(cutConnections).toBeGreaterThanOrEqual(CUTS);
        expect(h).toEqual({ effects: EVENTS, lost: 0, duplicates: 0, unexpected: 0 });
        expect(spy.redelivered).toBeGreaterThan(0);
        expect(dlq).toBe(0);
      },
      TEST_TIMEOUT_MS,
    );
  },
);
