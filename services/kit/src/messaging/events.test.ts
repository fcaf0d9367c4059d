import { describe, expect, it } from "vitest";
import { z } from "zod";
import { decodeMessage, defineEvent } from "./events";

const placed = defineEvent("order.placed", z.object({ orderId: z.string(), amount: z.number() }));
const base = { messageId: "m1", type: "order.placed", headers: {} };

describe("decodeMessage", () => {
  it("decodes a valid event from an object, a buffer or a string", () => {
    const payload = { orderId: "o1", amount: 5 };
    for (const body of [payload, Buffer.from(JSON.stringify(payload)), JSON.stringify(payload)]) {
      expect(decodeMessage(placed, { ...base, body })).toEqual({
        ok: true,
        event: { id: "m1", type: "order.placed", payload, attempt: 1 },
      });
    }
  });

  it("reads the attempt and trace headers", () => {
    const r = decodeMessage(placed, {
      ...base,
      body: { orderId: "o1", amount: 1 },
      headers: { "x-causeway-attempt": 3, "x-request-id": "r1", traceparent: "00-a-b-01" },
    });
    expect(r.ok && r.event).toMatchObject({
      attempt: 3,
      requestId: "r1",
      traceparent: "00-a-b-01",
    });
  });

  it.each([
    [{ ...base, body: Buffer.from("{nope") }, "body is not valid JSON"],
    [{ ...base, messageId: undefined, body: {} }, "missing message id"],
    [
      { ...base, type: "order.paid", body: {} },
      'unexpected event type "order.paid", want "order.placed"',
    ],
    [
      { ...base, body: { orderId: 1 } },
      "schema validation failed: orderId: Invalid input: expected string, received number; amount: Invalid input: expected number, received undefined",
    ],
  ])("rejects bad messages with a reason (%#)", (msg, reason) => {
    expect(decodeMessage(placed, msg)).toEqual({ ok: false, reason });
  });

  it("rejects malformed event types", () => {
    expect(() => defineEvent("OrderPlaced", z.object({}))).toThrow(
      /Invalid event type "OrderPlaced"/,
    );
  });
});
