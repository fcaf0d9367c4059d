import { describe, expect, it } from "vitest";
import { res } from "../../../test/fixtures";
import { replacementReasons } from "../diff";
import { factsTables, replacementRules, statefulKinds, storageChangePaths } from ".";

describe("facts tables", () => {
  it("hold every family's entries, each with its source", () => {
    expect(factsTables.map((t) => t.family)).toEqual([
      "Kubernetes",
      "Amazon MQ",
      "VPC security groups",
      "Amazon RDS",
      "Elastic Load Balancing",
      "AWS Certificate Manager",
      "Amazon Route 53",
      "Amazon S3",
      "AWS WAF",
      "AWS IAM",
      "Container images",
      "ElastiCache",
      "Monitoring and alerting",
    ]);
    expect(replacementRules).toHaveLength(132);
    for (const r of replacementRules) {
      expect(r.source.length, `${r.type} ${r.property}`).toBeGreaterThan(10);
      expect(["replace", "apply-error"]).toContain(r.effect);
    }
    const keys = replacementRules.map((r) => `${r.type} ${r.property} ${r.source}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("keep each family's types in its own table", () => {
    const prefixes: Record<string, RegExp> = {
      Kubernetes: /^kubernetes:/,
      "Amazon MQ": /^aws:mq\//,
      "VPC security groups": /^aws:(ec2\/securityGroup|vpc\/securityGroup(In|E)gressRule):/,
      "Amazon RDS": /^aws:rds\//,
      "Elastic Load Balancing": /^aws:lb\//,
      "AWS Certificate Manager": /^aws:acm\//,
      "Amazon Route 53": /^aws:route53\//,
      "Amazon S3": /^aws:s3\//,
      "AWS WAF": /^aws:wafv2\//,
      "AWS IAM": /^aws:iam\//,
      "Container images": /^(aws:ecr\/|docker(-build)?:)/,
      "Monitoring and alerting": /^aws:(amp|cloudwatch|kms|sns)\//,
    };
    for (const t of factsTables) {
      const all = [
        ...t.replacements,
        ...t.stateful,
        ...(t.uniqueNames ?? []),
        ...(t.upgrades ?? []),
      ];
      for (const r of all) expect(r.type).toMatch(prefixes[t.family]!);
    }
  });

  it("list each stateful type once, and storage changes only for stateful kinds", () => {
    expect(statefulKinds.map((k) => k.type).sort()).toEqual([
      "aws:amp/workspace:Workspace",
      "aws:cloudwatch/logGroup:LogGroup",
      "aws:ecr/repository:Repository",
      "aws:elasticache/replicationGroup:ReplicationGroup",
      "aws:kms/key:Key",
      "aws:lb/loadBalancer:LoadBalancer",
      "aws:mq/broker:Broker",
      "aws:rds/cluster:Cluster",
      "aws:rds/instance:Instance",
      "kubernetes:apps/v1:StatefulSet",
      "kubernetes:core/v1:PersistentVolumeClaim",
      "kubernetes:helm.sh/v3:Release",
      "kubernetes:helm.sh/v4:Chart",
    ]);
    for (const p of storageChangePaths) expect(statefulKinds).toContain(p.kind);
  });

  it("name the first table's source when two families cover one property", () => {
    const sg = res("aws:ec2/securityGroup:SecurityGroup", "sg", { name: "b" });
    const change = {
      path: "name",
      segments: ["name"],
      kind: "update" as const,
      old: "a",
      new: "b",
    };
    expect(replacementReasons(sg, [change], replacementRules)).toEqual([
      {
        path: "name",
        property: "name",
        source:
          "terraform-provider-aws internal/service/ec2/vpc_security_group.go (schema: ForceNew), bridged by @pulumi/aws",
      },
    ]);
  });
});
