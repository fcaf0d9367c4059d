/**
 * Benchmarks (a) and (b) on the local RabbitMQ and PostgreSQL, each pair side by side:
 * (a) the kit's inbox consumer vs a raw rabbitmq-client consumer doing one
 *     INSERT ... ON CONFLICT DO NOTHING and an ack per message (same library, prefetch, pool,
 *     queue type and message count; the queue is preloaded, the clock runs from subscribe to
 *     the last ack);
 * (b) the outbox relay draining N enqueued rows vs a raw confirmed publish of N messages with
 *     as many in flight as the relay's batch (same library, same exchange and bound queue).
 * Unique schema, exchange and queues; all deleted at the end.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { Connection } from "rabbitmq-client";
import { z } from "zod";
import {
  Broker,
  OutboxRelay,
  createPool,
  defineEvent,
  enqueueEvent,
  kitMigrations,
  migrate,
  subscriptionTopology,
  withTransaction,
} from "@causeway/kit";
import type { BenchResult } from "./lib";
import { AMQP, DB, pair, sideBySide } from "./lib";

const ev = defineEvent("bench.happened", z.object({ i: z.number().int() }));

export interface MessagingOptions {
  readonly rounds: number;
  readonly messages: number;
  readonly prefetch: number;
  readonly log: (line: string) => void;
}

export async function benchMessaging(o: MessagingOptions): Promise<BenchResult[]> {
  const suffix = randomBytes(4).toString("hex");
  const schema = `bench_${suffix}`;
  const exchange = `causeway.bench.${suffix}`;
  const pool = createPool({ url: DB, schema, max: o.prefetch });
  await migrate(pool, {
    schema,
    migrations: [
      ...kitMigrations,
      {
        id: "bench-0001-raw-inbox",
        sql: "CREATE TABLE raw_inbox (consumer text, message_id text, PRIMARY KEY (consumer, message_id))",
      },
    ],
  });
  const admin = new Connection({ url: AMQP, connectionName: "bench-admin" });
  const preload = admin.createPublisher({ confirm: true });
  const queues: string[] = [];
  const declare = async (queue: string, bind: boolean) => {
    const t = subscriptionTopology(queue, 5, 10);
    queues.push(queue, t.dlq, ...t.retryQueues);
    await admin.queueDeclare({ queue, durable: true, arguments: t.queueArguments });
    if (bind) {
      await admin.exchangeDeclare({ exchange, type: "topic", durable: true });
      await admin.queueBind({ exchange, queue, routingKey: ev.type });
    }
  };
  const fill = async (queue: string) => {
    for (let i = 0; i < o.messages; i += 500) {
      await Promise.all(
        Array.from({ length: Math.min(500, o.messages - i) }, (_, j) =>
          preload.send(
            {
              routingKey: queue,
              messageId: randomUUID(),
              type: ev.type,
              durable: true,
              contentType: "application/json",
            },
            Buffer.from(JSON.stringify({ i: i + j })),
          ),
        ),
      );
    }
  };

  const kitBroker = new Broker({ url: AMQP, exchange, connectionName: "bench-kit" });
  const raw = new Connection({ url: AMQP, connectionName: "bench-raw" });
  const results: BenchResult[] = [];
  try {
    // (a) consume
    const qKit = `bench.kit.${suffix}`;
    const qRaw = `bench.raw.${suffix}`;
    await declare(qKit, false);
    await declare(qRaw, false);

    const runKit = async (): Promise<number> => {
      await fill(qKit);
      let done = 0;
      let finish: () => void = () => undefined;
      const all = new Promise<void>((r) => (finish = r));
      let t0 = 0;
      const sub = await kitBroker.subscribe(ev, {
        queue: qKit,
        pool,
        schema,
        prefetch: o.prefetch,
        handler: async () => {
          if (done === 0) t0 = performance.now();
          if (++done === o.messages) finish();
        },
      });
      await all;
      await sub.close(); // waits for the last commits and acks
      return (o.messages / (performance.now() - t0)) * 1000;
    };
    /** A raw consumer on `queue` doing `work` per message, then the ack; messages per second. */
    const runRawConsumer = async (
      queue: string,
      work: (messageId: string | undefined) => Promise<void>,
    ): Promise<number> => {
      await fill(queue);
      let done = 0;
      let finish: () => void = () => undefined;
      const all = new Promise<void>((r) => (finish = r));
      const t = subscriptionTopology(queue, 5, 10);
      let t0 = 0;
      const consumer = raw.createConsumer(
        {
          queue,
          queueOptions: { durable: true, arguments: t.queueArguments },
          qos: { prefetchCount: o.prefetch },
          concurrency: o.prefetch,
          requeue: true,
        },
        async (msg) => {
          if (done === 0 && t0 === 0) t0 = performance.now();
          await work(msg.messageId);
          if (++done === o.messages) finish();
        },
      );
      await all;
      await consumer.close(); // waits for the last acks
      return (o.messages / (performance.now() - t0)) * 1000;
    };
    const insertRaw = (db: Pick<typeof pool, "query">, queue: string, id: string | undefined) =>
      db.query(
        `INSERT INTO "${schema}".raw_inbox (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [queue, id],
      );
    // (a) the minimal correct baseline: one INSERT ... ON CONFLICT DO NOTHING and an ack.
    const runRaw = () => runRawConsumer(qRaw, async (id) => void (await insertRaw(pool, qRaw, id)));
    // (a') the same raw consumer, but with the transaction a handler with any effect needs.
    const qRawTx = `bench.rawtx.${suffix}`;
    await declare(qRawTx, false);
    const runRawTx = () =>
      runRawConsumer(qRawTx, async (id) => {
        const c = await pool.connect();
        try {
          await c.query("BEGIN");
          await insertRaw(c, qRawTx, id);
          await c.query("COMMIT");
        } finally {
          c.release();
        }
      });

    o.log(`(a) inbox consumer vs raw INSERT+ack: ${o.messages} msgs, prefetch ${o.prefetch}`);
    o.log(`  warm-up: ${Math.round(await runKit())} / ${Math.round(await runRaw())} (not counted)`);
    const a = await sideBySide(o.rounds, runKit, runRaw, o.log);
    results.push(
      pair(
        "(a) kit inbox consumer vs raw INSERT ON CONFLICT + ack",
        "msg/s",
        a.a,
        a.b,
        `target >= 0.9; median of ${o.rounds} alternating rounds, ${o.messages} msgs, prefetch ${o.prefetch}`,
      ),
    );
    o.log(`(a') inbox consumer vs raw BEGIN/INSERT/COMMIT+ack`);
    const a2 = await sideBySide(o.rounds, runKit, runRawTx, o.log);
    results.push(
      pair(
        "(a') kit inbox consumer vs raw BEGIN; INSERT; COMMIT + ack",
        "msg/s",
        a2.a,
        a2.b,
        "what bounds (a): the transaction (3 statements instead of 1) that any handler effect needs",
      ),
    );

    // (b) publish
    const qPub = `bench.pub.${suffix}`;
    await declare(qPub, true);
    const batch = 100;
    const relay = new OutboxRelay({
      pool,
      schema,
      publish: (m) => kitBroker.publishMessage(m),
      batchSize: batch,
    });
    const rawPub = raw.createPublisher({ confirm: true });
    const runOutbox = async (): Promise<number> => {
      await withTransaction(pool, async (c) => {
        for (let i = 0; i < o.messages; i++) await enqueueEvent(c, schema, ev, { i });
      });
      const t0 = performance.now();
      let relayed = 0;
      while (relayed < o.messages) relayed += await relay.relayBatch();
      const rate = (o.messages / (performance.now() - t0)) * 1000;
      await admin.queuePurge({ queue: qPub });
      return rate;
    };
    const runRawPublish = async (): Promise<number> => {
      const t0 = performance.now();
      for (let i = 0; i < o.messages; i += batch) {
        await Promise.all(
          Array.from({ length: Math.min(batch, o.messages - i) }, (_, j) =>
            rawPub.send(
              {
                exchange,
                routingKey: ev.type,
                messageId: randomUUID(),
                type: ev.type,
                durable: true,
                contentType: "application/json",
              },
              Buffer.from(JSON.stringify({ i: i + j })),
            ),
          ),
        );
      }
      const rate = (o.messages / (performance.now() - t0)) * 1000;
      await admin.queuePurge({ queue: qPub });
      return rate;
    };
    o.log(`(b) outbox relay vs raw confirmed publish: ${o.messages} msgs, ${batch} in flight`);
    o.log(
      `  warm-up: ${Math.round(await runOutbox())} / ${Math.round(await runRawPublish())} (not counted)`,
    );
    const b = await sideBySide(o.rounds, runOutbox, runRawPublish, o.log);
    results.push(
      pair(
        "(b) outbox relay vs raw confirmed publish",
        "msg/s",
        b.a,
        b.b,
        `no target; relay batch ${batch} (claim, publish with confirms, mark, commit) vs ${batch} confirms in flight`,
      ),
    );
    await rawPub.close();
  } finally {
    await kitBroker.close().catch(() => undefined);
    await preload.close().catch(() => undefined);
    for (const queue of queues) await admin.queueDelete({ queue }).catch(() => undefined);
    await admin.exchangeDelete({ exchange }).catch(() => undefined);
    await admin.close().catch(() => undefined);
    await raw.close().catch(() => undefined);
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pool.end();
  }
  return results;
}
