import { paymentFailed, paymentSucceeded } from "@causeway/contracts";
import type { Broker, Subscription } from "@causeway/kit";
import type { Pool } from "pg";
import type { SettleResult } from "./store";
import { settleOrder } from "./store";

export interface OrdersConsumersOptions {
  readonly broker: Broker;
  readonly pool: Pool;
  readonly schema: string;
  readonly queuePrefix: string;
}

function check(result: SettleResult, orderId: string, outcome: string): void {
  // Thrown errors are retried with backoff, then parked in the DLQ with this reason: an
  // impossible transition is surfaced to an operator, never dropped silently.
  if (result === "missing") throw new Error(`order ${orderId} does not exist`);
  if (result === "conflict") {
    throw new Error(`order ${orderId} is already settled with the other outcome than ${outcome}`);
  }
}

/**
 * payment.succeeded -> PAID, payment.failed -> PAYMENT_FAILED, each in the inbox transaction:
 * a redelivered event is a duplicate in the inbox, and a second event for a settled order
 * with the same outcome changes nothing.
 */
export async function subscribeOrders(opts: OrdersConsumersOptions): Promise<Subscription[]> {
  const common = { pool: opts.pool, schema: opts.schema };
  return [
    await opts.broker.subscribe(paymentSucceeded, {
      ...common,
      queue: `${opts.queuePrefix}.payment-succeeded`,
      handler: async (event, { db }) => {
        const { orderId, chargeId } = event.payload;
        check(await settleOrder(db, orderId, "PAID", chargeId), orderId, "PAID");
      },
    }),
    await opts.broker.subscribe(paymentFailed, {
      ...common,
      queue: `${opts.queuePrefix}.payment-failed`,
      handler: async (event, { db }) => {
        const { orderId, reason } = event.payload;
        check(await settleOrder(db, orderId, "PAYMENT_FAILED", reason), orderId, "PAYMENT_FAILED");
      },
    }),
  ];
}
