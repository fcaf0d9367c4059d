import type { FactsTable } from "./types";

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
};
