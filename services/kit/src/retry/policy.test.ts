import { describe, expect, it } from "vitest";
import type { RetryPolicy } from "./policy";
import { DEFAULT_CONSUMER_RETRY } from "../messaging/consumer-defaults";
import {
  checkRetryPolicy,
  formatHorizon,
  retryDelayMs,
  retryHorizonMs,
  retryPolicyProblems,
} from "./policy";

const equal: RetryPolicy = { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 1_000, jitter: "equal" };
const full: RetryPolicy = { ...equal, jitter: "full" };

describe("retryDelayMs", () => {
  it.each([
    // jitter, failed attempt, lowest (random 0), highest (random 1)
    [equal, 1, 50, 100],
    [equal, 2, 100, 200],
    [equal, 3, 200, 400],
    [equal, 4, 400, 800],
    [equal, 5, 500, 1_000],
    [equal, 30, 500, 1_000],
    [full, 1, 1, 100],
    [full, 2, 1, 200],
    [full, 3, 1, 400],
    [full, 4, 1, 800],
    [full, 5, 1, 1_000],
    [full, 30, 1, 1_000],
  ])("%o, after attempt %i: within [%i, %i] ms", (policy, failed, low, high) => {
    expect(retryDelayMs(policy, failed, () => 0)).toBe(low);
    expect(retryDelayMs(policy, failed, () => 1)).toBe(high);
    for (let i = 0; i < 200; i++) {
      const d = retryDelayMs(policy, failed);
      expect(d).toBeGreaterThanOrEqual(low);
      expect(d).toBeLessThanOrEqual(high);
    }
  });

  it.each([
    [equal, 0.5, 3, 300],
    [full, 0.5, 3, 200],
    [full, 0.25, 5, 250],
  ])("%o with random %d after attempt %i: %i ms", (policy, r, failed, delay) => {
    expect(retryDelayMs(policy, failed, () => r)).toBe(delay);
  });

  it("spreads delays (jitter)", () => {
    for (const policy of [equal, full]) {
      const seen = new Set(Array.from({ length: 50 }, () => retryDelayMs(policy, 3)));
      expect(seen.size).toBeGreaterThan(10);
    }
  });
});

describe("retryPolicyProblems", () => {
  it.each([
    [{}, []],
    [{ maxAttempts: 1 }, []],
    [{ maxAttempts: 0 }, ["maxAttempts must be an integer >= 1, got 0"]],
    [{ maxAttempts: 2.5 }, ["maxAttempts must be an integer >= 1, got 2.5"]],
    [{ baseDelayMs: 0 }, ["baseDelayMs must be an integer >= 1, got 0"]],
    [{ maxDelayMs: 99 }, ["maxDelayMs must be an integer >= baseDelayMs (100), got 99"]],
    [{ maxDelayMs: 100 }, []],
    [{ jitter: "none" }, ["jitter must be one of full, equal, got none"]],
    [
      { maxAttempts: -1, baseDelayMs: 2_000 },
      [
        "maxAttempts must be an integer >= 1, got -1",
        "maxDelayMs must be an integer >= baseDelayMs (2000), got 1000",
      ],
    ],
  ])("%o -> %o", (change, problems) => {
    expect(retryPolicyProblems({ ...equal, ...change } as RetryPolicy)).toEqual(problems);
  });

  it("checkRetryPolicy returns a valid policy and throws one error listing every problem", () => {
    expect(checkRetryPolicy(full)).toBe(full);
    expect(() => checkRetryPolicy({ ...full, maxAttempts: 0, baseDelayMs: 0 })).toThrow(
      new RangeError(
        "Invalid retry policy: maxAttempts must be an integer >= 1, got 0; " +
          "baseDelayMs must be an integer >= 1, got 0",
      ),
    );
  });
});

describe("retryHorizonMs", () => {
  it("sums the lowest and highest waits before a message is given up", () => {
    // 12 attempts, 1 s doubling, 60 s cap: ceilings 1, 2, 4, 8, 16, 32, 60 x 5 = 363 s.
    expect(retryHorizonMs(DEFAULT_CONSUMER_RETRY)).toEqual({ min: 181_500, max: 363_000 });
    expect(formatHorizon(retryHorizonMs(DEFAULT_CONSUMER_RETRY))).toBe("181.5 s to 363 s");
    expect(retryHorizonMs({ ...equal, maxAttempts: 1 })).toEqual({ min: 0, max: 0 });
    // full jitter: each wait may be as short as 1 ms.
    expect(retryHorizonMs({ ...full, maxAttempts: 4 })).toEqual({ min: 3, max: 700 });
  });
});
