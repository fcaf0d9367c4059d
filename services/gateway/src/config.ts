import { baseEnvSchema, loadConfig } from "@causeway/kit";
import { z } from "zod";

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
  });
export type GatewayConfig = z.infer<typeof gatewayEnvSchema>;

export function loadGatewayConfig(env: Record<string, string | undefined> = process.env) {
  return loadConfig(gatewayEnvSchema, env);
}
