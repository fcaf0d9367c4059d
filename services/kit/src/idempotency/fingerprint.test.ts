import { describe, expect, it } from "vitest";
import { canonicalJson, parseIdempotencyKey, requestFingerprint } from "./fingerprint";

describe("request fingerprint", () => {
  it("ignores key order but not values, method or path", () => {
    const a = requestFingerprint("POST", "/orders", { b: 1, a: { y: [1, 2], x: null } });
    expect(requestFingerprint("post", "/orders", { a: { x: null, y: [1, 2] }, b: 1 })).toBe(a);
    expect(requestFingerprint("POST", "/orders", { a: { x: null, y: [2, 1] }, b: 1 })).not.toBe(a);
    expect(requestFingerprint("POST", "/orders?x=1", { b: 1, a: { y: [1, 2], x: null } })).not.toBe(
      a,
    );
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it("writes canonical JSON", () => {
    expect(canonicalJson({ z: 1, a: [true, "s", { d: undefined, c: 2 }] })).toBe(
      '{"a":[true,"s",{"c":2}],"z":1}',
    );
  });
});

describe("parseIdempotencyKey", () => {
  it.each([
    ['"8e03978e-40d5-43e8-bc93-6894a57f9324"', "8e03978e-40d5-43e8-bc93-6894a57f9324"],
    ["plain-token", "plain-token"],
    ['"a\\"b"', 'a"b'],
    ["", undefined],
    ['""', undefined],
    ["has space", undefined],
    ["x".repeat(256), undefined],
  ])("%j -> %j", (header, key) => {
    expect(parseIdempotencyKey(header)).toBe(key);
  });
});
