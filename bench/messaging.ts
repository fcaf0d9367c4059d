/**
 * Benchmarks (a) and (b) on the local RabbitMQ and PostgreSQL, each pair side by side:
 * (a) the limit: a raw exactly-once consumer (rabbitmq-client channel, 100 messages per
 *     transaction: one INSERT ... ON CONFLICT DO NOTHING of their ids into the kit's inbox
 *     table, COMMIT, then one ack multiple) vs the kit's batched consumer with its defaults (100 per batch, prefetch 200);
 *     and, for history, the kit's per-message mode vs a raw consumer doing one INSERT and an
 *     ack per message (prefetch 10). Same library, pool, queue type and message count; the
 *     queue is preloaded, the clock runs from the first delivery to the last ack;
 * (b) the outbox relay draining N enqueued rows vs a raw relay running the same SQL (claim with
 *     FOR UPDATE SKIP LOCKED, publish with confirms, mark in one UPDATE, COMMIT) in the same
 *     pipeline (next batch claimed while confirms are in flight, mark and COMMIT behind the
 *     next publish) with the same batches and confirms in flight, and vs a raw confirmed
 *     publish of N messages with that many confirms in flight and no database (the ceiling);
 *     then that SQL alone (no broker), to show what the database part costs on this machine.
 * Unique schema, exchange and queues; all deleted at the end.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { PoolClient } from "pg";
import type { AsyncMessage, Channel } from "rabbitmq-client";
import { Connection } from "rabbitmq-client";
import { z } from "zod";
import {
  Broker,
  DEFAULT_BATCH_SIZE,
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
import { AMQP, DB, median, pair, round, sideBySide } from "./lib";

const ev = defineEvent("bench.happened", z.object({ i: z.number().int() }));

export interface MessagingOptions {
  readonly rounds: number;
  readonly messages: number;
  readonly prefetch: number;
  /** Which pairs to run: "a" (consumers), "b" (relay). */
  readonly only: ReadonlySet<string>;
  readonly log: (line: string) => void;
}

/** Batches of the raw limit and of the relays; the kit's defaults, so both sides match. */
const BATCH = DEFAULT_BATCH_SIZE;
/** Relay batches in flight at once (the kit relay's default `concurrency`). */
const RELAY_BATCHES = 2;

export async function benchMessaging(o: MessagingOptions): Promise<BenchResult[]> {
  const suffix = randomBytes(4).toString("hex");
  const schema = `bench_${suffix}`;
  const exchange = `causeway.bench.${suffix}`;
  const pool = createPool({ url: DB, schema, max: Math.max(o.prefetch, 2 * RELAY_BATCHES) });
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
  const fill = async (queue: string, messages: number) => {
    for (let i = 0; i < messages; i += 500) {
      await Promise.all(
        Array.from({ length: Math.min(500, messages - i) }, (_, j) =>
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
    const insertRaw = (db: Pick<typeof pool, "query">, queue: string, id: string | undefined) =>
      db.query(
        `INSERT INTO "${schema}".raw_inbox (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [queue, id],
      );

    /** The kit consumer on a preloaded `queue`; messages per second from first delivery. */
    const runKit = async (
      queue: string,
      messages: number,
      mode: { batch?: false; prefetch?: number },
    ): Promise<number> => {
      await fill(queue, messages);
      let done = 0;
      let finish: () => void = () => undefined;
      const all = new Promise<void>((r) => (finish = r));
      let t0 = 0;
      const sub = await kitBroker.subscribe(ev, {
        queue,
        pool,
        schema,
        ...mode,
        handler: async () => {
          if (done === 0) t0 = performance.now();
          if (++done === messages) finish();
        },
      });
      await all;
      await sub.close(); // waits for the last commit and ack
      return (messages / (performance.now() - t0)) * 1000;
    };

    if (o.only.has("a")) {
      // (a) the limit: raw exactly-once, BATCH per transaction, then one ack multiple.
      const big = o.messages * 4;
      const qKitBatch = `bench.kitbatch.${suffix}`;
      const qLimit = `bench.limit.${suffix}`;
      await declare(qKitBatch, false);
      await declare(qLimit, false);
      const runLimit = async (): Promise<number> => {
        await fill(qLimit, big);
        const ch: Channel = await raw.acquire();
        await ch.basicQos({ prefetchCount: 2 * BATCH });
        let done = 0;
        let t0 = 0;
        const pending: AsyncMessage[] = [];
        let running = false;
        let timer: NodeJS.Timeout | undefined;
        let finish: () => void = () => undefined;
        const all = new Promise<void>((r) => (finish = r));
        const commit = async (batch: AsyncMessage[]) => {
          const c = await pool.connect();
          try {
            await c.query("BEGIN");
            await c.query(
              // The kit's own inbox table (primary key and received_at index): the same
              // rows and indexes, so both sides write the same WAL per COMMIT.
              `INSERT INTO "${schema}".inbox (consumer, message_id)
               SELECT $1, id FROM unnest($2::text[]) AS id ON CONFLICT DO NOTHING`,
              [qLimit, batch.map((m) => m.messageId)],
            );
            await c.query("COMMIT");
          } finally {
            c.release();
          }
          ch.basicAck({ deliveryTag: batch[batch.length - 1]!.deliveryTag, multiple: true });
          done += batch.length;
          if (done === big) finish();
        };
        const flush = () => {
          if (running || pending.length === 0) return;
          const batch = pending.splice(0, BATCH);
          running = true;
          void commit(batch).finally(() => {
            running = false;
            flush();
          });
        };
        const ok = await ch.basicConsume({ queue: qLimit }, (msg) => {
          if (t0 === 0) t0 = performance.now();
          pending.push(msg);
          if (pending.length >= BATCH) flush();
          // The same 5 ms wait for a batch's first message as the kit's default.
          else
            timer ??= setTimeout(() => {
              timer = undefined;
              flush();
            }, 5);
        });
        await all;
        await ch.basicCancel({ consumerTag: ok.consumerTag });
        await ch.close();
        return (big / (performance.now() - t0)) * 1000;
      };
      const runKitBatch = () => runKit(qKitBatch, big, {});
      o.log(
        `(a) batched kit consumer vs raw exactly-once, ${BATCH}/tx + ack multiple: ${big} msgs`,
      );
      o.log(
        `  warm-up: ${Math.round(await runKitBatch())} / ${Math.round(await runLimit())} (not counted)`,
      );
      const aLimit = await sideBySide(o.rounds, runKitBatch, runLimit, o.log);
      results.push(
        pair(
          "(a) batched kit consumer vs raw exactly-once limit (100/tx, ack multiple)",
          "msg/s",
          aLimit.a,
          aLimit.b,
          `target >= 0.8; kit defaults (batch ${BATCH}, wait 5 ms, prefetch ${2 * BATCH}); ` +
            `median of ${o.rounds} alternating rounds, ${big} msgs; both: one COMMIT (fsync) and one ack ` +
            `per 100 into the same inbox table; the kit adds decoding and schema validation, the ` +
            `handler calls and the claim bookkeeping per message`,
        ),
      );

      // (a) history: the per-message mode vs a raw per-message consumer.
      const qKit = `bench.kit.${suffix}`;
      const qRaw = `bench.raw.${suffix}`;
      await declare(qKit, false);
      await declare(qRaw, false);
      const runRaw = async (): Promise<number> => {
        await fill(qRaw, o.messages);
        let done = 0;
        let finish: () => void = () => undefined;
        const all = new Promise<void>((r) => (finish = r));
        const t = subscriptionTopology(qRaw, 5, 10);
        let t0 = 0;
        const consumer = raw.createConsumer(
          {
            queue: qRaw,
            queueOptions: { durable: true, arguments: t.queueArguments },
            qos: { prefetchCount: o.prefetch },
            concurrency: o.prefetch,
            requeue: true,
          },
          async (msg) => {
            if (done === 0 && t0 === 0) t0 = performance.now();
            await insertRaw(pool, qRaw, msg.messageId);
            if (++done === o.messages) finish();
          },
        );
        await all;
        await consumer.close(); // waits for the last acks
        return (o.messages / (performance.now() - t0)) * 1000;
      };
      const runKitOne = () => runKit(qKit, o.messages, { batch: false, prefetch: o.prefetch });
      o.log(
        `(a) per-message kit consumer vs raw INSERT+ack: ${o.messages} msgs, prefetch ${o.prefetch}`,
      );
      const a = await sideBySide(o.rounds, runKitOne, runRaw, o.log);
      results.push(
        pair(
          "(a) per-message kit consumer (batch: false) vs raw INSERT ON CONFLICT + ack",
          "msg/s",
          a.a,
          a.b,
          `history; median of ${o.rounds} alternating rounds, ${o.messages} msgs, prefetch ${o.prefetch}; ` +
            `bounded by one COMMIT per message (the raw side has no transaction)`,
        ),
      );
    }

    if (o.only.has("b")) {
      const qPub = `bench.pub.${suffix}`;
      await declare(qPub, true);
      const inFlight = BATCH * RELAY_BATCHES;
      const enqueueAll = () =>
        withTransaction(pool, async (c) => {
          for (let i = 0; i < o.messages; i++) await enqueueEvent(c, schema, ev, { i });
        });
      const runOutbox = async (): Promise<number> => {
        await enqueueAll();
        let published = 0;
        let finish: () => void = () => undefined;
        const all = new Promise<void>((r) => (finish = r));
        const relay = new OutboxRelay({
          pool,
          schema,
          batchSize: BATCH,
          concurrency: RELAY_BATCHES,
          // The rows are all there before the clock starts: the drain needs no wake-up, and the
          // LISTEN connection (opened once per process) stays out of the timed part.
          listen: false,
          publish: async (m) => {
            await kitBroker.publishMessage(m);
            if (++published === o.messages) finish();
          },
        });
        const t0 = performance.now();
        relay.start();
        await all;
        await relay.stop(); // the last batches are marked and committed
        const rate = (o.messages / (performance.now() - t0)) * 1000;
        await admin.queuePurge({ queue: qPub });
        return rate;
      };
      type Row = {
        id: string;
        message_id: string;
        type: string;
        payload: unknown;
        headers: Record<string, unknown>;
      };
      const rawPub = raw.createPublisher({ confirm: true });
      const toMessage = (r: Omit<Row, "id">) => ({
        exchange,
        routingKey: r.type,
        messageId: r.message_id,
        type: r.type,
        headers: r.headers,
        durable: true,
        contentType: "application/json",
      });
      // The relay's SQL and pipeline, run by hand: RELAY_BATCHES workers; each claims the next
      // batch (once its batch before that is committed) while the current batch's confirms are
      // in flight, publishes it once they are all in, and marks and commits a batch while the
      // next one is published. So at most BATCH confirms per worker are in flight, as in the kit.
      // `publish: false` runs the same SQL and pipeline with no broker (what the database part
      // alone sustains on this machine; it explains the gap to publish-only below).
      const runRawRelay = async (publish = true): Promise<number> => {
        await enqueueAll();
        const t0 = performance.now();
        const claim = async () => {
          const c = await pool.connect();
          await c.query("BEGIN");
          const { rows } = await c.query<Row>(
            `SELECT id, message_id, type, payload, headers FROM "${schema}".outbox
             WHERE sent_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
            [BATCH],
          );
          if (rows.length > 0) return { c, rows };
          await c.query("COMMIT");
          c.release();
          return undefined;
        };
        const mark = async (b: { c: PoolClient; rows: Row[] }) => {
          await b.c.query(
            `UPDATE "${schema}".outbox SET sent_at = now() WHERE id = ANY($1) AND sent_at IS NULL`,
            [b.rows.map((r) => r.id)],
          );
          await b.c.query("COMMIT");
          b.c.release();
        };
        const worker = async () => {
          let marking: Promise<void> = Promise.resolve();
          let batch = await claim();
          while (batch) {
            const confirms = Promise.all(
              publish
                ? batch.rows.map((r) =>
                    rawPub.send(toMessage(r), Buffer.from(JSON.stringify(r.payload))),
                  )
                : [],
            );
            const full = batch.rows.length === BATCH;
            const ahead = full ? marking.then(claim) : Promise.resolve(undefined);
            await confirms;
            marking = mark(batch);
            batch = await ahead;
          }
          await marking;
        };
        await Promise.all(Array.from({ length: RELAY_BATCHES }, worker));
        const rate = (o.messages / (performance.now() - t0)) * 1000;
        await admin.queuePurge({ queue: qPub });
        return rate;
      };
      const runRawPublish = async (): Promise<number> => {
        const t0 = performance.now();
        for (let i = 0; i < o.messages; i += inFlight) {
          await Promise.all(
            Array.from({ length: Math.min(inFlight, o.messages - i) }, (_, j) =>
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
      o.log(
        `(b) outbox relay vs raw relay (same SQL) and publish-only: ${o.messages} msgs, ` +
          `${RELAY_BATCHES} batches of ${BATCH} in flight`,
      );
      o.log(
        `  warm-up: ${Math.round(await runOutbox())} / ${Math.round(await runRawRelay())} / ` +
          `${Math.round(await runRawPublish())} (not counted)`,
      );
      const b = await sideBySide(o.rounds, runOutbox, runRawRelay, o.log);
      results.push(
        pair(
          "(b) outbox relay vs raw relay running the same SQL",
          "msg/s",
          b.a,
          b.b,
          `target >= 0.95; the same pipeline on both: ${RELAY_BATCHES} workers x ${BATCH}, next batch ` +
            `claimed (FOR UPDATE SKIP LOCKED) while confirms are in flight, one UPDATE + COMMIT ` +
            `behind the next publish, <= ${inFlight} confirms in flight; the kit adds a timeout ` +
            `timer per publish and its worker loop`,
        ),
      );
      const c = await sideBySide(o.rounds, runOutbox, runRawPublish, o.log);
      const sqlOnly: number[] = [];
      for (let r = 0; r < o.rounds; r++) {
        sqlOnly.push(await runRawRelay(false));
        o.log(`  round ${r + 1} relay SQL alone: ${Math.round(sqlOnly[r]!)}`);
      }
      const d = median(sqlOnly);
      const p = median(c.b);
      results.push(
        pair(
          "(b) outbox relay vs raw confirmed publish (ceiling, no database)",
          "msg/s",
          c.a,
          c.b,
          `target >= 0.8; <= ${inFlight} confirms in flight on both; the relay's SQL alone (same ` +
            `pipeline, no broker) ran at ${Math.round(d)} msg/s: PostgreSQL, RabbitMQ and the ` +
            `relay share the cores, bounding it near D/(P+D) = ${round(d / (p + d), 2)} of ` +
            `publish-only (P publish-only, D SQL alone)`,
        ),
      );
      await rawPub.close();
    }
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
