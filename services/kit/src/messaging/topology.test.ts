import { describe, expect, it } from "vitest";
import { subscriptionTopology } from "./topology";

describe("subscriptionTopology", () => {
  it("derives the delay queues, DLQ and quorum arguments", () => {
    const t = subscriptionTopology("payments.order-placed", 3, 10);
    expect(t.retryQueues).toEqual([
      "payments.order-placed.retry.1",
      "payments.order-placed.retry.2",
    ]);
    expect(t.dlq).toBe("payments.order-placed.dlq");
    expect(t.queueArguments).toEqual({
      "x-queue-type": "quorum",
      "x-overflow": "reject-publish",
      "x-dead-letter-strategy": "at-least-once",
      "x-dead-letter-exchange": "",
      "x-dead-letter-routing-key": "payments.order-placed.dlq",
      "x-delivery-limit": 10,
    });
    expect(t.retryQueueArguments["x-dead-letter-routing-key"]).toBe("payments.order-placed");
  });

  it("has no delay queues when there is a single attempt", () => {
    expect(subscriptionTopology("q", 1, 5).retryQueues).toEqual([]);
  });

  it("rejects bad names and attempt counts with exact messages", () => {
    expect(() => subscriptionTopology("a b", 3, 5)).toThrow(
      'Invalid queue name "a b": use 1-200 of [A-Za-z0-9_.:-]',
    );
    expect(() => subscriptionTopology("q", 0, 5)).toThrow(
      "maxAttempts must be an integer >= 1, got 0",
    );
  });
});
