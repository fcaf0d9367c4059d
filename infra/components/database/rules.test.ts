import { describe, expect, it } from "vitest";
import { databaseSecretName, parameterGroupFamily, postgresUrl } from "./connection";
import {
  checkDatabasePassword,
  checkDatabaseSettings,
  databaseRules,
  type DatabaseSettings,
} from "./rules";

const valid: DatabaseSettings = {
  identifier: "causeway-prod",
  engineVersion: "17",
  instanceClass: "db.m7g.large",
  allocatedStorage: 100,
  maxAllocatedStorage: 1000,
  backupRetentionDays: 14,
  databaseName: "causeway",
  masterUsername: "causeway_admin",
  subnetIds: ["subnet-a", "subnet-b"],
};

describe("database rules", () => {
  it("every rule cites a source and every rule can fail", () => {
    const failing: Record<string, Partial<DatabaseSettings>> = {
      "rds-identifier": { identifier: "-causeway" },
      "rds-identifier-lowercase": { identifier: "Causeway-prod" },
      "rds-engine-version-major": { engineVersion: "17.4" },
      "rds-engine-version-supported": { engineVersion: "12" },
      "rds-instance-class": { instanceClass: "db.m7g.huge" },
      "rds-gp3-storage-bounds": { allocatedStorage: 19, maxAllocatedStorage: 0 },
      "rds-max-allocated-storage": { maxAllocatedStorage: 65_537 },
      "rds-backup-retention": { backupRetentionDays: -1 },
      "rds-database-name": { databaseName: "_causeway" },
      "rds-master-username": { masterUsername: "pg_admin" },
      "rds-subnet-group-azs": { subnetIds: ["subnet-a", "subnet-a"] },
    };
    expect(Object.keys(failing).sort()).toEqual(databaseRules.map((r) => r.id).sort());
    expect(checkDatabaseSettings(valid)).toEqual([]);
    for (const rule of databaseRules) {
      expect(rule.source, rule.id).toMatch(/^https:\/\//);
      const ids = checkDatabaseSettings({ ...valid, ...failing[rule.id] }).map((v) => v.rule);
      expect(ids, rule.id).toContain(rule.id);
    }
  });

  it.each<[string, boolean]>([
    ["a", true],
    ["causeway-prod-1", true],
    [`a${"b".repeat(62)}`, true],
    [`a${"b".repeat(63)}`, false],
    ["1causeway", false],
    ["causeway_prod", false],
    ["causeway--prod", false],
    ["causeway-", false],
    ["Causeway-prod", false],
  ])("identifier %s valid: %s", (identifier, ok) => {
    expect(checkDatabaseSettings({ ...valid, identifier }).length === 0).toBe(ok);
  });

  it.each<[string, boolean]>([
    ["db.t4g.micro", true],
    ["db.m7g.large", true],
    ["db.r7g.16xlarge", true],
    ["db.r6i.metal", true],
    ["db.c7g.large", false],
    ["db.m7g", false],
    ["m7g.large", false],
  ])("instance class %s valid: %s", (instanceClass, ok) => {
    expect(checkDatabaseSettings({ ...valid, instanceClass }).length === 0).toBe(ok);
  });

  it("allows storage autoscaling off (0) and refuses a ceiling under 10% headroom", () => {
    expect(checkDatabaseSettings({ ...valid, maxAllocatedStorage: 0 })).toEqual([]);
    expect(checkDatabaseSettings({ ...valid, maxAllocatedStorage: 110 })).toEqual([]);
    expect(
      checkDatabaseSettings({ ...valid, maxAllocatedStorage: 109 }).map((v) => v.rule),
    ).toEqual(["rds-max-allocated-storage"]);
  });
});

describe("database password rules", () => {
  it.each<[string, string, string[]]>([
    ["8 printable characters", "abcdefg1", []],
    ["7 characters", "abcdefg", ["must be 8-128 characters long, found 7"]],
    ["an @", "abcdefg@1", [`must not contain / ' " @ or a space`]],
    ["a slash", "abcd/efg1", [`must not contain / ' " @ or a space`]],
    ["a space", "abcd efg1", [`must not contain / ' " @ or a space`]],
    ["a non-ASCII character", "abcdéfg12", ["must be printable ASCII"]],
  ])("%s", (_, password, expected) => {
    expect(checkDatabasePassword(password)).toEqual(expected);
  });
});

describe("database connection", () => {
  it("builds a TLS-verifying URL with percent-encoded credentials", () => {
    expect(
      postgresUrl({
        host: "causeway-prod.abc.eu-west-1.rds.amazonaws.com",
        database: "causeway",
        username: "causeway_admin",
        password: "a~b-c_d.e:f",
      }),
    ).toBe(
      "postgres://causeway_admin:a~b-c_d.e%3Af@causeway-prod.abc.eu-west-1.rds.amazonaws.com:5432/causeway?sslmode=verify-full",
    );
  });

  it("refuses a host that is not a host name", () => {
    expect(() =>
      postgresUrl({ host: "evil@host", database: "d", username: "u", password: "p" }),
    ).toThrow('expected a database host name, got "evil@host"');
  });

  it("names the per-service Secret and the parameter group family", () => {
    expect([databaseSecretName("orders"), parameterGroupFamily("17")]).toEqual([
      "orders-database",
      "postgres17",
    ]);
  });
});
