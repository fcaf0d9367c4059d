import { baseEnvSchema, loadConfig } from "@causeway/kit";
import { z } from "zod";

const intFromTo = (min: number, max: number) => {
  const error = `must be an integer from ${min} to ${max}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};

/**
 * The gateway's environment. It has no database and no broker, so it takes only the HTTP and
 * lifecycle part of the kit's schema, plus the orders upstream that NodeService derives from
 * the service graph (`upstreams: [orders]` -> ORDERS_URL).
 */
export const gatewayEnvSchema = baseEnvSchema
  .pick({
    SERVICE_NAME: true,
    HOST: true,
    PORT: true,
    LOG_LEVEL: true,
    DRAIN_DELAY_MS: true,
    SHUTDOWN_TIMEOUT_MS: true,
    BODY_LIMIT_BYTES: true,
  })
  .extend({
    ORDERS_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
    /** Per-attempt timeout of calls to orders. */
    UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
    /** Consecutive upstream failures (connection, timeout, 502/503/504) that open the circuit. */
    BREAKER_THRESHOLD: intFromTo(1, 1_000).default(5),
    /** Open time before the first half-open probe; doubles after a failed probe. */
    BREAKER_HALF_OPEN_AFTER_MS: intFromTo(50, 600_000).default(1_000),
    /** Cap of the open time between probes. */
    BREAKER_HALF_OPEN_MAX_MS: intFromTo(50, 3_600_000).default(30_000),
    /** Requests one client (IP) may make per window, across all replicas; 0 turns it off. */
    RATE_LIMIT_MAX: intFromTo(0, 1_000_000).default(600),
    /** The rate limit's window. */
    RATE_LIMIT_WINDOW_MS: intFromTo(1_000, 3_600_000).default(60_000),
    /**
     * The Redis the replicas share their counters in (redis:// or rediss://). Unset: each
     * replica counts on its own (in memory), which multiplies the limit by the replica count.
     */
    RATE_LIMIT_REDIS_URL: z
      .string()
      .refine((v) => URL.canParse(v) && /^rediss?:$/.test(new URL(v).protocol), {
        message: "must be a redis:// or rediss:// URL",
      })
      .optional(),
    /** Key prefix of the counters in Redis (one per environment sharing a Redis). */
    RATE_LIMIT_REDIS_PREFIX: z
      .string()
      .regex(/^[\w.:-]{1,100}$/, "must be 1-100 of [A-Za-z0-9_.:-]")
      .default("causeway:gateway:rate-limit:"),
    /**
     * Proxies in front of the gateway whose X-Forwarded-For entry is trusted: 1 behind the ALB
     * (its entry is the client's address). 0 (default) trusts none: the client is the peer.
     */
    TRUST_PROXY_HOPS: intFromTo(0, 10).default(0),
  });
export type GatewayConfig = z.infer<typeof gatewayEnvSchema>;

export function loadGatewayConfig(env: Record<string, string | undefined> = process.env) {
  return loadConfig(gatewayEnvSchema, env);
}
