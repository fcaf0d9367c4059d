import { describe, expect, it } from "vitest";
import { configProblems } from "../../test/config-problems";
import { fixtureConfig, rawFixtureConfig } from "../../test/fixtures";

const DIGEST = `111122223333.dkr.ecr.eu-west-1.amazonaws.com/causeway/x@sha256:${"a".repeat(64)}`;

describe("causeway:images", () => {
  it("builds for Graviton by default, and only dev builds", () => {
    expect(fixtureConfig("dev").images).toEqual({
      platform: "linux/arm64",
      pullAccountIds: ["555566667777", "666677778888"],
    });
    expect(fixtureConfig("staging").images.promoteFrom).toBe("fixture/causeway/dev");
    expect(
      fixtureConfig("dev", { "causeway:images": { platform: "linux/amd64" } }).images.platform,
    ).toBe("linux/amd64");
  });

  it("accepts a staging or prod stack whose every service pins its image, without promoteFrom", () => {
    const pinned = Object.fromEntries(
      Object.keys(fixtureConfig("prod").services).map((name) => [name, { image: DIGEST }]),
    );
    const config = fixtureConfig("prod", {
      "causeway:images": { promoteFrom: null },
      "causeway:services": pinned,
    });
    expect(config.images.promoteFrom).toBeUndefined();
  });

  it("names every bad value, with what would be valid", () => {
    expect(
      configProblems(
        rawFixtureConfig("staging", {
          "causeway:images": {
            platform: "linux/riscv64",
            pullAccountIds: ["1234"],
            promoteFrom: "acme causeway dev",
          },
        }),
        "staging",
      ),
    ).toEqual([
      'causeway:images.platform: must be one of linux/arm64, linux/amd64 (found "linux/riscv64")',
      'causeway:images.pullAccountIds[0]: must be a 12-digit AWS account id (found "1234")',
      'causeway:images.promoteFrom: must be a stack name such as acme/causeway/dev (<org>/<project>/<stack>) (found "acme causeway dev")',
    ]);
  });
});
