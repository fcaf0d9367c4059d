import { createHash, randomBytes } from "node:crypto";
import type { ProviderBooks } from "./books";
import { MemoryBooks } from "./books";
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
  /** Where keys and charges are kept. Default: in memory (`MemoryBooks`). */
  readonly books?: ProviderBooks;
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

type Outcome =
  | { readonly kind: "unavailable" }
  | { readonly kind: "rejected" }
  | { readonly kind: "answer"; readonly result: ChargeResult; readonly lost: boolean };

/**
 * The simulated third-party provider (the one fake in Causeway: the provider is external). It
 * honours idempotency keys like Stripe: the first call with a key decides the result, every
 * later call with the key returns it without charging again; the same key with another amount,
 * currency or customer is rejected. Its books (keys, charges, the outage switch) live in
 * `books`: in PostgreSQL (`PgBooks`, the provider's own schema) for the service, so a restart
 * forgets nothing; in memory by default. Switches inject failures, declines, lost responses and
 * latency; `stats` counts this process's calls (since it started).
 */
export class SimulatedProvider implements PaymentProvider {
  readonly stats: SimulatedProviderStats = {
    calls: 0,
    created: { succeeded: 0, declined: 0 },
    replays: 0,
    failures: 0,
    lostResponses: 0,
  };
  readonly books: ProviderBooks;
  private readonly opts: Required<Omit<SimulatedProviderOptions, "books">>;

  constructor(opts: SimulatedProviderOptions = {}) {
    const { books, ...rest } = opts;
    this.books = books ?? new MemoryBooks();
    this.opts = {
      seed: 1,
      failureRate: 0,
      declineRate: 0,
      lostResponseRate: 0,
      latencyMs: 0,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      ...rest,
    };
    for (const k of ["failureRate", "declineRate", "lostResponseRate"] as const) {
      const v = this.opts[k];
      if (!(v >= 0 && v <= 1)) throw new Error(`${k} must be within [0, 1], got ${v}`);
    }
  }

  /** The result recorded for a key's reference (0 or 1 charges, by construction). */
  async chargeFor(reference: string): Promise<ChargeResult | undefined> {
    const [first] = await this.books.chargesFor(reference);
    if (!first) return undefined;
    return first.status === "succeeded"
      ? { status: "succeeded", chargeId: first.chargeId }
      : { status: "declined", chargeId: first.chargeId, reason: "declined" };
  }

  async charge(req: ChargeRequest): Promise<ChargeResult> {
    this.stats.calls++;
    const fingerprint = createHash("sha256")
      .update(JSON.stringify([req.customerId, req.amountCents, req.currency]))
      .digest("hex");
    const outcome = await this.books.withKey(req.idempotencyKey, async (tx): Promise<Outcome> => {
      const draw = mulberry32(hashSeed(`${this.opts.seed}:${req.idempotencyKey}:${tx.calls}`));
      const [latency, failure, decline, lost] = [draw(), draw(), draw(), draw()];
      if (this.opts.latencyMs > 0) await this.opts.sleep(Math.round(latency * this.opts.latencyMs));
      if (tx.down || failure < this.opts.failureRate) return { kind: "unavailable" };
      let result: ChargeResult;
      if (tx.stored) {
        if (tx.stored.fingerprint !== fingerprint) return { kind: "rejected" };
        this.stats.replays++;
        result = tx.stored.result;
      } else {
        const chargeId = `ch_${randomBytes(12).toString("hex")}`;
        result =
          decline < this.opts.declineRate
            ? { status: "declined", chargeId, reason: "declined" }
            : { status: "succeeded", chargeId };
        await tx.create({ fingerprint, result }, req);
        this.stats.created[result.status]++;
      }
      return { kind: "answer", result, lost: lost < this.opts.lostResponseRate };
    });
    switch (outcome.kind) {
      case "unavailable":
        this.stats.failures++;
        throw new ProviderError("provider unavailable (simulated)", "unavailable", true);
      case "rejected":
        throw new ProviderError(
          "idempotency key reused with different parameters",
          "rejected",
          false,
        );
      case "answer":
        if (outcome.lost) {
          this.stats.lostResponses++;
          throw new ProviderError(
            "response lost after charging (simulated)",
            "response_lost",
            true,
          );
        }
        return outcome.result;
    }
  }
}
