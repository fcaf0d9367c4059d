/**
 * The public HTTP shapes of the orders API, as JSON Schema for Fastify's validator. The gateway
 * validates with them before forwarding and orders validates again (it is reachable in the mesh).
 */

export const OrderStatuses = ["PENDING", "PAID", "PAYMENT_FAILED"] as const;
export type OrderStatus = (typeof OrderStatuses)[number];

export const createOrderBodySchema = {
  type: "object",
  additionalProperties: false,
  required: ["customerId", "currency", "items"],
  properties: {
    customerId: { type: "string", minLength: 1, maxLength: 128 },
    currency: { type: "string", pattern: "^[A-Z]{3}$" },
    items: {
      type: "array",
      minItems: 1,
      maxItems: 100,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["sku", "quantity", "unitPriceCents"],
        properties: {
          sku: { type: "string", minLength: 1, maxLength: 64 },
          quantity: { type: "integer", minimum: 1, maximum: 1000 },
          unitPriceCents: { type: "integer", minimum: 0, maximum: 10_000_000 },
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
