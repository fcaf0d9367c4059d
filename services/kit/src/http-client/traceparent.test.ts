import { describe, expect, it } from "vitest";
import { childTraceparent, randomHexId } from "./traceparent";

const incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

describe("childTraceparent", () => {
  it("keeps the trace id and flags and makes a new parent id", () => {
    const out = childTraceparent(incoming);
    expect(out).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(out.split("-")[2]).not.toBe("00f067aa0ba902b7");
  });

  it.each([undefined, "garbage", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"])(
    "starts a new sampled trace for %j",
    (header) => {
      const out = childTraceparent(header);
      expect(out).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(out.split("-")[1]).not.toBe("00000000000000000000000000000000");
    },
  );
});

describe("randomHexId", () => {
  it("draws distinct ids of the asked length across refills of its entropy pool", () => {
    // 4 KiB per refill: 3000 ids of 16 bytes span about 12 refills.
    const ids = Array.from({ length: 3000 }, () => randomHexId(16));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(randomHexId(8)).toMatch(/^[0-9a-f]{16}$/);
  });
});
