import type { Pool, PoolClient } from "pg";
import type { ChargeRequest, ChargeResult } from "./provider/provider";

export interface LedgerEntry {
  orderId: string;
  status: "succeeded" | "declined";
  providerChargeId: string;
  customerId: string;
  amountCents: number;
  currency: string;
  declineReason: string | null;
  createdAt: string;
}

interface Row {
  order_id: string;
  status: LedgerEntry["status"];
  provider_charge_id: string;
  customer_id: string;
  amount_cents: string;
  currency: string;
  decline_reason: string | null;
  created_at: Date;
}

/** The order's recorded outcome, if any (read inside the inbox transaction). */
export async function outcomeFor(
  db: Pool | PoolClient,
  orderId: string,
): Promise<LedgerEntry | undefined> {
  return (await listCharges(db, orderId))[0];
}

export async function listCharges(db: Pool | PoolClient, orderId: string): Promise<LedgerEntry[]> {
  const { rows } = await db.query<Row>(
    `SELECT order_id, status, provider_charge_id, customer_id, amount_cents, currency,
            decline_reason, created_at
     FROM charges WHERE order_id = $1 ORDER BY id`,
    [orderId],
  );
  return rows.map((r) => ({
    orderId: r.order_id,
    status: r.status,
    providerChargeId: r.provider_charge_id,
    customerId: r.customer_id,
    amountCents: Number(r.amount_cents),
    currency: r.currency,
    declineReason: r.decline_reason,
    createdAt: r.created_at.toISOString(),
  }));
}

/**
 * Records the provider's answer. Returns false if the order already has a row: UNIQUE(order_id)
 * makes a concurrent second recording wait for the first and then do nothing.
 */
export async function recordOutcome(
  tx: PoolClient,
  orderId: string,
  req: ChargeRequest,
  result: ChargeResult,
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `INSERT INTO charges (order_id, status, provider_charge_id, customer_id, amount_cents,
                          currency, decline_reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (order_id) DO NOTHING`,
    [
      orderId,
      result.status,
      result.chargeId,
      req.customerId,
      req.amountCents,
      req.currency,
      result.status === "declined" ? result.reason : null,
    ],
  );
  return rowCount === 1;
}
