import { defineEvent } from "@causeway/kit";
import { z } from "zod";
import { CURRENCIES, Limits, boundedTextPattern } from "./admission";

/**
 * The events of Causeway, one versioned schema each, shared by producers and consumers.
 *
 * Rules:
 * - The routing key on the `causeway.events` topic exchange is the event type.
 * - Every payload carries `version`. A consumer accepts only the versions it knows: any other
 *   version fails validation and the kit dead-letters it with the reason, so nothing is guessed.
 * - Within a version, changes are additive only (new optional fields). Consumers ignore fields
 *   they do not know (schemas strip them). Anything else is a new version, which consumers learn
 *   before producers emit it.
 */

const version = <V extends number>(v: V) =>
  z.literal(v, { error: `unknown version; this consumer understands version ${v}` });

/** Text within the admission contract's bounds (code points; no NUL, no lone surrogate). */
const text = (bounds: { minLength: number; maxLength: number }, what: string) =>
  z
    .string()
    .regex(
      new RegExp(boundedTextPattern(bounds.minLength, bounds.maxLength), "u"),
      `must be ${bounds.minLength}-${bounds.maxLength} characters of valid Unicode without NUL (${what})`,
    );

export const Currency = z.enum(CURRENCIES as [string, ...string[]], {
  error: "must be an ISO 4217 code, e.g. EUR",
});
export const Cents = z
  .number()
  .int()
  .min(Limits.amountCents.minimum)
  .max(Limits.amountCents.maximum);

export const OrderItem = z.object({
  sku: text(Limits.sku, "sku"),
  quantity: z.number().int().min(Limits.quantity.minimum).max(Limits.quantity.maximum),
  unitPriceCents: z
    .number()
    .int()
    .min(Limits.unitPriceCents.minimum)
    .max(Limits.unitPriceCents.maximum),
});
export type OrderItem = z.infer<typeof OrderItem>;

/** `order.placed` v1: a PENDING order that payments should charge. */
export const OrderPlacedV1 = z.object({
  version: version(1),
  orderId: z.uuid(),
  customerId: text(Limits.customerId, "customerId"),
  currency: Currency,
  amountCents: Cents,
  items: z.array(OrderItem).min(Limits.items.minItems).max(Limits.items.maxItems),
  placedAt: z.iso.datetime({ offset: true }),
});
export type OrderPlacedV1 = z.infer<typeof OrderPlacedV1>;

/** `payment.succeeded` v1: the order's amount was charged (exactly once). */
export const PaymentSucceededV1 = z.object({
  version: version(1),
  orderId: z.uuid(),
  chargeId: z.string().min(1).max(128),
  amountCents: Cents,
  currency: Currency,
  succeededAt: z.iso.datetime({ offset: true }),
});
export type PaymentSucceededV1 = z.infer<typeof PaymentSucceededV1>;

/** Why a payment failed: a business outcome from the provider, not a transient error. */
export const PaymentFailureReasons = ["declined", "insufficient_funds"] as const;

/** `payment.failed` v1: the provider refused the charge; nothing was charged. */
export const PaymentFailedV1 = z.object({
  version: version(1),
  orderId: z.uuid(),
  reason: z.enum(PaymentFailureReasons),
  failedAt: z.iso.datetime({ offset: true }),
});
export type PaymentFailedV1 = z.infer<typeof PaymentFailedV1>;

export const orderPlaced = defineEvent("order.placed", OrderPlacedV1);
export const paymentSucceeded = defineEvent("payment.succeeded", PaymentSucceededV1);
export const paymentFailed = defineEvent("payment.failed", PaymentFailedV1);

/** Every event, for documentation and the contract tests. */
export const Events = {
  orderPlaced: { def: orderPlaced, version: 1, producer: "orders", consumers: ["payments"] },
  paymentSucceeded: {
    def: paymentSucceeded,
    version: 1,
    producer: "payments",
    consumers: ["orders"],
  },
  paymentFailed: { def: paymentFailed, version: 1, producer: "payments", consumers: ["orders"] },
} as const;

/** The events' JSON Schemas (draft 2020-12), generated from the zod schemas. */
export function eventJsonSchemas(): Record<string, unknown> {
  return Object.fromEntries(
    Object.values(Events).map((e) => [e.def.type, z.toJSONSchema(e.def.schema, { io: "input" })]),
  );
}
