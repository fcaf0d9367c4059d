import { Cluster, Network } from "@causeway/components";
import * as pulumi from "@pulumi/pulumi";
import { loadClusterConfig } from "./config";
import type { ClusterOutputName } from "./project";

/**
 * The causeway-cluster program: the network and the EKS cluster the app stacks run in. Its
 * outputs (CLUSTER_OUTPUTS) are what an app stack reads through its StackReference.
 */
export async function main(): Promise<Record<ClusterOutputName, unknown>> {
  const config = loadClusterConfig();
  const tags = {
    "causeway:environment": config.environment,
    "causeway:project": "causeway-cluster",
  };
  const network = new Network(config.clusterName, {
    availabilityZones: config.availabilityZones,
    cidrBlock: config.vpcCidr,
    natGateways: config.natGateways,
    ...(config.flowLogRetentionDays !== undefined
      ? { flowLogRetentionDays: config.flowLogRetentionDays }
      : {}),
    tags,
  });
  const cluster = new Cluster(config.clusterName, {
    vpcId: network.vpcId,
    privateSubnetIds: Object.fromEntries(
      network.availabilityZones.map((az, i) => [az, network.privateSubnetIds[i]!]),
    ),
    adminPrincipalArns: config.adminPrincipalArns,
    kubernetesVersion: config.kubernetesVersion,
    publicAccessCidrs: config.publicAccessCidrs,
    nodes: config.nodes,
    storageReclaimPolicy: config.storageReclaimPolicy,
    tags,
  });
  return {
    clusterName: cluster.clusterName,
    kubernetesVersion: cluster.kubernetesVersion,
    kubeconfig: pulumi.secret(cluster.kubeconfig),
    oidcProviderArn: cluster.oidcProviderArn,
    clusterSecurityGroupId: cluster.clusterSecurityGroupId,
    nodeSecurityGroupId: cluster.nodeSecurityGroupId,
    vpcId: network.vpcId,
    vpcCidr: network.vpcCidr,
    availabilityZones: network.availabilityZones,
    publicSubnetIds: network.publicSubnetIds,
    publicSubnetCidrs: network.publicSubnetCidrs,
    privateSubnetIds: network.privateSubnetIds,
    privateSubnetCidrs: network.privateSubnetCidrs,
  };
}
