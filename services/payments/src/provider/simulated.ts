import { createHash } from "node:crypto";
import type { ChargeRequest, ChargeResult, PaymentProvider } from "./provider";
import { ProviderError } from "./provider";
import { hashSeed, mulberry32 } from "./prng";

export interface SimulatedProviderOptions {
  /** Seed of the PRNG. Draws depend on (seed, key, n-th call for that key) only, so a run is
   *  reproducible whatever the interleaving of concurrent calls. Default 1. */
  readonly seed?: number;
  /** Probability that a call fails before charging (503-like; retryable). Default 0. */
  readonly failureRate?: number;
  /** Probability that a NEW charge is declined (a business outcome, replayed as is). Default 0. */
  readonly declineRate?: number;
  /** Probability that the charge happens but the response is lost (retryable). Default 0. */
  readonly lostResponseRate?: number;
  /** Each call takes a uniform random time in [0, latencyMs]. Default 0. */
  readonly latencyMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface SimulatedProviderStats {
  /** charge() calls. */
  calls: number;
  /** New charges by outcome: money moved only for `succeeded`. */
  created: { succeeded: number; declined: number };
  /** Calls answered from an existing charge (same idempotency key). */
  replays: number;
  /** Calls that failed before charging. */
  failures: number;
  /** Calls whose charge happened (or was replayed) but whose response was lost. */
  lostResponses: number;
}

interface StoredCharge {
  readonly fingerprint: string;
  readonly result: ChargeResult;
}

/**
 * The simulated third-party provider (the one fake in Causeway: the provider is external). It
 * honours idempotency keys like Stripe: the first call with a key decides the result, every
 * later call with the key returns it without charging again; the same key with another amount,
 * currency or customer is rejected. Switches inject failures, declines, lost responses and
 * latency.
 */
export class SimulatedProvider implements PaymentProvider {
  readonly stats: SimulatedProviderStats = {
    calls: 0,
    created: { succeeded: 0, declined: 0 },
    replays: 0,
    failures: 0,
    lostResponses: 0,
  };
  private readonly charges = new Map<string, StoredCharge>();
  private readonly callsPerKey = new Map<string, number>();
  private readonly opts: Required<SimulatedProviderOptions>;

  constructor(opts: SimulatedProviderOptions = {}) {
    this.opts = {
      seed: 1,
      failureRate: 0,
      declineRate: 0,
      lostResponseRate: 0,
      latencyMs: 0,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      ...opts,
    };
    for (const k of ["failureRate", "declineRate", "lostResponseRate"] as const) {
      const v = this.opts[k];
      if (!(v >= 0 && v <= 1)) throw new Error(`${k} must be within [0, 1], got ${v}`);
    }
  }

  /** Charges recorded for a key (0 or 1, by construction): the witness tests check. */
  chargeFor(key: string): ChargeResult | undefined {
    return this.charges.get(key)?.result;
  }

  async charge(req: ChargeRequest): Promise<ChargeResult> {
    this.stats.calls++;
    const n = (this.callsPerKey.get(req.idempotencyKey) ?? 0) + 1;
    this.callsPerKey.set(req.idempotencyKey, n);
    const draw = mulberry32(hashSeed(`${this.opts.seed}:${req.idempotencyKey}:${n}`));
    const [latency, failure, decline, lost] = [draw(), draw(), draw(), draw()];

    if (this.opts.latencyMs > 0) await this.opts.sleep(Math.round(latency * this.opts.latencyMs));
    if (failure < this.opts.failureRate) {
      this.stats.failures++;
      throw new ProviderError("provider unavailable (simulated)", "unavailable", true);
    }
    const fingerprint = createHash("sha256")
      .update(JSON.stringify([req.customerId, req.amountCents, req.currency]))
      .digest("hex");
    let stored = this.charges.get(req.idempotencyKey);
    if (stored) {
      if (stored.fingerprint !== fingerprint) {
        throw new ProviderError(
          "idempotency key reused with different parameters",
          "rejected",
          false,
        );
      }
      this.stats.replays++;
    } else {
      const chargeId = `ch_${createHash("sha256").update(`${this.opts.seed}:${req.idempotencyKey}`).digest("hex").slice(0, 24)}`;
      const result: ChargeResult =
        decline < this.opts.declineRate
          ? { status: "declined", chargeId, reason: "declined" }
          : { status: "succeeded", chargeId };
      stored = { fingerprint, result };
      this.charges.set(req.idempotencyKey, stored);
      this.stats.created[result.status]++;
    }
    if (lost < this.opts.lostResponseRate) {
      this.stats.lostResponses++;
      throw new ProviderError("response lost after charging (simulated)", "response_lost", true);
    }
    return stored.result;
  }
}
