import { describe, expect, it } from "vitest";
import type { PlanView } from "../plan/harness";
import { FIXTURE_STACKS, fixturePlans } from "../test/fixtures";

/**
 * The names AWS keeps unique (per VPC for security groups, per account and Region for the rest)
 * of the types the data stores, the mesh and the edge's security group create, by the property
 * that holds them. A replacement creates the new resource before deleting the old one unless it
 * is deleteBeforeReplace: a fixed name there would collide.
 */
const UNIQUE_NAMES: Readonly<Record<string, string>> = {
  "aws:ec2/securityGroup:SecurityGroup": "name",
  "aws:rds/parameterGroup:ParameterGroup": "name",
  "aws:rds/subnetGroup:SubnetGroup": "name",
  "aws:rds/instance:Instance": "identifier",
  "aws:mq/broker:Broker": "brokerName",
  "aws:elasticache/replicationGroup:ReplicationGroup": "replicationGroupId",
  "aws:elasticache/subnetGroup:SubnetGroup": "name",
  "aws:iam/role:Role": "name",
  "aws:iam/policy:Policy": "name",
};

const plans = fixturePlans();

/** The edge's load balancer security group, if the stack exposes a service: auto-named. */
function albSecurityGroups(plan: PlanView): string[] {
  return plan
    .byType("aws:ec2/securityGroup:SecurityGroup")
    .filter((r) => r.name.endsWith("-alb"))
    .map((r) => `${r.name}: auto`);
}

describe("fixed names under replacement, in every fixture stack", () => {
  it.each(FIXTURE_STACKS)(
    "%s: each unique-name resource is auto-named, prefixed, or deleted before it is replaced",
    async (stack) => {
      const plan = await plans(stack);
      const rows = plan.resources
        .filter((r) => r.type in UNIQUE_NAMES)
        .map((r) => {
          const fixed = r.inputs[UNIQUE_NAMES[r.type]!];
          const naming =
            fixed !== undefined
              ? "fixed"
              : r.inputs["namePrefix"] !== undefined
                ? `prefix ${String(r.inputs["namePrefix"])}`
                : "auto";
          return `${r.name}: ${naming}${r.deleteBeforeReplace ? ", delete before replace" : ""}`;
        })
        .sort();
      const identifier = `causeway-${stack}`;
      expect(
        rows.some((r) => /: fixed$/.test(r)),
        rows.join("\n"),
      ).toBe(false);
      // The exact choices (README, "Operations: data stores, mesh and cluster version"); the
      // ALB's security group and the controller's IAM role and policy are Pulumi auto-named.
      expect(rows).toEqual(
        [
          "aws-load-balancer-controller-irsa: auto",
          "aws-load-balancer-controller-irsa: auto",
          "broker-sg: fixed, delete before replace",
          "broker: fixed, delete before replace",
          // The gateway's rate-limit cache: its id is fixed (and ForceNew), the rest Pulumi-named.
          "cache: fixed, delete before replace",
          `cache-sg: prefix ${identifier}-cache-`,
          "cache-subnets: auto",
          `database-params: prefix ${identifier}-postgres17-`,
          `database-sg: prefix ${identifier}-postgres-`,
          "database-subnets: fixed, delete before replace",
          "database: fixed, delete before replace",
          // Observability's IRSA roles (collector, Fluent Bit): auto-named, inline policies.
          "observability-collector: auto",
          "observability-fluent-bit: auto",
          ...albSecurityGroups(plan),
        ].sort(),
      );
    },
  );
});
