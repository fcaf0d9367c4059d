import { randomUUID } from "node:crypto";
import type { Pool, PoolClient } from "pg";
import { Client } from "pg";
import type { Logger } from "pino";
import type { CheckedOutClient } from "./db/client";
import { checkOut } from "./db/client";
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

/** A claimed batch: its rows stay locked by the open transaction on `held` until it ends. */
interface Claim {
  readonly held: CheckedOutClient;
  readonly rows: OutboxRow[];
  /** `kicks` when the claim began: a kick after it may have committed rows it did not see. */
  readonly kicks: number;
}

/** What publishing a claimed batch gave: the ids confirmed, and the first failure if any. */
interface Published {
  readonly sent: string[];
  readonly failed: number;
  readonly reason: unknown;
}

/**
 * Publishes unsent outbox rows and marks them sent. A batch is claimed with
 * `FOR UPDATE SKIP LOCKED` in its own transaction, published (confirms awaited), marked with one
 * UPDATE and committed. Each of the `concurrency` workers pipelines its batches: it claims the
 * next batch while the current one's confirms are in flight, and marks and commits a batch while
 * the next one is published, so the broker always has confirms to work on and the database round
 * trips and the COMMIT's fsync are hidden behind them. A batch is published only after every
 * confirm of the worker's previous batch arrived, so one worker (`concurrency: 1`) publishes in
 * id order; if a publish of a batch failed, the batch claimed ahead is rolled back unpublished, so
 * the failed rows are claimed again first. Several relays (replicas) share the work the same way,
 * never publishing one row concurrently.
 *
 * A row is marked sent only in the transaction that claimed it and only after its confirm
 * arrived; if the relay dies before that COMMIT, the rows stay unsent and are published again:
 * at-least-once, one duplicate with the same message id, which the consumers' inboxes absorb.
 *
 * It wakes on NOTIFY from `enqueueEvent` (sent on commit), so an event goes out right after the
 * transaction that enqueued it commits, and polls every `pollIntervalMs` as a fallback.
 * Each worker holds at most two pool connections (the batch being published, and the next one
 * claimed or the previous one being committed).
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
  private readonly claimSql: string;
  private readonly markSql: string;

  constructor(opts: RelayOptions) {
    this.opts = { batchSize: 100, concurrency: 2, pollIntervalMs: 1_000, listen: true, ...opts };
    const schema = quoteSchema(opts.schema);
    for (const key of ["batchSize", "concurrency", "pollIntervalMs"] as const) {
      const v = this.opts[key];
      if (!Number.isInteger(v) || v < 1) {
        throw new Error(`OutboxRelay: ${key} must be an integer >= 1, got ${String(v)}`);
      }
    }
    this.claimSql = `SELECT id, message_id, type, payload, headers FROM ${schema}.outbox
       WHERE sent_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`;
    // The rows are locked by the claiming transaction, so `sent_at IS NULL` holds for each of
    // them: the count is what this relay (and no other) marked.
    this.markSql = `UPDATE ${schema}.outbox SET sent_at = now() WHERE id = ANY($1) AND sent_at IS NULL`;
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

  /**
   * Relays one batch (claim, publish, mark, commit, not pipelined); returns how many rows were
   * marked sent. Exposed for tests and tools.
   */
  async relayBatch(): Promise<number> {
    const claim = await this.claim();
    if (!claim) return 0;
    return this.finish(claim, await this.publish(claim));
  }

  /** BEGIN and lock up to `batchSize` unsent rows; undefined (transaction ended) if none. */
  private async claim(): Promise<Claim | undefined> {
    const kicks = this.kicks;
    const held = await checkOut(this.opts.pool);
    try {
      await held.client.query("BEGIN");
      const { rows } = await held.client.query<OutboxRow>(this.claimSql, [this.opts.batchSize]);
      if (rows.length > 0) return { held, rows, kicks };
      await held.client.query("COMMIT");
      held.release();
      return undefined;
    } catch (err) {
      await held.client.query("ROLLBACK").catch(() => undefined);
      held.release(err);
      throw err;
    }
  }

  /** Publishes a claimed batch with confirms (all at once, in id order); never rejects. */
  private async publish(claim: Claim): Promise<Published> {
    const results = await Promise.allSettled(
      claim.rows.map((r) =>
        this.opts.publish({
          type: r.type,
          messageId: r.message_id,
          payload: r.payload,
          headers: r.headers,
        }),
      ),
    );
    const sent = claim.rows.filter((_, i) => results[i]!.status === "fulfilled").map((r) => r.id);
    const failed = claim.rows.length - sent.length;
    const reason = (
      results.find((r) => r.status === "rejected") as PromiseRejectedResult | undefined
    )?.reason;
    if (failed > 0) {
      this.opts.metrics?.outboxRelayed.inc({ outcome: "failed" }, failed);
      this.opts.logger?.warn({ err: reason }, "outbox publish failed; will retry");
    }
    return { sent, failed, reason };
  }

  /** Marks the confirmed rows sent and COMMITs; returns how many rows were marked. */
  private async finish(claim: Claim, published: Published): Promise<number> {
    const { client } = claim.held;
    try {
      let marked = 0;
      if (published.sent.length > 0) {
        marked = (await client.query(this.markSql, [published.sent])).rowCount ?? 0;
      }
      // COMMIT of an aborted transaction "succeeds" with the tag ROLLBACK: check the tag.
      const commit = await client.query("COMMIT");
      if (commit.command !== "COMMIT") {
        throw new Error(`COMMIT ended as ${commit.command}: the transaction was aborted`);
      }
      claim.held.release();
      this.opts.metrics?.outboxRelayed.inc({ outcome: "sent" }, marked);
      return marked;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      claim.held.release(err);
      throw err;
    }
  }

  /** Ends a claim without publishing it: its rows are unlocked, still unsent. */
  private async abandon(claim: Claim): Promise<void> {
    await claim.held.client.query("ROLLBACK").then(
      () => claim.held.release(),
      (err: unknown) => claim.held.release(err),
    );
  }

  /**
   * One worker: claim, then for each batch claim the next one (once the batch before is
   * committed) while this one is published, then mark and commit this one while the next one
   * is published.
   */
  private async work(): Promise<void> {
    /** The previous batch's mark and COMMIT (never rejects). */
    let marking: Promise<void> = Promise.resolve();
    /** The next batch, claimed while the current one is published. */
    let ahead: Promise<Claim | undefined> | undefined;
    const claimAfterMarking = () => {
      const next = marking.then(() => this.claim());
      next.catch(() => undefined); // awaited later; handled there
      return next;
    };
    try {
      while (this.running) {
        let claim: Claim | undefined;
        let kicks = this.kicks;
        try {
          claim = await (ahead ?? claimAfterMarking());
        } catch (err) {
          this.opts.logger?.warn({ err }, "outbox relay claim failed; will retry");
        }
        ahead = undefined;
        if (claim) {
          kicks = claim.kicks;
          const full = claim.rows.length === this.opts.batchSize;
          // A full batch may have more behind it: claim that now, while this one is published.
          if (full && this.running) ahead = claimAfterMarking();
          const published = await this.publish(claim);
          if (published.failed > 0 && ahead) {
            // Keep the order: the failed rows go first in the next batch, not after this one.
            const next = ahead;
            ahead = undefined;
            await next.then((c) => (c ? this.abandon(c) : undefined)).catch(() => undefined);
          }
          marking = this.finish(claim, published).then(
            () => undefined,
            (err: unknown) => {
              this.opts.logger?.warn({ err }, "outbox relay mark/commit failed; will retry");
            },
          );
          // A full batch, all confirmed: go on with the batch claimed ahead.
          if (full && published.failed === 0) continue;
        }
        // Else, once the batch before is committed, go again at once if kicked while busy
        // (or stopped meanwhile), or wait for a kick or the poll.
        await marking;
        if (kicks === this.kicks && this.running) {
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
    } finally {
      if (ahead) await ahead.then((c) => (c ? this.abandon(c) : undefined)).catch(() => undefined);
      await marking;
    }
  }
}
