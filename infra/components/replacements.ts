import { databaseReplacements } from "./database.replacements";
import { kubernetesReplacements } from "./kubernetes.replacements";
import { messageBrokerReplacements } from "./message-broker.replacements";
import { publicLoadBalancerReplacementRules } from "./public-load-balancer.replacements";

/**
 * Properties whose change the cloud cannot apply in place. The offline plan diff
 * (`npm run plan:diff`) uses this table to report replacements, which the offline plan cannot
 * learn from a provider.
 *
 * Each component keeps its own entries as data next to it (`<component>.replacements.ts`) and
 * appends them to `replacementRules` below; every entry names the source it was taken from.
 */

/** One property whose change one resource type cannot take in place. */
export interface ReplacementRule {
  /**
   * Pulumi type token, e.g. `aws:mq/broker:Broker`. A trailing `*` matches every type token
   * with that prefix (e.g. `kubernetes:*`).
   */
  readonly type: string;
  /**
   * Property path in the resource's inputs, dot separated (`spec.selector`). A change at this
   * path or anywhere below it is covered.
   */
  readonly property: string;
  /**
   * `replace`: the provider deletes and re-creates the resource; `apply-error`: the provider
   * tries an in-place update that the cloud refuses during `pulumi up`.
   */
  readonly effect: "replace" | "apply-error";
  /** Where the fact comes from (provider source or documentation URL). */
  readonly source: string;
}

/** Every replacement rule of the blueprint: components append their tables here. */
export const replacementRules: readonly ReplacementRule[] = [
  ...kubernetesReplacements,
  ...messageBrokerReplacements,
  ...databaseReplacements,
  ...publicLoadBalancerReplacementRules,
];
