import { describe, expect, it } from "vitest";
import { planProgram } from "../../plan/harness";
import { Network, type NetworkArgs } from "./network";
import { checkNetworkLayout, planSubnets } from "./subnets";

const AZS = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];

describe("planSubnets", () => {
  it("puts public /20s at the start of a /16 and private /19s from its middle", () => {
    expect(planSubnets("10.10.0.0/16", AZS)).toEqual({
      public: [
        { availabilityZone: "eu-west-1a", cidrBlock: "10.10.0.0/20" },
        { availabilityZone: "eu-west-1b", cidrBlock: "10.10.16.0/20" },
        { availabilityZone: "eu-west-1c", cidrBlock: "10.10.32.0/20" },
      ],
      private: [
        { availabilityZone: "eu-west-1a", cidrBlock: "10.10.128.0/19" },
        { availabilityZone: "eu-west-1b", cidrBlock: "10.10.160.0/19" },
        { availabilityZone: "eu-west-1c", cidrBlock: "10.10.192.0/19" },
      ],
    });
  });

  it("scales with the VPC's prefix", () => {
    expect(planSubnets("172.16.0.0/20", AZS.slice(0, 2)).private.map((s) => s.cidrBlock)).toEqual([
      "172.16.8.0/23",
      "172.16.10.0/23",
    ]);
  });

  it("refuses bad blocks and AZ lists, naming each", () => {
    expect(checkNetworkLayout("10.0.1.0/16", ["eu-west-1a"])).toEqual([
      'cidrBlock: "10.0.1.0/16" has host bits set; use 10.0.0.0/16',
      "availabilityZones: give 2 to 4 Availability Zones (found 1); EKS needs subnets in at least two",
    ]);
    expect(checkNetworkLayout("10.0.0.0/24", ["eu-west-1a", "eu-west-1a", "west"])).toEqual([
      "cidrBlock: /24 is outside /16-/20; use e.g. 10.0.0.0/16",
      "availabilityZones: lists an Availability Zone more than once",
      'availabilityZones: "west" is not an Availability Zone name such as eu-west-1a',
    ]);
  });
});

async function plan(args: NetworkArgs) {
  return planProgram(async () => {
    new Network("net", args);
  });
}

describe("Network", () => {
  it("creates per-AZ subnets tagged for the LB controller, NAT per AZ, endpoints and flow logs", async () => {
    const p = await plan({ availabilityZones: AZS, cidrBlock: "10.20.0.0/16" });
    expect(p.byType("aws:ec2/natGateway:NatGateway").map((r) => r.name)).toEqual([
      "net-nat-a",
      "net-nat-b",
      "net-nat-c",
    ]);
    const pub = p.get("aws:ec2/subnet:Subnet", "net-public-b").inputs;
    expect(pub).toMatchObject({
      availabilityZone: "eu-west-1b",
      cidrBlock: "10.20.16.0/20",
      mapPublicIpOnLaunch: false,
      tags: { "kubernetes.io/role/elb": "1" },
    });
    expect(p.get("aws:ec2/subnet:Subnet", "net-private-c").inputs).toMatchObject({
      cidrBlock: "10.20.192.0/19",
      mapPublicIpOnLaunch: false,
      tags: { "kubernetes.io/role/internal-elb": "1" },
    });
    const endpoints = p
      .byType("aws:ec2/vpcEndpoint:VpcEndpoint")
      .map((r) => [r.inputs["serviceName"], r.inputs["vpcEndpointType"]]);
    expect(endpoints.sort()).toEqual([
      ["com.amazonaws.us-east-1.ecr.api", "Interface"],
      ["com.amazonaws.us-east-1.ecr.dkr", "Interface"],
      ["com.amazonaws.us-east-1.logs", "Interface"],
      ["com.amazonaws.us-east-1.s3", "Gateway"],
      ["com.amazonaws.us-east-1.sts", "Interface"],
    ]);
    expect(
      p.get("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "net-endpoints-https")
        .inputs,
    ).toMatchObject({
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "10.20.0.0/16",
    });
    expect(p.get("aws:ec2/flowLog:FlowLog", "net-flow-logs").inputs).toMatchObject({
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
    });
    expect(p.get("aws:cloudwatch/logGroup:LogGroup", "net-flow-logs").inputs).toMatchObject({
      retentionInDays: 365,
    });
    expect(p.get("aws:kms/key:Key", "net-flow-logs").inputs).toMatchObject({
      enableKeyRotation: true,
    });
  });

  it("shares one NAT gateway in single mode, every private route table using it", async () => {
    const p = await plan({ availabilityZones: AZS.slice(0, 2), natGateways: "single" });
    expect(p.byType("aws:ec2/natGateway:NatGateway").map((r) => r.name)).toEqual(["net-nat-a"]);
    const routes = p
      .byType("aws:ec2/routeTable:RouteTable")
      .filter((r) => r.name.includes("private"))
      .map((r) => JSON.stringify(r.inputs["routes"]));
    expect(routes).toHaveLength(2);
    expect(routes.every((r) => r.includes("net-nat-a"))).toBe(true);
  });

  it("refuses bad arguments before creating anything", async () => {
    await expect(
      plan({
        availabilityZones: ["eu-west-1a"],
        natGateways: "many" as never,
        flowLogRetentionDays: 10,
      }),
    ).rejects.toThrow(
      [
        'Network "net": 3 invalid arguments:',
        "  - availabilityZones: give 2 to 4 Availability Zones (found 1); EKS needs subnets in at least two",
        '  - natGateways: "many" is not one of perAz, single',
        "  - flowLogRetentionDays: 10 is not a CloudWatch Logs retention; use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
      ].join("\n"),
    );
  });
});
