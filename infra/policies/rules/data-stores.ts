import * as elasticache from "@pulumi/aws/elasticache";
import * as mq from "@pulumi/aws/mq";
import * as rds from "@pulumi/aws/rds";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import { environmentOf, isProduction, tierConfigSchema, type TierConfig } from "./common";

/** Amazon MQ (RabbitMQ), Amazon RDS (PostgreSQL) and ElastiCache rules. */

const broker = mq.Broker;
const db = rds.Instance;

export const mqPolicies: ResourceValidationPolicy[] = [
  {
    // Source: checkov CKV_AWS_69 (MQ broker is not publicly exposed).
    name: "mq-not-public",
    description: "The broker is not publicly accessible.",
    validateResource: validateResourceOfType(broker, (b, _args, report) => {
      if (b.publiclyAccessible === true) report("publiclyAccessible must be false");
    }),
  },
  {
    // Source: AWS, "Amazon MQ for RabbitMQ broker architecture": a cluster deployment spreads
    // three nodes over three AZs; a single-instance broker is down during maintenance.
    // (https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-broker-architecture.html)
    name: "mq-cluster-in-prod",
    description: "Production brokers are CLUSTER_MULTI_AZ.",
    configSchema: tierConfigSchema,
    validateResource: validateResourceOfType(broker, (b, args, report) => {
      if (isProduction(args) && b.deploymentMode !== "CLUSTER_MULTI_AZ") {
        report(
          `deploymentMode ${b.deploymentMode ?? "SINGLE_INSTANCE"} in production; use CLUSTER_MULTI_AZ`,
        );
      }
    }),
  },
  {
    // Source: checkov CKV_AWS_48 (MQ broker logging is enabled).
    name: "mq-general-logs",
    description: "The broker publishes its general logs to CloudWatch.",
    validateResource: validateResourceOfType(broker, (b, _args, report) => {
      if (b.logs?.general !== true) report("logs.general must be true");
    }),
  },
  {
    // Source: checkov CKV_AWS_207 (MQ broker minor version updates are enabled).
    name: "mq-auto-minor-version-upgrade",
    description: "The broker takes minor engine upgrades (security fixes) automatically.",
    validateResource: validateResourceOfType(broker, (b, _args, report) => {
      if (b.autoMinorVersionUpgrade !== true) report("autoMinorVersionUpgrade must be true");
    }),
  },
];

export const rdsPolicies: ResourceValidationPolicy[] = [
  {
    // Source: checkov CKV_AWS_16 (RDS is encrypted at rest).
    name: "rds-storage-encrypted",
    description: "The database storage is encrypted.",
    validateResource: validateResourceOfType(db, (d, _args, report) => {
      if (d.storageEncrypted !== true) report("storageEncrypted must be true");
    }),
  },
  {
    // Source: checkov CKV_AWS_17 (RDS instance is not publicly accessible).
    name: "rds-not-public",
    description: "The database is not publicly accessible.",
    validateResource: validateResourceOfType(db, (d, _args, report) => {
      if (d.publiclyAccessible === true) report("publiclyAccessible must be false");
    }),
  },
  {
    // Source: checkov CKV_AWS_293 (RDS deletion protection is enabled).
    name: "rds-deletion-protection-prod",
    description: "Production databases have deletion protection.",
    configSchema: tierConfigSchema,
    validateResource: validateResourceOfType(db, (d, args, report) => {
      if (isProduction(args) && d.deletionProtection !== true) {
        report("deletionProtection must be true in production");
      }
    }),
  },
  {
    // Source: checkov CKV_AWS_157 (RDS instance has Multi-AZ enabled).
    name: "rds-multi-az-prod",
    description: "Production databases are Multi-AZ.",
    configSchema: tierConfigSchema,
    validateResource: validateResourceOfType(db, (d, args, report) => {
      if (isProduction(args) && d.multiAz !== true) report("multiAz must be true in production");
    }),
  },
  {
    // Source: checkov CKV_AWS_133 (RDS has backup retention); AWS Security Hub RDS.11
    // (automatic backups, at least 7 days).
    name: "rds-backup-retention",
    description: "Automated backups are on; production keeps at least 7 days.",
    configSchema: tierConfigSchema,
    validateResource: validateResourceOfType(db, (d, args, report) => {
      const days = d.backupRetentionPeriod ?? 1;
      const min = isProduction(args) ? 7 : 1;
      if (days < min) report(`backupRetentionPeriod ${days} is below ${min} days`);
    }),
  },
  {
    // Source: checkov CKV_AWS_226 (RDS receives minor version upgrades automatically).
    name: "rds-auto-minor-version-upgrade",
    description: "The database takes minor engine upgrades automatically.",
    validateResource: validateResourceOfType(db, (d, _args, report) => {
      if (d.autoMinorVersionUpgrade === false) report("autoMinorVersionUpgrade must not be false");
    }),
  },
];

const cacheGroup = elasticache.ReplicationGroup;

/** True outside dev: staging and prod, and wherever the environment is unknown (secure default). */
function beyondDev(args: { props?: unknown; getConfig<T extends object>(): T }): boolean {
  const environment = environmentOf(args.props) ?? args.getConfig<TierConfig>().environment;
  return environment !== "dev";
}

export const cachePolicies: ResourceValidationPolicy[] = [
  {
    // Source: checkov CKV_AWS_191 (ElastiCache replication group encrypted in transit with TLS)
    // and CKV_AWS_29 (encrypted at rest); AWS Security Hub ElastiCache.4 and ElastiCache.5.
    name: "cache-encrypted-staging-prod",
    description:
      "Staging and production caches are encrypted in transit (TLS required) and at rest.",
    configSchema: tierConfigSchema,
    validateResource: validateResourceOfType(cacheGroup, (g, args, report) => {
      if (!beyondDev(args)) return;
      const missing = [
        g.transitEncryptionEnabled === true ? "" : "transitEncryptionEnabled must be true",
        g.transitEncryptionMode === undefined || g.transitEncryptionMode === "required"
          ? ""
          : `transitEncryptionMode must be required (found ${g.transitEncryptionMode})`,
        g.atRestEncryptionEnabled === true ? "" : "atRestEncryptionEnabled must be true",
      ].filter(Boolean);
      if (missing.length > 0) report(`${missing.join("; ")} in staging and production`);
    }),
  },
  {
    // Source: AWS Security Hub ElastiCache.3 (replication groups have automatic failover) and
    // the ElastiCache User Guide, "Minimizing downtime with Multi-AZ".
    name: "cache-multi-az-prod",
    description: "Production caches are Multi-AZ with automatic failover.",
    configSchema: tierConfigSchema,
    validateResource: validateResourceOfType(cacheGroup, (g, args, report) => {
      if (
        isProduction(args) &&
        (g.automaticFailoverEnabled !== true || g.multiAzEnabled !== true)
      ) {
        report("automaticFailoverEnabled and multiAzEnabled must be true in production");
      }
    }),
  },
];
