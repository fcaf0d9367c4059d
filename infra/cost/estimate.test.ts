import { DEFAULT_RESOURCE_OPTIONS, type Plan, type PlannedResource } from "@causeway/plan";
import { describe, expect, it } from "vitest";
import { estimateCost, formatUsd, renderCostText } from "./estimate";
import { pricesFor, PRICE_TABLES } from "./prices";

const STACK = "urn:pulumi:dev::demo::pulumi:pulumi:Stack::demo-dev";

function resource(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  parent: string = STACK,
  custom = true,
): PlannedResource {
  return {
    ...DEFAULT_RESOURCE_OPTIONS,
    custom,
    urn: `urn:pulumi:dev::demo::${type}::${name}`,
    type,
    name,
    parent,
    inputs,
  };
}

const stackResource: PlannedResource = {
  ...resource("pulumi:pulumi:Stack", "demo-dev", {}, STACK, false),
  urn: STACK,
  parent: null,
};
const db = resource("causeway:data:Database", "db", {}, STACK, false);
const template = resource("aws:ec2/launchTemplate:LaunchTemplate", "nodes", {
  blockDeviceMappings: [{ ebs: { volumeSize: 50, volumeType: "gp3" } }],
});

function plan(...resources: PlannedResource[]): Plan {
  return { project: "demo", stack: "dev", resources: [stackResource, ...resources], outputs: {} };
}

const eu = pricesFor("eu-west-1");

describe("estimateCost", () => {
  it("prices node groups from their launch template, RDS Multi-AZ twice, and sums by component", () => {
    const e = estimateCost(
      plan(
        db,
        resource(
          "aws:rds/instance:Instance",
          "db",
          {
            engine: "postgres",
            instanceClass: "db.m7g.large",
            multiAz: true,
            allocatedStorage: 100,
            storageType: "gp3",
          },
          db.urn,
        ),
        template,
        resource("aws:eks/nodeGroup:NodeGroup", "nodes-a", {
          instanceTypes: ["m7g.xlarge"],
          scalingConfig: { desiredSize: 2 },
          launchTemplate: { id: `(known after apply: ${template.urn})` },
        }),
      ),
      eu,
    );
    const cents = (usd: number) => Math.round(usd * 100);
    expect(e.lines.map((l) => [l.name, l.cents])).toEqual([
      ["db", cents(2 * 730 * eu.rdsPostgres["db.m7g.large"]!.usd)],
      ["db", cents(200 * eu.rdsGp3GbMonth.usd)],
      ["nodes-a", cents(2 * 730 * eu.ec2["m7g.xlarge"]!.usd)],
      ["nodes-a", cents(2 * 50 * eu.ebsGp3GbMonth.usd)],
    ]);
    expect(e.components.map((c) => c.component)).toEqual([
      "causeway:data:Database db",
      "aws:eks/nodeGroup:NodeGroup nodes-a",
    ]);
    expect(e.components.reduce((s, c) => s + c.cents, 0)).toBe(e.totalCents);
    expect(e.totalCents).toBe(e.lines.reduce((s, l) => s + l.cents, 0));
    expect(e.free).toEqual({ "aws:ec2/launchTemplate:LaunchTemplate": 1 });
    expect(e.notPriced).toEqual([]);
  });

  it("lists an unknown type and an unknown instance type as not priced, at $0", () => {
    const e = estimateCost(
      plan(
        resource("aws:sagemaker/endpoint:Endpoint", "ml", {}),
        resource("aws:mq/broker:Broker", "mq", {
          engineType: "RabbitMQ",
          hostInstanceType: "mq.x99.huge",
          deploymentMode: "SINGLE_INSTANCE",
        }),
        resource("aws:kms/key:Key", "key", {}),
      ),
      eu,
    );
    expect(e.notPriced).toEqual([
      {
        component: "aws:sagemaker/endpoint:Endpoint ml",
        type: "aws:sagemaker/endpoint:Endpoint",
        name: "ml",
        reason: "no price in the table for this type",
      },
      {
        component: "aws:mq/broker:Broker mq",
        type: "aws:mq/broker:Broker",
        name: "mq",
        reason: "no Amazon MQ for RabbitMQ price for mq.x99.huge in eu-west-1",
      },
    ]);
    expect(e.totalCents).toBe(100);
    const text = renderCostText(e);
    expect(text).toContain("Not priced (counted as $0, 2):");
    expect(text).toContain(
      "  aws:sagemaker/endpoint:Endpoint ml (aws:sagemaker/endpoint:Endpoint ml): no price in the table for this type",
    );
  });

  it("prices an RDS instance whose storage type the table lacks, and lists the storage", () => {
    const e = estimateCost(
      plan(
        resource("aws:rds/instance:Instance", "old", {
          engine: "postgres",
          instanceClass: "db.t4g.micro",
          allocatedStorage: 20,
          storageType: "io2",
        }),
      ),
      eu,
    );
    expect(e.lines.map((l) => l.item)).toEqual(["1 × db.t4g.micro (Single-AZ) × 730 h × $0.0180"]);
    expect(e.notPriced.map((n) => n.reason)).toEqual([
      "storage type io2 is not in the table (the instance is priced)",
    ]);
  });

  it("counts a cluster broker's three nodes, interface endpoints per AZ and gateway endpoints as free", () => {
    const e = estimateCost(
      plan(
        resource("aws:mq/broker:Broker", "mq", {
          engineType: "RabbitMQ",
          hostInstanceType: "mq.m7g.large",
          deploymentMode: "CLUSTER_MULTI_AZ",
        }),
        resource("aws:ec2/vpcEndpoint:VpcEndpoint", "sts", {
          vpcEndpointType: "Interface",
          subnetIds: ["a", "b", "c"],
        }),
        resource("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", { vpcEndpointType: "Gateway" }),
      ),
      eu,
    );
    expect(e.lines.map((l) => l.item)).toEqual([
      "3 × mq.m7g.large broker node × 730 h × $0.2630",
      "60 GB-month broker storage (3 × 20 GB) × $0.1100",
      "3 × AZ × 730 h × $0.0110",
      "20 GB processed × $0.0100",
    ]);
    expect(e.free).toEqual({ "aws:ec2/vpcEndpoint:VpcEndpoint": 1 });
  });

  it("refuses a region without a table, naming the ones that have one", () => {
    expect(() => pricesFor("ap-south-2")).toThrow(
      'no price table for region "ap-south-2" (aws:region); tables exist for eu-west-1. Add one to infra/cost/prices.ts, each price with its source page and the date you read it.',
    );
  });

  it("every price names an https source, an ISO date and a check", () => {
    const prices = Object.values(PRICE_TABLES).flatMap((t) =>
      Object.values(t).flatMap((v) =>
        typeof v === "string" ? [] : "usd" in v ? [v] : Object.values(v),
      ),
    );
    expect(prices.length).toBeGreaterThan(20);
    for (const p of prices) {
      expect(p.source).toMatch(/^https:\/\/aws\.amazon\.com\//);
      expect(p.read).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(["corroborated", "unverified"]).toContain(p.check);
      expect(p.usd).toBeGreaterThan(0);
    }
  });

  it("formats cents as dollars", () => {
    expect([formatUsd(0), formatUsd(5), formatUsd(123456), formatUsd(-250)]).toEqual([
      "$0.00",
      "$0.05",
      "$1,234.56",
      "-$2.50",
    ]);
  });
});
