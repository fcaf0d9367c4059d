import type { PaymentFailedV1 } from "@causeway/contracts";

/** One charge request. The idempotency key makes retries safe: same key, one charge. */
export interface ChargeRequest {
  /** We always use the order id. */
  readonly idempotencyKey: string;
  readonly customerId: string;
  readonly amountCents: number;
  readonly currency: string;
  /** The caller's reference kept with the charge (Stripe's metadata): the order id. */
  readonly reference?: string;
}

/** The provider's final answer for a key; replays of the key return the same answer. */
export type ChargeResult =
  | { readonly status: "succeeded"; readonly chargeId: string }
  | {
      readonly status: "declined";
      readonly chargeId: string;
      readonly reason: PaymentFailedV1["reason"];
    };

/**
 * A failure with no answer. `retryable` failures may be retried with the same idempotency key:
 * the charge may or may not have happened (e.g. the response was lost), and the provider's
 * idempotency makes the retry return the original result instead of charging again.
 */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly kind: "unavailable" | "response_lost" | "rejected",
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "ProviderError";
  }
}

/** A payment provider (Stripe-like): charges are idempotent per key for at least 24 h. */
export interface PaymentProvider {
  charge(req: ChargeRequest): Promise<ChargeResult>;
}
