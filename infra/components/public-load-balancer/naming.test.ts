import { describe, expect, it } from "vitest";
import { physicalName } from "./naming";

const valid = /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/;

describe("physicalName", () => {
  it("is the readable part plus 8 hex digits of the identity", () => {
    expect(physicalName("gateway", ["causeway", "dev", "edge", "gateway", 8080])).toMatch(
      /^gateway-[0-9a-f]{8}$/,
    );
  });

  it("is stable, and changes with any identity part (a replacement gets a new name)", () => {
    const id = ["causeway", "dev", "edge", "gateway", 8080, "HTTP", "ip"];
    const name = physicalName("gateway", id);
    expect(physicalName("gateway", [...id])).toBe(name);
    expect(physicalName("gateway", ["causeway", "prod", ...id.slice(2)])).not.toBe(name);
    expect(physicalName("gateway", [...id.slice(0, 4), 9090, "HTTP", "ip"])).not.toBe(name);
  });

  it.each([
    "a-very-long-service-name-that-exceeds-every-limit",
    "Upper_Case.Name",
    "internal-api",
    "---",
    "x-",
  ])("fits the ALB and target group name rules: %s", (readable) => {
    const name = physicalName(readable, [readable]);
    expect(name.length).toBeLessThanOrEqual(32);
    expect(name).toMatch(valid);
    expect(name.startsWith("internal-")).toBe(false);
  });
});
