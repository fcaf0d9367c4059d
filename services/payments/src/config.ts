import { baseEnvSchema, loadConfig } from "@causeway/kit";
import { z } from "zod";

const rate = z.coerce.number().min(0).max(1).default(0);

/**
 * The payments service's environment: the kit's, with cluster-correct defaults for the schema
 * and queue names, and the simulated provider's switches (all off by default).
 */
export const paymentsEnvSchema = baseEnvSchema.extend({
  DB_SCHEMA: baseEnvSchema.shape.DB_SCHEMA.default("payments"),
  /** Prefix of this service's queues: `<prefix>.order-placed`. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[\w.:-]{1,100}$/, "must be 1-100 of [A-Za-z0-9_.:-]")
    .default("payments"),
  /**
   * Simulated provider: the PostgreSQL schema of its books (keys retained 24 h, charges, the
   * outage switch). Default `<DB_SCHEMA>_provider`: its own schema, never the ledger's.
   */
  PROVIDER_DB_SCHEMA: baseEnvSchema.shape.DB_SCHEMA.optional(),
  /** Simulated provider: PRNG seed. */
  PROVIDER_SEED: z.coerce.number().int().default(1),
  /** Simulated provider: probability a call fails before charging. */
  PROVIDER_FAILURE_RATE: rate,
  /** Simulated provider: probability a new charge is declined. */
  PROVIDER_DECLINE_RATE: rate,
  /** Simulated provider: probability the charge happens but the response is lost. */
  PROVIDER_LOST_RESPONSE_RATE: rate,
  /** Simulated provider: each call takes up to this many ms. */
  PROVIDER_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
});
export type PaymentsConfig = z.infer<typeof paymentsEnvSchema>;

export function loadPaymentsConfig(env: Record<string, string | undefined> = process.env) {
  return loadConfig(paymentsEnvSchema, env);
}
