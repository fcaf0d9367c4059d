import { cidrContains, cidrNetworkAddress, cidrsOverlap } from "@causeway/components";
import { z } from "zod";
import { awsId, ipv4Cidr } from "../primitives";
import type { Section } from "./section";

const subnets = (kind: string) =>
  z
    .array(awsId("subnet"))
    .min(2, `needs at least 2 ${kind} subnets in different Availability Zones`)
    .refine((ids) => new Set(ids).size === ids.length, "lists a subnet more than once");

/** `causeway:network`: the existing VPC the cluster runs in. */
export const networkSchema = z
  .strictObject({
    /** The VPC id. */
    vpcId: awsId("vpc"),
    /** The VPC's primary IPv4 CIDR block. */
    vpcCidr: ipv4Cidr,
    /** Public subnets (at least 2, in different AZs) for the load balancer. */
    publicSubnetIds: subnets("public"),
    /** Private subnets (at least 2, in different AZs) for the broker and database. */
    privateSubnetIds: subnets("private"),
    /**
     * The public subnets' CIDR blocks, in the order of publicSubnetIds: the ALB's addresses,
     * admitted by the exposed services' NetworkPolicies.
     */
    publicSubnetCidrs: z.array(ipv4Cidr),
    /**
     * The private subnets' CIDR blocks, in the order of privateSubnetIds: where the broker and
     * database live, the only place services with `database`/`broker` may reach on those ports.
     */
    privateSubnetCidrs: z.array(ipv4Cidr),
    /**
     * The Availability Zone of each subnet, in the order of publicSubnetIds and of
     * privateSubnetIds (the n-th public and n-th private subnet share the n-th AZ), as the
     * cluster stack exports them. Optional.
     */
    availabilityZones: z
      .array(
        z
          .string()
          .regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, "must be an Availability Zone such as eu-west-1a"),
      )
      .optional()
      .describe("the AZ of the n-th public and n-th private subnet, in order (optional)"),
  })
  .superRefine(
    (n, ctx) => {
      const lists = [
        ["publicSubnetCidrs", "publicSubnetIds", n.publicSubnetCidrs, n.publicSubnetIds],
        ["privateSubnetCidrs", "privateSubnetIds", n.privateSubnetCidrs, n.privateSubnetIds],
      ] as const;
      for (const [key, idsKey, cidrs, ids] of lists) {
        if (cidrs.length !== ids.length) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            input: cidrs,
            message: `lists ${cidrs.length} CIDR blocks for ${ids.length} ${idsKey}; give each subnet's CIDR block, in the same order`,
          });
        }
        cidrs.forEach((cidr, i) => {
          const network = cidrNetworkAddress(cidr);
          if (network !== cidr) {
            ctx.addIssue({
              code: "custom",
              path: [key, i],
              input: cidr,
              message: `must be a network address with no host bits set (did you mean ${network}?)`,
            });
          } else if (!cidrContains(n.vpcCidr, cidr)) {
            ctx.addIssue({
              code: "custom",
              path: [key, i],
              input: cidr,
              message: `must lie inside vpcCidr ${n.vpcCidr}`,
            });
          }
        });
      }
      // Subnets of a VPC never overlap: not within a list, not across the lists.
      const all = [
        ...n.publicSubnetCidrs.map((cidr, i) => ({ cidr, at: ["publicSubnetCidrs", i] as const })),
        ...n.privateSubnetCidrs.map((cidr, i) => ({
          cidr,
          at: ["privateSubnetCidrs", i] as const,
        })),
      ];
      all.forEach(({ cidr, at }, j) => {
        const clash = all.slice(0, j).find((earlier) => cidrsOverlap(earlier.cidr, cidr));
        if (clash) {
          const same = clash.cidr === cidr;
          ctx.addIssue({
            code: "custom",
            path: [...at],
            input: cidr,
            message: `${same ? "repeats" : "overlaps"} ${clash.at[0]}[${clash.at[1]}] (${clash.cidr}); subnets of a VPC never overlap, give each subnet its own CIDR block`,
          });
        }
      });
      if (n.availabilityZones) {
        const azs = n.availabilityZones;
        if (new Set(azs).size !== azs.length) {
          ctx.addIssue({
            code: "custom",
            path: ["availabilityZones"],
            input: azs,
            message: "lists an Availability Zone more than once; give one per subnet pair",
          });
        }
        for (const idsKey of ["publicSubnetIds", "privateSubnetIds"] as const) {
          if (n[idsKey].length !== azs.length) {
            ctx.addIssue({
              code: "custom",
              path: ["availabilityZones"],
              input: azs,
              message: `lists ${azs.length} Availability Zones for ${n[idsKey].length} ${idsKey}; give each subnet's AZ, in the same order`,
            });
          }
        }
      }
      // A subnet is public (route to an internet gateway) or private, never both.
      const publicIds = new Set(n.publicSubnetIds);
      n.privateSubnetIds.forEach((id, i) => {
        if (publicIds.has(id)) {
          ctx.addIssue({
            code: "custom",
            path: ["privateSubnetIds", i],
            input: id,
            message: `is also listed in publicSubnetIds: a subnet is public or private, never both; list the VPC's private subnets here`,
          });
        }
      });
    },
    { when: (payload) => payload.issues.length === 0 },
  ); // cross-checks need valid fields

export type NetworkConfig = z.infer<typeof networkSchema>;

/** `causeway:network`, as the loader reads it. Its cross-field rules need only itself: see the schema. */
export const networkSection = {
  schema: networkSchema,
  required: true,
  description:
    "The cluster's VPC: vpcId, vpcCidr, publicSubnetIds, privateSubnetIds, publicSubnetCidrs, privateSubnetCidrs (and optionally availabilityZones). Leave it out to read it from the outputs of causeway:cluster.stackReference; given, it wins over them.",
  suppliedBy: {
    when: (given) => {
      const cluster = given.get("cluster");
      return typeof cluster === "object" && cluster !== null && "stackReference" in cluster;
    },
    otherwise:
      "or set causeway:cluster.stackReference to the causeway-cluster stack, whose outputs supply it",
  },
} satisfies Section<NetworkConfig>;
