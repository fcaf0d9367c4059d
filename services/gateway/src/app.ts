import type { CreateOrderBody } from "@causeway/contracts";
import { createOrderBodySchema, orderIdParamsSchema } from "@causeway/contracts";
import type { AppOptions, HttpResponse } from "@causeway/kit";
import {
  HttpClient,
  buildApp,
  kitError,
  parseIdempotencyKey,
  propagationFrom,
} from "@causeway/kit";
import type { FastifyInstance, FastifyReply } from "fastify";

export interface GatewayOptions {
  /** Base URL of the orders service (ORDERS_URL). */
  readonly ordersUrl: string;
  readonly upstreamTimeoutMs?: number;
  /** Passed to the kit's buildApp (logger, metrics, readiness, body limit). */
  readonly app?: Partial<AppOptions>;
}

/** Response headers from orders that the client should see. */
const PASSED_HEADERS = ["idempotent-replayed", "location", "retry-after"] as const;

function relay(reply: FastifyReply, res: HttpResponse): FastifyReply {
  for (const h of PASSED_HEADERS) {
    const v = res.headers.get(h);
    if (v !== null) reply.header(h, v);
  }
  return reply.code(res.status).send(res.body);
}

/**
 * The public API behind the ALB. It validates requests (same schemas as orders, from
 * @causeway/contracts) and forwards them to orders through the kit's HttpClient: timeouts,
 * circuit breaker, request id and traceparent propagation, and retries for GET and for POSTs
 * that carry the Idempotency-Key (required here, so every POST /orders is safe to retry).
 * Upstream statuses and error bodies are passed through; an unreachable orders is 503
 * UPSTREAM_UNAVAILABLE, a slow one 504 UPSTREAM_TIMEOUT.
 */
export function buildGatewayApp(opts: GatewayOptions): FastifyInstance {
  const app = buildApp({ serviceName: "gateway", ...opts.app });
  const orders = new HttpClient({
    baseUrl: opts.ordersUrl,
    name: "orders",
    ...(opts.upstreamTimeoutMs ? { timeoutMs: opts.upstreamTimeoutMs } : {}),
  });

  app.post<{ Body: CreateOrderBody }>(
    "/orders",
    {
      schema: { body: createOrderBodySchema },
      // The key is checked before the body, so a client learns about it first.
      preValidation: async (req) => {
        const header = req.headers["idempotency-key"];
        if (header === undefined) throw kitError("IDEMPOTENCY_KEY_MISSING");
        if (parseIdempotencyKey(Array.isArray(header) ? header.join(",") : header) === undefined) {
          throw kitError("IDEMPOTENCY_KEY_INVALID");
        }
      },
    },
    async (req, reply) => {
      const res = await orders.request({
        method: "POST",
        path: "/orders",
        body: req.body,
        // Forwarded verbatim: orders parses it the same way and owns the idempotency record.
        idempotencyKey: String(req.headers["idempotency-key"]),
        context: propagationFrom(req),
      });
      return relay(reply, res);
    },
  );

  app.get<{ Params: { id: string } }>(
    "/orders/:id",
    { schema: { params: orderIdParamsSchema } },
    async (req, reply) => {
      const res = await orders.request({
        method: "GET",
        path: `/orders/${encodeURIComponent(req.params.id)}`,
        context: propagationFrom(req),
      });
      return relay(reply, res);
    },
  );
  return app;
}
