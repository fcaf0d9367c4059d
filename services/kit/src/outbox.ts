import { randomUUID } from "node:crypto";
import type { Pool, PoolClient } from "pg";
import { Client } from "pg";
import type { Logger } from "pino";
import { withTransaction } from "./db/client";
import { quoteSchema } from "./db/identifiers";
import type { KitMetrics } from "./metrics";
import type { EventDefinition } from "./messaging/events";
import type { PublishMessage } from "./messaging/transport";
import { activeTraceparent } from "./tracing";

export interface EnqueueOptions {
  /** Default: a new UUID. It becomes the AMQP message-id that downstream inboxes dedupe on. */
  readonly messageId?: string;
  readonly requestId?: string;
  /** Default: the active span's (so the relay's publish continues the trace that wrote the row). */
  readonly traceparent?: string;
  /** Further AMQP headers of the message (e.g. `x-causeway-redrive`). */
  readonly headers?: Readonly<Record<string, string | number>>;
}

/**
 * Writes an event to the outbox inside the caller's transaction (`client` must be in BEGIN).
 * It is published only if that transaction commits. Returns the message id.
 */
export async function enqueueEvent<T>(
  client: PoolClient,
  schema: string,
  def: EventDefinition<T>,
  payload: T,
  opts: EnqueueOptions = {},
): Promise<string> {
  const messageId = opts.messageId ?? randomUUID();
  const traceparent = opts.traceparent ?? activeTraceparent();
  const headers = {
    ...opts.headers,
    ...(opts.requestId ? { "x-request-id": opts.requestId } : {}),
    ...(traceparent ? { traceparent } : {}),
  };
  // The NOTIFY rides in the same statement (no extra round trip) and, like the row, is
  // delivered only if the transaction commits; PostgreSQL folds identical notifications of one
  // transaction into one. It wakes the relays listening on this schema at once.
  await client.query(
    `WITH row AS (
       INSERT INTO ${quoteSchema(schema)}.outbox (message_id, type, payload, headers)
       VALUES ($1, $2, $3, $4) RETURNING 1
     )
     SELECT pg_notify($5, $6) FROM row`,
    [
      messageId,
      def.type,
      JSON.stringify(def.schema.parse(payload)),
      JSON.stringify(headers),
      OUTBOX_CHANNEL,
      schema,
    ],
  );
  return messageId;
}

/** The LISTEN/NOTIFY channel of every outbox; the payload is the schema whose outbox grew. */
export const OUTBOX_CHANNEL = "causeway_outbox";

export interface RelayOptions {
  readonly pool: Pool;
  readonly schema: string;
  /** Publishes one message with confirm; normally `broker.publishMessage.bind(broker)`. */
  readonly publish: PublishMessage;
  /** Rows per batch. Default 100. */
  readonly batchSize?: number;
  /**
   * Batches in flight at once (each in its own transaction and pool connection), so confirms
   * of the next batch are pipelined while the previous one is marked and committed. Default 2.
   * 1 publishes strictly in id order.
   */
  readonly concurrency?: number;
  /**
   * Fallback poll interval when idle, ms. Default 1000. Enqueues wake the relay at once through
   * LISTEN/NOTIFY; the poll only covers a lost listener connection.
   */
  readonly pollIntervalMs?: number;
  /** LISTEN for enqueue notifications (a dedicated connection from the pool's settings). Default true. */
  readonly listen?: boolean;
  readonly logger?: Logger;
  readonly metrics?: KitMetrics;
}

interface OutboxRow {
  id: string;
  message_id: string;
  type: string;
  payload: unknown;
  headers: Record<string, unknown>;
}

/**
 * Publishes unsent outbox rows and marks them sent. Each batch is claimed with
 * `FOR UPDATE SKIP LOCKED` inside one transaction, published (confirms awaited), marked with one
 * UPDATE and committed; `concurrency` batches run at once, and several relays (replicas) share
 * the work the same way, never publishing one row concurrently. If the relay dies after
 * publishing but before COMMIT, the rows stay unsent and are published again: at-least-once,
 * one duplicate with the same message id, which the consumers' inboxes absorb.
 *
 * It wakes on NOTIFY from `enqueueEvent` (sent on commit), so an event goes out right after the
 * transaction that enqueued it commits, and polls every `pollIntervalMs` as a fallback.
 */
export class OutboxRelay {
  private readonly opts: Required<Omit<RelayOptions, "logger" | "metrics">> &
    Pick<RelayOptions, "logger" | "metrics">;
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly wakers = new Set<() => void>();
  /** Bumped by every kick: a worker that was busy when it came does not go to sleep. */
  private kicks = 0;
  private listener: Client | undefined;
  private listenRetry: NodeJS.Timeout | undefined;
  private listenReady: Promise<void> | undefined;

  constructor(opts: RelayOptions) {
    this.opts = { batchSize: 100, concurrency: 2, pollIntervalMs: 1_000, listen: true, ...opts };
    quoteSchema(opts.schema);
    for (const key of ["batchSize", "concurrency", "pollIntervalMs"] as const) {
      const v = this.opts[key];
      if (!Number.isInteger(v) || v < 1) {
        throw new Error(`OutboxRelay: ${key} must be an integer >= 1, got ${String(v)}`);
      }
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    if (this.opts.listen) this.listenReady = this.listen();
    this.loop = Promise.all(Array.from({ length: this.opts.concurrency }, () => this.work())).then(
      () => undefined,
    );
  }

  /** Resolves once the relay LISTENs for enqueues (or at once when `listen` is off). */
  async listening(): Promise<void> {
    await this.listenReady;
  }

  /** Workers waiting for a notification or the poll (for tests and tools). */
  get idleWorkers(): number {
    return this.wakers.size;
  }

  /** Skip the wait: relay now (e.g. right after a commit that enqueued events). */
  kick(): void {
    this.kicks++;
    for (const wake of this.wakers) wake();
  }

  /** Stops polling and listening and waits for the batches in progress. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.listenRetry);
    this.kick();
    await this.loop;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  /** LISTENs on a dedicated connection; reconnects (polling meanwhile) if it is lost. */
  private async listen(): Promise<void> {
    const client = new Client(this.opts.pool.options);
    const retry = (err: unknown) => {
      if (this.listener === client) this.listener = undefined;
      void client.end().catch(() => undefined);
      if (!this.running) return;
      this.opts.logger?.warn({ err }, "outbox LISTEN connection lost; polling until it is back");
      clearTimeout(this.listenRetry);
      this.listenRetry = setTimeout(() => void this.listen(), this.opts.pollIntervalMs);
    };
    client.on("error", retry);
    client.once("end", () => {
      if (this.listener === client) retry(new Error("LISTEN connection ended"));
    });
    client.on("notification", (n) => {
      if (n.payload === this.opts.schema) this.kick();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      if (!this.running) {
        await client.end();
        return;
      }
      this.listener = client;
      // Rows enqueued while nobody listened are found by this pass.
      this.kick();
    } catch (err) {
      retry(err);
    }
  }

  /** Relays one batch; returns how many rows were marked sent. Exposed for tests and tools. */
  async relayBatch(): Promise<number> {
    const schema = quoteSchema(this.opts.schema);
    const relayed = await withTransaction(this.opts.pool, async (client) => {
      const { rows } = await client.query<OutboxRow>(
        `SELECT id, message_id, type, payload, headers FROM ${schema}.outbox
         WHERE sent_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.opts.batchSize],
      );
      if (rows.length === 0) return { sent: 0, failed: 0, reason: undefined };
      const results = await Promise.allSettled(
        rows.map((r) =>
          this.opts.publish({
            type: r.type,
            messageId: r.message_id,
            payload: r.payload,
            headers: r.headers,
          }),
        ),
      );
      const sent = rows.filter((_, i) => results[i]!.status === "fulfilled").map((r) => r.id);
      let marked = 0;
      if (sent.length > 0) {
        // The rows are locked by this transaction, so `sent_at IS NULL` holds for each of them:
        // the count is what this relay (and no other) marked.
        const update = await client.query(
          `UPDATE ${schema}.outbox SET sent_at = now() WHERE id = ANY($1) AND sent_at IS NULL`,
          [sent],
        );
        marked = update.rowCount ?? 0;
      }
      const failed = results.find((r) => r.status === "rejected");
      return { sent: marked, failed: rows.length - sent.length, reason: failed?.reason };
    });
    this.opts.metrics?.outboxRelayed.inc({ outcome: "sent" }, relayed.sent);
    if (relayed.failed > 0) {
      this.opts.metrics?.outboxRelayed.inc({ outcome: "failed" }, relayed.failed);
      this.opts.logger?.warn({ err: relayed.reason }, "outbox publish failed; will retry");
    }
    return relayed.sent;
  }

  private async work(): Promise<void> {
    while (this.running) {
      const kicks = this.kicks;
      let relayed = 0;
      try {
        relayed = await this.relayBatch();
      } catch (err) {
        this.opts.logger?.warn({ err }, "outbox relay batch failed; will retry");
      }
      // A full batch, or a kick while busy: go again at once. Else wait for a kick or the poll.
      if (relayed < this.opts.batchSize && kicks === this.kicks && this.running) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            this.wakers.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, this.opts.pollIntervalMs);
          this.wakers.add(wake);
        });
      }
    }
  }
}
