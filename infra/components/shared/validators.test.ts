import { describe, expect, it } from "vitest";
import {
  cidrContains,
  cidrNetworkAddress,
  cidrsOverlap,
  isDns1035Label,
  isDns1123Label,
  isIpv4Cidr,
} from "./validators";

describe("isIpv4Cidr", () => {
  it.each<[string, boolean]>([
    ["10.0.0.0/16", true],
    ["0.0.0.0/0", true],
    ["255.255.255.255/32", true],
    ["10.0.0.0/33", false],
    ["256.0.0.0/8", false],
    ["10.0.0.0", false],
    ["10.0.0/16", false],
    ["::/0", false],
  ])("%s: %s", (value, expected) => {
    expect(isIpv4Cidr(value)).toBe(expected);
  });
});

describe("DNS labels", () => {
  it.each<[string, boolean, boolean]>([
    ["orders", true, true],
    ["orders-v2", true, true],
    ["a", true, true],
    ["1orders", false, true],
    ["0", false, true],
    ["Orders", false, false],
    ["orders_svc", false, false],
    ["orders-", false, false],
    ["-orders", false, false],
    ["", false, false],
    ["a".repeat(63), true, true],
    ["a".repeat(64), false, false],
  ])("%j: DNS-1035 %s, DNS-1123 %s", (value, dns1035, dns1123) => {
    expect([isDns1035Label(value), isDns1123Label(value)]).toEqual([dns1035, dns1123]);
  });
});

describe("CIDR arithmetic", () => {
  it.each<[string, string, boolean]>([
    ["10.10.0.0/16", "10.10.16.0/20", true],
    ["10.10.0.0/16", "10.10.0.0/16", true],
    ["10.10.0.0/16", "10.11.0.0/20", false],
    ["10.10.0.0/20", "10.10.0.0/16", false],
    ["0.0.0.0/0", "192.168.1.0/24", true],
  ])("%s contains %s: %s", (outer, inner, expected) => {
    expect(cidrContains(outer, inner)).toBe(expected);
  });

  it.each([
    ["10.10.1.0/16", "10.10.0.0/16"],
    ["10.10.16.0/20", "10.10.16.0/20"],
    ["255.255.255.255/0", "0.0.0.0/0"],
  ])("network address of %s is %s", (cidr, network) => {
    expect(cidrNetworkAddress(cidr)).toBe(network);
  });

  it("overlap is symmetric", () => {
    expect(cidrsOverlap("10.0.0.0/20", "10.0.8.0/24")).toBe(true);
    expect(cidrsOverlap("10.0.8.0/24", "10.0.0.0/20")).toBe(true);
    expect(cidrsOverlap("10.0.0.0/20", "10.0.16.0/20")).toBe(false);
  });
});
