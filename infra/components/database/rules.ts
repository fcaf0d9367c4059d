/**
 * What Amazon RDS for PostgreSQL rejects only at apply time, as data: each rule names the
 * setting it checks and its source. The config loader (`causeway:database`) and the Database
 * component run the same rules.
 */

const RDS_GUIDE = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide";
const NAMING = `${RDS_GUIDE}/CHAP_Limits.html#RDS_Limits.Constraints`;

// Source: https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html
// Majors under RDS standard support. 13 and older are past the RDS end of standard support:
// new instances on them are enrolled in paid RDS Extended Support.
/** PostgreSQL major versions Causeway accepts (pinned major; RDS applies minor versions). */
export const POSTGRES_MAJOR_VERSIONS = ["14", "15", "16", "17", "18"] as const;
export type PostgresMajorVersion = (typeof POSTGRES_MAJOR_VERSIONS)[number];

// Source: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.SupportAggregation.html
// (instance classes supported by RDS for PostgreSQL).
/** DB instance class families RDS for PostgreSQL offers. */
export const POSTGRES_INSTANCE_FAMILIES = [
  "t3",
  "t4g",
  "m5",
  "m5d",
  "m6g",
  "m6gd",
  "m6i",
  "m6id",
  "m6idn",
  "m6in",
  "m7g",
  "m7i",
  "m8g",
  "r5",
  "r5b",
  "r5d",
  "r6g",
  "r6gd",
  "r6i",
  "r6id",
  "r6idn",
  "r6in",
  "r7g",
  "r7i",
  "r8g",
  "x2g",
] as const;

/** Sizes an instance class may have. */
const INSTANCE_SIZE = /^(micro|small|medium|large|\d*xlarge|metal(-\d+xl)?)$/;

// Source: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html
// ("General Purpose SSD (gp3) ... RDS for PostgreSQL: 20 GiB to 64 TiB").
export const GP3_STORAGE_GIB = { min: 20, max: 65_536 } as const;

/** The settings of a database the rules check, as plain values. */
export interface DatabaseSettings {
  readonly identifier: string;
  readonly engineVersion: string;
  readonly instanceClass: string;
  readonly allocatedStorage: number;
  /** Storage autoscaling ceiling in GiB; undefined or 0 turns autoscaling off. */
  readonly maxAllocatedStorage?: number;
  readonly backupRetentionDays: number;
  readonly databaseName: string;
  readonly masterUsername: string;
  readonly subnetIds: readonly string[];
}

export interface DatabaseRule {
  readonly id: string;
  readonly field: keyof DatabaseSettings;
  readonly source: string;
  readonly check: (s: DatabaseSettings) => string | undefined;
}

export interface DatabaseRuleViolation {
  readonly rule: string;
  readonly field: string;
  readonly message: string;
}

/** Role names RDS for PostgreSQL keeps for itself; PostgreSQL reserves the `pg_` prefix. */
const RESERVED_USERNAMES = [
  "rdsadmin",
  "rdsrepladmin",
  "rds_superuser",
  "rds_replication",
  "rds_password",
];

export const databaseRules: readonly DatabaseRule[] = [
  {
    // "1 to 63 letters, numbers, or hyphens; first character must be a letter; can't end with a
    // hyphen or contain two consecutive hyphens."
    id: "rds-identifier",
    field: "identifier",
    source: NAMING,
    check: (s) =>
      /^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}$/.test(s.identifier) && !s.identifier.endsWith("-")
        ? undefined
        : "must be 1-63 letters, digits or hyphens, start with a letter, and have no trailing hyphen or two consecutive hyphens",
  },
  {
    // RDS accepts any case and stores the identifier in lowercase, but the AWS provider refuses
    // upper-case letters in the instance identifier and in the subnet and parameter group names
    // derived from it ("only lowercase alphanumeric characters and hyphens allowed").
    id: "rds-identifier-lowercase",
    field: "identifier",
    source:
      "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/rds/validate.go (validIdentifier, validParamGroupName), bridged by @pulumi/aws",
    check: (s) =>
      /[A-Z]/.test(s.identifier)
        ? "must be lowercase: the AWS provider refuses upper-case letters in an RDS identifier and in the subnet and parameter group names made from it"
        : undefined,
  },
  {
    // @pulumi/aws rds.Instance engineVersion: with autoMinorVersionUpgrade, give a version prefix
    // (the major); a full minor version drifts once RDS upgrades it, and the next `pulumi up`
    // then tries to downgrade.
    id: "rds-engine-version-major",
    field: "engineVersion",
    source: "https://www.pulumi.com/registry/packages/aws/api-docs/rds/instance/ (engineVersion)",
    check: (s) =>
      /^\d+$/.test(s.engineVersion)
        ? undefined
        : "must be a PostgreSQL major version only, such as 17: RDS applies minor versions in the maintenance window",
  },
  {
    id: "rds-engine-version-supported",
    field: "engineVersion",
    source:
      "https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html",
    check: (s) =>
      !/^\d+$/.test(s.engineVersion) ||
      (POSTGRES_MAJOR_VERSIONS as readonly string[]).includes(s.engineVersion)
        ? undefined
        : `must be a PostgreSQL major version under RDS standard support: ${POSTGRES_MAJOR_VERSIONS.join(", ")}`,
  },
  {
    id: "rds-instance-class",
    field: "instanceClass",
    source: `${RDS_GUIDE}/Concepts.DBInstanceClass.SupportAggregation.html`,
    check: (s) => {
      const match = /^db\.([a-z0-9]+)\.([a-z0-9-]+)$/.exec(s.instanceClass);
      const family = match?.[1];
      const ok =
        family !== undefined &&
        (POSTGRES_INSTANCE_FAMILIES as readonly string[]).includes(family) &&
        INSTANCE_SIZE.test(match![2]!);
      return ok
        ? undefined
        : `must be an RDS for PostgreSQL instance class db.<family>.<size>, family one of ${POSTGRES_INSTANCE_FAMILIES.join(", ")}`;
    },
  },
  {
    id: "rds-gp3-storage-bounds",
    field: "allocatedStorage",
    source: `${RDS_GUIDE}/CHAP_Storage.html`,
    check: (s) =>
      Number.isInteger(s.allocatedStorage) &&
      s.allocatedStorage >= GP3_STORAGE_GIB.min &&
      s.allocatedStorage <= GP3_STORAGE_GIB.max
        ? undefined
        : `must be a whole number of GiB from ${GP3_STORAGE_GIB.min} to ${GP3_STORAGE_GIB.max} (gp3 on RDS for PostgreSQL)`,
  },
  {
    // "The maximum storage threshold ... must be at least 10% more than the current allocated
    // storage" (storage autoscaling).
    id: "rds-max-allocated-storage",
    field: "maxAllocatedStorage",
    source: `${RDS_GUIDE}/USER_PIOPS.Autoscaling.html`,
    check: (s) => {
      if (s.maxAllocatedStorage === undefined || s.maxAllocatedStorage === 0) return undefined;
      const min = Math.ceil((s.allocatedStorage * 11) / 10);
      return Number.isInteger(s.maxAllocatedStorage) &&
        s.maxAllocatedStorage >= min &&
        s.maxAllocatedStorage <= GP3_STORAGE_GIB.max
        ? undefined
        : `must be 0 (autoscaling off) or at least 10% above allocatedStorage (${min} GiB or more) and at most ${GP3_STORAGE_GIB.max} GiB`;
    },
  },
  {
    id: "rds-backup-retention",
    field: "backupRetentionDays",
    source: `${RDS_GUIDE}/USER_WorkingWithAutomatedBackups.html`,
    check: (s) =>
      Number.isInteger(s.backupRetentionDays) &&
      s.backupRetentionDays >= 0 &&
      s.backupRetentionDays <= 35
        ? undefined
        : "must be a whole number of days from 0 to 35",
  },
  {
    // PostgreSQL DBName: "1 to 63 letters, numbers, or underscores; must begin with a letter".
    id: "rds-database-name",
    field: "databaseName",
    source: NAMING,
    check: (s) =>
      /^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(s.databaseName)
        ? undefined
        : "must be 1-63 letters, digits or underscores, starting with a letter",
  },
  {
    // Master user name for PostgreSQL: "1 to 63 letters or numbers; first character must be a
    // letter; can't be a reserved word for the chosen database engine".
    id: "rds-master-username",
    field: "masterUsername",
    source: NAMING,
    check: (s) => {
      if (!/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(s.masterUsername)) {
        return "must be 1-63 letters, digits or underscores, starting with a letter";
      }
      const name = s.masterUsername.toLowerCase();
      return RESERVED_USERNAMES.includes(name) || name.startsWith("pg_")
        ? `must not be a role name RDS or PostgreSQL reserves: ${RESERVED_USERNAMES.join(", ")} or pg_*`
        : undefined;
    },
  },
  {
    // "Each DB subnet group should have subnets in at least two Availability Zones."
    id: "rds-subnet-group-azs",
    field: "subnetIds",
    source: `${RDS_GUIDE}/USER_VPC.WorkingWithRDSInstanceinaVPC.html`,
    check: (s) =>
      new Set(s.subnetIds).size >= 2
        ? undefined
        : `a DB subnet group needs subnets in at least two Availability Zones, found ${new Set(s.subnetIds).size}`,
  },
];

/** Every rule `settings` breaks, in rule order. */
export function checkDatabaseSettings(settings: DatabaseSettings): DatabaseRuleViolation[] {
  return databaseRules.flatMap((rule) => {
    const message = rule.check(settings);
    return message ? [{ rule: rule.id, field: rule.field, message }] : [];
  });
}

// Source: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html#RDS_Limits.Constraints
// PostgreSQL master password: "8 to 128 printable ASCII characters; can't contain /, ', ", @
// or a space".
export const RDS_PASSWORD_RULES = {
  minLength: 8,
  maxLength: 128,
  forbidden: ["/", "'", '"', "@", " "],
  source: NAMING,
} as const;

/** What is wrong with a master password, if anything (never echoes the password). */
export function checkDatabasePassword(password: string): string[] {
  const r = RDS_PASSWORD_RULES;
  const problems: string[] = [];
  if (password.length < r.minLength || password.length > r.maxLength) {
    problems.push(
      `must be ${r.minLength}-${r.maxLength} characters long, found ${password.length}`,
    );
  }
  if (!/^[\x21-\x7e ]*$/.test(password)) problems.push("must be printable ASCII");
  if (r.forbidden.some((c) => password.includes(c))) {
    problems.push(`must not contain / ' " @ or a space`);
  }
  return problems;
}
