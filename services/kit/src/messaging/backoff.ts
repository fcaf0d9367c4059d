/** Retry policy of a subscription: attempts and the delay before each retry. */
export interface RetryPolicy {
  /** Total handler attempts before the message is parked in the DLQ. Default 5. */
  readonly maxAttempts: number;
  /** Delay before the first retry, in ms. Default 1000. */
  readonly baseDelayMs: number;
  /** Cap on any single delay, in ms. Default 60000. */
  readonly maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
};

/**
 * Delay before retry number `retry` (1 = the first retry), exponential with "equal jitter":
 * uniformly in [ceiling/2, ceiling] where ceiling = min(maxDelay, base * 2^(retry-1)).
 * Equal jitter (not full jitter) keeps a floor so a retry never fires immediately, and bounds
 * head-of-line waiting inside one delay queue to half its ceiling.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  retry: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  const half = ceiling / 2;
  return Math.max(1, Math.round(half + random() * half));
}
