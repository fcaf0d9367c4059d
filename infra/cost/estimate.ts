import type { Plan, PlannedResource } from "@causeway/plan";
import type { Price, RegionPrices } from "./prices";

/**
 * A monthly cost estimate from an offline plan's resources and a region's price table. Pure:
 * no I/O, so it runs on a plan from `npm run plan -- --json` or on both sides of a plan diff.
 *
 * Amounts are whole cents: each line is rounded once, and components and the total are sums
 * of lines, so the printed parts always add up to the printed total.
 */

/** What the estimate assumes about usage; every figure is printed with the estimate. */
export interface UsageAssumptions {
  readonly hoursPerMonth: number;
  /** GB processed per NAT gateway per month (image pulls mostly go through the endpoints). */
  readonly natGbPerGateway: number;
  /** GB processed per interface endpoint per month. */
  readonly endpointGbPerEndpoint: number;
  /** Average LCUs of each application load balancer. */
  readonly albAverageLcu: number;
  /** Requests per month through each WAF web ACL, in millions. */
  readonly wafMillionRequests: number;
  /** GB ingested per log group per month, and GB kept in it. */
  readonly logsIngestGbPerGroup: number;
  readonly logsStoredGbPerGroup: number;
  /** GB stored per S3 bucket and per ECR repository. */
  readonly s3GbPerBucket: number;
  readonly ecrGbPerRepository: number;
  /** GB of broker storage used per Amazon MQ node. */
  readonly mqStorageGbPerNode: number;
  /** Root volume of a node when neither its launch template nor the node group gives one. */
  readonly defaultNodeDiskGb: number;
}

export const DEFAULT_ASSUMPTIONS: UsageAssumptions = {
  hoursPerMonth: 730,
  natGbPerGateway: 100,
  endpointGbPerEndpoint: 20,
  albAverageLcu: 1,
  wafMillionRequests: 10,
  logsIngestGbPerGroup: 5,
  logsStoredGbPerGroup: 20,
  s3GbPerBucket: 50,
  ecrGbPerRepository: 2,
  mqStorageGbPerNode: 20,
  defaultNodeDiskGb: 20,
};

/** One priced item of one resource. */
export interface CostLine {
  readonly component: string;
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** What is counted, e.g. `3 × m7g.xlarge × 730 h × $0.1784`. */
  readonly item: string;
  readonly cents: number;
}

/** A resource (or a part of it) whose cost the table does not know: counted as $0, listed. */
export interface NotPriced {
  readonly component: string;
  readonly type: string;
  readonly name: string;
  readonly reason: string;
}

export interface CostEstimate {
  readonly project: string;
  readonly stack: string;
  readonly region: string;
  readonly assumptions: UsageAssumptions;
  readonly lines: readonly CostLine[];
  /** Per component (the top-level resource under the stack), in plan order. */
  readonly components: readonly { readonly component: string; readonly cents: number }[];
  readonly totalCents: number;
  readonly notPriced: readonly NotPriced[];
  /** Resources with no charge of their own, by type. */
  readonly free: Readonly<Record<string, number>>;
  /** The prices used, by name, for the table printed under the estimate. */
  readonly pricesUsed: Readonly<Record<string, Price>>;
}

/**
 * Types with no charge of their own: IAM, security groups and rules, routing, subnets,
 * Kubernetes objects (they run on the nodes, priced with the node groups), configurations that
 * only parametrise a priced resource, public ACM certificates, Route 53 records (queries to
 * alias records are free; the hosted zone is not created here).
 */
const FREE_PREFIXES = [
  "aws:iam/",
  "aws:vpc/securityGroup",
  "aws:acm/",
  "aws:eks/accessEntry:",
  "aws:eks/accessPolicyAssociation:",
  "aws:eks/podIdentityAssociation:",
  "aws:s3/bucket",
  "kubernetes:",
  "random:",
  "docker:",
];
const FREE_TYPES = new Set([
  "aws:ec2/securityGroup:SecurityGroup",
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  "aws:ec2/vpc:Vpc",
  "aws:ec2/subnet:Subnet",
  "aws:ec2/routeTable:RouteTable",
  "aws:ec2/routeTableAssociation:RouteTableAssociation",
  "aws:ec2/route:Route",
  "aws:ec2/internetGateway:InternetGateway",
  "aws:ec2/launchTemplate:LaunchTemplate",
  "aws:ec2/flowLog:FlowLog",
  "aws:eks/addon:Addon",
  "aws:lb/listener:Listener",
  "aws:lb/listenerRule:ListenerRule",
  "aws:lb/targetGroup:TargetGroup",
  "aws:rds/parameterGroup:ParameterGroup",
  "aws:rds/subnetGroup:SubnetGroup",
  "aws:mq/configuration:Configuration",
  "aws:route53/record:Record",
  "aws:kms/alias:Alias",
  "aws:ecr/lifecyclePolicy:LifecyclePolicy",
  "aws:ecr/repositoryPolicy:RepositoryPolicy",
  "aws:wafv2/webAclAssociation:WebAclAssociation",
  "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
  "aws:elasticache/subnetGroup:SubnetGroup",
  "aws:elasticache/parameterGroup:ParameterGroup",
]);

function isFree(type: string): boolean {
  return FREE_TYPES.has(type) || FREE_PREFIXES.some((p) => type.startsWith(p));
}

/** A priced item before rounding; `price` names the table entry it uses. */
interface Item {
  readonly item: string;
  readonly usd: number;
  readonly price: string;
}

/** Items; a reason the resource is not priced; or items with a part left unpriced. */
type Priced = Item[] | string | { readonly items: Item[]; readonly unpriced: string };
type Pricer = (r: PlannedResource, ctx: Context) => Priced;

interface Context {
  readonly prices: RegionPrices;
  readonly a: UsageAssumptions;
  readonly byUrn: ReadonlyMap<string, PlannedResource>;
  readonly used: Record<string, Price>;
}

const money = (usd: number) => `$${usd < 1 ? usd.toFixed(4) : usd.toFixed(2)}`;

/** A value the plan knows (not a `(known after apply…)` placeholder). */
function known<T>(v: T | undefined): v is T {
  return v !== undefined && !(typeof v === "string" && v.startsWith("(known after apply"));
}

function use(ctx: Context, name: string, price: Price | undefined): Price | undefined {
  if (price) ctx.used[name] = price;
  return price;
}

function hourly(ctx: Context, name: string, price: Price, count: number, what: string): Item {
  use(ctx, name, price);
  const h = ctx.a.hoursPerMonth;
  return {
    item: `${count} × ${what} × ${h} h × ${money(price.usd)}`,
    usd: count * h * price.usd,
    price: name,
  };
}

function perUnit(ctx: Context, name: string, price: Price, qty: number, what: string): Item {
  use(ctx, name, price);
  return { item: `${qty} ${what} × ${money(price.usd)}`, usd: qty * price.usd, price: name };
}

/** The URN inside a `(known after apply: <urn>)` placeholder. */
function sourceUrn(v: unknown): string | undefined {
  return typeof v === "string" ? /^\(known after apply: (urn:[^,)]+)\)$/.exec(v)?.[1] : undefined;
}

/** `20Gi`, `10G`, `512Mi` -> GB (GiB counted as GB: the estimate's precision is coarser). */
function sizeGb(v: unknown): number | undefined {
  const m = typeof v === "string" ? /^(\d+(?:\.\d+)?)(Gi|G|Mi|M|Ti|T)?$/.exec(v) : undefined;
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? "G";
  return unit.startsWith("T") ? n * 1024 : unit.startsWith("M") ? n / 1024 : n;
}

const PRICERS: Readonly<Record<string, Pricer>> = {
  "aws:eks/cluster:Cluster": (_r, ctx) => [
    hourly(ctx, "EKS cluster", ctx.prices.eksClusterHour, 1, "control plane"),
  ],
  "aws:eks/nodeGroup:NodeGroup": (r, ctx) => {
    const i = r.inputs as {
      instanceTypes?: unknown[];
      scalingConfig?: { desiredSize?: unknown };
      diskSize?: unknown;
      launchTemplate?: { id?: unknown };
    };
    const type = i.instanceTypes?.[0];
    const desired = i.scalingConfig?.desiredSize;
    if (typeof type !== "string" || !known(type)) return "instance type not known at plan time";
    if (typeof desired !== "number") return "desired size not known at plan time";
    const price = use(ctx, `EC2 ${type}`, ctx.prices.ec2[type]);
    if (!price) return `no EC2 price for ${type} in ${ctx.prices.region}`;
    const template = ctx.byUrn.get(sourceUrn(i.launchTemplate?.id) ?? "");
    const mappings = (template?.inputs.blockDeviceMappings ?? []) as {
      ebs?: { volumeSize?: unknown };
    }[];
    const disk =
      mappings.map((m) => m.ebs?.volumeSize).find((s): s is number => typeof s === "number") ??
      (typeof i.diskSize === "number" ? i.diskSize : ctx.a.defaultNodeDiskGb);
    return [
      hourly(ctx, `EC2 ${type}`, price, desired, `${type} (desired size)`),
      perUnit(
        ctx,
        "EBS gp3",
        ctx.prices.ebsGp3GbMonth,
        desired * disk,
        `GB-month gp3 root volumes (${desired} × ${disk} GB)`,
      ),
    ];
  },
  "aws:ec2/natGateway:NatGateway": (r, ctx) =>
    r.inputs.connectivityType === "private"
      ? "private NAT gateways are not in the table"
      : [
          hourly(ctx, "NAT gateway", ctx.prices.natGatewayHour, 1, "NAT gateway"),
          perUnit(
            ctx,
            "NAT gateway data",
            ctx.prices.natGatewayGb,
            ctx.a.natGbPerGateway,
            "GB processed",
          ),
        ],
  "aws:ec2/eip:Eip": (_r, ctx) => [
    hourly(ctx, "public IPv4", ctx.prices.publicIpv4Hour, 1, "public IPv4 address"),
  ],
  "aws:ec2/vpcEndpoint:VpcEndpoint": (r, ctx) => {
    const kind = r.inputs.vpcEndpointType ?? "Gateway";
    if (kind === "Gateway") return [];
    if (kind !== "Interface") return `${String(kind)} endpoints are not in the table`;
    const azs = Array.isArray(r.inputs.subnetIds) ? r.inputs.subnetIds.length : 0;
    if (azs === 0) return "subnets not known at plan time";
    return [
      hourly(ctx, "interface endpoint", ctx.prices.interfaceEndpointAzHour, azs, "AZ"),
      perUnit(
        ctx,
        "interface endpoint data",
        ctx.prices.interfaceEndpointGb,
        ctx.a.endpointGbPerEndpoint,
        "GB processed",
      ),
    ];
  },
  "aws:lb/loadBalancer:LoadBalancer": (r, ctx) => {
    if ((r.inputs.loadBalancerType ?? "application") !== "application") {
      return `${String(r.inputs.loadBalancerType)} load balancers are not in the table`;
    }
    const items = [
      hourly(ctx, "ALB", ctx.prices.albHour, 1, "load balancer"),
      hourly(ctx, "ALB LCU", ctx.prices.albLcuHour, ctx.a.albAverageLcu, "LCU"),
    ];
    // An internet-facing ALB holds a public IPv4 address in each of its subnets.
    const subnets = Array.isArray(r.inputs.subnets) ? r.inputs.subnets.length : 0;
    if (r.inputs.internal !== true && subnets > 0) {
      items.push(
        hourly(ctx, "public IPv4", ctx.prices.publicIpv4Hour, subnets, "public IPv4 address"),
      );
    }
    return items;
  },
  "aws:rds/instance:Instance": (r, ctx) => {
    const cls = r.inputs.instanceClass;
    if (typeof cls !== "string" || !known(cls)) return "instance class not known at plan time";
    if (r.inputs.engine !== "postgres")
      return `engine ${String(r.inputs.engine)} is not in the table`;
    const price = use(ctx, `RDS ${cls}`, ctx.prices.rdsPostgres[cls]);
    if (!price) return `no RDS for PostgreSQL price for ${cls} in ${ctx.prices.region}`;
    const copies = r.inputs.multiAz === true ? 2 : 1;
    const az = copies === 2 ? "Multi-AZ" : "Single-AZ";
    const items = [hourly(ctx, `RDS ${cls}`, price, copies, `${cls} (${az})`)];
    const gb = r.inputs.allocatedStorage;
    if (typeof gb === "number") {
      if ((r.inputs.storageType ?? "gp2") !== "gp3") {
        return {
          items,
          unpriced: `storage type ${String(r.inputs.storageType ?? "gp2")} is not in the table (the instance is priced)`,
        };
      }
      items.push(
        perUnit(
          ctx,
          "RDS gp3",
          ctx.prices.rdsGp3GbMonth,
          copies * gb,
          `GB-month gp3 (${copies} × ${gb} GB, ${az})`,
        ),
      );
    }
    return items;
  },
  "aws:mq/broker:Broker": (r, ctx) => {
    const type = r.inputs.hostInstanceType;
    if (typeof type !== "string" || !known(type)) return "instance type not known at plan time";
    if (r.inputs.engineType !== "RabbitMQ")
      return `engine ${String(r.inputs.engineType)} is not in the table`;
    const price = use(ctx, `Amazon MQ ${type}`, ctx.prices.mqRabbit[type]);
    if (!price) return `no Amazon MQ for RabbitMQ price for ${type} in ${ctx.prices.region}`;
    const nodes = r.inputs.deploymentMode === "CLUSTER_MULTI_AZ" ? 3 : 1;
    return [
      hourly(ctx, `Amazon MQ ${type}`, price, nodes, `${type} broker node`),
      perUnit(
        ctx,
        "Amazon MQ storage",
        ctx.prices.mqStorageGbMonth,
        nodes * ctx.a.mqStorageGbPerNode,
        `GB-month broker storage (${nodes} × ${ctx.a.mqStorageGbPerNode} GB)`,
      ),
    ];
  },
  "aws:kms/key:Key": (_r, ctx) => [
    perUnit(ctx, "KMS key", ctx.prices.kmsKeyMonth, 1, "customer managed key-month"),
  ],
  "aws:cloudwatch/logGroup:LogGroup": (_r, ctx) => [
    perUnit(
      ctx,
      "CloudWatch Logs ingestion",
      ctx.prices.logsIngestGb,
      ctx.a.logsIngestGbPerGroup,
      "GB ingested",
    ),
    perUnit(
      ctx,
      "CloudWatch Logs storage",
      ctx.prices.logsStorageGbMonth,
      ctx.a.logsStoredGbPerGroup,
      "GB-month stored",
    ),
  ],
  "aws:wafv2/webAcl:WebAcl": (r, ctx) => {
    const rules = Array.isArray(r.inputs.rules) ? r.inputs.rules.length : 0;
    return [
      perUnit(ctx, "WAF web ACL", ctx.prices.wafWebAclMonth, 1, "web ACL-month"),
      perUnit(ctx, "WAF rule", ctx.prices.wafRuleMonth, rules, "rule-months"),
      perUnit(
        ctx,
        "WAF requests",
        ctx.prices.wafMillionRequests,
        ctx.a.wafMillionRequests,
        "million requests",
      ),
    ];
  },
  "aws:s3/bucket:Bucket": (_r, ctx) => [
    perUnit(ctx, "S3 Standard", ctx.prices.s3StandardGbMonth, ctx.a.s3GbPerBucket, "GB-month"),
  ],
  "aws:s3/bucketV2:BucketV2": (_r, ctx) => [
    perUnit(ctx, "S3 Standard", ctx.prices.s3StandardGbMonth, ctx.a.s3GbPerBucket, "GB-month"),
  ],
  "aws:ecr/repository:Repository": (_r, ctx) => [
    perUnit(ctx, "ECR storage", ctx.prices.ecrStorageGbMonth, ctx.a.ecrGbPerRepository, "GB-month"),
  ],
  "aws:elasticache/cluster:Cluster": (r, ctx) => elasticache(r, ctx, r.inputs.numCacheNodes),
  "aws:elasticache/replicationGroup:ReplicationGroup": (r, ctx) =>
    elasticache(r, ctx, r.inputs.numCacheClusters),
  // The Consul servers' volumes: created by the chart's StatefulSet, so not resources of the
  // plan, but their size and count are in the release's values.
  "kubernetes:helm.sh/v3:Release": (r, ctx) => {
    const server = (r.inputs.values as { server?: { replicas?: unknown; storage?: unknown } })
      ?.server;
    const gb = sizeGb(server?.storage);
    if (r.inputs.chart !== "consul" || typeof server?.replicas !== "number" || gb === undefined) {
      return [];
    }
    return [
      perUnit(
        ctx,
        "EBS gp3",
        ctx.prices.ebsGp3GbMonth,
        server.replicas * gb,
        `GB-month gp3 Consul server volumes (${server.replicas} × ${gb} GB)`,
      ),
    ];
  },
};

function elasticache(r: PlannedResource, ctx: Context, count: unknown): Item[] | string {
  const type = r.inputs.nodeType;
  if (typeof type !== "string" || !known(type)) return "node type not known at plan time";
  const price = use(ctx, `ElastiCache ${type}`, ctx.prices.elasticache[type]);
  if (!price) return `no ElastiCache price for ${type} in ${ctx.prices.region}`;
  const nodes = typeof count === "number" ? count : 1;
  return [hourly(ctx, `ElastiCache ${type}`, price, nodes, `${type} node`)];
}

/** `type name` of the resource's top-level ancestor under the stack (itself if top-level). */
function componentOf(r: PlannedResource, byUrn: ReadonlyMap<string, PlannedResource>): string {
  let current = r;
  for (;;) {
    const parent = current.parent ? byUrn.get(current.parent) : undefined;
    if (!parent || parent.type === "pulumi:pulumi:Stack") break;
    current = parent;
  }
  return `${current.type} ${current.name}`;
}

export function estimateCost(
  plan: Plan,
  prices: RegionPrices,
  assumptions: UsageAssumptions = DEFAULT_ASSUMPTIONS,
): CostEstimate {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const ctx: Context = { prices, a: assumptions, byUrn, used: {} };
  const lines: CostLine[] = [];
  const notPriced: NotPriced[] = [];
  const free: Record<string, number> = {};
  const order: string[] = [];
  for (const r of plan.resources) {
    // Components, providers, the stack and reads (StackReference, `.get`) cost nothing.
    if (!r.custom || r.read || r.type.startsWith("pulumi:")) continue;
    const component = componentOf(r, byUrn);
    const pricer = PRICERS[r.type];
    const priced: Priced = pricer
      ? pricer(r, ctx)
      : isFree(r.type)
        ? []
        : "no price in the table for this type";
    if (typeof priced === "string") {
      notPriced.push({ component, type: r.type, name: r.name, reason: priced });
      continue;
    }
    const result = Array.isArray(priced) ? priced : priced.items;
    if (!Array.isArray(priced)) {
      notPriced.push({ component, type: r.type, name: r.name, reason: priced.unpriced });
    }
    if (result.length === 0) free[r.type] = (free[r.type] ?? 0) + 1;
    for (const item of result) {
      if (!order.includes(component)) order.push(component);
      lines.push({
        component,
        urn: r.urn,
        type: r.type,
        name: r.name,
        item: item.item,
        cents: Math.round(item.usd * 100),
      });
    }
  }
  const components = order.map((component) => ({
    component,
    cents: lines.filter((l) => l.component === component).reduce((s, l) => s + l.cents, 0),
  }));
  return {
    project: plan.project,
    stack: plan.stack,
    region: prices.region,
    assumptions,
    lines,
    components,
    totalCents: components.reduce((s, c) => s + c.cents, 0),
    notPriced,
    free,
    pricesUsed: ctx.used,
  };
}

/** `$1,234.56`; negative amounts as `-$1.00`. */
export function formatUsd(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  const dollars = Math.floor(abs / 100).toLocaleString("en-US");
  return `${sign}$${dollars}.${String(abs % 100).padStart(2, "0")}`;
}

const ASSUMPTION_TEXT: Record<keyof UsageAssumptions, string> = {
  hoursPerMonth: "hours a month (24 × 365 / 12), every resource running all month",
  natGbPerGateway: "GB processed per NAT gateway",
  endpointGbPerEndpoint: "GB processed per interface endpoint",
  albAverageLcu: "LCU on average per load balancer",
  wafMillionRequests: "million requests per web ACL",
  logsIngestGbPerGroup: "GB ingested per log group",
  logsStoredGbPerGroup: "GB stored per log group",
  s3GbPerBucket: "GB stored per S3 bucket",
  ecrGbPerRepository: "GB of images per ECR repository",
  mqStorageGbPerNode: "GB of storage per broker node",
  defaultNodeDiskGb: "GB root volume per node when the plan gives none",
};

/** The estimate as text: components with their lines, the total, assumptions and prices. */
export function renderCostText(e: CostEstimate): string {
  const out: string[] = [
    `Monthly cost estimate: ${e.project} stack "${e.stack}" (${e.region}, on-demand list prices, USD, before tax and discounts)`,
    "",
  ];
  const width = Math.max(...e.components.map((c) => c.component.length), 10);
  for (const c of e.components) {
    out.push(`${c.component.padEnd(width)}  ${formatUsd(c.cents).padStart(12)}`);
    for (const l of e.lines.filter((x) => x.component === c.component)) {
      out.push(`    ${l.type} ${l.name}: ${l.item} = ${formatUsd(l.cents)}`);
    }
  }
  out.push("", `${"Total".padEnd(width)}  ${formatUsd(e.totalCents).padStart(12)}`, "");
  out.push("Usage assumptions:");
  for (const [key, text] of Object.entries(ASSUMPTION_TEXT)) {
    out.push(`  ${e.assumptions[key as keyof UsageAssumptions]} ${text}`);
  }
  out.push(
    "  Data transfer out to the internet, backups, snapshots and support plans are not counted.",
  );
  out.push("", "Prices (each with its source, the date read and its check):");
  for (const [name, p] of Object.entries(e.pricesUsed).sort(([a], [b]) => a.localeCompare(b))) {
    const mark = p.check === "unverified" ? "UNVERIFIED" : "corroborated";
    out.push(
      `  ${name}: $${p.usd} per ${p.unit} [${mark}, read ${p.read}] ${p.source}${p.note ? ` (${p.note})` : ""}`,
    );
  }
  if (e.notPriced.length > 0) {
    out.push("", `Not priced (counted as $0, ${e.notPriced.length}):`);
    for (const n of e.notPriced) out.push(`  ${n.type} ${n.name} (${n.component}): ${n.reason}`);
  }
  const freeCount = Object.values(e.free).reduce((a, b) => a + b, 0);
  out.push(
    "",
    `${freeCount} resources have no charge of their own (IAM, security groups, routing, Kubernetes objects on the priced nodes, configurations of priced resources).`,
  );
  return out.join("\n") + "\n";
}
