import { baseEnvSchema, loadConfig } from "@causeway/kit";
import { z } from "zod";

const intFromTo = (min: number, max: number) => {
  const error = `must be an integer from ${min} to ${max}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};

/**
 * The orders service's environment: the kit's, with defaults that are right in the cluster
 * (NodeService sets SERVICE_NAME, HOST, PORT, SHUTDOWN_TIMEOUT_MS, and DATABASE_URL / AMQP_URL
 * from Secrets; the schema and queue names are this service's own).
 */
export const ordersEnvSchema = baseEnvSchema.extend({
  DB_SCHEMA: baseEnvSchema.shape.DB_SCHEMA.default("orders"),
  /** Prefix of this service's queues: `<prefix>.payment-succeeded`, `<prefix>.payment-failed`. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[\w.:-]{1,100}$/, "must be 1-100 of [A-Za-z0-9_.:-]")
    .default("orders"),
  /**
   * Reconciler: an order still PENDING this long after it was placed (or last re-driven) is
   * re-driven. Default 15 min: past the consumers' default retry horizon (3 to 6 min), so a
   * re-drive is for work that was given up, not work still retrying.
   */
  RECONCILE_PENDING_AFTER_MS: intFromTo(1_000, 86_400_000).default(900_000),
  /** Reconciler: how often a pass runs (one replica at a time, advisory lock). Default 60 s. */
  RECONCILE_INTERVAL_MS: intFromTo(100, 3_600_000).default(60_000),
  /**
   * Reconciler: orders older than this are left to an operator, never re-driven. At most 20 h,
   * below the provider's 24 h idempotency-key retention, so a re-drive never charges twice.
   */
  RECONCILE_MAX_AGE_MS: intFromTo(2_000, 72_000_000).default(43_200_000),
});
export type OrdersConfig = z.infer<typeof ordersEnvSchema>;

export function loadOrdersConfig(env: Record<string, string | undefined> = process.env) {
  return loadConfig(ordersEnvSchema, env);
}
