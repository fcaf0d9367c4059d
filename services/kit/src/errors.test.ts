import { describe, expect, it } from "vitest";
import { AppError, KitErrors, defineErrors, kitError } from "./errors";

describe("error catalogue", () => {
  it("builds coded errors with the catalogue's status and message", () => {
    const err = kitError("IDEMPOTENCY_KEY_REUSED");
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(err.statusCode).toBe(422);
    expect(err.message).toBe(KitErrors.IDEMPOTENCY_KEY_REUSED.message);
  });

  it("lets services extend the catalogue and override the message", () => {
    const fail = defineErrors({ ...KitErrors, ORDER_NOT_FOUND: { status: 404, message: "x" } });
    const err = fail("ORDER_NOT_FOUND", "Order 42 not found", { id: 42 });
    expect([err.statusCode, err.message, err.details]).toEqual([
      404,
      "Order 42 not found",
      { id: 42 },
    ]);
  });

  it("uses only HTTP error statuses", () => {
    for (const spec of Object.values(KitErrors)) expect(spec.status).toBeGreaterThanOrEqual(400);
  });
});
