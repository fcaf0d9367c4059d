import { describe, expect, it } from "vitest";
import { parsePlatformConfig } from "../load";
import { EVEN_SERVERS_MESSAGE } from "@causeway/components";
import { consulTierDefaults } from "./consul";
import { configProblems } from "../../test/config-problems";
import { FIXTURE_STACKS, rawFixtureConfig } from "../../test/fixtures";

const problems = configProblems;

describe("causeway:consul", () => {
  it("fills every field from the tier defaults when a stack is silent", () => {
    const table = FIXTURE_STACKS.map((stack) => {
      const c = parsePlatformConfig(
        rawFixtureConfig(stack, { "causeway:consul": null }),
        stack,
      ).consul;
      return [stack, c.servers, c.storageSize, c.resources.cpu, c.resources.memory];
    });
    expect(table).toEqual([
      ["dev", 1, "5Gi", "100m", "256Mi"],
      ["staging", 3, "10Gi", "250m", "512Mi"],
      ["prod", 5, "20Gi", "500m", "1Gi"],
    ]);
  });

  it("pins the same chart and Consul versions in every tier", () => {
    const pins = Object.values(consulTierDefaults).map((d) => [d.chartVersion, d.consulVersion]);
    expect(pins).toEqual([
      ["1.9.11", "1.22.7"],
      ["1.9.11", "1.22.7"],
      ["1.9.11", "1.22.7"],
    ]);
  });

  it("lets a stack override one field and keeps the tier defaults for the rest", () => {
    const c = parsePlatformConfig(
      rawFixtureConfig("prod", { "causeway:consul": { servers: 7, resources: { cpu: "1" } } }),
      "prod",
    ).consul;
    expect(c).toEqual({
      ...consulTierDefaults.prod,
      servers: 7,
      resources: { ...consulTierDefaults.prod.resources, cpu: "1" },
    });
  });

  it.each([2, 4, 6])("rejects %i servers, explaining Raft quorum", (servers) => {
    expect(problems(rawFixtureConfig("staging", { "causeway:consul": { servers } }))).toEqual([
      `causeway:consul.servers: ${EVEN_SERVERS_MESSAGE} (found ${servers})`,
    ]);
  });

  it("states the even-server rule in words a stack owner can act on", () => {
    expect(problems(rawFixtureConfig("prod", { "causeway:consul": { servers: 4 } }))).toEqual([
      "causeway:consul.servers: must be odd (1, 3, 5 or 7): Raft needs a majority of servers for quorum, so an even count tolerates no more failures than one server fewer (2 tolerate none, like 1; 4 tolerate one, like 3) and only adds cost (found 4)",
    ]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["zero servers", { servers: 0 }, "causeway:consul.servers: must be at least 1 (found 0)"],
    [
      "nine servers",
      { servers: 9 },
      "causeway:consul.servers: must be at most 7: every extra voter slows each Raft commit (found 9)",
    ],
    [
      "a version range",
      { chartVersion: "^1.9.0" },
      'causeway:consul.chartVersion: must be an exact Helm chart version such as 1.9.11 (no ranges) (found "^1.9.0")',
    ],
    [
      "a storage size in Mi",
      { storageSize: "512Mi" },
      'causeway:consul.storageSize: must be a storage size in Gi, such as 10Gi (found "512Mi")',
    ],
    [
      "a memory limit below the request",
      { resources: { memory: "1Gi", memoryLimit: "512Mi" } },
      "causeway:consul.resources.memoryLimit: memoryLimit must be at least memory",
    ],
    [
      "an unknown key",
      { replicas: 3 },
      'causeway:consul: unknown key "replicas"; valid keys: servers, chartVersion, consulVersion, storageSize, storageClass, resources',
    ],
  ])("rejects %s", (_, consul, expected) => {
    expect(problems(rawFixtureConfig("dev", { "causeway:consul": consul }))).toEqual([expected]);
  });
});
