import { acmFacts } from "./acm";
import { amazonMqFacts } from "./amazon-mq";
import { containerFacts } from "./containers";
import { elastiCacheFacts } from "./elasticache";
import { iamFacts } from "./iam";
import { kubernetesFacts } from "./kubernetes";
import { loadBalancingFacts } from "./load-balancing";
import { observabilityFacts } from "./observability";
import { rdsFacts } from "./rds";
import { route53Facts } from "./route53";
import { s3Facts } from "./s3";
import { securityGroupFacts } from "./security-groups";
import type {
  DeletionRule,
  FactsTable,
  ReplacementRule,
  StatefulKind,
  StorageChangePath,
  UniqueNameRule,
  UpgradeRule,
} from "./types";
import { wafv2Facts } from "./wafv2";

/**
 * Every family's facts, in the order the diff consults them: for one resource type, the first
 * rule that covers a changed property names the source.
 */
export const factsTables: readonly FactsTable[] = [
  kubernetesFacts,
  amazonMqFacts,
  securityGroupFacts,
  rdsFacts,
  loadBalancingFacts,
  acmFacts,
  route53Facts,
  s3Facts,
  wafv2Facts,
  iamFacts,
  containerFacts,
  elastiCacheFacts,
  observabilityFacts,
];

/**
 * Properties whose change the cloud cannot apply in place. The offline plan diff uses this table
 * to report replacements, which the offline plan cannot learn from a provider.
 */
export const replacementRules: readonly ReplacementRule[] = factsTables.flatMap(
  (t) => t.replacements,
);

/** The resources whose deletion or replacement loses data or breaks clients. */
export const statefulKinds: readonly StatefulKind[] = factsTables.flatMap((t) => t.stateful);

/** Updates that recreate stateful storage although the resource itself is only updated. */
export const storageChangePaths: readonly StorageChangePath[] = factsTables.flatMap(
  (t) => t.storageChanges,
);

/** Physical names that must be unique: a create-before-delete replacement collides on them. */
export const uniqueNameRules: readonly UniqueNameRule[] = factsTables.flatMap(
  (t) => t.uniqueNames ?? [],
);

/** In-place version changes the cloud refuses, or takes with downtime. */
export const upgradeRules: readonly UpgradeRule[] = factsTables.flatMap((t) => t.upgrades ?? []);

/** Deletions the cloud refuses. */
export const deletionRules: readonly DeletionRule[] = factsTables.flatMap((t) => t.deletions ?? []);
