import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { DEFAULT_CHARGE_RETRY, chargingPolicy } from "./charge";
import { paymentsMetrics } from "./metrics";
import type { ChargeRequest, ChargeResult, PaymentProvider } from "./provider/provider";
import { ProviderError } from "./provider/provider";
import { SimulatedProvider } from "./provider/simulated";

const req: ChargeRequest = {
  idempotencyKey: "order-1",
  customerId: "cus_1",
  amountCents: 500,
  currency: "EUR",
};

/** A provider that answers from a script: errors to throw, then a result. */
function scripted(
  script: Array<ProviderError | ChargeResult>,
): PaymentProvider & { calls: number } {
  return {
    calls: 0,
    async charge() {
      const next = script[this.calls++]!;
      if (next instanceof Error) throw next;
      return next;
    },
  };
}

describe("chargingPolicy", () => {
  it("retries a lost response and an outage with the same key, then returns the charge", async () => {
    const provider = new SimulatedProvider();
    let call = 0;
    const flaky: PaymentProvider = {
      async charge(r) {
        call++;
        const result = await provider.charge(r);
        if (call === 1) throw new ProviderError("lost", "response_lost", true);
        return result;
      },
    };
    const metrics = paymentsMetrics(new Registry());
    const charge = chargingPolicy(flaky, metrics, { baseDelayMs: 1, maxDelayMs: 2 });
    const result = await charge(req);
    expect(result.status).toBe("succeeded");
    expect(call).toBe(2);
    expect(provider.stats.created.succeeded).toBe(1);
    expect(provider.stats.replays).toBe(1);
    const { values } = await metrics.providerCalls.get();
    expect(Object.fromEntries(values.map((v) => [v.labels.outcome, v.value]))).toEqual({
      response_lost: 1,
      succeeded: 1,
    });
  });

  it("gives up after the bounded attempts (the message is then retried by the kit)", async () => {
    const down = new ProviderError("down", "unavailable", true);
    const provider = scripted([down, down, down, { status: "succeeded", chargeId: "ch_1" }]);
    const charge = chargingPolicy(provider, undefined, { maxAttempts: 3, baseDelayMs: 1 });
    await expect(charge(req)).rejects.toBe(down);
    expect(provider.calls).toBe(3);
  });

  it("makes 3 calls by default (DEFAULT_CHARGE_RETRY)", async () => {
    const down = new ProviderError("down", "unavailable", true);
    const provider = scripted([down, down, down, { status: "succeeded", chargeId: "ch_1" }]);
    await expect(chargingPolicy(provider)(req)).rejects.toBe(down);
    expect(provider.calls).toBe(DEFAULT_CHARGE_RETRY.maxAttempts);
    expect(DEFAULT_CHARGE_RETRY.maxAttempts).toBe(3);
  });

  it("refuses an invalid retry policy before any call", () => {
    const provider = scripted([]);
    expect(() => chargingPolicy(provider, undefined, { maxAttempts: 0 })).toThrow(
      "Invalid retry policy: maxAttempts must be an integer >= 1, got 0",
    );
    expect(provider.calls).toBe(0);
  });

  it("does not retry a non-retryable rejection", async () => {
    const rejected = new ProviderError("key reused", "rejected", false);
    const provider = scripted([rejected]);
    await expect(chargingPolicy(provider)(req)).rejects.toBe(rejected);
    expect(provider.calls).toBe(1);
  });
});
