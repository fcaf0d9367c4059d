import * as aws from "../shared/aws";
import * as pulumi from "@pulumi/pulumi";
import { ComponentArgsError } from "../shared/errors";
import { logGroupKey } from "../shared/log-key";
import { checkNetworkLayout, planSubnets } from "./subnets";
import { formerType } from "../shared/type-token";

/** How many NAT gateways the private subnets share. */
export const NatGatewayMode = {
  /** One per AZ: an AZ outage does not cut the others off (production). */
  perAz: "perAz",
  /** One in the first AZ, shared: cheaper, for dev. */
  single: "single",
} as const;
export type NatGatewayMode = (typeof NatGatewayMode)[keyof typeof NatGatewayMode];

/** Arguments of Network. */
export interface NetworkArgs {
  /**
   * Availability Zones, one public and one private subnet in each (2 to 4, e.g.
   * `["eu-west-1a", "eu-west-1b", "eu-west-1c"]`). Required.
   */
  readonly availabilityZones: readonly string[];
  /** The VPC's IPv4 CIDR block, /16 to /20. Default `NETWORK_DEFAULTS.cidrBlock`. */
  readonly cidrBlock?: string;
  /** NAT gateways: `perAz` or `single`. Default `NETWORK_DEFAULTS.natGateways`. */
  readonly natGateways?: NatGatewayMode;
  /** Days to keep the VPC flow logs (a CloudWatch Logs retention value). Default `NETWORK_DEFAULTS.flowLogRetentionDays`. */
  readonly flowLogRetentionDays?: number;
  /** Tags for every AWS resource. Default `{}`. */
  readonly tags?: Readonly<Record<string, string>>;
}

export const NETWORK_DEFAULTS = {
  cidrBlock: "10.0.0.0/16",
  natGateways: NatGatewayMode.perAz,
  flowLogRetentionDays: 365,
} as const;

/**
 * Interface endpoints the private nodes use instead of NAT: image pulls from ECR (`ecr.api`,
 * `ecr.dkr`; the layers come from S3 through the gateway endpoint), IRSA and Pod Identity
 * credentials (`sts`) and container logs (`logs`). Source: Amazon EKS User Guide, "Deploy
 * private clusters with limited internet access" (VPC endpoints list).
 */
export const INTERFACE_ENDPOINTS = ["ecr.api", "ecr.dkr", "sts", "logs"] as const;

/**
 * CloudWatch Logs retention values the API accepts (PutRetentionPolicy, `retentionInDays`).
 * Source: CloudWatch Logs API Reference, PutRetentionPolicy.
 */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

/**
 * A VPC for EKS: public and private subnets in each AZ (tagged for the AWS Load Balancer
 * Controller: `kubernetes.io/role/elb` on public, `kubernetes.io/role/internal-elb` on private),
 * NAT gateways (one per AZ or one shared), VPC endpoints for ECR, S3, STS and CloudWatch Logs so
 * private nodes pull images without NAT traffic, a default security group with no rules, and
 * flow logs of all traffic to a KMS-encrypted CloudWatch Logs group.
 */
export class Network extends pulumi.ComponentResource {
  /** The VPC id. */
  readonly vpcId: pulumi.Output<string>;
  /** The VPC's IPv4 CIDR block. */
  readonly vpcCidr: string;
  /** Public subnet ids, in the order of availabilityZones. */
  readonly publicSubnetIds: pulumi.Output<string>[];
  /** Private subnet ids, in the order of availabilityZones. */
  readonly privateSubnetIds: pulumi.Output<string>[];
  /** Public subnet CIDR blocks, in the order of availabilityZones. */
  readonly publicSubnetCidrs: string[];
  /** Private subnet CIDR blocks, in the order of availabilityZones. */
  readonly privateSubnetCidrs: string[];
  /** The Availability Zones, in order. */
  readonly availabilityZones: string[];
  /** The flow logs' CloudWatch Logs group. */
  readonly flowLogGroupName: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("causeway:index:Network", name, {}, formerType("causeway:network:Network", opts));
    const d = NETWORK_DEFAULTS;
    const cidrBlock = args.cidrBlock ?? d.cidrBlock;
    const natMode = args.natGateways ?? d.natGateways;
    const retention = args.flowLogRetentionDays ?? d.flowLogRetentionDays;
    const problems = checkNetworkLayout(cidrBlock, args.availabilityZones);
    if (!Object.values(NatGatewayMode).includes(natMode)) {
      problems.push(`natGateways: "${String(natMode)}" is not one of perAz, single`);
    }
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(retention)) {
      problems.push(
        `flowLogRetentionDays: ${retention} is not a CloudWatch Logs retention; use one of ${LOG_RETENTION_DAYS.join(", ")}`,
      );
    }
    if (problems.length > 0) throw new ComponentArgsError("Network", name, problems, this);

    const parent = { parent: this };
    const tags = { ...args.tags };
    const layout = planSubnets(cidrBlock, args.availabilityZones);
    const suffix = (az: string) => az.slice(-1);

    const vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock,
        enableDnsHostnames: true,
        enableDnsSupport: true,
        tags: { ...tags, Name: name },
      },
      parent,
    );
    // The default security group admits all traffic between its members; with no rules, a
    // resource left in it by mistake is isolated (CIS AWS Foundations 5.4, checkov CKV2_AWS_12).
    new aws.ec2.DefaultSecurityGroup(
      `${name}-default-sg`,
      { vpcId: vpc.id, tags: { ...tags, Name: `${name}-default (no rules)` } },
      parent,
    );
    const igw = new aws.ec2.InternetGateway(
      `${name}-igw`,
      { vpcId: vpc.id, tags: { ...tags, Name: name } },
      parent,
    );

    const publicTable = new aws.ec2.RouteTable(
      `${name}-public`,
      {
        vpcId: vpc.id,
        routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
        tags: { ...tags, Name: `${name}-public` },
      },
      parent,
    );
    const publicSubnets = layout.public.map((s) => {
      const subnet = new aws.ec2.Subnet(
        `${name}-public-${suffix(s.availabilityZone)}`,
        {
          vpcId: vpc.id,
          cidrBlock: s.cidrBlock,
          availabilityZone: s.availabilityZone,
          // Nothing launched here gets a public address unless it asks (NAT uses an EIP).
          mapPublicIpOnLaunch: false,
          // Source: AWS Load Balancer Controller docs, "Subnet auto-discovery" (v2.x):
          // internet-facing load balancers use subnets tagged kubernetes.io/role/elb=1.
          tags: {
            ...tags,
            Name: `${name}-public-${s.availabilityZone}`,
            "kubernetes.io/role/elb": "1",
          },
        },
        parent,
      );
      new aws.ec2.RouteTableAssociation(
        `${name}-public-${suffix(s.availabilityZone)}`,
        { subnetId: subnet.id, routeTableId: publicTable.id },
        parent,
      );
      return subnet;
    });

    const natAzs = natMode === "perAz" ? layout.public : layout.public.slice(0, 1);
    const nats = natAzs.map((s, i) => {
      const az = suffix(s.availabilityZone);
      const eip = new aws.ec2.Eip(
        `${name}-nat-${az}`,
        { domain: "vpc", tags: { ...tags, Name: `${name}-nat-${s.availabilityZone}` } },
        parent,
      );
      return new aws.ec2.NatGateway(
        `${name}-nat-${az}`,
        {
          allocationId: eip.id,
          subnetId: publicSubnets[i]!.id,
          connectivityType: "public",
          tags: { ...tags, Name: `${name}-nat-${s.availabilityZone}` },
        },
        { parent: this, dependsOn: [igw] },
      );
    });

    const privateTables: aws.ec2.RouteTable[] = [];
    const privateSubnets = layout.private.map((s, i) => {
      const az = suffix(s.availabilityZone);
      const nat = nats[natMode === "perAz" ? i : 0]!;
      const subnet = new aws.ec2.Subnet(
        `${name}-private-${az}`,
        {
          vpcId: vpc.id,
          cidrBlock: s.cidrBlock,
          availabilityZone: s.availabilityZone,
          mapPublicIpOnLaunch: false,
          // Internal load balancers use subnets tagged kubernetes.io/role/internal-elb=1 (ibid.).
          tags: {
            ...tags,
            Name: `${name}-private-${s.availabilityZone}`,
            "kubernetes.io/role/internal-elb": "1",
          },
        },
        parent,
      );
      const table = new aws.ec2.RouteTable(
        `${name}-private-${az}`,
        {
          vpcId: vpc.id,
          routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }],
          tags: { ...tags, Name: `${name}-private-${s.availabilityZone}` },
        },
        parent,
      );
      privateTables.push(table);
      new aws.ec2.RouteTableAssociation(
        `${name}-private-${az}`,
        { subnetId: subnet.id, routeTableId: table.id },
        parent,
      );
      return subnet;
    });

    const region = aws.getRegionOutput({}, parent).region;
    new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      {
        vpcId: vpc.id,
        serviceName: pulumi.interpolate`com.amazonaws.${region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: privateTables.map((t) => t.id),
        tags: { ...tags, Name: `${name}-s3` },
      },
      parent,
    );
    const endpointSg = new aws.ec2.SecurityGroup(
      `${name}-endpoints`,
      {
        vpcId: vpc.id,
        description: `Interface VPC endpoints of ${name}: HTTPS from the VPC only`,
        tags: { ...tags, Name: `${name}-endpoints` },
      },
      parent,
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-endpoints-https`,
      {
        securityGroupId: endpointSg.id,
        description: "HTTPS to the AWS APIs from inside the VPC",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: cidrBlock,
        tags,
      },
      parent,
    );
    for (const service of INTERFACE_ENDPOINTS) {
      new aws.ec2.VpcEndpoint(
        `${name}-${service.replace(".", "-")}`,
        {
          vpcId: vpc.id,
          serviceName: pulumi.interpolate`com.amazonaws.${region}.${service}`,
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds: privateSubnets.map((s) => s.id),
          securityGroupIds: [endpointSg.id],
          tags: { ...tags, Name: `${name}-${service}` },
        },
        parent,
      );
    }

    const flowLogGroup = this.flowLogs(name, vpc, retention, tags);

    this.vpcId = vpc.id;
    this.vpcCidr = cidrBlock;
    this.availabilityZones = [...args.availabilityZones];
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.publicSubnetCidrs = layout.public.map((s) => s.cidrBlock);
    this.privateSubnetCidrs = layout.private.map((s) => s.cidrBlock);
    this.flowLogGroupName = flowLogGroup.name;
    this.registerOutputs({
      vpcId: this.vpcId,
      vpcCidr: this.vpcCidr,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      flowLogGroupName: this.flowLogGroupName,
    });
  }

  /** Flow logs of all traffic to a KMS-encrypted log group, delivered by a role of its own. */
  private flowLogs(
    name: string,
    vpc: aws.ec2.Vpc,
    retentionInDays: number,
    tags: Record<string, string>,
  ): aws.cloudwatch.LogGroup {
    const parent = { parent: this };
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const groupName = `/aws/vpc/${name}/flow-logs`;
    const key = logGroupKey(
      `${name}-flow-logs`,
      groupName,
      `Encrypts the VPC flow logs of ${name}`,
      tags,
      this,
    );
    const group = new aws.cloudwatch.LogGroup(
      `${name}-flow-logs`,
      { name: groupName, retentionInDays, kmsKeyId: key.arn, tags },
      parent,
    );
    // Source: Amazon VPC User Guide, "IAM role for publishing flow logs to CloudWatch Logs".
    const role = new aws.iam.Role(
      `${name}-flow-logs`,
      {
        description: `Delivers the VPC flow logs of ${name}`,
        assumeRolePolicy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "vpc-flow-logs.amazonaws.com" },
              Action: "sts:AssumeRole",
              Condition: { StringEquals: { "aws:SourceAccount": account } },
            },
          ],
        }),
        tags,
      },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-flow-logs`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: [
                "logs:CreateLogStream",
                "logs:PutLogEvents",
                "logs:DescribeLogGroups",
                "logs:DescribeLogStreams",
              ],
              Resource: [group.arn, pulumi.interpolate`${group.arn}:*`],
            },
          ],
        }),
      },
      parent,
    );
    new aws.ec2.FlowLog(
      `${name}-flow-logs`,
      {
        vpcId: vpc.id,
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: group.arn,
        iamRoleArn: role.arn,
        maxAggregationInterval: 60,
        tags: { ...tags, Name: name },
      },
      parent,
    );
    return group;
  }
}
