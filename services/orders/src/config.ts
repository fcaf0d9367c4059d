import { baseEnvSchema, loadConfig } from "@causeway/kit";
import { z } from "zod";

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
});
export type OrdersConfig = z.infer<typeof ordersEnvSchema>;

export function loadOrdersConfig(env: Record<string, string | undefined> = process.env) {
  return loadConfig(ordersEnvSchema, env);
}
