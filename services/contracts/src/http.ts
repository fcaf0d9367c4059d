import { CURRENCIES, Limits, boundedTextPattern } from "./admission";

/**
 * The public HTTP shapes of the orders API, as JSON Schema for Fastify's validator. The gateway
 * validates with them before forwarding and orders validates again (it is reachable in the mesh).
 * Every bound comes from the admission contract (`admission.ts`); the order total, a sum the
 * schema cannot state, is checked by `admissionProblems` in both services.
 */

export const OrderStatuses = ["PENDING", "PAID", "PAYMENT_FAILED"] as const;
export type OrderStatus = (typeof OrderStatuses)[number];

export const createOrderBodySchema = {
  type: "object",
  additionalProperties: false,
  required: ["customerId", "currency", "items"],
  properties: {
    customerId: {
      type: "string",
      ...Limits.customerId,
      pattern: boundedTextPattern(Limits.customerId.minLength, Limits.customerId.maxLength),
    },
    currency: { type: "string", enum: CURRENCIES },
    items: {
      type: "array",
      ...Limits.items,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["sku", "quantity", "unitPriceCents"],
        properties: {
          sku: {
            type: "string",
            ...Limits.sku,
            pattern: boundedTextPattern(Limits.sku.minLength, Limits.sku.maxLength),
          },
          quantity: { type: "integer", ...Limits.quantity },
          unitPriceCents: { type: "integer", ...Limits.unitPriceCents },
        },
      },
    },
  },
} as const;

export interface CreateOrderBody {
  customerId: string;
  currency: string;
  items: Array<{ sku: string; quantity: number; unitPriceCents: number }>;
}

/** What POST /orders (201) and GET /orders/:id (200) return. */
export interface OrderView {
  id: string;
  status: OrderStatus;
  customerId: string;
  currency: string;
  amountCents: number;
  items: CreateOrderBody["items"];
  createdAt: string;
  updatedAt: string;
}

export const orderIdParamsSchema = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", format: "uuid" } },
} as const;
