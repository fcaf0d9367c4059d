import { describe, expect, it } from "vitest";
import { internalPathsRule, managedRules, metricName } from "./waf";

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

describe("the internal-paths rule", () => {
  const rule = internalPathsRule("prod-edge");

  /** What WAF would inspect: the path after the rule's transformations, in their order. */
  function transformed(path: string): string {
    const byPriority = [...rule.statement.regexMatchStatement.textTransformations].sort(
      (a, b) => a.priority - b.priority,
    );
    return byPriority.reduce((p, t) => {
      if (t.type === "URL_DECODE") return decodeURIComponent(p);
      if (t.type === "LOWERCASE") return p.toLowerCase();
      // NORMALIZE_PATH: collapse repeated slashes, drop `/./`, resolve `/../`.
      return new URL(p.replace(/\/{2,}/g, "/"), "http://x").pathname;
    }, path);
  }
  const blocks = (path: string) =>
    new RegExp(rule.statement.regexMatchStatement.regexString).test(transformed(path));

  it("blocks with a 404 before the managed groups, on the URI path", () => {
    expect(rule).toMatchObject({
      name: "causeway-internal-paths",
      priority: 5,
      action: { block: { customResponse: { responseCode: 404 } } },
      statement: { regexMatchStatement: { fieldToMatch: { uriPath: {} } } },
    });
    expect(rule.priority).toBeLessThan(Math.min(...managedRules("x").map((r) => r.priority)));
    expect(rule.statement.regexMatchStatement.regexString).toBe("^/(livez|readyz|metrics)(/.*)?$");
  });

  it.each([
    "/metrics",
    "/mEtRiCs",
    "/%6detrics",
    "/metric%73/",
    "//metrics",
    "/./readyz",
    "/orders/../livez",
    "/READYZ/x",
  ])("blocks %s", (path) => expect(blocks(path)).toBe(true));

  it.each(["/", "/orders", "/metrics-dashboard", "/api/metrics", "/livezz"])(
    "lets %s through",
    (path) => expect(blocks(path)).toBe(false),
  );
});
