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
