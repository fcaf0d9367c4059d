import { ExponentialBackoff, handleWhen, retry } from "cockatiel";
import type { PaymentsMetrics } from "./metrics";
import type { ChargeRequest, ChargeResult, PaymentProvider } from "./provider/provider";
import { ProviderError } from "./provider/provider";

export interface ChargePolicy {
  /** Calls per delivery, including the first. Default 3. */
  readonly attempts?: number;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
}

/**
 * Calls the provider, retrying retryable failures (unavailable, response lost) with the SAME
 * idempotency key, with exponential backoff and jitter, bounded. If every attempt fails, the
 * error propagates: the kit rolls the inbox transaction back and redelivers the message later
 * (delay queues), which charges again with the same key: still one charge.
 */
export function chargingPolicy(
  provider: PaymentProvider,
  metrics?: PaymentsMetrics,
  p: ChargePolicy = {},
) {
  const policy = retry(
    handleWhen((err) => err instanceof ProviderError && err.retryable),
    {
      maxAttempts: (p.attempts ?? 3) - 1,
      backoff: new ExponentialBackoff({
        initialDelay: p.initialDelayMs ?? 50,
        maxDelay: p.maxDelayMs ?? 1_000,
      }),
    },
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
