import type { FactsTable, UpgradeContext, UpgradeVerdict } from "./types";
import { inputAt, referencedUrns } from "./lookup";

/**
 * Changes to RDS resources that AWS cannot apply in place. A replaced instance starts empty unless
 * restored from a snapshot; a protected instance makes `pulumi up` fail instead.
 */

// The Pulumi AWS provider is bridged from terraform-provider-aws; ForceNew there is a
// replacement here.
const TF_INSTANCE =
  "terraform-provider-aws internal/service/rds/instance.go (schema: ForceNew), bridged by @pulumi/aws";
const TF_PARAMETER_GROUP =
  "terraform-provider-aws internal/service/rds/parameter_group.go (schema: ForceNew), bridged by @pulumi/aws";
const TF_SUBNET_GROUP =
  "terraform-provider-aws internal/service/rds/subnet_group.go (schema: ForceNew), bridged by @pulumi/aws";

// RDS API reference, version 2014-10-31.
const RDS_API = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference";
/**
 * ModifyDBInstance (API version 2014-10-31): AllowMajorVersionUpgrade "Constraints: Major version
 * upgrades must be allowed when specifying a value for the EngineVersion parameter that's a
 * different major version than the DB instance's current version"; EngineVersion "Changing this
 * parameter results in an outage and the change is applied during the next maintenance window
 * unless the ApplyImmediately parameter is enabled" and "For major version upgrades, if a
 * nondefault DB parameter group is currently in use, a new DB parameter group in the DB parameter
 * group family for the new engine version must be specified".
 */
const MODIFY_DB_INSTANCE = `${RDS_API}/API_ModifyDBInstance.html`;

/** The major version of an RDS engine version: `17` of `17.2`; `8.0` of MySQL `8.0.36`. */
export function rdsMajorVersion(engine: string, version: string): string {
  const parts = version.split(".");
  // PostgreSQL 10 and later number majors with one component; MySQL and MariaDB with two.
  return /postgres/.test(engine) && Number(parts[0]) >= 10
    ? parts[0]!
    : parts.slice(0, 2).join(".");
}

/** Compares dotted numeric versions: negative when `a` is older. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The verdicts on an in-place change of an RDS instance's engineVersion. */
export function rdsEngineUpgrade({ before, after, head }: UpgradeContext): UpgradeVerdict[] {
  const engine = String(after.inputs["engine"] ?? "postgres");
  const from = String(before.inputs["engineVersion"] ?? "");
  const to = String(after.inputs["engineVersion"] ?? "");
  if (!from || !to || from.startsWith("(") || to.startsWith("(")) return [];
  if (compareVersions(to, from) < 0) {
    return [
      {
        fail: `engineVersion goes down from ${from} to ${to}, and RDS cannot downgrade an instance in place`,
        fix: `keep engineVersion ${from}, or restore a snapshot into a new instance of ${to}`,
      },
    ];
  }
  const fromMajor = rdsMajorVersion(engine, from);
  const toMajor = rdsMajorVersion(engine, to);
  if (fromMajor === toMajor) return [];
  const out: UpgradeVerdict[] = [];
  if (after.inputs["allowMajorVersionUpgrade"] !== true) {
    out.push({
      fail: `engineVersion goes from ${from} to ${to}, a major version upgrade, and ModifyDBInstance refuses it unless AllowMajorVersionUpgrade is set (allowMajorVersionUpgrade is ${String(after.inputs["allowMajorVersionUpgrade"] ?? false)})`,
      fix: "set allowMajorVersionUpgrade: true on the instance for the upgrade",
    });
  }
  const family = `${engine}${toMajor}`;
  const groupName = after.inputs["parameterGroupName"];
  const group = head.find(
    (r) =>
      r.type === "aws:rds/parameterGroup:ParameterGroup" &&
      (r.inputs["name"] === groupName || referencedUrns(groupName).includes(r.urn)),
  );
  const groupFamily = group ? inputAt(group.inputs, "family") : undefined;
  if (typeof groupFamily === "string" && groupFamily !== family) {
    out.push({
      fail: `the instance keeps parameter group ${String(groupName)} of family ${groupFamily}, and a major version upgrade to ${to} needs a parameter group of family ${family}`,
      fix: `give the instance a parameter group of family ${family}, created before the instance switches to it`,
    });
  }
  if (out.length > 0) return out;
  const when =
    after.inputs["applyImmediately"] === true
      ? "as soon as `pulumi up` applies it"
      : "in the next maintenance window (applyImmediately is false)";
  return [
    {
      downtime: `upgrades ${engine} ${from} → ${to} in place, ${when}: the instance is unavailable for the whole upgrade (Multi-AZ too: both copies upgrade together), typically 10-30 minutes for a small database and longer with more data; take a snapshot first`,
    },
  ];
}

const DATA_LOSS = "the data, unless restored from a snapshot, and the endpoint";

/** RDS instances, clusters and their parameter and subnet groups. */
export const rdsFacts: FactsTable = {
  family: "Amazon RDS",
  replacements: [
    {
      type: "aws:rds/instance:Instance",
      property: "identifier",
      effect: "replace",
      source: TF_INSTANCE,
    },
    {
      type: "aws:rds/instance:Instance",
      property: "engine",
      effect: "replace",

      source: TF_INSTANCE,
      note: "A major version upgrade (engineVersion) is in place, with allowMajorVersionUpgrade; a different engine is a new instance.",
    },
    {
      type: "aws:rds/instance:Instance",
      property: "dbName",
      effect: "replace",
      source: TF_INSTANCE,
    },
    {
      type: "aws:rds/instance:Instance",
      property: "username",
      effect: "replace",
      source: TF_INSTANCE,
    },
    {
      type: "aws:rds/instance:Instance",
      property: "storageEncrypted",
      effect: "replace",
      source: TF_INSTANCE,
    },
    {
      type: "aws:rds/instance:Instance",
      property: "kmsKeyId",
      effect: "replace",
      source: TF_INSTANCE,
    },
    {
      type: "aws:rds/instance:Instance",
      property: "availabilityZone",
      effect: "replace",
      source: TF_INSTANCE,
    },
    {
      type: "aws:rds/parameterGroup:ParameterGroup",
      property: "family",
      effect: "replace",

      source: TF_PARAMETER_GROUP,
      note: "A new major version needs a new parameter group family; the instance then moves to it at the upgrade.",
    },
    {
      type: "aws:rds/parameterGroup:ParameterGroup",
      property: "name",
      effect: "replace",
      source: TF_PARAMETER_GROUP,
    },
    {
      type: "aws:rds/subnetGroup:SubnetGroup",
      property: "name",
      effect: "replace",
      source: TF_SUBNET_GROUP,
    },
  ],
  stateful: [
    { type: "aws:rds/instance:Instance", label: "PostgreSQL database", loss: DATA_LOSS },
    { type: "aws:rds/cluster:Cluster", label: "database cluster", loss: DATA_LOSS },
  ],
  storageChanges: [],
  uniqueNames: [
    {
      type: "aws:rds/instance:Instance",
      property: "identifier",
      scope: "in the account and Region",
      refusal: "DBInstanceAlreadyExists",
      prefixProperty: "identifierPrefix",
      source: `${RDS_API}/API_CreateDBInstance.html`,
    },
    {
      type: "aws:rds/parameterGroup:ParameterGroup",
      property: "name",
      scope: "in the account and Region",
      refusal: "DBParameterGroupAlreadyExists",
      prefixProperty: "namePrefix",
      source: `${RDS_API}/API_CreateDBParameterGroup.html`,
    },
    {
      type: "aws:rds/subnetGroup:SubnetGroup",
      property: "name",
      scope: "in the account and Region",
      refusal: "DBSubnetGroupAlreadyExists",
      prefixProperty: "namePrefix",
      source: `${RDS_API}/API_CreateDBSubnetGroup.html`,
    },
  ],
  upgrades: [
    {
      type: "aws:rds/instance:Instance",
      property: "engineVersion",
      source: MODIFY_DB_INSTANCE,
      check: rdsEngineUpgrade,
    },
  ],
};
