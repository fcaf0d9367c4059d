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

/**
 * Messages per inbox transaction of the batched consumer. Measured on the bench machine (raw
 * exactly-once consumer, quorum queue, one COMMIT then one ack multiple per batch): 10 per
 * transaction ~9k msg/s, 50 ~22k, 100 ~28k; past 100 the gain is small while a poison
 * message's batch and the work redone after a crash grow. See bench (a).
 */
export const DEFAULT_BATCH_SIZE = 100;

/**
 * How long the first message of a batch waits for more (ms). Under load batches fill while the
 * previous one commits, so this only bounds the latency added at low load.
 */
export const DEFAULT_BATCH_WAIT_MS = 5;

/** Prefetch (and handler concurrency) of the per-message mode (`batch: false`). */
export const DEFAULT_PREFETCH_PER_MESSAGE = 10;

/** What every subscription of a broker uses unless it sets its own. */
export interface ConsumerDefaults {
  readonly retry?: Partial<RetryPolicy>;
  readonly deliveryLimit?: number;
  /** Default prefetch; unset: twice the batch size, or 10 in the per-message mode. */
  readonly prefetch?: number;
  /** Messages per batch; 1 = the per-message mode. */
  readonly batchSize?: number;
  readonly batchWaitMs?: number;
}
