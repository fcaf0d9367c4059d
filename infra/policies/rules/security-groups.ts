import * as ec2 from "@pulumi/aws/ec2";
import {
  validateResourceOfType,
  type PolicyResource,
  type ResourceValidationPolicy,
  type StackValidationPolicy,
} from "@pulumi/policy";
import { known } from "./common";

/** Security group rules. */

const WORLD = new Set(["0.0.0.0/0", "::/0"]);
/** The only ports the internet may reach: the ALB's HTTP (redirect) and HTTPS listeners. */
export const PUBLIC_PORTS = [80, 443] as const;

interface IngressLike {
  readonly cidrs: readonly string[];
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
}

function worldOpen(rule: IngressLike): boolean {
  return rule.cidrs.some((c) => WORLD.has(c));
}

/** True for tcp on exactly 80 or 443. */
function publicWebPort(rule: IngressLike): boolean {
  return (
    (rule.protocol === "tcp" || rule.protocol === "6") &&
    rule.fromPort === rule.toPort &&
    PUBLIC_PORTS.includes(rule.fromPort as 80 | 443)
  );
}

/** The ingress rules of any of the three ways to write them, as plain data. */
function ingressOf(r: { type: string; props: Record<string, unknown> }): IngressLike[] {
  const p = r.props as Record<string, unknown>;
  const port = (k: string) => p[k] as number | undefined;
  switch (r.type) {
    case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
      return [
        {
          cidrs: [p["cidrIpv4"], p["cidrIpv6"]].filter((c): c is string => typeof c === "string"),
          protocol: String(p["ipProtocol"]),
          fromPort: port("fromPort"),
          toPort: port("toPort"),
        },
      ];
    case "aws:ec2/securityGroupRule:SecurityGroupRule":
      if (p["type"] !== "ingress") return [];
      return [
        {
          cidrs: [
            ...((p["cidrBlocks"] as string[]) ?? []),
            ...((p["ipv6CidrBlocks"] as string[]) ?? []),
          ],
          protocol: String(p["protocol"]),
          fromPort: port("fromPort"),
          toPort: port("toPort"),
        },
      ];
    case "aws:ec2/securityGroup:SecurityGroup":
      return ((p["ingress"] as Record<string, unknown>[] | undefined) ?? []).map((i) => ({
        cidrs: [
          ...((i["cidrBlocks"] as string[]) ?? []),
          ...((i["ipv6CidrBlocks"] as string[]) ?? []),
        ],
        protocol: String(i["protocol"]),
        fromPort: i["fromPort"] as number,
        toPort: i["toPort"] as number,
      }));
    default:
      return [];
  }
}

const SG = "aws:ec2/securityGroup:SecurityGroup";
const LB_TYPES = new Set(["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"]);
const RULE_TYPES = new Set([
  SG,
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  "aws:ec2/securityGroupRule:SecurityGroupRule",
]);

/** The security group a rule resource belongs to: itself, or the group it depends on. */
function groupOf(r: PolicyResource): PolicyResource | undefined {
  return r.type === SG ? r : r.dependencies.find((d) => d.type === SG);
}

export const securityGroupPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  {
    // Source: checkov CKV_AWS_24/CKV_AWS_25/CKV_AWS_260 (no ingress from 0.0.0.0/0 to 22, 3389, 80);
    // AWS Security Hub EC2.18 (unrestricted incoming traffic only on authorized ports).
    name: "sg-world-ingress-web-ports-only",
    description: "Ingress from 0.0.0.0/0 or ::/0 is allowed only on tcp 80 and 443.",
    validateResource: (args, report) => {
      if (!RULE_TYPES.has(args.type)) return;
      for (const rule of ingressOf(args)) {
        if (worldOpen(rule) && !publicWebPort(rule)) {
          report(
            `ingress from ${rule.cidrs.join(", ")} on ${rule.protocol} ${rule.fromPort ?? "*"}-${rule.toPort ?? "*"}: the internet may only reach tcp 80 and 443`,
          );
        }
      }
    },
  },
  {
    // Source: AWS Security Hub EC2.18/EC2.19; the blueprint's design: only the public ALB faces
    // the internet, every other group admits security groups or VPC CIDRs.
    name: "sg-world-ingress-alb-only",
    description: "Only a load balancer's security group admits 0.0.0.0/0 or ::/0.",
    validateStack: (args, report) => {
      const albGroups = new Set(
        args.resources
          .filter((r) => LB_TYPES.has(r.type))
          .flatMap((lb) => lb.dependencies.filter((d) => d.type === SG).map((d) => d.urn)),
      );
      for (const r of args.resources) {
        if (!RULE_TYPES.has(r.type)) continue;
        const open = known(() => ingressOf(r).some(worldOpen));
        if (!open) continue;
        const group = groupOf(r);
        if (!group || !albGroups.has(group.urn)) {
          report(
            `${r.name} admits the internet, but its security group ${group?.name ?? "(unknown)"} is not a load balancer's`,
            r.urn,
          );
        }
      }
    },
  },
  {
    // Source: checkov CKV_AWS_23 (every security group and rule has a description).
    name: "sg-rule-description",
    description: "Every security group and security group rule has a description.",
    validateResource: (args, report) => {
      const p = args.props as Record<string, unknown>;
      switch (args.type) {
        case SG: {
          if (!p["description"] || p["description"] === "Managed by Pulumi") {
            report("security group needs a description of what it admits");
          }
          const inline = [
            ...((p["ingress"] as Record<string, unknown>[] | undefined) ?? []),
            ...((p["egress"] as Record<string, unknown>[] | undefined) ?? []),
          ];
          if (inline.some((r) => !r["description"]))
            report("every inline rule needs a description");
          return;
        }
        case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
        case "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":
        case "aws:ec2/securityGroupRule:SecurityGroupRule":
          if (!p["description"]) report("security group rule needs a description");
          return;
        default:
          return;
      }
    },
  },
  {
    // Source: checkov CKV_AWS_277 (no ingress from 0.0.0.0/0 to port -1); least privilege.
    name: "sg-no-all-protocols-ingress",
    description: "Ingress rules name a protocol and port range, never all traffic.",
    validateResource: (args, report) => {
      if (!RULE_TYPES.has(args.type)) return;
      for (const rule of ingressOf(args)) {
        if (rule.protocol === "-1" || rule.protocol === "all") {
          report("ingress on all protocols and ports; name the protocol and port");
        }
      }
    },
  },
  {
    // Source: AWS Security Hub EC2.2 / CIS AWS Foundations 5.4 (the default VPC's default group
    // must not be used); the blueprint places every group in the configured VPC.
    name: "sg-explicit-vpc",
    description: "Security groups are created in an explicit VPC.",
    validateResource: validateResourceOfType(ec2.SecurityGroup, (sg, _args, report) => {
      if (!sg.vpcId) report("vpcId must be set; a group in the default VPC is not the blueprint's");
    }),
  },
];
