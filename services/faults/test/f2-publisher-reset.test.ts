import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { Broker, PublishTimeoutError } from "@causeway/kit";
import { TcpProxy } from "../../kit/test/tcp-proxy";
import { skipWithoutServers } from "../../kit/test/servers";
import type { World } from "./harness";
import {
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

const ROUNDS = scaled(4, 20);
const BATCH = scaled(200, 500);
const PUBLISH_TIMEOUT_MS = 2_000;
/** A bound on waiting for a round's publishes, far above the timeout: only a hang reaches it. */
const SETTLE_BOUND_MS = 60_000;

interface Outcome {
  readonly id: string;
  readonly ok: boolean;
  readonly error?: unknown;
}

/** Waits for every publish of a round; a publish that never settles fails here, by name. */
async function allSettled(what: string, round: Promise<Outcome>[]): Promise<Outcome[]> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: a publish never settled (hang)`)),
      SETTLE_BOUND_MS,
    );
  });
  try {
    return await Promise.race([Promise.all(round), hung]);
  } finally {
    clearTimeout(timer);
  }
}

describe("F2: the publisher's connection is reset while confirms are pending", () => {
  const proxy = new TcpProxy(AMQP_TARGET);
  let world: World | undefined;
  afterAll(async () => {
    await world?.cleanup();
    await proxy.close();
  });

  it(
    `${ROUNDS} resets x ${BATCH} publishes: every confirmed event has exactly one effect; no publish hangs`,
    async (ctx) => {
      if (await skipWithoutServers(ctx)) return;
      await proxy.listen();
      const w = (world = await createWorld("f2"));
      const queue = w.queueName();

      // Consumer: direct, with the inbox. Publisher: the kit's Broker behind the proxy.
      const consumer = new Broker({ url: TEST_AMQP_URL, exchange: w.exchange });
      w.onCleanup(() => consumer.close());
      const spy = spyDeliveries(consumer);
      await consumer.subscribe(faultEvent, {
        queue,
        pool: w.pool,
        schema: w.schema,
        handler: (event, c) => recordEffect(c, event.id),
      });
      const publisher = new Broker({
        url: proxy.rewrite(TEST_AMQP_URL),
        exchange: w.exchange,
        connectionName: "faults-f2-publisher",
        publishTimeoutMs: PUBLISH_TIMEOUT_MS,
        reconnectLowMs: 100,
        reconnectHighMs: 1_000,
      });
      w.onCleanup(() => publisher.close());
      await publisher.connected();

      const publish = async (id: string, n: number): Promise<Outcome> => {
        try {
          await publisher.publish(faultEvent, { n }, { messageId: id });
          return { id, ok: true };
        } catch (error) {
          return { id, ok: false, error };
        }
      };

      const ids: string[] = [];
      const outcomes: Outcome[] = [];
      let pendingAtReset = 0;
      let resets = 0;
      for (let r = 0; r < ROUNDS; r++) {
        await waitFor("the publisher to reconnect", () => publisher.ready, 30_000);
        let settled = 0;
        const start = (i: number) => {
          const id = randomUUID();
          ids.push(id);
          return publish(id, r * BATCH + i).finally(() => settled++);
        };
        // Half the batch goes out; once some confirms came back the link is black-holed and the
        // other half is published into it, so confirms are certainly pending; then RST.
        // Odd rounds stall past the publish timeout: those promises must end by the timeout.
        const round = Array.from({ length: BATCH / 2 }, (_, i) => start(i));
        await waitFor("some confirms", () => settled >= BATCH / 4, 30_000, 1);
        proxy.stall(true);
        round.push(...Array.from({ length: BATCH / 2 }, (_, i) => start(BATCH / 2 + i)));
        // Confirms outstanding when the link went dark: the reset (or the timeout) settles them.
        pendingAtReset += BATCH - settled;
        await sleep(r % 2 === 1 ? PUBLISH_TIMEOUT_MS + 500 : 100);
        resets += proxy.resetAll() > 0 ? 1 : 0;
        proxy.stall(false);
        outcomes.push(...(await allSettled(`round ${r}`, round)));
      }

      // The client's duty (as the outbox relay does): publish unconfirmed events again, same id.
      const unconfirmed = outcomes.filter((o) => !o.ok);
      let republished = 0;
      let todo = unconfirmed.map((o) => o.id);
      const deadline = Date.now() + 60_000;
      while (todo.length > 0 && Date.now() < deadline) {
        await waitFor("the publisher to reconnect", () => publisher.ready, 30_000);
        republished += todo.length;
        const again = await allSettled(
          "republish",
          todo.map((id) => publish(id, -1)),
        );
        outcomes.push(...again);
        todo = again.filter((o) => !o.ok).map((o) => o.id);
      }

      await waitFor(
        "every event to have an effect",
        async () => (await effectCount(w.pool, w.schema)) >= ids.length,
        60_000,
        100,
      );
      await waitFor("the queue to drain", async () => (await queueDepth(w.admin, queue)) === 0);
      await sleep(300);
      const h = await checkHistory(w.pool, w.schema, ids);
      const dlq = await queueDepth(w.admin, `${queue}.dlq`);
      summarize("F2", {
        sent: ids.length,
        effects: h.effects,
        lost: h.lost,
        duplicates: h.duplicates,
        redeliveries: republished,
        dlq,
      });

      // Faults fired: confirms were pending at each reset and some publishes were rejected.
      expect(resets).toBe(ROUNDS);
      expect(pendingAtReset).toBeGreaterThan(0);
      expect(unconfirmed.length).toBeGreaterThan(0);
      // No publish hung (each round settled above, resolved or rejected), and every rejection is
      // an Error: a timeout or a connection error. No wall-clock bound: the machine is shared.
      const failures = outcomes.filter((x) => !x.ok).map((o) => o.error);
      for (const e of failures) expect(e).toBeInstanceOf(Error);
      // Publishes into a stalled link cannot be confirmed: the long stalls make timeouts certain.
      // Whether a reset also surfaces as a connection error first depends on scheduling.
      expect(failures.some((e) => e instanceof PublishTimeoutError)).toBe(true);
      expect(todo).toEqual([]);
      // Every confirmed event has exactly one effect (the inbox absorbs re-published copies).
      expect(h).toEqual({ effects: ids.length, lost: 0, duplicates: 0, unexpected: 0 });
      expect(dlq).toBe(0);
      expect(spy.deliveries).toBeGreaterThanOrEqual(ids.length);
    },
    TEST_TIMEOUT_MS,
  );
});
