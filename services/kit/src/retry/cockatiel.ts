import { ExponentialBackoff, retry } from "cockatiel";
import type {
  IBackoffFactory,
  IRetryBackoffContext,
  Policy,
  RetryPolicy as CockatielRetryPolicy,
} from "cockatiel";
import type { RetryPolicy } from "./policy";
import { retryDelayMs } from "./policy";

/**
 * `policy` as a cockatiel backoff: cockatiel's ExponentialBackoff driven by a generator that
 * draws each delay with `retryDelayMs`, so cockatiel users back off exactly as the consumer does.
 */
export function cockatielBackoff(
  policy: RetryPolicy,
  random: () => number = Math.random,
): ExponentialBackoff<number> {
  return new ExponentialBackoff<number>({
    initialDelay: policy.baseDelayMs,
    maxDelay: policy.maxDelayMs,
    generator: (failed = 0) => [retryDelayMs(policy, failed + 1, random), failed + 1],
  });
}

/**
 * A cockatiel retry of the errors `handled` selects, as `policy` says. cockatiel counts retries
 * and `policy.maxAttempts` counts attempts, so it allows `maxAttempts - 1` retries. `backoff`
 * replaces the policy's own delays (e.g. to honour a Retry-After on top of them).
 */
export function cockatielRetry(
  handled: Policy,
  policy: RetryPolicy,
  random: () => number = Math.random,
  backoff: IBackoffFactory<IRetryBackoffContext<unknown>> = cockatielBackoff(policy, random),
): CockatielRetryPolicy {
  return retry(handled, { maxAttempts: policy.maxAttempts - 1, backoff });
}
