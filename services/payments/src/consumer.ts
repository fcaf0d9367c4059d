import { orderPlaced, paymentFailed, paymentSucceeded } from "@causeway/contracts";
import type { OrderPlacedV1, PaymentFailedV1 } from "@causeway/contracts";
import type { Broker, HandlerContext, Subscription } from "@causeway/kit";
import type { Pool } from "pg";
import { outcomeFor, recordOutcome } from "./ledger";
import type { ChargeRequest, ChargeResult } from "./provider/provider";

export interface PaymentsConsumerOptions {
  readonly broker: Broker;
  readonly pool: Pool;
  readonly schema: string;
  readonly queuePrefix: string;
  /** Charges through the provider with retries (see `chargingPolicy`). */
  readonly charge: (req: ChargeRequest) => Promise<ChargeResult>;
  /** Handler concurrency; each in-flight handler holds one pool connection. Default 8. */
  readonly prefetch?: number;
}

/**
 * order.placed -> charge -> ledger row + payment.succeeded/payment.failed outbox row, in the
 * inbox transaction (see services/README.md, "Crash windows"):
 *   1. the inbox row is inserted (a verbatim redelivery stops here: duplicate, acked);
 *   2. if the ledger already has this order, nothing else happens (a re-published event with a
 *      new message id);
 *   3. the provider is called with the order id as idempotency key;
 *   4. the ledger row (UNIQUE(order_id)) and the outcome event are written; COMMIT; ack.
 */
export async function subscribePayments(opts: PaymentsConsumerOptions): Promise<Subscription> {
  return opts.broker.subscribe(orderPlaced, {
    pool: opts.pool,
    schema: opts.schema,
    queue: `${opts.queuePrefix}.order-placed`,
    prefetch: opts.prefetch ?? 8,
    handler: async (event, { db, enqueue, log }) => {
      const order = event.payload;
      const known = await outcomeFor(db, order.orderId);
      if (known) {
        log?.info({ orderId: order.orderId, status: known.status }, "order already settled");
        // A re-drive (the orders reconciler): the first outcome event may have been lost or
        // parked on the way back, so answer again from the ledger; settling is idempotent.
        if (event.redrive !== undefined) {
          await enqueueOutcome(enqueue, order, {
            status: known.status,
            chargeId: known.providerChargeId,
            reason: (known.declineReason ?? "declined") as PaymentFailedV1["reason"],
          });
        }
        return;
      }
      const req: ChargeRequest = {
        idempotencyKey: order.orderId,
        customerId: order.customerId,
        amountCents: order.amountCents,
        currency: order.currency,
        reference: order.orderId,
      };
      const result = await opts.charge(req);
      if (!(await recordOutcome(db, order.orderId, req, result))) {
        log?.info({ orderId: order.orderId }, "outcome recorded concurrently; nothing to do");
        return;
      }
      await enqueueOutcome(enqueue, order, {
        status: result.status,
        chargeId: result.chargeId,
        reason: result.status === "declined" ? result.reason : "declined",
      });
    },
  });
}

/** Writes payment.succeeded or payment.failed for the order to the outbox. */
async function enqueueOutcome(
  enqueue: HandlerContext["enqueue"],
  order: OrderPlacedV1,
  outcome: {
    status: "succeeded" | "declined";
    chargeId: string;
    reason: PaymentFailedV1["reason"];
  },
): Promise<void> {
  const at = new Date().toISOString();
  if (outcome.status === "succeeded") {
    await enqueue(paymentSucceeded, {
      version: 1,
      orderId: order.orderId,
      chargeId: outcome.chargeId,
      amountCents: order.amountCents,
      currency: order.currency,
      succeededAt: at,
    });
  } else {
    await enqueue(paymentFailed, {
      version: 1,
      orderId: order.orderId,
      reason: outcome.reason,
      failedAt: at,
    });
  }
}
