import { randomUUID } from "node:crypto";
import type { Pool, PoolClient } from "pg";
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
  await client.query(
    `INSERT INTO ${quoteSchema(schema)}.outbox (message_id, type, payload, headers)
     VALUES ($1, $2, $3, $4)`,
    [messageId, def.type, JSON.stringify(def.schema.parse(payload)), JSON.stringify(headers)],
  );
  return messageId;
}

export interface RelayOptions {
  readonly pool: Pool;
  readonly schema: string;
  /** Publishes one message with confirm; normally `broker.publishMessage.bind(broker)`. */
  readonly publish: PublishMessage;
  /** Rows per batch. Default 100. */
  readonly batchSize?: number;
  /** Idle poll interval, ms. Default 250. A full batch polls again at once. */
  readonly pollIntervalMs?: number;
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
 * Publishes unsent outbox rows in id order and marks them sent. A batch is claimed with
 * `FOR UPDATE SKIP LOCKED` inside one transaction, published (confirms awaited), marked and
 * committed; so several relays (replicas) share the work without publishing the same row
 * concurrently. If the relay dies after publishing but before COMMIT, the rows stay unsent and
 * are published again: at-least-once, one duplicate with the same message id, which the
 * consumers' inboxes absorb.
 */
export class OutboxRelay {
  private readonly opts: Required<Omit<RelayOptions, "logger" | "metrics">> &
    Pick<RelayOptions, "logger" | "metrics">;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(opts: RelayOptions) {
    this.opts = { batchSize: 100, pollIntervalMs: 250, ...opts };
    quoteSchema(opts.schema);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Skip the wait: relay now (e.g. right after a commit that enqueued events). */
  kick(): void {
    this.wake?.();
  }

  /** Stops polling and waits for the batch in progress. */
  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    await this.loop;
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
      if (sent.length > 0) {
        await client.query(`UPDATE ${schema}.outbox SET sent_at = now() WHERE id = ANY($1)`, [
          sent,
        ]);
      }
      const failed = results.find((r) => r.status === "rejected");
      return { sent: sent.length, failed: rows.length - sent.length, reason: failed?.reason };
    });
    this.opts.metrics?.outboxRelayed.inc({ outcome: "sent" }, relayed.sent);
    if (relayed.failed > 0) {
      this.opts.metrics?.outboxRelayed.inc({ outcome: "failed" }, relayed.failed);
      this.opts.logger?.warn({ err: relayed.reason }, "outbox publish failed; will retry");
    }
    return relayed.sent;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let relayed = 0;
      try {
        relayed = await this.relayBatch();
      } catch (err) {
        this.opts.logger?.warn({ err }, "outbox relay batch failed; will retry");
      }
      if (relayed < this.opts.batchSize && this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.opts.pollIntervalMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }
}
