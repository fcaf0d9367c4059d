import { orderPlaced } from "@causeway/contracts";
import type { OrderView } from "@causeway/contracts";
import { MessageHeaders, enqueueEvent, withTransaction } from "@causeway/kit";
import type { Pool } from "pg";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { Counter, Gauge } from "prom-client";

export interface ReconcilerOptions {
  readonly pool: Pool;
  /** The orders schema (orders table and outbox). */
  readonly schema: string;
  /** An order still PENDING this long after it was placed (or last re-driven) is re-driven. */
  readonly pendingAfterMs: number;
  /** How often a pass runs. */
  readonly intervalMs: number;
  /**
   * Orders older than this are left to an operator (the oldest-PENDING alarm), never
   * re-driven: it must stay below the provider's key retention (24 h), so that a re-drive can
   * never reach the provider with a forgotten key and charge twice.
   */
  readonly maxAgeMs: number;
  /** Orders per pass. Default 100. */
  readonly batchSize?: number;
  /** Called after a pass enqueued re-drives (e.g. `relay.kick()`). */
  readonly onEnqueued?: () => void;
  readonly logger?: Logger;
  readonly metrics?: ReconcilerMetrics;
}

export interface PassResult {
  /** False when another instance held the lock: this pass did nothing. */
  readonly locked: boolean;
  readonly redriven: readonly string[];
}

interface PendingRow {
  id: string;
  customer_id: string;
  currency: string;
  amount_cents: string;
  items: OrderView["items"];
  created_at: Date;
  redrive_count: number;
}

/**
 * Finds orders PENDING past a deadline and re-drives them until each is PAID or
 * PAYMENT_FAILED: a new `order.placed` outbox row (new message id, header
 * `x-causeway-redrive: n`), in the same transaction as the order's `redriven_at`. Safe by
 * design: payments charges with the order id as idempotency key (the provider replays the
 * first charge), its ledger holds one row per order, and for a re-drive of an order it has
 * already settled it answers again from the ledger (the first answer may have been parked).
 *
 * One instance at a time across replicas: each pass runs under a transaction-level PostgreSQL
 * advisory lock keyed by the schema (`pg_try_advisory_xact_lock`); a replica that does not get
 * it skips the pass. A crash releases the lock with the transaction.
 */
export class Reconciler {
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<unknown> = Promise.resolve();
  private readonly batchSize: number;

  constructor(private readonly opts: ReconcilerOptions) {
    this.batchSize = opts.batchSize ?? 100;
    if (opts.maxAgeMs <= opts.pendingAfterMs) {
      throw new RangeError(
        `reconciler: maxAgeMs (${opts.maxAgeMs}) must exceed pendingAfterMs (${opts.pendingAfterMs})`,
      );
    }
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.pass = this.runOnce().catch((err: unknown) =>
        this.opts.logger?.warn({ err }, "reconciler pass failed; will retry"),
      );
    }, this.opts.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a pass in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.pass;
  }

  /** One pass (exposed for tests and tools). */
  async runOnce(): Promise<PassResult> {
    const { schema } = this.opts;
    const result = await withTransaction(this.opts.pool, async (tx) => {
      const lock = await tx.query<{ ok: boolean }>(
        "SELECT pg_try_advisory_xact_lock(hashtext('causeway.reconciler'), hashtext($1)) AS ok",
        [schema],
      );
      if (!lock.rows[0]!.ok) return { locked: false, redriven: [] };
      const { rows } = await tx.query<PendingRow>(
        `SELECT id, customer_id, currency, amount_cents, items, created_at, redrive_count
         FROM orders
         WHERE status = 'PENDING'
           AND coalesce(redriven_at, created_at) < now() - $1 * interval '1 millisecond'
           AND created_at > now() - $2 * interval '1 millisecond'
         ORDER BY created_at
         LIMIT $3
         FOR UPDATE SKIP LOCKED`,
        [this.opts.pendingAfterMs, this.opts.maxAgeMs, this.batchSize],
      );
      for (const r of rows) {
        await enqueueEvent(
          tx,
          schema,
          orderPlaced,
          {
            version: 1,
            orderId: r.id,
            customerId: r.customer_id,
            currency: r.currency,
            amountCents: Number(r.amount_cents),
            items: r.items,
            placedAt: r.created_at.toISOString(),
          },
          { headers: { [MessageHeaders.redrive]: r.redrive_count + 1 } },
        );
        await tx.query(
          "UPDATE orders SET redrive_count = redrive_count + 1, redriven_at = now() WHERE id = $1",
          [r.id],
        );
      }
      return { locked: true, redriven: rows.map((r) => r.id) };
    });
    if (result.redriven.length > 0) {
      this.opts.metrics?.redriven.inc(result.redriven.length);
      this.opts.logger?.warn(
        { orders: result.redriven.length, pendingAfterMs: this.opts.pendingAfterMs },
        "reconciler re-drove PENDING orders past their deadline",
      );
      this.opts.onEnqueued?.();
    }
    return result;
  }
}

export interface ReconcilerMetrics {
  readonly redriven: Counter;
}

/**
 * The orders gauges the alarms need, read from PostgreSQL at each scrape:
 * `orders_pending_oldest_age_seconds` (0 when none is PENDING) and `orders_pending`; and
 * `orders_redriven_total`, the reconciler's re-drives.
 */
export function ordersMetrics(registry: Registry, pool: Pool): ReconcilerMetrics {
  let last: Promise<{ age: number; count: number }> | undefined;
  // Both gauges share one query per scrape.
  const read = () =>
    (last ??= pool
      .query<{ age: number | null; count: number }>(
        `SELECT extract(epoch FROM now() - min(created_at))::float8 AS age, count(*)::int AS count
         FROM orders WHERE status = 'PENDING'`,
      )
      .then((r) => ({ age: r.rows[0]!.age ?? 0, count: r.rows[0]!.count }))
      .finally(() => setImmediate(() => (last = undefined))));
  new Gauge({
    name: "orders_pending_oldest_age_seconds",
    help: "Age of the oldest PENDING order, in seconds (0 when none): alarm on it.",
    registers: [registry],
    async collect() {
      this.set((await read()).age);
    },
  });
  new Gauge({
    name: "orders_pending",
    help: "Orders PENDING now.",
    registers: [registry],
    async collect() {
      this.set((await read()).count);
    },
  });
  return {
    redriven: new Counter({
      name: "orders_redriven_total",
      help: "PENDING orders re-driven by the reconciler (a new order.placed for the same order).",
      registers: [registry],
    }),
  };
}
