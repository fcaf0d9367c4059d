import { createHash } from "node:crypto";

/** What the offline plan knows about the stack, from its config alone. */
export interface InvokeContext {
  readonly region: string;
  readonly accountId: string;
  readonly clusterName: string;
  readonly vpcId: string;
  readonly vpcCidr: string;
  /** Subnet ids in config order; the n-th subnet of each list is placed in the n-th AZ. */
  readonly subnetIds: readonly string[][];
  /** Output names the program may read from a StackReference. */
  readonly stackReferenceOutputs: string[];
}

/**
 * Elastic Load Balancing account ids per region, for ALB access-log bucket policies.
 * Source: AWS docs, "Enable access logs for your Application Load Balancer", section
 * "Step 2: Attach a policy to your S3 bucket" (regions available before August 2022).
 */
const elbAccountByRegion: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-west-3": "009996457667",
  "eu-central-1": "054676820928",
  "eu-north-1": "897822967062",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ap-northeast-1": "582318560864",
  "ca-central-1": "985666609251",
};

/** A stable fake AWS id (`prefix-` + 17 hex digits) derived from `seed`. */
export function fakeAwsId(prefix: string, seed: string): string {
  return `${prefix}-${createHash("sha256").update(seed).digest("hex").slice(0, 17)}`;
}

function availabilityZoneOf(subnetId: string, context: InvokeContext): string {
  for (const list of context.subnetIds) {
    const index = list.indexOf(subnetId);
    if (index >= 0) return `${context.region}${String.fromCharCode(97 + (index % 26))}`;
  }
  return `${context.region}a`;
}

type Answer = (inputs: Record<string, unknown>, c: InvokeContext) => Record<string, unknown>;

/** Deterministic answers for the invokes the program makes, derived from the stack config. */
const answers: Readonly<Record<string, Answer>> = {
  "aws:index/getCallerIdentity:getCallerIdentity": (_, c) => ({
    id: c.accountId,
    accountId: c.accountId,
    arn: `arn:aws:iam::${c.accountId}:role/offline-plan`,
    userId: "OFFLINEPLAN",
  }),
  "aws:index/getRegion:getRegion": (_, c) => ({
    id: c.region,
    name: c.region,
    region: c.region,
    description: c.region,
    endpoint: `ec2.${c.region}.amazonaws.com`,
  }),
  "aws:index/getPartition:getPartition": () => ({
    id: "aws",
    partition: "aws",
    dnsSuffix: "amazonaws.com",
    reverseDnsPrefix: "com.amazonaws",
  }),
  "aws:index/getAvailabilityZones:getAvailabilityZones": (_, c) => {
    const names = ["a", "b", "c"].map((l) => `${c.region}${l}`);
    return { id: c.region, names, zoneIds: names.map((_n, i) => `${c.region}-az${i + 1}`) };
  },
  "aws:ec2/getSubnet:getSubnet": (inputs, c) => {
    const id = String(inputs["id"]);
    return {
      id,
      arn: `arn:aws:ec2:${c.region}:${c.accountId}:subnet/${id}`,
      vpcId: c.vpcId,
      availabilityZone: availabilityZoneOf(id, c),
    };
  },
  "aws:ec2/getVpc:getVpc": (inputs, c) => ({
    id: inputs["id"] ?? c.vpcId,
    cidrBlock: c.vpcCidr,
    arn: `arn:aws:ec2:${c.region}:${c.accountId}:vpc/${c.vpcId}`,
  }),
  "aws:eks/getCluster:getCluster": (inputs, c) => {
    const name = String(inputs["name"] ?? c.clusterName);
    return {
      id: name,
      name,
      arn: `arn:aws:eks:${c.region}:${c.accountId}:cluster/${name}`,
      endpoint: `https://${name}.offline-plan.eks.${c.region}.amazonaws.com`,
      certificateAuthorities: [{ data: "(known after apply: cluster CA)" }],
      vpcConfig: {
        vpcId: c.vpcId,
        clusterSecurityGroupId: fakeAwsId("sg", `${name}/cluster`),
        subnetIds: c.subnetIds.flat(),
      },
      identities: [
        { oidcs: [{ issuer: `https://oidc.eks.${c.region}.amazonaws.com/id/OFFLINEPLAN` }] },
      ],
    };
  },
  "aws:elb/getServiceAccount:getServiceAccount": (_, c) => {
    const account = elbAccountByRegion[c.region];
    if (!account) {
      throw new Error(
        `offline plan: no Elastic Load Balancing account is known for region ${c.region}; add it to elbAccountByRegion in infra/plan/invokes.ts`,
      );
    }
    return { id: account, arn: `arn:aws:iam::${account}:root` };
  },
};

export function answerInvoke(
  token: string,
  inputs: Record<string, unknown>,
  context: InvokeContext,
): Record<string, unknown> {
  const answer = answers[token];
  if (!answer) {
    throw new InvokeError(
      `offline plan: no deterministic answer for invoke "${token}"; add one to infra/plan/invokes.ts (answers come from stack config only, never from the cloud)`,
    );
  }
  try {
    return answer(inputs, context);
  } catch (e) {
    throw new InvokeError((e as Error).message);
  }
}

/** The SDK reports a failed invoke by the gRPC error's `details`, so set it. */
class InvokeError extends Error {
  readonly details: string;
  constructor(message: string) {
    super(message);
    this.name = "InvokeError";
    this.details = message;
  }
}
