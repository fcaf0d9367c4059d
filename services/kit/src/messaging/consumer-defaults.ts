import type { RetryPolicy } from "../retry/policy";

/**
 * A subscription's retry policy when neither the subscription nor the broker sets one:
 * exponential (1 s doubling), capped at 60 s, equal jitter (the floor means a retry never
 * fires at once, and head-of-line waiting inside one delay queue stays within half its
 * ceiling). 12 attempts: the waits' ceilings are 1, 2, 4, 8, 16, 32, then 60 s five times, so a
 * message that keeps failing is parked 181.5 to 363 s (3 to 6 minutes) after its first failure
 * (`retryHorizonMs`). Past that, the owning service's reconciler (orders) re-drives the work.
 */
export const DEFAULT_CONSUMER_RETRY: RetryPolicy = {
  maxAttempts: 12,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  jitter: "equal",
};

/**
 * Broker-side cap on redeliveries of one message (quorum x-delivery-limit), always set
 * explicitly: RabbitMQ 3.x has no default (unlimited) and 4.x defaults quorum queues to 20, so
 * an explicit value behaves the same on both. Retries through the delay queues are new
 * messages and do not count; only crashes and requeues do.
 */
export const DEFAULT_DELIVERY_LIMIT = 10;

/** What every subscription of a broker uses unless it sets its own. */
export interface ConsumerDefaults {
  readonly retry?: Partial<RetryPolicy>;
  readonly deliveryLimit?: number;
}
