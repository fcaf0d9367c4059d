import { describe, expect, it } from "vitest";
import { planStack, rawStackConfig } from "../plan/harness";
import { tierPolicyConfig } from "./rules/common";
import { evaluatePack } from "./evaluate";
import { causewayPack } from "./policies";

/** The types each area's rules judge: a stack without them would pass vacuously. */
const JUDGED_TYPES = [
  "aws:lb/loadBalancer:LoadBalancer",
  "aws:lb/listener:Listener",
  "aws:ec2/securityGroup:SecurityGroup",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  "aws:mq/broker:Broker",
  "aws:rds/instance:Instance",
  "kubernetes:apps/v1:Deployment",
  "kubernetes:policy/v1:PodDisruptionBudget",
  "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  "kubernetes:helm.sh/v3:Release",
];

describe.each(["dev", "staging", "prod"])("stack %s", (stack) => {
  it("passes every rule of the pack, with at least 30 rules evaluated", async () => {
    const plan = await planStack(stack);
    const environment = rawStackConfig(stack).values["causeway:environment"];
    const evaluation = await evaluatePack(
      plan,
      causewayPack,
      tierPolicyConfig(causewayPack.policies, environment),
    );
    expect(evaluation.violations).toEqual([]);
    expect(evaluation.rules).toBeGreaterThanOrEqual(30);
    const types = new Set(plan.resources.map((r) => r.type));
    expect(JUDGED_TYPES.filter((t) => !types.has(t))).toEqual([]);
  });
});
