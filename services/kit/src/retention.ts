import type { Pool } from "pg";
import type { Logger } from "pino";
import { quoteSchema } from "./db/identifiers";

/** How long the kit keeps what it no longer needs. Defaults in the kit README. */
export interface RetentionPolicy {
  /**
   * Inbox rows (processed message ids). Must exceed the longest time a message can still be
   * redelivered or replayed from a DLQ: after it, a replayed message would run again.
   */
  readonly inboxRetentionMs: number;
  /** Outbox rows already published. */
  readonly outboxRetentionMs: number;
}

export interface PurgeCounts {
  readonly inbox: number;
  readonly outbox: number;
  readonly idempotencyKeys: number;
}

/** Rows deleted per statement, so a purge never holds long locks on a busy table. */
const BATCH = 5_000;

/**
 * Deletes inbox rows and sent outbox rows older than the policy allows, and expired
 * Idempotency-Key records, in batches. Safe to run on every replica at once.
 */
export async function purgeExpired(
  pool: Pool,
  schema: string,
  policy: RetentionPolicy,
): Promise<PurgeCounts> {
  const s = quoteSchema(schema);
  const inbox = await deleteInBatches(
    pool,
    `DELETE FROM ${s}.inbox WHERE ctid IN (
       SELECT ctid FROM ${s}.inbox WHERE received_at < now() - make_interval(secs => $1) LIMIT $2)`,
    [policy.inboxRetentionMs / 1000],
  );
  const outbox = await deleteInBatches(
    pool,
    `DELETE FROM ${s}.outbox WHERE id IN (
       SELECT id FROM ${s}.outbox WHERE sent_at < now() - make_interval(secs => $1) LIMIT $2)`,
    [policy.outboxRetentionMs / 1000],
  );
  const idempotencyKeys = await deleteInBatches(
    pool,
    `DELETE FROM ${s}.idempotency_keys WHERE (scope, key) IN (
       SELECT scope, key FROM ${s}.idempotency_keys WHERE expires_at < now() LIMIT $1)`,
    [],
  );
  return { inbox, outbox, idempotencyKeys };
}

async function deleteInBatches(pool: Pool, sql: string, params: unknown[]): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await pool.query(sql, [...params, BATCH]);
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < BATCH) return total;
  }
}

export interface RetentionJobOptions extends RetentionPolicy {
  readonly pool: Pool;
  readonly schema: string;
  /** Time between purges. */
  readonly intervalMs: number;
  readonly logger?: Logger;
}

/** Runs `purgeExpired` every `intervalMs`, one run at a time; `stop` waits for a running one. */
export class RetentionJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly opts: RetentionJobOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.opts.intervalMs);
    this.timer.unref();
  }

  /** One purge now (skipped if one is running); failures are logged, never thrown. */
  runOnce(): Promise<void> {
    this.running ??= purgeExpired(this.opts.pool, this.opts.schema, this.opts)
      .then((counts) => {
        if (counts.inbox + counts.outbox + counts.idempotencyKeys > 0) {
          this.opts.logger?.info({ purged: counts }, "retention: expired rows deleted");
        }
      })
      .catch((err: unknown) => this.opts.logger?.warn({ err }, "retention purge failed"))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
