import { describe, expect, it } from "vitest";
import { ConfigError } from "../config";
import type { ConsumerEnv } from "./consumer-env";
import { consumerDefaultsFromEnv } from "./consumer-env";

const env: ConsumerEnv = {
  CONSUMER_RETRY_MAX_ATTEMPTS: 8,
  CONSUMER_RETRY_BASE_DELAY_MS: 2_000,
  CONSUMER_RETRY_MAX_DELAY_MS: 60_000,
  CONSUMER_RETRY_JITTER: "full",
  CONSUMER_DELIVERY_LIMIT: 20,
  CONSUMER_BATCH_SIZE: 50,
  CONSUMER_BATCH_WAIT_MS: 2,
  CONSUMER_PREFETCH: undefined,
};

describe("consumerDefaultsFromEnv", () => {
  it("maps the CONSUMER_* variables to a retry policy and a delivery limit", () => {
    expect(consumerDefaultsFromEnv(env)).toEqual({
      retry: { maxAttempts: 8, baseDelayMs: 2_000, maxDelayMs: 60_000, jitter: "full" },
      deliveryLimit: 20,
      batchSize: 50,
      batchWaitMs: 2,
    });
    expect(consumerDefaultsFromEnv({ ...env, CONSUMER_PREFETCH: 300 }).prefetch).toBe(300);
  });

  it.each([
    [2_000, 2_000, undefined],
    [2_000, 1_999, "must be at least CONSUMER_RETRY_BASE_DELAY_MS (2000), got 1999"],
  ])("base %i, cap %i -> %s", (base, cap, problem) => {
    const run = () =>
      consumerDefaultsFromEnv({
        ...env,
        CONSUMER_RETRY_BASE_DELAY_MS: base,
        CONSUMER_RETRY_MAX_DELAY_MS: cap,
      });
    if (problem === undefined) expect(run().retry?.maxDelayMs).toBe(cap);
    else expect(run).toThrow(new ConfigError([`CONSUMER_RETRY_MAX_DELAY_MS: ${problem}`]));
  });
});
