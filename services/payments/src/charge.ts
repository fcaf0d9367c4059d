import type { RetryPolicy } from "@causeway/kit";
import { checkRetryPolicy, cockatielRetry } from "@causeway/kit";
import { handleWhen } from "cockatiel";
import type { PaymentsMetrics } from "./metrics";
import type { ChargeRequest, ChargeResult, PaymentProvider } from "./provider/provider";
import { ProviderError } from "./provider/provider";

/** Provider calls per delivery (the first included) and the waits between them. */
export const DEFAULT_CHARGE_RETRY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 50,
  maxDelayMs: 1_000,
  jitter: "full",
};

/**
 * Calls the provider, retrying retryable failures (unavailable, response lost) with the SAME
 * idempotency key, with exponential backoff and jitter, bounded. If every attempt fails, the
 * error propagates: the kit rolls the inbox transaction back and redelivers the message later
 * (delay queues), which charges again with the same key: still one charge.
 */
export function chargingPolicy(
  provider: PaymentProvider,
  metrics?: PaymentsMetrics,
  retry: Partial<RetryPolicy> = {},
) {
  const policy = cockatielRetry(
    handleWhen((err) => err instanceof ProviderError && err.retryable),
    checkRetryPolicy({ ...DEFAULT_CHARGE_RETRY, ...retry }),
  );
  return (req: ChargeRequest): Promise<ChargeResult> =>
    policy.execute(async () => {
      try {
        const result = await provider.charge(req);
        metrics?.providerCalls.inc({ outcome: result.status });
        return result;
      } catch (err) {
        metrics?.providerCalls.inc({
          outcome: err instanceof ProviderError ? err.kind : "error",
        });
        throw err;
      }
    });
}
