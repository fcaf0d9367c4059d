import { randomUUID } from "node:crypto";
import type { Pool } from "pg";
import type { AsyncMessage, Connection } from "rabbitmq-client";
import { z } from "zod";
import type { Broker, EventDefinition, HandlerContext } from "@causeway/kit";
import { createPool, defineEvent, kitMigrations, migrate } from "@causeway/kit";
import {
  AMQP_TARGET,
  PG_TARGET,
  TEST_AMQP_URL,
  TEST_DATABASE_URL,
  serverAddress,
  uniqueName,
} from "../../kit/test/servers";
import { Connection as AmqpConnection } from "rabbitmq-client";

export { AMQP_TARGET, PG_TARGET, TEST_AMQP_URL, TEST_DATABASE_URL, serverAddress, uniqueName };

/** The event every kit scenario sends: a unique id in the payload too, to cross-check. */
export const faultEvent = defineEvent(
  "fault.happened",
  z.object({ n: z.number().int(), poison: z.boolean().optional() }),
);

/**
 * The effects table: one row per committed handler run, deliberately WITHOUT a unique
 * constraint, so a duplicate effect would be stored and counted instead of rejected.
 */
export const effectsMigration = {
  id: "faults-0001-effects",
  sql: `CREATE TABLE effects (
          seq      bigserial   PRIMARY KEY,
          event_id text        NOT NULL,
          at       timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX effects_event_id ON effects (event_id);`,
};

/** The handler's effect, inside the inbox transaction. */
export async function recordEffect(ctx: HandlerContext, eventId: string): Promise<void> {
  await ctx.db.query("INSERT INTO effects (event_id) VALUES ($1)", [eventId]);
}

/**
 * One scenario's world on the real servers: a unique schema (kit tables + effects), a unique
 * exchange, a direct pool (setup and checking, never behind a proxy) and a direct AMQP
 * connection (publishing, inspection, cleanup). `cleanup()` deletes all of it.
 */
export async function createWorld(prefix: string) {
  const schema = uniqueName(`faults_${prefix}`);
  const exchange = uniqueName(`causeway.faults.${prefix}`);
  const pool = createPool({ url: TEST_DATABASE_URL, schema, max: 4 });
  await migrate(pool, { schema, migrations: [...kitMigrations, effectsMigration] });
  const admin = new AmqpConnection({ url: TEST_AMQP_URL, connectionName: `faults-${prefix}` });
  await admin.onConnect(10_000, true);
  const queues: string[] = [];
  const closers: Array<() => Promise<unknown>> = [];
  const publishers: Array<{ close(): Promise<void> }> = [];

  return {
    schema,
    exchange,
    pool,
    admin,
    /** A unique queue name; it, its DLQ and retry queues are deleted by cleanup(). */
    queueName(maxRetryQueues = 20): string {
      const q = uniqueName(`faults.${prefix}`);
      queues.push(
        q,
        `${q}.dlq`,
        ...Array.from({ length: maxRetryQueues }, (_, i) => `${q}.retry.${i + 1}`),
      );
      return q;
    },
    /** Deletes `queue`, its DLQ and retry queues at cleanup (queues a service declares). */
    trackQueue(queue: string, maxRetryQueues = 20): void {
      queues.push(
        queue,
        `${queue}.dlq`,
        ...Array.from({ length: maxRetryQueues }, (_, i) => `${queue}.retry.${i + 1}`),
      );
    },
    /** A confirmed publisher on the direct connection (closed by cleanup()). */
    sender() {
      const { send, publisher } = makeSender(admin, exchange);
      publishers.push(publisher);
      return send;
    },
    /** Publishes raw bytes (e.g. a malformed body) with a confirm. */
    rawSender() {
      const { sendRaw, publisher } = makeSender(admin, exchange);
      publishers.push(publisher);
      return sendRaw;
    },
    /** Runs `fn` at cleanup, before the topology and schema are deleted (LIFO). */
    onCleanup(fn: () => Promise<unknown>): void {
      closers.unshift(fn);
    },
    async cleanup(): Promise<void> {
      for (const close of closers) await close().catch(() => undefined);
      for (const p of publishers) await p.close().catch(() => undefined);
      for (const queue of queues) await admin.queueDelete({ queue }).catch(() => undefined);
      await admin.exchangeDelete({ exchange }).catch(() => undefined);
      await admin.close().catch(() => undefined);
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await pool.end().catch(() => undefined);
    },
  };
}
export type World = Awaited<ReturnType<typeof createWorld>>;

/** Publishes one event straight to the exchange with a confirm (the "client" of a scenario). */
export function makeSender(conn: Connection, exchange: string) {
  const publisher = conn.createPublisher({
    confirm: true,
    exchanges: [{ exchange, type: "topic", durable: true }],
  });
  const sendRaw = async (type: string, body: Buffer, id: string = randomUUID()) => {
    await publisher.send(
      {
        exchange,
        routingKey: type,
        type,
        messageId: id,
        durable: true,
        contentType: "application/json",
      },
      body,
    );
    return id;
  };
  const send = <T>(def: EventDefinition<T>, payload: T, id?: string) =>
    sendRaw(def.type, Buffer.from(JSON.stringify(payload)), id);
  return { send, sendRaw, publisher };
}

export interface History {
  /** Rows in the effects table. */
  readonly effects: number;
  /** Sent ids with no effect. */
  readonly lost: number;
  /** Extra effects of ids that have more than one. */
  readonly duplicates: number;
  /** Effects of ids that were never sent. */
  readonly unexpected: number;
}

/**
 * The Jepsen-style check: the set of sent ids against the effects table in PostgreSQL (never a
 * counter of the code under test). lost and unexpected must be empty; duplicates are counted.
 */
export async function checkHistory(
  pool: Pool,
  schema: string,
  sent: Iterable<string>,
): Promise<History> {
  const ids = [...new Set(sent)];
  const { rows } = await pool.query<History>(
    `WITH sent(id) AS (SELECT unnest($1::text[])),
          e AS (SELECT event_id, count(*)::int AS n FROM "${schema}".effects GROUP BY event_id)
     SELECT (SELECT count(*) FROM "${schema}".effects)::int AS effects,
            (SELECT count(*) FROM sent WHERE id NOT IN (SELECT event_id FROM e))::int AS lost,
            (SELECT coalesce(sum(n - 1), 0) FROM e)::int AS duplicates,
            (SELECT coalesce(sum(n), 0) FROM e WHERE event_id NOT IN (SELECT id FROM sent))::int
              AS unexpected`,
    [ids],
  );
  return rows[0]!;
}

/** Count of distinct sent ids that have an effect (progress while waiting). */
export async function effectCount(pool: Pool, schema: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(DISTINCT event_id)::int AS n FROM "${schema}".effects`,
  );
  return rows[0]!.n;
}

export async function queueDepth(conn: Connection, queue: string): Promise<number> {
  const { messageCount } = await conn.queueDeclare({ queue, passive: true });
  return messageCount;
}

export interface Summary {
  readonly sent: number;
  readonly effects: number;
  readonly lost: number;
  readonly duplicates: number;
  readonly redeliveries: number;
  readonly dlq: number;
}

/** Prints the scenario's one summary line and returns it. */
export function summarize(name: string, s: Summary): string {
  const line =
    `${name} sent=${s.sent} effects=${s.effects} lost=${s.lost} duplicates=${s.duplicates} ` +
    `redeliveries=${s.redeliveries} dlq=${s.dlq}`;
  process.stdout.write(`${line}\n`);
  return line;
}

/**
 * Observes every delivery at the client-library boundary (rabbitmq-client's consumer callback,
 * below the kit): message id and the broker's `redelivered` flag. Call before `subscribe`.
 */
export function spyDeliveries(broker: Broker) {
  const seen = { deliveries: 0, redelivered: 0, ids: new Map<string, number>() };
  observeDeliveries(broker, (msg) => {
    seen.deliveries++;
    if (msg.redelivered) seen.redelivered++;
    if (msg.messageId) seen.ids.set(msg.messageId, (seen.ids.get(msg.messageId) ?? 0) + 1);
  });
  return seen;
}

/**
 * The kit's two consumer modes: "batched" (the default: a transaction and an ack multiple per
 * batch) and "per-message" (`batch: false`). F1 and F4 run in both.
 */
export const CONSUMER_MODES = ["batched", "per-message"] as const;
export type ConsumerMode = (typeof CONSUMER_MODES)[number];

/** The `subscribe` options that select `mode` (batched: the kit's defaults). */
export function consumerModeOptions(mode: ConsumerMode): { batch?: false } {
  return mode === "per-message" ? { batch: false } : {};
}

/**
 * Calls `observe` with every delivery of consumers created on `broker` from now on: every
 * `basic.consume` on a channel of its connection, which is where both the library's Consumer
 * (the kit's per-message mode) and the kit's batched consumer receive messages.
 */
export function observeDeliveries(broker: Broker, observe: (msg: AsyncMessage) => void): void {
  const conn = broker.connection;
  const acquire = conn.acquire.bind(conn);
  conn.acquire = async (...args: Parameters<typeof conn.acquire>) => {
    const ch = await acquire(...args);
    const consume = ch.basicConsume.bind(ch);
    ch.basicConsume = (params, cb) =>
      consume(params, (msg) => {
        observe(msg);
        cb(msg);
      });
    return ch;
  };
}

/** Polls `check` until true; throws after `timeoutMs` (a bound on waiting, not an assertion). */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
