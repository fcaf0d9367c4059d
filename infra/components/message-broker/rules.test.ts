import { describe, expect, it } from "vitest";
import {
  brokerRules,
  checkBrokerPassword,
  checkBrokerSettings,
  RABBITMQ_FAMILIES_BY_VERSION,
  RABBITMQ_INSTANCE_TYPES,
  type BrokerSettings,
} from "./rules";

const valid: BrokerSettings = {
  brokerName: "causeway-dev",
  engineVersion: "4.2",
  instanceType: "mq.m7g.large",
  deploymentMode: "CLUSTER_MULTI_AZ",
  subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
  adminUsername: "causeway-admin",
  publiclyAccessible: false,
  securityGroupCount: 1,
};

describe("broker rules", () => {
  it("every rule cites a source and checks a setting", () => {
    for (const rule of brokerRules) {
      expect(rule.source, rule.id).toMatch(/^https:\/\//);
      expect(Object.keys(valid), rule.id).toContain(rule.field);
    }
    expect(new Set(brokerRules.map((r) => r.id)).size).toBe(brokerRules.length);
  });

  it("accepts a valid cluster and a valid single instance", () => {
    expect(checkBrokerSettings(valid)).toEqual([]);
    expect(
      checkBrokerSettings({
        ...valid,
        engineVersion: "3.13",
        instanceType: "mq.t3.micro",
        deploymentMode: "SINGLE_INSTANCE",
        subnetIds: ["subnet-a"],
      }),
    ).toEqual([]);
  });

  it("every rule fails for some settings (no rule that cannot fail)", () => {
    const failing: Record<string, Partial<BrokerSettings>> = {
      "mq-broker-name": { brokerName: "causeway dev" },
      "mq-engine-version-major-minor": { engineVersion: "4" },
      "mq-engine-version-supported": { engineVersion: "3.11" },
      "mq-instance-type-known": { instanceType: "mq.t2.micro" },
      "mq-engine-version-instance-family": { instanceType: "mq.m5.xlarge" },
      "mq-deployment-mode-instance-type": { engineVersion: "3.13", instanceType: "mq.t3.micro" },
      "mq-deployment-mode-subnets": { subnetIds: ["subnet-a"] },
      "mq-username-format": { adminUsername: "x".repeat(101) },
      "mq-username-not-guest": { adminUsername: "guest" },
      "mq-public-broker-security-groups": { publiclyAccessible: true },
      "mq-security-group-count": { securityGroupCount: 6 },
    };
    expect(Object.keys(failing).sort()).toEqual(brokerRules.map((r) => r.id).sort());
    for (const [id, change] of Object.entries(failing)) {
      expect(
        checkBrokerSettings({ ...valid, ...change }).map((v) => v.rule),
        id,
      ).toContain(id);
    }
  });

  it("matches each engine version to the instance families AWS runs it on", () => {
    const table = RABBITMQ_INSTANCE_TYPES.map((type) => [
      type,
      ...(["3.13", "4.2"] as const).map(
        (engineVersion) =>
          checkBrokerSettings({
            ...valid,
            engineVersion,
            instanceType: type,
            deploymentMode: "SINGLE_INSTANCE",
            subnetIds: ["subnet-a"],
          }).length === 0,
      ),
    ]);
    expect(table).toEqual([
      ["mq.t3.micro", true, false],
      ["mq.m5.large", true, false],
      ["mq.m5.xlarge", true, false],
      ["mq.m5.2xlarge", true, false],
      ["mq.m5.4xlarge", true, false],
      ["mq.m7g.medium", true, true],
      ["mq.m7g.large", true, true],
      ["mq.m7g.xlarge", true, true],
      ["mq.m7g.2xlarge", true, true],
      ["mq.m7g.4xlarge", true, true],
      ["mq.m7g.8xlarge", true, true],
      ["mq.m7g.12xlarge", true, true],
      ["mq.m7g.16xlarge", true, true],
    ]);
    expect(RABBITMQ_FAMILIES_BY_VERSION["4.2"]).toEqual(["mq.m7g"]);
  });

  it("names the field and what would be valid", () => {
    expect(checkBrokerSettings({ ...valid, deploymentMode: "SINGLE_INSTANCE" })).toEqual([
      {
        rule: "mq-deployment-mode-subnets",
        field: "subnetIds",
        message: "a SINGLE_INSTANCE broker takes exactly one subnet, found 3",
      },
    ]);
  });
});

describe("broker password rules", () => {
  it.each<[string, string, string[]]>([
    ["12 characters, 4 unique", "abcdabcdabcd", []],
    ["11 characters", "abcdefghijk", ["must be 12-250 characters long, found 11"]],
    ["3 unique characters", "abcabcabcabc", ["must contain at least 4 unique characters"]],
    ["a comma", "abcdefghijk,", ["must not contain ',', ':', '='"]],
    ["a colon", "abcdefghijk:", ["must not contain ',', ':', '='"]],
    ["an equals sign", "abcdefghijk=", ["must not contain ',', ':', '='"]],
    ["251 characters", "abcd".repeat(62) + "abc", ["must be 12-250 characters long, found 251"]],
  ])("%s", (_, password, expected) => {
    expect(checkBrokerPassword(password)).toEqual(expected);
  });
});
