import { randomUUID } from "node:crypto";
import type { CreateOrderBody, OrderStatus, OrderView } from "@causeway/contracts";
import { orderTotalCents } from "@causeway/contracts";
import type { PoolClient, Pool } from "pg";

interface OrderRow {
  id: string;
  status: OrderStatus;
  customer_id: string;
  currency: string;
  amount_cents: string;
  items: OrderView["items"];
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = "id, status, customer_id, currency, amount_cents, items, created_at, updated_at";

function toView(r: OrderRow): OrderView {
  return {
    id: r.id,
    status: r.status,
    customerId: r.customer_id,
    currency: r.currency,
    amountCents: Number(r.amount_cents),
    items: r.items,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** The order total: the admission contract's sum (one definition for every stage). */
export function orderAmountCents(items: CreateOrderBody["items"]): number {
  return orderTotalCents(items);
}

export type InsertResult =
  | { readonly outcome: "created" | "existing"; readonly order: OrderView }
  | { readonly outcome: "key-reused" };

/**
 * Inserts a PENDING order keyed by its idempotency key. If that key already made an order:
 * "existing" with that order when the request is the same (a retry after a lost stored
 * response), "key-reused" when it differs (the kit forgot the key after its window, the order
 * did not): answering with the old order would tell the client a new one was placed.
 */
export async function insertOrder(
  tx: PoolClient,
  key: string,
  body: CreateOrderBody,
): Promise<InsertResult> {
  const inserted = await tx.query<OrderRow>(
    `INSERT INTO orders (id, idempotency_key, customer_id, currency, amount_cents, items)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (idempotency_key) DO NOTHING
     RETURNING ${COLUMNS}`,
    [
      randomUUID(),
      key,
      body.customerId,
      body.currency,
      orderAmountCents(body.items),
      JSON.stringify(body.items),
    ],
  );
  if (inserted.rows[0]) return { outcome: "created", order: toView(inserted.rows[0]) };
  const existing = await tx.query<OrderRow & { same: boolean }>(
    `SELECT ${COLUMNS}, (customer_id = $2 AND currency = $3 AND items = $4::jsonb) AS same
     FROM orders WHERE idempotency_key = $1`,
    [key, body.customerId, body.currency, JSON.stringify(body.items)],
  );
  const row = existing.rows[0]!;
  return row.same ? { outcome: "existing", order: toView(row) } : { outcome: "key-reused" };
}

export async function findOrder(db: Pool | PoolClient, id: string): Promise<OrderView | undefined> {
  const { rows } = await db.query<OrderRow>(`SELECT ${COLUMNS} FROM orders WHERE id = $1`, [id]);
  return rows[0] && toView(rows[0]);
}

export type SettleResult = "settled" | "already" | "conflict" | "missing";

/**
 * Moves a PENDING order to PAID or PAYMENT_FAILED. Idempotent: the same outcome again is
 * "already"; the other outcome on a settled order is "conflict" (it cannot happen while the
 * payments ledger holds one outcome per order, and is surfaced, not ignored).
 */
export async function settleOrder(
  tx: PoolClient,
  id: string,
  status: Exclude<OrderStatus, "PENDING">,
  paymentRef: string,
): Promise<SettleResult> {
  const updated = await tx.query(
    `UPDATE orders SET status = $2, payment_ref = $3, updated_at = now()
     WHERE id = $1 AND status = 'PENDING'`,
    [id, status, paymentRef],
  );
  if (updated.rowCount === 1) return "settled";
  const { rows } = await tx.query<{ status: OrderStatus }>(
    "SELECT status FROM orders WHERE id = $1",
    [id],
  );
  if (!rows[0]) return "missing";
  return rows[0].status === status ? "already" : "conflict";
}
