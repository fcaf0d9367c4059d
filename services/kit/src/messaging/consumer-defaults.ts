import type { RetryPolicy } from "../retry/policy";

/**
 * A subscription's retry policy when neither the subscription nor the broker sets one. Equal
 * jitter (not full): the floor means a retry never fires at once, and head-of-line waiting
 * inside one delay queue stays within half its ceiling. These numbers give up after 5
 * attempts, waiting at most 1 + 2 + 4 + 8 = 15 s in all; only the wait after a 7th attempt
 * would reach the 60 s cap.
 */
export const DEFAULT_CONSUMER_RETRY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  jitter: "equal",
};

/** Broker-side cap on redeliveries of one message (quorum x-delivery-limit). */
export const DEFAULT_DELIVERY_LIMIT = 10;

/** What every subscription of a broker uses unless it sets its own. */
export interface ConsumerDefaults {
  readonly retry?: Partial<RetryPolicy>;
  readonly deliveryLimit?: number;
}
