import { replaces, TF } from "./replaces";
import type { FactsTable } from "./types";

/**
 * ElastiCache replication groups and subnet groups. ForceNew fields of the Terraform AWS
 * provider (internal/service/elasticache/replication_group.go and subnet_group.go), which
 * @pulumi/aws bridges: replication_group_id, port, subnet_group_name, at_rest_encryption_enabled,
 * kms_key_id, network_type, data_tiering_enabled, snapshot_arns, snapshot_name,
 * security_group_names, global_replication_group_id; a subnet group's name.
 */
const RG = "aws:elasticache/replicationGroup:ReplicationGroup";
const RG_SOURCE = `${TF}/elasticache/replication_group.go`;
const SUBNETS_SOURCE = `${TF}/elasticache/subnet_group.go`;

export const elastiCacheFacts: FactsTable = {
  family: "ElastiCache",
  replacements: [
    ...replaces(RG, RG_SOURCE, [
      "replicationGroupId",
      "port",
      "subnetGroupName",
      "atRestEncryptionEnabled",
      "kmsKeyId",
      "networkType",
      "dataTieringEnabled",
      "snapshotArns",
      "snapshotName",
      "securityGroupNames",
      "globalReplicationGroupId",
    ]),
    ...replaces("aws:elasticache/subnetGroup:SubnetGroup", SUBNETS_SOURCE, ["name"]),
  ],
  stateful: [
    {
      type: RG,
      label: "cache",
      loss: "every key in it (for the gateway's rate limiter: the clients' counters, which start again at zero)",
    },
  ],
  storageChanges: [],
  uniqueNames: [
    {
      type: RG,
      property: "replicationGroupId",
      scope: "in the account and Region",
      refusal: "ReplicationGroupAlreadyExistsFault",
      source:
        "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html",
    },
  ],
};
