/** The cluster project's name (infra/cluster/Pulumi.yaml `name`): the second part of its URNs. */
export const CLUSTER_PROJECT = "causeway-cluster";

/** The stack outputs the app stacks read through their StackReference, and nothing else. */
export const CLUSTER_OUTPUTS = [
  "clusterName",
  "kubernetesVersion",
  "kubeconfig",
  "oidcProviderArn",
  "clusterSecurityGroupId",
  "nodeSecurityGroupId",
  "vpcId",
  "vpcCidr",
  "availabilityZones",
  "publicSubnetIds",
  "publicSubnetCidrs",
  "privateSubnetIds",
  "privateSubnetCidrs",
] as const;
export type ClusterOutputName = (typeof CLUSTER_OUTPUTS)[number];

/**
 * The name of a cluster stack as a StackReference reads it: `<org>/causeway-cluster/<stack>` on
 * Pulumi Cloud, `organization/causeway-cluster/<stack>` on a self-managed backend (`pulumi login
 * s3://...` or `file://...`), where the organization is always the literal `organization`
 * (Pulumi docs, "Stack references" and "State and backends: DIY backend").
 */
export function clusterStackName(stack: string, organization = "organization"): string {
  return `${organization}/${CLUSTER_PROJECT}/${stack}`;
}

/** The cluster stack's outputs as an app stack reads them. */
export interface ClusterStackOutputs {
  readonly clusterName: string;
  readonly oidcProviderArn: string;
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly publicSubnetIds: readonly string[];
  readonly privateSubnetIds: readonly string[];
  readonly publicSubnetCidrs: readonly string[];
  readonly privateSubnetCidrs: readonly string[];
}

/**
 * The app stack's `causeway:cluster` and `causeway:network` config for a cluster stack's
 * outputs: the contract between the two projects, in one place. The kubeconfig is not copied:
 * the app reads it (a secret) through the StackReference `stackReferenceName`.
 */
export function appConfigFromClusterOutputs(
  outputs: ClusterStackOutputs,
  stackReferenceName: string,
): { "causeway:cluster": Record<string, unknown>; "causeway:network": Record<string, unknown> } {
  return {
    "causeway:cluster": {
      name: outputs.clusterName,
      oidcProviderArn: outputs.oidcProviderArn,
      stackReference: { name: stackReferenceName, output: "kubeconfig" },
    },
    "causeway:network": {
      vpcId: outputs.vpcId,
      vpcCidr: outputs.vpcCidr,
      publicSubnetIds: [...outputs.publicSubnetIds],
      privateSubnetIds: [...outputs.privateSubnetIds],
      publicSubnetCidrs: [...outputs.publicSubnetCidrs],
      privateSubnetCidrs: [...outputs.privateSubnetCidrs],
    },
  };
}
