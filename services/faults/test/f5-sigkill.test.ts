import { afterAll, describe, expect, it } from "vitest";
import { skipWithoutServers } from "../../kit/test/servers";
import type { Child } from "./children";
import { killAllChildren, spawnTs } from "./children";
import type { World } from "./harness";
import {
  TEST_AMQP_URL,
  TEST_DATABASE_URL,
  checkHistory,
  createWorld,
  effectCount,
  faultEvent,
  queueDepth,
  summarize,
  waitFor,
} from "./harness";
import { TEST_TIMEOUT_MS, scaled } from "./scale";

const EVENTS = scaled(300, 3_000);
const KILLS = scaled(1, 3);
const CONSUMER = "services/faults/test/fixtures/consumer.ts";

describe("F5: a consumer process is SIGKILLed mid-handler", () => {
  let world: World | undefined;
  afterAll(async () => {
    await killAllChildren();
    await world?.cleanup();
  });

  it(
    `${EVENTS} events, ${KILLS} SIGKILL(s): redelivered, 0 lost, 0 duplicate effects`,
    async (ctx) => {
      if (await skipWithoutServers(ctx)) return;
      const w = (world = await createWorld("f5"));
      const queue = w.queueName();
      // Each process but the last holds its n-th handler open until it is killed.
      const perProcess = Math.floor(EVENTS / (KILLS + 1));
      const start = async (hold: boolean): Promise<Child> => {
        const child = spawnTs(CONSUMER, {
          DATABASE_URL: TEST_DATABASE_URL,
          DB_SCHEMA: w.schema,
          AMQP_URL: TEST_AMQP_URL,
          EVENTS_EXCHANGE: w.exchange,
          QUEUE: queue,
          HANDLER_MS: "20",
          ...(hold ? { HOLD_AFTER: String(perProcess) } : {}),
        });
        await waitFor(
          "the consumer process to subscribe",
          () => {
            if (child.proc.exitCode !== null) {
              throw new Error(`consumer exited ${child.proc.exitCode}: ${child.stderr()}`);
            }
            return child.lines.includes("ready");
          },
          60_000,
        );
        return child;
      };

      let child = await start(KILLS > 0);
      const send = w.sender();
      const sent: string[] = [];
      for (let i = 0; i < EVENTS; i += 100) {
        const n = Math.min(100, EVENTS - i);
        sent.push(
          ...(await Promise.all(
            Array.from({ length: n }, (_, j) => send(faultEvent, { n: i + j })),
          )),
        );
      }

      let killedMidHandler = 0;
      const restarted: Child[] = [];
      const kills: Array<Promise<unknown>> = [];
      for (let k = 1; k <= KILLS; k++) {
        await waitFor(
          `kill ${k}: the consumer to hold a handler open`,
          () => {
            if (child.proc.exitCode !== null) {
              throw new Error(`consumer exited ${child.proc.exitCode}: ${child.stderr()}`);
            }
            return child.lines.some((l) => l.startsWith("H "));
          },
          120_000,
          20,
        );
        const victim = child;
        victim.proc.kill("SIGKILL");
        expect(await victim.exited).toBe("SIGKILL");
        kills.push(victim.exited);
        // Handlers that had begun (inside their transaction) but whose effect never committed.
        const begun = victim.lines.filter((l) => l.startsWith("B ")).map((l) => l.slice(2));
        const { rows } = await w.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM unnest($1::text[]) b(id)
           WHERE NOT EXISTS (SELECT 1 FROM "${w.schema}".effects e WHERE e.event_id = b.id)`,
          [begun],
        );
        killedMidHandler += rows[0]!.n;
        child = await start(k < KILLS);
        restarted.push(child);
      }
      await waitFor(
        "every event to have an effect",
        async () => (await effectCount(w.pool, w.schema)) >= EVENTS,
        scaled(60_000, 300_000),
        100,
      );
      await waitFor("the queue to drain", async () => (await queueDepth(w.admin, queue)) === 0);
      expect(await child.kill("SIGTERM")).toBe(0);
      // Every consumer started after a kill reports the redeliveries it received.
      const redelivered = restarted
        .flatMap((c) => c.lines)
        .filter((l) => l.startsWith("R ")).length;

      const h = await checkHistory(w.pool, w.schema, sent);
      const dlq = await queueDepth(w.admin, `${queue}.dlq`);
      summarize("F5", {
        sent: sent.length,
        effects: h.effects,
        lost: h.lost,
        duplicates: h.duplicates,
        redeliveries: redelivered,
        dlq,
      });
      expect(kills).toHaveLength(KILLS);
      expect(killedMidHandler).toBeGreaterThan(0);
      expect(redelivered).toBeGreaterThan(0);
      expect(h).toEqual({ effects: EVENTS, lost: 0, duplicates: 0, unexpected: 0 });
      expect(dlq).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );
});
