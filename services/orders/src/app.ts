import type { CreateOrderBody } from "@causeway/contracts";
import {
  admissionProblems,
  createOrderBodySchema,
  orderIdParamsSchema,
  orderPlaced,
} from "@causeway/contracts";
import type { AppOptions } from "@causeway/kit";
import { buildApp, enqueueEvent, idempotencyPlugin, withTransaction } from "@causeway/kit";
import type { FastifyInstance, FastifyPluginAsync } from "fastify";
import type { Pool } from "pg";
import { ordersError } from "./errors";
import { findOrder, insertOrder } from "./store";

export interface OrdersRoutesOptions {
  readonly pool: Pool;
  /** The service's PostgreSQL schema (kit tables: idempotency keys, outbox). */
  readonly schema: string;
  /** Called after a commit that enqueued an event (e.g. `relay.kick()`). */
  readonly onEnqueued?: () => void;
}

/**
 * The orders HTTP API:
 * - POST /orders (Idempotency-Key required): creates a PENDING order and, in the same
 *   transaction, the `order.placed` outbox row; 201 with the order. A replay returns the stored
 *   response; a retry whose stored response was lost finds the same order by its key; another
 *   order under a key the kit has forgotten (after 24 h) is 422 IDEMPOTENCY_KEY_REUSED.
 * - GET /orders/:id: the order, or 404 ORDER_NOT_FOUND.
 */
export const ordersRoutes: FastifyPluginAsync<OrdersRoutesOptions> = async (api, opts) => {
  await api.register(idempotencyPlugin, { pool: opts.pool, schema: opts.schema });

  api.post<{ Body: CreateOrderBody }>(
    "/orders",
    {
      config: { idempotency: true },
      schema: { body: createOrderBodySchema },
      // The admission contract's rules beyond the schema (the total cap), before the key is
      // claimed: a refused order is a 400 and never reaches the database.
      // Synchronous (callback style): an async hook costs promises per request.
      preHandler: (req, _reply, done) => {
        const problems = admissionProblems(req.body);
        if (problems.length > 0) {
          done(ordersError("VALIDATION_FAILED", problems.join("; "), problems));
        } else done();
      },
    },
    async (req, reply) => {
      const key = req.idempotencyKey!.key;
      const result = await withTransaction(opts.pool, async (tx) => {
        const inserted = await insertOrder(tx, key, req.body);
        if (inserted.outcome === "created") {
          await enqueueEvent(
            tx,
            opts.schema,
            orderPlaced,
            {
              version: 1,
              orderId: inserted.order.id,
              customerId: inserted.order.customerId,
              currency: inserted.order.currency,
              amountCents: inserted.order.amountCents,
              items: inserted.order.items,
              placedAt: inserted.order.createdAt,
            },
            { requestId: req.id },
          );
        }
        return inserted;
      });
      if (result.outcome === "key-reused") throw ordersError("IDEMPOTENCY_KEY_REUSED");
      if (result.outcome === "created") opts.onEnqueued?.();
      else req.log.info({ orderId: result.order.id }, "order already created with this key");
      return reply.code(201).send(result.order);
    },
  );

  api.get<{ Params: { id: string } }>(
    "/orders/:id",
    { schema: { params: orderIdParamsSchema } },
    async (req) => {
      const order = await findOrder(opts.pool, req.params.id);
      if (!order) throw ordersError("ORDER_NOT_FOUND");
      return order;
    },
  );
};

/** The orders app without listening or consuming: the kit's app plus the routes (tests). */
export async function buildOrdersApp(
  opts: OrdersRoutesOptions & { readonly app?: Partial<AppOptions> },
): Promise<FastifyInstance> {
  const app = buildApp({ serviceName: "orders", ...opts.app });
  await app.register(ordersRoutes, opts);
  return app;
}
