import { z } from "zod";
import { awsId, ipv4Cidr } from "../primitives";

const subnets = (kind: string) =>
  z
    .array(awsId("subnet"))
    .min(2, `needs at least 2 ${kind} subnets in different Availability Zones`)
    .refine((ids) => new Set(ids).size === ids.length, "lists a subnet more than once");

/** `causeway:network`: the existing VPC the cluster runs in. */
export const networkSchema = z.strictObject({
  /** The VPC id. */
  vpcId: awsId("vpc").describe("the VPC id"),
  /** The VPC's primary IPv4 CIDR block. */
  vpcCidr: ipv4Cidr.describe("the VPC's primary IPv4 CIDR block"),
  /** Public subnets (at least 2, in different AZs) for the load balancer. */
  publicSubnetIds: subnets("public").describe("at least 2, in different AZs; for the ALB"),
  /** Private subnets (at least 2, in different AZs) for the broker and database. */
  privateSubnetIds: subnets("private").describe(
    "at least 2, in different AZs; for broker and database",
  ),
});

export type NetworkConfig = z.infer<typeof networkSchema>;
