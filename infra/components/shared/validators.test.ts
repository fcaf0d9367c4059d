import { describe, expect, it } from "vitest";
import {
  cidrContains,
  cidrNetworkAddress,
  cidrsOverlap,
  isDns1035Label,
  isDns1123Label,
  isIpv4Cidr,
} from "./validators";

describe("isDns1035Label", () => {
  it.each([
    ["orders", true],
    ["a", true],
    ["a-1", true],
    ["a".repeat(63), true],
    ["a".repeat(64), false],
    ["1orders", false],
    ["Orders", false],
    ["orders-", false],
    ["-orders", false],
    ["or_ders", false],
    ["", false],
  ])("%s -> %s", (value, ok) => expect(isDns1035Label(value)).toBe(ok));
});

describe("isDns1123Label", () => {
  it.each([
    ["orders", 63, true],
    ["1orders", 63, true],
    ["orders-", 63, false],
    ["a".repeat(54), 54, true],
    ["a".repeat(55), 54, false],
    ["Orders", 63, false],
  ])("%s (max %d) -> %s", (value, max, ok) => expect(isDns1123Label(value, max)).toBe(ok));
});

describe("isIpv4Cidr", () => {
  it.each([
    ["10.0.0.0/16", true],
    ["0.0.0.0/0", true],
    ["255.255.255.255/32", true],
    ["256.0.0.0/8", false],
    ["10.0.0.0/33", false],
    ["10.0.0.0", false],
    ["10.0.0/16", false],
    ["::/0", false],
  ])("%s -> %s", (value, ok) => expect(isIpv4Cidr(value)).toBe(ok));
});

describe("CIDR arithmetic", () => {
  it("clears host bits", () => {
    expect(cidrNetworkAddress("10.0.1.7/16")).toBe("10.0.0.0/16");
    expect(cidrNetworkAddress("10.0.1.7/32")).toBe("10.0.1.7/32");
    expect(cidrNetworkAddress("10.0.1.7/0")).toBe("0.0.0.0/0");
  });
  it("knows containment and overlap", () => {
    expect(cidrContains("10.0.0.0/16", "10.0.3.0/24")).toBe(true);
    expect(cidrContains("10.0.3.0/24", "10.0.0.0/16")).toBe(false);
    expect(cidrContains("0.0.0.0/0", "192.168.0.0/16")).toBe(true);
    expect(cidrsOverlap("10.0.3.0/24", "10.0.0.0/16")).toBe(true);
    expect(cidrsOverlap("10.0.0.0/24", "10.0.1.0/24")).toBe(false);
  });
});
