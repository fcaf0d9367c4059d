import { describe, expect, it } from "vitest";
import type { ConfigOverlay } from "../../plan/harness";
import { parsePlatformConfig } from "..";
import { configProblems } from "../../test/config-problems";
import { FIXTURE_STACKS, rawFixtureConfig, type FixtureStack } from "../../test/fixtures";
import { databaseIdentifier } from "./database";

/** The problems about the database that parsing `stack` with `overlay` reports. */
function databaseProblems(stack: FixtureStack, overlay: ConfigOverlay): string[] {
  return configProblems(rawFixtureConfig(stack, overlay), stack).filter(
    (line) => line.startsWith("causeway:database") || line.includes("DB subnet"),
  );
}

const database = (d: Record<string, unknown>) => ({ "causeway:database": d });

describe("causeway:database tier defaults", () => {
  it("fills every tier: small and disposable in dev, multi-AZ and protected in prod", () => {
    const table = FIXTURE_STACKS.map((stack) => {
      const d = parsePlatformConfig(rawFixtureConfig(stack), stack).database;
      return [
        stack,
        databaseIdentifier(d, stack),
        d.engineVersion,
        d.instanceClass,
        d.allocatedStorage,
        d.maxAllocatedStorage,
        d.multiAz,
        d.backupRetentionDays,
        d.deletionProtection,
        d.finalSnapshot,
      ];
    });
    expect(table).toEqual([
      ["dev", "causeway-dev", "17", "db.t4g.micro", 20, 50, false, 1, false, false],
      ["staging", "causeway-staging", "17", "db.t4g.medium", 50, 200, false, 7, true, true],
      ["prod", "causeway-prod", "17", "db.m7g.large", 100, 1000, true, 14, true, true],
    ]);
  });
});

describe("causeway:database: what RDS would reject at apply time, at plan time", () => {
  it.each<[string, FixtureStack, Record<string, unknown>, string]>([
    [
      "an identifier starting with a digit",
      "dev",
      database({ identifier: "1causeway" }),
      'causeway:database.identifier: must be 1-63 letters, digits or hyphens, start with a letter, and have no trailing hyphen or two consecutive hyphens (found "1causeway")',
    ],
    [
      "an identifier with two consecutive hyphens",
      "dev",
      database({ identifier: "causeway--dev" }),
      'causeway:database.identifier: must be 1-63 letters, digits or hyphens, start with a letter, and have no trailing hyphen or two consecutive hyphens (found "causeway--dev")',
    ],
    [
      "an identifier with a trailing hyphen",
      "dev",
      database({ identifier: "causeway-" }),
      'causeway:database.identifier: must be 1-63 letters, digits or hyphens, start with a letter, and have no trailing hyphen or two consecutive hyphens (found "causeway-")',
    ],
    [
      "an identifier of 64 characters",
      "dev",
      database({ identifier: `c${"a".repeat(63)}` }),
      `causeway:database.identifier: must be 1-63 letters, digits or hyphens, start with a letter, and have no trailing hyphen or two consecutive hyphens (found "c${"a".repeat(63)}")`,
    ],
    [
      "a minor version",
      "dev",
      database({ engineVersion: "17.2" }),
      'causeway:database.engineVersion: must be a PostgreSQL major version only, such as 17: RDS applies minor versions in the maintenance window (found "17.2")',
    ],
    [
      "a major version past standard support",
      "dev",
      database({ engineVersion: "13" }),
      'causeway:database.engineVersion: must be a PostgreSQL major version under RDS standard support: 14, 15, 16, 17, 18 (found "13")',
    ],
    [
      "an EC2 instance type",
      "dev",
      database({ instanceClass: "m7g.large" }),
      'causeway:database.instanceClass: must be an RDS for PostgreSQL instance class db.<family>.<size>, family one of t3, t4g, m5, m5d, m6g, m6gd, m6i, m6id, m6idn, m6in, m7g, m7i, m8g, r5, r5b, r5d, r6g, r6gd, r6i, r6id, r6idn, r6in, r7g, r7i, r8g, x2g (found "m7g.large")',
    ],
    [
      "a family RDS does not offer",
      "dev",
      database({ instanceClass: "db.c7g.large" }),
      'causeway:database.instanceClass: must be an RDS for PostgreSQL instance class db.<family>.<size>, family one of t3, t4g, m5, m5d, m6g, m6gd, m6i, m6id, m6idn, m6in, m7g, m7i, m8g, r5, r5b, r5d, r6g, r6gd, r6i, r6id, r6idn, r6in, r7g, r7i, r8g, x2g (found "db.c7g.large")',
    ],
    [
      "storage below the gp3 minimum",
      "dev",
      database({ allocatedStorage: 10, maxAllocatedStorage: 0 }),
      "causeway:database.allocatedStorage: must be a whole number of GiB from 20 to 65536 (gp3 on RDS for PostgreSQL) (found 10)",
    ],
    [
      "storage above the gp3 maximum",
      "dev",
      database({ allocatedStorage: 70000, maxAllocatedStorage: 0 }),
      "causeway:database.allocatedStorage: must be a whole number of GiB from 20 to 65536 (gp3 on RDS for PostgreSQL) (found 70000)",
    ],
    [
      "an autoscaling ceiling less than 10% above the allocation",
      "dev",
      database({ allocatedStorage: 100, maxAllocatedStorage: 105 }),
      "causeway:database.maxAllocatedStorage: must be 0 (autoscaling off) or at least 10% above allocatedStorage (110 GiB or more) and at most 65536 GiB (found 105)",
    ],
    [
      "backups kept longer than RDS allows",
      "dev",
      database({ backupRetentionDays: 36 }),
      "causeway:database.backupRetentionDays: must be a whole number of days from 0 to 35 (found 36)",
    ],
    [
      "a database name with a hyphen",
      "dev",
      database({ databaseName: "cause-way" }),
      'causeway:database.databaseName: must be 1-63 letters, digits or underscores, starting with a letter (found "cause-way")',
    ],
    [
      "a reserved master user name",
      "dev",
      database({ masterUsername: "rdsadmin" }),
      'causeway:database.masterUsername: must not be a role name RDS or PostgreSQL reserves: rdsadmin, rdsrepladmin, rds_superuser, rds_replication, rds_password or pg_* (found "rdsadmin")',
    ],
    [
      "a master user name with a hyphen",
      "dev",
      database({ masterUsername: "causeway-admin" }),
      'causeway:database.masterUsername: must be 1-63 letters, digits or underscores, starting with a letter (found "causeway-admin")',
    ],
    [
      "a single-AZ database in prod",
      "prod",
      database({ multiAz: false }),
      "causeway:database.multiAz: must be true in prod: a standby in a second AZ takes over on failure (found false)",
    ],
    [
      "a prod database without deletion protection",
      "prod",
      database({ deletionProtection: false }),
      "causeway:database.deletionProtection: must be true in prod: RDS then refuses to delete the instance (found false)",
    ],
    [
      "a prod database without a final snapshot",
      "prod",
      database({ finalSnapshot: false }),
      "causeway:database.finalSnapshot: must be true in prod: deleting the instance leaves a snapshot to restore (found false)",
    ],
    [
      "prod backups kept under 7 days",
      "prod",
      database({ backupRetentionDays: 3 }),
      "causeway:database.backupRetentionDays: must be at least 7 in prod (found 3)",
    ],
  ])("rejects %s", (_, stack, overlay, expected) => {
    expect(databaseProblems(stack, overlay)).toEqual([expected]);
  });

  it("rejects a fractional storage size at the schema's number check or the rule", () => {
    expect(
      databaseProblems("dev", database({ allocatedStorage: 20.5, maxAllocatedStorage: 0 })),
    ).toEqual([
      "causeway:database.allocatedStorage: must be a whole number of GiB from 20 to 65536 (gp3 on RDS for PostgreSQL) (found 20.5)",
    ]);
  });
});
