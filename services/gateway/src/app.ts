import type { CreateOrderBody } from "@causeway/contracts";
import { admissionProblems, createOrderBodySchema, orderIdParamsSchema } from "@causeway/contracts";
import type { AppOptions, HttpResponse } from "@causeway/kit";
import {
  HttpClient,
  buildApp,
  kitError,
  parseIdempotencyKey,
  propagationFrom,
} from "@causeway/kit";
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Redis } from "ioredis";

export interface RateLimitOptions {
  /** Requests per client (IP) per window; 0 turns the limit off. */
  readonly max: number;
  readonly windowMs: number;
  /** Shared counters across replicas. Unset: in-memory counters per replica. */
  readonly redisUrl?: string;
  /** Key prefix in Redis. */
  readonly prefix?: string;
}

export interface GatewayOptions {
  /** Base URL of the orders service (ORDERS_URL). */
  readonly ordersUrl: string;
  readonly upstreamTimeoutMs?: number;
  /** The circuit breaker to orders (see the kit's HttpClient). */
  readonly breaker?: {
    readonly threshold?: number;
    readonly halfOpenAfterMs?: number;
    readonly halfOpenMaxMs?: number;
  };
  /** Per-client rate limit. Default: 600 per minute per client, counted per replica. */
  readonly rateLimit?: RateLimitOptions;
  /** Passed to the kit's buildApp (logger, metrics, readiness, body limit, trust proxy). */
  readonly app?: Partial<AppOptions>;
}

/**
 * Response headers from orders that the client should see. The body is passed through as the
 * text orders sent, with its content-type: never parsed and serialized again here.
 */
const PASSED_HEADERS = ["content-type", "idempotent-replayed", "location", "retry-after"] as const;
/** Probes and metrics are never rate limited (the kubelet and Prometheus call them). */
const UNLIMITED = new Set(["/livez", "/readyz", "/metrics"]);

function relay(reply: FastifyReply, res: HttpResponse): FastifyReply {
  for (const h of PASSED_HEADERS) {
    const v = res.header(h);
    if (v !== undefined) reply.header(h, v);
  }
  return reply.code(res.status).send(res.body);
}

/*
 * The route hooks below are synchronous (callback style), like the kit's: an async hook costs
 * promises per request, and they do no I/O.
 */

/** Refuses an order the schema accepts but the admission contract does not (the total cap). */
function admit(
  req: FastifyRequest<{ Body: CreateOrderBody }>,
  _reply: FastifyReply,
  done: (err?: Error) => void,
): void {
  const problems = admissionProblems(req.body);
  if (problems.length > 0) done(kitError("VALIDATION_FAILED", problems.join("; "), problems));
  else done();
}

/** The Idempotency-Key is checked before the body, so a client learns about it first. */
function checkIdempotencyKey(
  req: FastifyRequest,
  _reply: FastifyReply,
  done: (err?: Error) => void,
): void {
  const header = req.headers["idempotency-key"];
  if (header === undefined) done(kitError("IDEMPOTENCY_KEY_MISSING"));
  else if (parseIdempotencyKey(Array.isArray(header) ? header.join(",") : header) === undefined) {
    done(kitError("IDEMPOTENCY_KEY_INVALID"));
  } else done();
}

/**
 * The public API behind the ALB. It rate-limits each client (@fastify/rate-limit; counters in
 * Redis when configured, shared by every replica), validates requests against the admission
 * contract (same schemas and checks as orders, from @causeway/contracts) and forwards them to
 * orders through the kit's HttpClient: timeouts, a circuit breaker that counts only upstream
 * failures and probes recovery half-open, request id and traceparent propagation, and retries
 * for GET and for POSTs that carry the Idempotency-Key (required here, so every POST /orders is
 * safe to retry, a 503 DATABASE_UNAVAILABLE included), never sooner than orders' Retry-After; a
 * longer Retry-After goes back to the client with the response. Upstream statuses and error bodies are
 * passed through; an unreachable orders is 503 UPSTREAM_UNAVAILABLE, a slow one 504
 * UPSTREAM_TIMEOUT.
 */
export function buildGatewayApp(opts: GatewayOptions): FastifyInstance {
  const app = buildApp({ serviceName: "gateway", ...opts.app });
  const orders = new HttpClient({
    baseUrl: opts.ordersUrl,
    name: "orders",
    ...(opts.upstreamTimeoutMs ? { timeoutMs: opts.upstreamTimeoutMs } : {}),
    ...(opts.breaker?.threshold ? { breakerThreshold: opts.breaker.threshold } : {}),
    ...(opts.breaker?.halfOpenAfterMs ? { halfOpenAfterMs: opts.breaker.halfOpenAfterMs } : {}),
    ...(opts.breaker?.halfOpenMaxMs ? { halfOpenMaxMs: opts.breaker.halfOpenMaxMs } : {}),
  });

  app.addHook("onClose", async () => orders.close());

  const limit = opts.rateLimit ?? { max: 600, windowMs: 60_000 };
  if (limit.max > 0) {
    const redis =
      limit.redisUrl === undefined
        ? undefined
        : new Redis(limit.redisUrl, {
            // As @fastify/rate-limit advises: fail a count fast rather than queue it.
            connectTimeout: 500,
            maxRetriesPerRequest: 1,
            lazyConnect: false,
          });
    redis?.on("error", (err: Error) => app.log.warn({ err }, "rate-limit store unreachable"));
    if (redis) app.addHook("onClose", async () => void (await redis.quit().catch(() => undefined)));
    void app.register(rateLimit, {
      global: true,
      max: limit.max,
      timeWindow: limit.windowMs,
      // The client is its address: the peer, or the X-Forwarded-For entry of the trusted proxy
      // (TRUST_PROXY_HOPS), never a header the client could choose.
      keyGenerator: (req) => req.ip,
      // By the matched route (the path without its query), with no string split per request.
      allowList: (req) => UNLIMITED.has(req.routeOptions.url ?? ""),
      ...(redis ? { redis, nameSpace: limit.prefix ?? "causeway:gateway:rate-limit:" } : {}),
      // A Redis outage must not refuse every client: the request goes on, uncounted (logged).
      skipOnError: true,
      errorResponseBuilder: (_req, ctx) =>
        kitError(
          "RATE_LIMITED",
          `Too many requests from this client: ${ctx.max} per ${ctx.after}; retry after the Retry-After delay.`,
        ),
    });
  }

  // Routes in a plugin registered after the rate limit, so its onRoute hook sees them.
  void app.register(async (api) => {
    api.post<{ Body: CreateOrderBody }>(
      "/orders",
      {
        schema: { body: createOrderBodySchema },
        preValidation: checkIdempotencyKey,
        preHandler: admit,
      },
      async (req, reply) => {
        const res = await orders.request({
          method: "POST",
          path: "/orders",
          // The JSON exactly as the client sent it, now that its parsed form passed validation
          // and admission: orders parses and checks the same bytes.
          ...(req.jsonText === undefined ? { body: req.body } : { json: req.jsonText }),
          responseAs: "text",
          // Forwarded verbatim: orders parses it the same way and owns the idempotency record.
          idempotencyKey: String(req.headers["idempotency-key"]),
          context: propagationFrom(req),
        });
        return relay(reply, res);
      },
    );

    api.get<{ Params: { id: string } }>(
      "/orders/:id",
      { schema: { params: orderIdParamsSchema } },
      async (req, reply) => {
        const res = await orders.request({
          method: "GET",
          path: `/orders/${encodeURIComponent(req.params.id)}`,
          responseAs: "text",
          context: propagationFrom(req),
        });
        return relay(reply, res);
      },
    );
  });
  return app;
}
