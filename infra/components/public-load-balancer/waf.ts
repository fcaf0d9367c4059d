/**
 * The web ACL's rules as data: AWS managed rule groups, evaluated in this order.
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
