import type { BaseEnv } from "../config";
import { ConfigError } from "../config";
import type { ConsumerDefaults } from "./consumer-defaults";

/** The CONSUMER_* variables of a service's config. */
export type ConsumerEnv = Pick<
  BaseEnv,
  | "CONSUMER_RETRY_MAX_ATTEMPTS"
  | "CONSUMER_RETRY_BASE_DELAY_MS"
  | "CONSUMER_RETRY_MAX_DELAY_MS"
  | "CONSUMER_RETRY_JITTER"
  | "CONSUMER_DELIVERY_LIMIT"
  | "CONSUMER_BATCH_SIZE"
  | "CONSUMER_BATCH_WAIT_MS"
  | "CONSUMER_PREFETCH"
>;

/**
 * The retry policy, delivery limit, batching and prefetch of every subscription that does not
 * set its own, from the CONSUMER_* variables (each already range-checked by `baseEnvSchema`). Throws a
 * `ConfigError` when the cap is below the base, which no single variable's range can catch.
 */
export function consumerDefaultsFromEnv(env: ConsumerEnv): ConsumerDefaults {
  if (env.CONSUMER_RETRY_MAX_DELAY_MS < env.CONSUMER_RETRY_BASE_DELAY_MS) {
    throw new ConfigError([
      `CONSUMER_RETRY_MAX_DELAY_MS: must be at least CONSUMER_RETRY_BASE_DELAY_MS ` +
        `(${env.CONSUMER_RETRY_BASE_DELAY_MS}), got ${env.CONSUMER_RETRY_MAX_DELAY_MS}`,
    ]);
  }
  return {
    retry: {
      maxAttempts: env.CONSUMER_RETRY_MAX_ATTEMPTS,
      baseDelayMs: env.CONSUMER_RETRY_BASE_DELAY_MS,
      maxDelayMs: env.CONSUMER_RETRY_MAX_DELAY_MS,
      jitter: env.CONSUMER_RETRY_JITTER,
    },
    deliveryLimit: env.CONSUMER_DELIVERY_LIMIT,
    batchSize: env.CONSUMER_BATCH_SIZE,
    batchWaitMs: env.CONSUMER_BATCH_WAIT_MS,
    ...(env.CONSUMER_PREFETCH === undefined ? {} : { prefetch: env.CONSUMER_PREFETCH }),
  };
}
