import { describe, expect, it } from "vitest";
import { defaultRetryPolicy, retryDelayMs } from "./backoff";

describe("retryDelayMs", () => {
  const policy = { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 1_000 };

  it.each([
    [1, 50, 100],
    [2, 100, 200],
    [3, 200, 400],
    [4, 400, 800],
    [5, 500, 1000],
  ])("retry %i stays within [%i, %i] ms", (retry, low, high) => {
    expect(retryDelayMs(policy, retry, () => 0)).toBe(low);
    expect(retryDelayMs(policy, retry, () => 1)).toBe(high);
    for (let i = 0; i < 200; i++) {
      const d = retryDelayMs(policy, retry);
      expect(d).toBeGreaterThanOrEqual(low);
      expect(d).toBeLessThanOrEqual(high);
    }
  });

  it("spreads delays (jitter)", () => {
    const seen = new Set(Array.from({ length: 50 }, () => retryDelayMs(defaultRetryPolicy, 3)));
    expect(seen.size).toBeGreaterThan(10);
  });
});
