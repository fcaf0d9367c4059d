import { acmFacts } from "./acm";
import { amazonMqFacts } from "./amazon-mq";
import { iamFacts } from "./iam";
import { kubernetesFacts } from "./kubernetes";
import { loadBalancingFacts } from "./load-balancing";
import { rdsFacts } from "./rds";
import { route53Facts } from "./route53";
import { s3Facts } from "./s3";
import { securityGroupFacts } from "./security-groups";
import type { FactsTable, ReplacementRule, StatefulKind, StorageChangePath } from "./types";
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
