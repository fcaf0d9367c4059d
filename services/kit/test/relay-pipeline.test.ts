import { describe, expect, it } from "vitest";
import { createPool } from "../src/db/pool";
import { withTransaction } from "../src/db/client";
import { enqueueEvent, OutboxRelay } from "../src/outbox";
import type { Fixture } from "./fixture";
import { orderPlaced } from "./fixture";
import { relayWorld, unsent } from "./relay-world";
import { count, waitFor } from "./helpers";
import { TEST_DATABASE_URL, skipWithoutServers, uniqueName } from "./servers";

/** A promise the test opens by hand. */
function gate(): { readonly wait: Promise<void>; open(): void } {
  let open: () => void = () => undefined;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

describe("outbox relay pipeline: claim ahead, mark behind, id order (real RabbitMQ + PostgreSQL)", () => {
  const { fixture, pools, relays } = relayWorld();
  const enqueue = (fx: Fixture, n: number) =>
    withTransaction(fx.pool, async (c) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        ids.push(await enqueueEvent(c, fx.schema, orderPlaced, fx.newOrder()));
      }
      return ids;
    });

  it("one worker claims the next batch while confirms are held, publishes it only after they arrive, commits a batch while the next is published, in id order", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const fx = fixture()!;
    const ids = await enqueue(fx, 150);
    const appName = uniqueName("relay");
    const pool = createPool({
      url: TEST_DATABASE_URL,
      schema: fx.schema,
      max: 4,
      applicationName: appName,
    });
    pools.push(pool);
    /** Open transactions of the relay: each holds one claimed batch. */
    const openTransactions = () =>
      count(
        fx.pool,
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND state = 'idle in transaction'",
        [appName],
      );
    const sentIds = async () =>
      (
        await fx.pool.query<{ message_id: string }>(
          `SELECT message_id FROM "${fx.schema}".outbox WHERE sent_at IS NOT NULL`,
        )
      ).rows.map((r) => r.message_id);
    const confirms = [gate(), gate(), gate()];
    const published: string[] = [];
    const relay = new OutboxRelay({
      pool,
      schema: fx.schema,
      batchSize: 50,
      concurrency: 1,
      listen: false,
      pollIntervalMs: 600_000,
      publish: async (msg) => {
        const batch = Math.floor(published.length / 50);
        published.push(msg.messageId);
        await fx.broker.publishMessage(msg);
        // The confirm reaches the relay only when the test opens this batch's gate.
        await confirms[batch]!.wait;
      },
    });
    relays.push(relay);
    relay.start();

    await waitFor("batch 1 published", () => published.length === 50);
    // Batch 1 waits for its confirms and batch 2 is claimed: two transactions hold rows.
    await waitFor("batch 2 claimed ahead", async () => (await openTransactions()) === 2);
    expect(published).toHaveLength(50);
    expect(await unsent(fx)).toBe(150);

    confirms[0]!.open();
    await waitFor("batch 2 published", () => published.length === 100);
    // Batch 2's confirms are held, yet batch 1 is marked and committed, and batch 3 claimed.
    await waitFor("batch 1 committed", async () => (await unsent(fx)) === 100);
    expect(new Set(await sentIds())).toEqual(new Set(ids.slice(0, 50)));
    await waitFor("batch 3 claimed ahead", async () => (await openTransactions()) === 2);
    expect(published).toHaveLength(100);

    confirms[1]!.open();
    confirms[2]!.open();
    await waitFor("every row marked sent", async () => (await unsent(fx)) === 0);
    // One worker publishes strictly in id order, each row once.
    expect(published).toEqual(ids);
    await relay.stop();
    expect(await openTransactions()).toBe(0);
  });

  it("a failed publish rolls the batch claimed ahead back: the failed row goes out before the rows after it, none lost", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const fx = fixture()!;
    const ids = await enqueue(fx, 100);
    const failOnce = ids[9]!;
    const attempts = new Map<string, number>();
    const confirmed: string[] = [];
    const relay = new OutboxRelay({
      pool: fx.pool,
      schema: fx.schema,
      batchSize: 50,
      concurrency: 1,
      listen: false,
      pollIntervalMs: 20,
      publish: async (msg) => {
        const n = (attempts.get(msg.messageId) ?? 0) + 1;
        attempts.set(msg.messageId, n);
        if (msg.messageId === failOnce && n === 1) throw new Error("nacked");
        await fx.broker.publishMessage(msg);
        confirmed.push(msg.messageId);
      },
    });
    relays.push(relay);
    relay.start();
    await waitFor("every row marked sent", async () => (await unsent(fx)) === 0);
    await relay.stop();
    // Batch 1 (rows 1-50) lost row 10; the batch claimed ahead (51-100) was rolled back
    // unpublished; the next batch is row 10 then 51-99, then 100.
    expect(confirmed).toEqual([
      ...ids.slice(0, 9),
      ...ids.slice(10, 50),
      failOnce,
      ...ids.slice(50),
    ]);
    expect(attempts.get(failOnce)).toBe(2);
    expect([...attempts.entries()].filter(([id, n]) => id !== failOnce && n !== 1)).toEqual([]);
  });
});
