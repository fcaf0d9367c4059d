import {
  awsInvokes,
  fakeAwsId,
  type AwsIdentity,
  type InvokeAnswers,
  type RawConfig,
} from "@causeway/plan";

/** What the offline plan knows about a Causeway stack, from its config alone. */
export interface InvokeContext extends AwsIdentity {
  readonly clusterName: string;
  readonly vpcId: string;
  readonly vpcCidr: string;
  /** Subnet ids in config order; the n-th subnet of each list is placed in the n-th AZ. */
  readonly subnetIds: readonly string[][];
  /** Output names the program may read from a StackReference. */
  readonly stackReferenceOutputs: string[];
}

/** What the error for an invoke without an answer tells a Causeway developer to do. */
export const INVOKE_HINT =
  "add one to infra/plan/invokes.ts (answers come from stack config only, never from the cloud)";

function availabilityZoneOf(subnetId: string, context: InvokeContext): string {
  for (const list of context.subnetIds) {
    const index = list.indexOf(subnetId);
    if (index >= 0) return `${context.region}${String.fromCharCode(97 + (index % 26))}`;
  }
  return `${context.region}a`;
}

/**
 * Deterministic answers for the invokes the Causeway program makes, derived from the stack
 * config: the package's common AWS answers (with the region's ELB account), plus the existing
 * network and cluster's lookups.
 */
export function causewayInvokes(c: InvokeContext): InvokeAnswers {
  return {
    ...awsInvokes(c),
    "aws:ec2/getSubnet:getSubnet": (inputs) => {
      const id = String(inputs["id"]);
      return {
        id,
        arn: `arn:aws:ec2:${c.region}:${c.accountId}:subnet/${id}`,
        vpcId: c.vpcId,
        availabilityZone: availabilityZoneOf(id, c),
      };
    },
    "aws:ec2/getVpc:getVpc": (inputs) => ({
      id: inputs["id"] ?? c.vpcId,
      cidrBlock: c.vpcCidr,
      arn: `arn:aws:ec2:${c.region}:${c.accountId}:vpc/${c.vpcId}`,
    }),
    "aws:eks/getCluster:getCluster": (inputs) => {
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
  };
}

/** What invokes may answer with, derived from the raw stack config only. */
export function invokeContext(raw: RawConfig): InvokeContext {
  const json = (key: string): Record<string, unknown> => {
    try {
      const value: unknown = JSON.parse(raw.values[key] ?? "{}");
      return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  };
  const cluster = json("causeway:cluster");
  const network = json("causeway:network");
  const oidcArn = typeof cluster["oidcProviderArn"] === "string" ? cluster["oidcProviderArn"] : "";
  const stackRef = cluster["stackReference"] as { output?: unknown } | undefined;
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
  return {
    region: raw.values["aws:region"] ?? "us-east-1",
    accountId: /^arn:aws[-a-z]*:iam::(\d{12}):/.exec(oidcArn)?.[1] ?? "123456789012",
    clusterName: typeof cluster["name"] === "string" ? cluster["name"] : "cluster",
    vpcId: typeof network["vpcId"] === "string" ? network["vpcId"] : "vpc-00000000",
    vpcCidr: typeof network["vpcCidr"] === "string" ? network["vpcCidr"] : "10.0.0.0/16",
    subnetIds: [strings(network["publicSubnetIds"]), strings(network["privateSubnetIds"])],
    stackReferenceOutputs: [
      typeof stackRef?.output === "string" ? stackRef.output : "kubeconfig",
      // The images a staging or prod stack promotes from dev (causeway:images.promoteFrom).
      ...(typeof json("causeway:images")["promoteFrom"] === "string" ? ["imageRefs"] : []),
    ],
  };
}

/** The invoke options of `runPlan` for a Causeway stack's raw config. */
export function causewayPlanOptions(raw: RawConfig) {
  const context = invokeContext(raw);
  return {
    invokes: causewayInvokes(context),
    invokeHint: INVOKE_HINT,
    stackReferenceOutputs: context.stackReferenceOutputs,
  };
}
