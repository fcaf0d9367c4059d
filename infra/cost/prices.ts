/**
 * On-demand list prices (USD, Linux, no discounts, no free tier) per region, each with the page
 * it comes from, the day it was read, and how far it was checked.
 *
 * `check` says what confirmed the figure:
 * - `corroborated`: a second, independent public page (named in `note`) gives the same figure
 *   for the region;
 * - `unverified`: taken from the AWS pricing page's published figures as remembered on the day
 *   read, with no second source found. Check it on the page before relying on it.
 *
 * The AWS pricing pages render their tables in the browser; the machine that wrote this table
 * could not load them. Prices change: update `read` with every figure you check.
 */

import { PlanError } from "@causeway/plan";

export const CHECKS = ["corroborated", "unverified"] as const;
export type Check = (typeof CHECKS)[number];

export interface Price {
  /** USD per `unit`. */
  readonly usd: number;
  readonly unit: "hour" | "GB-month" | "GB" | "month" | "LCU-hour" | "million requests";
  readonly source: string;
  /** ISO date the figure was read. */
  readonly read: string;
  readonly check: Check;
  readonly note?: string;
}

export interface RegionPrices {
  readonly region: string;
  readonly eksClusterHour: Price;
  /** EC2 Linux on-demand, per instance type. */
  readonly ec2: Readonly<Record<string, Price>>;
  readonly ebsGp3GbMonth: Price;
  readonly publicIpv4Hour: Price;
  readonly natGatewayHour: Price;
  readonly natGatewayGb: Price;
  readonly interfaceEndpointAzHour: Price;
  readonly interfaceEndpointGb: Price;
  readonly albHour: Price;
  readonly albLcuHour: Price;
  /** RDS for PostgreSQL, Single-AZ, per instance class (Multi-AZ with one standby: twice). */
  readonly rdsPostgres: Readonly<Record<string, Price>>;
  /** RDS gp3 storage, Single-AZ (Multi-AZ: twice). */
  readonly rdsGp3GbMonth: Price;
  /** Amazon MQ for RabbitMQ, per broker node instance type. */
  readonly mqRabbit: Readonly<Record<string, Price>>;
  readonly mqStorageGbMonth: Price;
  readonly kmsKeyMonth: Price;
  readonly logsIngestGb: Price;
  readonly logsStorageGbMonth: Price;
  readonly wafWebAclMonth: Price;
  readonly wafRuleMonth: Price;
  readonly wafMillionRequests: Price;
  readonly s3StandardGbMonth: Price;
  readonly ecrStorageGbMonth: Price;
  /** ElastiCache for Redis OSS / Valkey, per node type. */
  readonly elasticache: Readonly<Record<string, Price>>;
}

const READ = "2026-12-03";
const EC2 = "https://aws.amazon.com/ec2/pricing/on-demand/";
const VPC = "https://aws.amazon.com/vpc/pricing/";
const RDS = "https://aws.amazon.com/rds/postgresql/pricing/";
const MQ = "https://aws.amazon.com/amazon-mq/pricing/";

function p(
  usd: number,
  unit: Price["unit"],
  source: string,
  check: Check = "unverified",
  note?: string,
): Price {
  return { usd, unit, source, read: READ, check, ...(note ? { note } : {}) };
}

/** EU (Ireland). Every shipped stack (stacks/, infra/cluster/stacks/) runs here. */
const EU_WEST_1: RegionPrices = {
  region: "eu-west-1",
  eksClusterHour: p(
    0.1,
    "hour",
    "https://aws.amazon.com/eks/pricing/",
    "corroborated",
    "standard support, same in every commercial region; a version in extended support costs $0.60 (the cluster pins upgradePolicy STANDARD); https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html",
  ),
  ec2: {
    "t4g.medium": p(0.0368, "hour", EC2),
    "t4g.large": p(0.0736, "hour", EC2),
    "t4g.xlarge": p(0.1472, "hour", EC2),
    "m7g.large": p(
      0.0892,
      "hour",
      EC2,
      "unverified",
      "us-east-1 is $0.0816 (https://www.factualminds.com/blog/amazon-ec2-on-demand-pricing-instance-families-2026/)",
    ),
    "m7g.xlarge": p(0.1784, "hour", EC2),
    "m7g.2xlarge": p(0.3568, "hour", EC2),
  },
  ebsGp3GbMonth: p(0.088, "GB-month", "https://aws.amazon.com/ebs/pricing/"),
  publicIpv4Hour: p(
    0.005,
    "hour",
    VPC,
    "corroborated",
    "every public IPv4 address, in use or not, since 2024-02-01; https://cloudburn.io/blog/aws-nat-gateway-pricing",
  ),
  natGatewayHour: p(
    0.048,
    "hour",
    VPC,
    "corroborated",
    "Europe (Ireland) ~$0.048: https://cloudpipelines.pages.dev/guides/aws-nat-gateway-pricing-2026/",
  ),
  natGatewayGb: p(
    0.048,
    "GB",
    VPC,
    "corroborated",
    "data processed, both directions; https://cloudpipelines.pages.dev/guides/aws-nat-gateway-pricing-2026/",
  ),
  interfaceEndpointAzHour: p(0.011, "hour", "https://aws.amazon.com/privatelink/pricing/"),
  interfaceEndpointGb: p(0.01, "GB", "https://aws.amazon.com/privatelink/pricing/"),
  albHour: p(
    0.0252,
    "hour",
    "https://aws.amazon.com/elasticloadbalancing/pricing/",
    "corroborated",
    "Europe (Ireland) $0.0252: https://cal53.calculator.city/aws-alb-cost-calculator/",
  ),
  albLcuHour: p(0.008, "LCU-hour", "https://aws.amazon.com/elasticloadbalancing/pricing/"),
  rdsPostgres: {
    "db.t4g.micro": p(0.018, "hour", RDS),
    "db.t4g.small": p(0.036, "hour", RDS),
    "db.t4g.medium": p(0.072, "hour", RDS),
    "db.t4g.large": p(0.144, "hour", RDS),
    "db.m7g.large": p(0.186, "hour", RDS),
    "db.m7g.xlarge": p(0.372, "hour", RDS),
  },
  rdsGp3GbMonth: p(0.127, "GB-month", RDS),
  mqRabbit: {
    "mq.m7g.medium": p(0.1315, "hour", MQ),
    "mq.m7g.large": p(0.263, "hour", MQ),
    "mq.m5.large": p(0.317, "hour", MQ),
  },
  mqStorageGbMonth: p(0.11, "GB-month", MQ),
  kmsKeyMonth: p(
    1,
    "month",
    "https://aws.amazon.com/kms/pricing/",
    "unverified",
    "per customer managed key; rotation adds $1 for each of the first two rotations",
  ),
  logsIngestGb: p(
    0.57,
    "GB",
    "https://aws.amazon.com/cloudwatch/pricing/",
    "unverified",
    "standard class; vended logs (VPC flow logs) are tiered from $0.50",
  ),
  logsStorageGbMonth: p(0.03, "GB-month", "https://aws.amazon.com/cloudwatch/pricing/"),
  wafWebAclMonth: p(5, "month", "https://aws.amazon.com/waf/pricing/"),
  wafRuleMonth: p(1, "month", "https://aws.amazon.com/waf/pricing/"),
  wafMillionRequests: p(0.6, "million requests", "https://aws.amazon.com/waf/pricing/"),
  s3StandardGbMonth: p(0.023, "GB-month", "https://aws.amazon.com/s3/pricing/"),
  ecrStorageGbMonth: p(0.1, "GB-month", "https://aws.amazon.com/ecr/pricing/"),
  elasticache: {
    "cache.t4g.micro": p(0.0176, "hour", "https://aws.amazon.com/elasticache/pricing/"),
    "cache.m7g.large": p(0.176, "hour", "https://aws.amazon.com/elasticache/pricing/"),
  },
};

export const PRICE_TABLES: Readonly<Record<string, RegionPrices>> = {
  "eu-west-1": EU_WEST_1,
};

/** The price table of `region`, or an error naming the regions that have one. */
export function pricesFor(region: string): RegionPrices {
  const table = PRICE_TABLES[region];
  if (!table) {
    throw new PlanError(
      `no price table for region "${region}" (aws:region); tables exist for ${Object.keys(PRICE_TABLES).join(", ")}. ` +
        `Add one to infra/cost/prices.ts, each price with its source page and the date you read it.`,
    );
  }
  return table;
}
