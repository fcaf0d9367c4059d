import { describe, expect, it } from "vitest";
import { configProblems } from "../../test/config-problems";
import { fixtureConfig, rawFixtureConfig } from "../../test/fixtures";

describe("causeway:cache", () => {
  it("one node in dev; a primary and a replica in another zone in staging and prod", () => {
    expect(fixtureConfig("dev").cache).toEqual({
      engineVersion: "8.0",
      nodeType: "cache.t4g.micro",
      nodes: 1,
    });
    expect(fixtureConfig("staging").cache.nodes).toBe(2);
    expect(fixtureConfig("prod").cache).toEqual({
      engineVersion: "8.0",
      nodeType: "cache.m7g.large",
      nodes: 2,
    });
  });

  it("refuses a single node in prod while a service uses the cache, and bad values", () => {
    expect(
      configProblems(rawFixtureConfig("prod", { "causeway:cache": { nodes: 1 } }), "prod"),
    ).toEqual([
      "causeway:cache.nodes: must be at least 2 in prod: one node has no automatic failover, and gateway would lose the cache with its node or zone (found 1)",
    ]);
    expect(
      configProblems(
        rawFixtureConfig("dev", {
          "causeway:cache": { nodes: 7, nodeType: "m7g.large", engineVersion: "8" },
        }),
        "dev",
      ),
    ).toEqual([
      'causeway:cache.engineVersion: must be a Valkey major.minor version such as 8.0 (found "8")',
      'causeway:cache.nodeType: must be an ElastiCache node type such as cache.t4g.micro (found "m7g.large")',
      "causeway:cache.nodes: must be at most 6 (a primary and up to 5 replicas) (found 7)",
    ]);
  });

  it("a stack whose services use no cache may run one node anywhere (no cache is created)", () => {
    const config = fixtureConfig("prod", {
      "causeway:cache": { nodes: 1 },
      "causeway:services": { gateway: { cache: false } },
    });
    expect(config.cache.nodes).toBe(1);
  });
});
