import { describe, expect, it } from "vitest";
import { upstreamEnvName, upstreamUrl } from "./naming";

describe("upstreamEnvName", () => {
  it.each([
    ["orders", "ORDERS_URL"],
    ["tax-rates", "TAX_RATES_URL"],
    ["a1", "A1_URL"],
  ])("%s -> %s", (name, env) => expect(upstreamEnvName(name)).toBe(env));
});

describe("upstreamUrl", () => {
  it("is the upstream's Service by cluster DNS, never an address", () => {
    expect(upstreamUrl("orders", "shop", 8080)).toBe("http://orders.shop.svc.cluster.local:8080");
    expect(upstreamUrl("orders", "shop", 9090, "corp.local")).toBe(
      "http://orders.shop.svc.corp.local:9090",
    );
  });
});
