import { INTERNAL_PATHS } from "./routing";

/**
 * The web ACL's rules as data: the internal-paths rule, then AWS managed rule groups, evaluated
 * in this order.
 * Source: https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html
 */

/** The managed rule groups, by name, in evaluation order. */
export const MANAGED_RULE_GROUPS = [
  /** Core rule set: OWASP Top 10 style protections (XSS, LFI, oversized bodies, bad bots). */
  "AWSManagedRulesCommonRuleSet",
  /** Known bad inputs: request patterns of known exploits (Log4j, Java deserialisation, ...). */
  "AWSManagedRulesKnownBadInputsRuleSet",
] as const;

/** CloudWatch metric names: 1-128 letters, digits, `-` or `_`. */
export function metricName(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 128);
}

/** The WAFv2 rules (inputs of `aws.wafv2.WebAcl.rules`) for the managed rule groups. */
export function managedRules(metricPrefix: string) {
  return MANAGED_RULE_GROUPS.map((group, i) => ({
    name: group,
    priority: (i + 1) * 10,
    // `none`: keep the group's own actions (block); `count` would only observe.
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: "AWS", name: group } },
    visibilityConfig: {
      cloudwatchMetricsEnabled: true,
      metricName: metricName(`${metricPrefix}-${group}`),
      sampledRequestsEnabled: true,
    },
  }));
}

/** Priority of `internalPathsRule`: before the managed groups. */
export const INTERNAL_PATHS_RULE_PRIORITY = 5;

/**
 * Blocks (404) every spelling of the services' internal paths that the listener rules cannot
 * list: mixed case (`/mEtrics`), percent-encoded (`/%6detrics`, which the kit's Fastify router
 * decodes and serves) and dotted or doubled slashes. WAF inspects the path after its text
 * transformations, applied in priority order: URL_DECODE, NORMALIZE_PATH (collapses `//`, `/./`
 * and `/../`), LOWERCASE (AWS WAF Developer Guide, "Text transformation options"). The listener
 * rules (routing.ts, `internalPathRules`) still hold where the WAF is off.
 */
export function internalPathsRule(metricPrefix: string) {
  const names = INTERNAL_PATHS.map((p) => p.slice(1)).join("|");
  return {
    name: "causeway-internal-paths",
    priority: INTERNAL_PATHS_RULE_PRIORITY,
    action: { block: { customResponse: { responseCode: 404 } } },
    statement: {
      regexMatchStatement: {
        fieldToMatch: { uriPath: {} },
        regexString: `^/(${names})(/.*)?$`,
        textTransformations: [
          { priority: 0, type: "URL_DECODE" },
          { priority: 1, type: "NORMALIZE_PATH" },
          { priority: 2, type: "LOWERCASE" },
        ],
      },
    },
    visibilityConfig: {
      cloudwatchMetricsEnabled: true,
      metricName: metricName(`${metricPrefix}-internal-paths`),
      sampledRequestsEnabled: true,
    },
  };
}
