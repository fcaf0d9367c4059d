import {
  checkDatabaseSettings,
  DATABASE_DEFAULTS,
  GP3_STORAGE_GIB,
  POSTGRES_MAJOR_VERSIONS,
} from "@causeway/components";
import { z } from "zod";
import { Environment, type ByTier } from "../environment";
import { found, type ConfigIssue } from "../errors";
import { tierNote } from "../tier-note";
import type { NetworkConfig } from "./network";
import type { CheckContext, Section } from "./section";

const KEY = "causeway:database";

// The Database component's defaults are production defaults: every tier takes its engine and
// names, and prod its sizing and protections, from that one table.
const { engineVersion, databaseName, masterUsername } = DATABASE_DEFAULTS;
const common = { engineVersion, databaseName, masterUsername };

/**
 * Tier defaults: a small single-AZ instance in dev, a protected multi-AZ one in prod. The one
 * place these values are written: the schema's field notes below read them from here.
 */
const tierDefaults = {
  dev: {
    ...common,
    instanceClass: "db.t4g.micro",
    allocatedStorage: 20,
    maxAllocatedStorage: 50,
    multiAz: false,
    backupRetentionDays: 1,
    deletionProtection: false,
    finalSnapshot: false,
  },
  staging: {
    ...common,
    instanceClass: "db.t4g.medium",
    allocatedStorage: 50,
    maxAllocatedStorage: 200,
    multiAz: false,
    backupRetentionDays: 7,
    deletionProtection: true,
    finalSnapshot: true,
  },
  prod: {
    ...common,
    instanceClass: DATABASE_DEFAULTS.instanceClass,
    allocatedStorage: DATABASE_DEFAULTS.allocatedStorage,
    maxAllocatedStorage: 1000,
    multiAz: DATABASE_DEFAULTS.multiAz,
    backupRetentionDays: 14,
    deletionProtection: DATABASE_DEFAULTS.deletionProtection,
    finalSnapshot: DATABASE_DEFAULTS.finalSnapshot,
  },
};

/** The minimum backup retention a prod database keeps. */
export const PROD_MIN_BACKUP_RETENTION_DAYS = 7;

const note = (field: keyof typeof tierDefaults.dev) => tierNote(tierDefaults, (t) => t[field]);
const majors = `${POSTGRES_MAJOR_VERSIONS[0]}-${POSTGRES_MAJOR_VERSIONS.at(-1)}`;

/** `causeway:database`: the RDS for PostgreSQL instance that holds the services' state. */
export const databaseSchema = z.strictObject({
  identifier: z.string().optional().describe("RDS instance identifier. Default causeway-<stack>"),
  engineVersion: z
    .string()
    .describe(
      `PostgreSQL major version, pinned (${majors}); RDS applies minor versions. ${note("engineVersion")}`,
    ),
  instanceClass: z.string().describe(note("instanceClass")),
  allocatedStorage: z
    .number()
    .describe(
      `gp3 storage in GiB (${GP3_STORAGE_GIB.min}-${GP3_STORAGE_GIB.max}). ${note("allocatedStorage")}`,
    ),
  maxAllocatedStorage: z
    .number()
    .optional()
    .describe(
      `Storage autoscaling ceiling in GiB, at least 10% above allocatedStorage; 0 turns autoscaling off. ${note("maxAllocatedStorage")}`,
    ),
  multiAz: z.boolean().describe(`A synchronous standby in a second AZ. ${note("multiAz")}`),
  backupRetentionDays: z
    .number()
    .describe(
      `Automated backups, days (0-35; prod at least ${PROD_MIN_BACKUP_RETENTION_DAYS}). ${note("backupRetentionDays")}`,
    ),
  deletionProtection: z
    .boolean()
    .describe(`Refuse deletion of the instance. ${note("deletionProtection")}`),
  finalSnapshot: z
    .boolean()
    .describe(`Snapshot <identifier>-final on deletion. ${note("finalSnapshot")}`),
  databaseName: z
    .string()
    .describe(`The database the services share, one schema each. ${note("databaseName")}`),
  masterUsername: z
    .string()
    .describe(`Master user (its password is generated). ${note("masterUsername")}`),
});

export type DatabaseConfig = z.infer<typeof databaseSchema>;

/** The tier defaults, checked against the schema's type. */
export const databaseTierDefaults: ByTier<DatabaseConfig> = tierDefaults;

/** The RDS instance identifier: as configured, else `causeway-<stack>`. */
export function databaseIdentifier(database: DatabaseConfig, stack: string): string {
  return database.identifier ?? `causeway-${stack}`;
}

/**
 * What RDS would reject at apply time (the Database rule table), plus the prod policy:
 * multi-AZ, deletion protection, a final snapshot and PROD_MIN_BACKUP_RETENTION_DAYS of backups.
 * Needs the network (for subnets): skipped while causeway:network has problems of its own.
 */
export function checkDatabase(
  database: DatabaseConfig,
  { parsed: { network }, env, stack }: CheckContext<{ network: NetworkConfig }>,
): ConfigIssue[] {
  if (!network) return [];
  const settings = {
    identifier: databaseIdentifier(database, stack),
    engineVersion: database.engineVersion,
    instanceClass: database.instanceClass,
    allocatedStorage: database.allocatedStorage,
    maxAllocatedStorage: database.maxAllocatedStorage,
    backupRetentionDays: database.backupRetentionDays,
    databaseName: database.databaseName,
    masterUsername: database.masterUsername,
    subnetIds: network.privateSubnetIds,
  };
  const issues: ConfigIssue[] = checkDatabaseSettings(settings).map((v) => ({
    // The subnets come from the network section.
    path: v.field === "subnetIds" ? "causeway:network.privateSubnetIds" : `${KEY}.${v.field}`,
    message: `${v.message} (found ${found(settings[v.field as keyof typeof settings])})`,
  }));

  if (env === Environment.prod) {
    const prod: [keyof DatabaseConfig, boolean, string][] = [
      [
        "multiAz",
        database.multiAz,
        "must be true in prod: a standby in a second AZ takes over on failure",
      ],
      [
        "deletionProtection",
        database.deletionProtection,
        "must be true in prod: RDS then refuses to delete the instance",
      ],
      [
        "finalSnapshot",
        database.finalSnapshot,
        "must be true in prod: deleting the instance leaves a snapshot to restore",
      ],
      [
        "backupRetentionDays",
        database.backupRetentionDays >= PROD_MIN_BACKUP_RETENTION_DAYS,
        `must be at least ${PROD_MIN_BACKUP_RETENTION_DAYS} in prod`,
      ],
    ];
    for (const [field, ok, message] of prod) {
      if (!ok) {
        issues.push({
          path: `${KEY}.${field}`,
          message: `${message} (found ${found(database[field])})`,
        });
      }
    }
  }
  return issues;
}

/** `causeway:database`, as the loader reads it. */
export const databaseSection = {
  schema: databaseSchema,
  required: false,
  description:
    "The RDS for PostgreSQL instance: engineVersion, instanceClass, allocatedStorage, maxAllocatedStorage, multiAz, backupRetentionDays, deletionProtection, finalSnapshot, databaseName, masterUsername, identifier.",
  tierDefaults: databaseTierDefaults,
  check: checkDatabase,
} satisfies Section<DatabaseConfig, { network: NetworkConfig }>;
