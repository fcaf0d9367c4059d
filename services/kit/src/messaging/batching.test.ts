import { describe, expect, it } from "vitest";
import { resolveBatching } from "./subscribe";

describe("resolveBatching", () => {
  it.each([
    [
      "defaults: 100 per batch, 5 ms, prefetch twice the batch",
      {},
      undefined,
      { size: 100, waitMs: 5, prefetch: 200 },
    ],
    [
      "broker defaults (CONSUMER_*)",
      {},
      { batchSize: 20, batchWaitMs: 1, prefetch: 50 },
      { size: 20, waitMs: 1, prefetch: 50 },
    ],
    [
      "the subscription wins",
      { batch: { size: 8 }, prefetch: 16 },
      { batchSize: 20 },
      { size: 8, waitMs: 5, prefetch: 16 },
    ],
    [
      "a batch never exceeds the prefetch",
      { prefetch: 10 },
      undefined,
      { size: 10, waitMs: 5, prefetch: 10 },
    ],
    [
      "batch: false is the per-message mode",
      { batch: false as const },
      { batchSize: 20 },
      undefined,
    ],
    ["size 1 is the per-message mode", {}, { batchSize: 1 }, undefined],
  ])("%s", (_, opts, defaults, want) => {
    expect(resolveBatching({ queue: "q", ...opts }, defaults)).toEqual(want);
  });

  it("names every bad value at once", () => {
    expect(() =>
      resolveBatching({ queue: "q", batch: { size: 0, waitMs: -1 }, prefetch: 1.5 }, undefined),
    ).toThrow(
      'subscription "q": batch.size must be an integer >= 1, got 0; batch.waitMs must be an integer >= 0, got -1; prefetch must be an integer >= 1, got 1.5',
    );
  });
});
