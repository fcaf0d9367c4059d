/**
 * Rough throughput of the kit's hot paths on the local servers (not a test; numbers vary with
 * the machine). Run from the repo root:
 *   node_modules/.bin/tsx --conditions=causeway-source services/kit/bench/throughput.ts [N]
 * Uses a unique schema, exchange and queue, and deletes them at the end.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { z } from "zod";
import {
  Broker,
  OutboxRelay,
  createMetrics,
  createPool,
  defineEvent,
  enqueueEvent,
  kitMigrations,
  migrate,
  withTransaction,
} from "@causeway/kit";

const N = Number(process.argv[2] ?? 2000);
const DB = process.env.KIT_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const AMQP = process.env.KIT_TEST_AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";
const suffix = randomUUID().slice(0, 8);
const schema = `kit_bench_${suffix}`;
const queue = `kit.bench.${suffix}`;
const ev = defineEvent("bench.happened", z.object({ i: z.number() }));

async function main(): Promise<void> {
  const pool = createPool({ url: DB, schema, max: 20 });
  await migrate(pool, { schema, migrations: kitMigrations });
  const metrics = createMetrics({ defaultMetrics: false });
  const broker = new Broker({ url: AMQP, exchange: `causeway.events.bench.${suffix}`, metrics });
  const rate = (n: number, ms: number) =>
    `${n} in ${ms.toFixed(0)} ms = ${((n / ms) * 1000).toFixed(0)}/s`;
  try {
    let done = 0;
    let resolveAll: () => void = () => undefined;
    const all = new Promise<void>((r) => (resolveAll = r));
    const sub = await broker.subscribe(ev, {
      queue,
      pool,
      schema,
      prefetch: 20,
      handler: async () => {
        if (++done === 2 * N) resolveAll();
      },
    });

    let t = performance.now();
    for (let i = 0; i < N / 10; i++) await broker.publish(ev, { i });
    console.log(
      `publish, sequential, awaiting each confirm: ${rate(N / 10, performance.now() - t)}`,
    );
    done += N / 10; // not counted below

    t = performance.now();
    const tConsume = t;
    await Promise.all(Array.from({ length: N }, (_, i) => broker.publish(ev, { i })));
    console.log(`publish, ${N} concurrent confirms:           ${rate(N, performance.now() - t)}`);

    t = performance.now();
    await withTransaction(pool, async (c) => {
      for (let i = 0; i < N - N / 10; i++) await enqueueEvent(c, schema, ev, { i });
    });
    const relay = new OutboxRelay({
      pool,
      schema,
      publish: (m) => broker.publishMessage(m),
      batchSize: 200,
    });
    const enqueued = N - N / 10;
    let relayed = 0;
    const tr = performance.now();
    while (relayed < enqueued) relayed += await relay.relayBatch();
    console.log(
      `outbox relay (batch 200):                   ${rate(enqueued, performance.now() - tr)}`,
    );
    await all;
    console.log(
      `consume with inbox (prefetch 20), end to end since first concurrent publish: ${rate(2 * N - N / 10, performance.now() - tConsume)}`,
    );
    await sub.close();
  } finally {
    await broker.connection.queueDelete({ queue }).catch(() => undefined);
    await broker.connection.queueDelete({ queue: `${queue}.dlq` }).catch(() => undefined);
    for (let i = 1; i < 5; i++)
      await broker.connection.queueDelete({ queue: `${queue}.retry.${i}` }).catch(() => undefined);
    await broker.connection.exchangeDelete({ exchange: broker.exchange }).catch(() => undefined);
    await broker.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
