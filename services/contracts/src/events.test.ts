import type { EventDefinition } from "@causeway/kit";
import { decodeMessage } from "@causeway/kit";
import { describe, expect, it } from "vitest";
import { Events, eventJsonSchemas, orderPlaced, paymentFailed, paymentSucceeded } from "./events";

const orderId = "0b0e6a5e-3f0c-4d7e-9a59-4c6a2f9a1d11";
const samples = {
  "order.placed": {
    version: 1,
    orderId,
    customerId: "cus_1",
    currency: "EUR",
    amountCents: 2500,
    items: [{ sku: "book", quantity: 2, unitPriceCents: 1250 }],
    placedAt: "2025-01-01T10:00:00.000Z",
  },
  "payment.succeeded": {
    version: 1,
    orderId,
    chargeId: "ch_1",
    amountCents: 2500,
    currency: "EUR",
    succeededAt: "2025-01-01T10:00:01.000Z",
  },
  "payment.failed": {
    version: 1,
    orderId,
    reason: "declined",
    failedAt: "2025-01-01T10:00:01.000Z",
  },
} as const;

const defs = [orderPlaced, paymentSucceeded, paymentFailed] as EventDefinition<unknown>[];

const delivery = (type: string, body: unknown) => ({
  body: Buffer.from(JSON.stringify(body)),
  messageId: "m-1",
  type,
  routingKey: type,
});

describe("event contracts", () => {
  it.each(defs)("$type: a v1 sample decodes to the same payload", (def) => {
    const sample = samples[def.type as keyof typeof samples];
    const decoded = decodeMessage(def, delivery(def.type, sample));
    expect(decoded).toEqual({
      ok: true,
      event: { id: "m-1", type: def.type, payload: sample, attempt: 1 },
    });
  });

  it.each(defs)(
    "$type: an unknown version is rejected with a reason (the kit dead-letters it)",
    (def) => {
      const sample = samples[def.type as keyof typeof samples];
      expect(decodeMessage(def, delivery(def.type, { ...sample, version: 2 }))).toEqual({
        ok: false,
        reason:
          "schema validation failed: version: unknown version; this consumer understands version 1",
      });
      const noVersion: Record<string, unknown> = { ...sample };
      delete noVersion.version;
      expect(decodeMessage(def, delivery(def.type, noVersion))).toMatchObject({ ok: false });
    },
  );

  it("ignores unknown fields within a version (additive changes keep the version)", () => {
    const decoded = decodeMessage(
      paymentFailed,
      delivery("payment.failed", { ...samples["payment.failed"], retryable: false }),
    );
    expect(decoded).toMatchObject({ ok: true, event: { payload: samples["payment.failed"] } });
  });

  it("rejects a payload with a wrong amount or currency", () => {
    const bad = { ...samples["order.placed"], amountCents: 0, currency: "eur" };
    const decoded = decodeMessage(orderPlaced, delivery("order.placed", bad));
    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.reason).toContain("currency: must be an ISO 4217 code");
    expect(!decoded.ok && decoded.reason).toContain("amountCents");
  });

  it("names each event's type, version, producer and consumers once", () => {
    expect(
      Object.values(Events).map((e) => [e.def.type, e.version, e.producer, e.consumers]),
    ).toEqual([
      ["order.placed", 1, "orders", ["payments"]],
      ["payment.succeeded", 1, "payments", ["orders"]],
      ["payment.failed", 1, "payments", ["orders"]],
    ]);
  });

  it("publishes JSON Schemas that pin the version", () => {
    const schemas = eventJsonSchemas() as Record<
      string,
      { properties: { version: unknown }; required: string[] }
    >;
    expect(Object.keys(schemas)).toEqual(["order.placed", "payment.succeeded", "payment.failed"]);
    for (const s of Object.values(schemas)) {
      expect(s.properties.version).toEqual({ type: "number", const: 1 });
      expect(s.required).toContain("version");
    }
  });
});
