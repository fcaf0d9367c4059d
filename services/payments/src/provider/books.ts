import { join } from "node:path";
import type { Migration } from "@causeway/kit";
import { loadSqlMigrations, withTransaction } from "@causeway/kit";
import type { Pool } from "pg";
import type { ChargeRequest, ChargeResult } from "./provider";

/** What the provider keeps for one idempotency key once a call has decided its result. */
export interface StoredCharge {
  readonly fingerprint: string;
  readonly result: ChargeResult;
}

/** One call's view of its key, inside the key's critical section. */
export interface KeyTx {
  /** The n-th call with this key (this one included), counted across restarts. */
  readonly calls: number;
  /** The result decided by an earlier call with this key, if any. */
  readonly stored: StoredCharge | undefined;
  /** True while the operator switch says the provider is down. */
  readonly down: boolean;
  /** Records a new charge for the key (only when `stored` is undefined). */
  create(charge: StoredCharge, req: ChargeRequest): Promise<void>;
}

/** One charge as the provider's books show it. */
export interface BookedCharge {
  readonly chargeId: string;
  readonly idempotencyKey: string;
  readonly reference: string | null;
  readonly status: ChargeResult["status"];
}

/**
 * Where the simulated provider keeps its books. Calls with one key are serialised (a real
 * provider locks the key the same way), and whatever `fn` records is kept even if the caller
 * then loses the response.
 */
export interface ProviderBooks {
  withKey<R>(key: string, fn: (tx: KeyTx) => Promise<R>): Promise<R>;
  /** Charges whose reference (the order id) is `reference`. */
  chargesFor(reference: string): Promise<BookedCharge[]>;
}

/** In-process books (unit tests): forgotten when the process ends. */
export class MemoryBooks implements ProviderBooks {
  private readonly keys = new Map<string, { calls: number; stored?: StoredCharge }>();
  private readonly charges: BookedCharge[] = [];
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Epoch ms until which the provider is down (the operator switch). */
  downUntil = 0;

  async withKey<R>(key: string, fn: (tx: KeyTx) => Promise<R>): Promise<R> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.then(async () => {
      const entry = this.keys.get(key) ?? { calls: 0 };
      entry.calls++;
      this.keys.set(key, entry);
      return fn({
        calls: entry.calls,
        stored: entry.stored,
        down: Date.now() < this.downUntil,
        create: async (charge, req) => {
          entry.stored = charge;
          this.charges.push({
            chargeId: charge.result.chargeId,
            idempotencyKey: key,
            reference: req.reference ?? null,
            status: charge.result.status,
          });
        },
      });
    });
    const settled = run.catch(() => undefined);
    this.locks.set(key, settled);
    void settled.then(() => {
      if (this.locks.get(key) === settled) this.locks.delete(key);
    });
    return run;
  }

  async chargesFor(reference: string): Promise<BookedCharge[]> {
    return this.charges.filter((c) => c.reference === reference);
  }
}

/** The provider's migrations (services/payments/migrations/provider), for its own schema. */
export function providerMigrations(): Promise<Migration[]> {
  return loadSqlMigrations(join(__dirname, "..", "..", "migrations", "provider"));
}

/** How long the provider remembers an idempotency key: 24 h, as Stripe does. */
export const KEY_RETENTION_MS = 24 * 3_600_000;

/**
 * Books in PostgreSQL, in the provider's own schema (the pool's search_path): a restart of
 * payments forgets nothing. The key's row is locked for the call (`INSERT .. ON CONFLICT DO
 * UPDATE` takes the row lock), so concurrent calls with one key run one after the other.
 */
export class PgBooks implements ProviderBooks {
  constructor(private readonly pool: Pool) {}

  withKey<R>(key: string, fn: (tx: KeyTx) => Promise<R>): Promise<R> {
    return withTransaction(this.pool, async (db) => {
      const { rows } = await db.query<{
        calls: number;
        fingerprint: string | null;
        charge_id: string | null;
      }>(
        `INSERT INTO idempotency_keys (key, calls) VALUES ($1, 1)
         ON CONFLICT (key) DO UPDATE SET calls = idempotency_keys.calls + 1
         RETURNING calls, fingerprint, charge_id`,
        [key],
      );
      const row = rows[0]!;
      let stored: StoredCharge | undefined;
      if (row.charge_id && row.fingerprint) {
        const charge = await db.query<{
          status: ChargeResult["status"];
          decline_reason: string | null;
        }>("SELECT status, decline_reason FROM charges WHERE id = $1", [row.charge_id]);
        const c = charge.rows[0]!;
        stored = {
          fingerprint: row.fingerprint,
          result:
            c.status === "succeeded"
              ? { status: "succeeded", chargeId: row.charge_id }
              : {
                  status: "declined",
                  chargeId: row.charge_id,
                  reason: c.decline_reason as Extract<
                    ChargeResult,
                    { status: "declined" }
                  >["reason"],
                },
        };
      }
      const { rows: sw } = await db.query<{ down: boolean }>(
        "SELECT coalesce(down_until > now(), false) AS down FROM switches WHERE id = 1",
      );
      return fn({
        calls: row.calls,
        stored,
        down: sw[0]?.down ?? false,
        create: async (charge, req) => {
          const r = charge.result;
          await db.query(
            `INSERT INTO charges (id, idempotency_key, reference, status, decline_reason,
                                  customer_id, amount_cents, currency)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
            [
              r.chargeId,
              key,
              req.reference ?? null,
              r.status,
              r.status === "declined" ? r.reason : null,
              req.customerId,
              req.amountCents,
              req.currency,
            ],
          );
          await db.query(
            "UPDATE idempotency_keys SET fingerprint = $2, charge_id = $3 WHERE key = $1",
            [key, charge.fingerprint, r.chargeId],
          );
        },
      });
    });
  }

  async chargesFor(reference: string): Promise<BookedCharge[]> {
    const { rows } = await this.pool.query<{
      id: string;
      idempotency_key: string;
      reference: string | null;
      status: ChargeResult["status"];
    }>(
      "SELECT id, idempotency_key, reference, status FROM charges WHERE reference = $1 ORDER BY created_at",
      [reference],
    );
    return rows.map((r) => ({
      chargeId: r.id,
      idempotencyKey: r.idempotency_key,
      reference: r.reference,
      status: r.status,
    }));
  }

  /** Forgets idempotency keys older than `retentionMs` (default 24 h); returns how many. */
  async purgeExpiredKeys(retentionMs = KEY_RETENTION_MS): Promise<number> {
    const { rowCount } = await this.pool.query(
      "DELETE FROM idempotency_keys WHERE created_at < now() - $1 * interval '1 millisecond'",
      [retentionMs],
    );
    return rowCount ?? 0;
  }

  /** The operator switch: the provider fails every call until `until` (null: up again). */
  async setDownUntil(until: Date | null): Promise<void> {
    await this.pool.query("UPDATE switches SET down_until = $1 WHERE id = 1", [until]);
  }
}
