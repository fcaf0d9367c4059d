import { handleAll, handleWhen } from "cockatiel";
import { describe, expect, it } from "vitest";
import { cockatielRetry } from "./cockatiel";
import type { RetryPolicy } from "./policy";

/** Runs a task that always fails through the policy; returns the calls and cockatiel's delays. */
async function runFailing(policy: RetryPolicy, random: () => number) {
  const retry = cockatielRetry(handleAll, policy, random);
  const delays: number[] = [];
  retry.onRetry((r) => delays.push(r.delay));
  let calls = 0;
  const err = await retry
    .execute(() => {
      calls++;
      throw new Error(`failure ${calls}`);
    })
    .catch((e: unknown) => e as Error);
  return { calls, delays, err };
}

describe("cockatielRetry", () => {
  it.each([
    // maxAttempts, jitter, random, the delays cockatiel waits
    [1, "equal", 1, []],
    [4, "equal", 1, [2, 4, 8]],
    [4, "equal", 0, [1, 2, 4]],
    [5, "full", 1, [2, 4, 8, 10]],
    [3, "full", 0.5, [1, 2]],
  ] as const)(
    "%i attempts, %s jitter, random %d: waits %o",
    async (maxAttempts, jitter, r, expected) => {
      const policy = { maxAttempts, baseDelayMs: 2, maxDelayMs: 10, jitter };
      const { calls, delays, err } = await runFailing(policy, () => r);
      expect(calls).toBe(maxAttempts);
      expect(delays).toEqual(expected);
      expect(err.message).toBe(`failure ${maxAttempts}`);
    },
  );

  it("does not retry errors the handler does not select", async () => {
    const retry = cockatielRetry(
      handleWhen((e) => e.message === "transient"),
      { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, jitter: "full" },
    );
    let calls = 0;
    await expect(
      retry.execute(() => {
        calls++;
        throw new Error("permanent");
      }),
    ).rejects.toThrow("permanent");
    expect(calls).toBe(1);
  });
});
