import { describe, expect, it } from "vitest";
import { managedRules, metricName } from "./waf";

describe("WAF rules", () => {
  it("uses the AWS common and known-bad-inputs rule groups with their own actions", () => {
    expect(managedRules("prod-edge")).toEqual([
      {
        name: "AWSManagedRulesCommonRuleSet",
        priority: 10,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: { vendorName: "AWS", name: "AWSManagedRulesCommonRuleSet" },
        },
        visibilityConfig: {
          cloudwatchMetricsEnabled: true,
          metricName: "prod-edge-AWSManagedRulesCommonRuleSet",
          sampledRequestsEnabled: true,
        },
      },
      {
        name: "AWSManagedRulesKnownBadInputsRuleSet",
        priority: 20,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: "AWS",
            name: "AWSManagedRulesKnownBadInputsRuleSet",
          },
        },
        visibilityConfig: {
          cloudwatchMetricsEnabled: true,
          metricName: "prod-edge-AWSManagedRulesKnownBadInputsRuleSet",
          sampledRequestsEnabled: true,
        },
      },
    ]);
  });

  it("makes metric names of allowed characters", () => {
    expect(metricName("my stack/edge.v2")).toBe("my-stack-edge-v2");
    expect(metricName("x".repeat(200))).toHaveLength(128);
  });
});
