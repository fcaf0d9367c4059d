import { Network } from "@causeway/components";

/** A VPC over three AZs with one NAT gateway per AZ, VPC endpoints and flow logs. */
export function example() {
  const network = new Network("shop", {
    availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
    cidrBlock: "10.20.0.0/16",
  });
  return { vpcId: network.vpcId, privateSubnetIds: network.privateSubnetIds };
}
