import * as eks from "@pulumi/aws/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../config";
import {
  isSupportedKubernetesVersion,
  KUBERNETES_VERSION_MESSAGE,
} from "../config/sections/cluster";

/**
 * The Kubernetes provider for the existing EKS cluster, from its kubeconfig secret (given, or
 * the cluster stack's output: infra/cluster/app-reference.ts). Every Kubernetes resource of the program uses it explicitly, so
 * nothing ever lands in whatever cluster the ambient kubeconfig points at. The provider is only
 * made for a cluster of a supported version: the config's `kubernetesVersion` is checked at
 * plan time, and the cluster's own version (EKS DescribeCluster, which `pulumi preview` and
 * `pulumi up` read) before any Kubernetes object is registered.
 */
export function clusterProvider(cluster: PlatformConfig["cluster"]): k8s.Provider {
  const kubeconfig = cluster.kubeconfig;
  if (kubeconfig === undefined) {
    throw new Error(
      "causeway:cluster has no kubeconfig: read the config with platformConfig (infra/cluster/app-reference.ts), which reads it from the stack reference",
    );
  }
  const actual = eks.getClusterOutput({ name: cluster.name }).version;
  const checked = pulumi.all([kubeconfig, actual]).apply(([k, version]) => {
    const problem = clusterVersionProblem(cluster.name, version);
    if (problem) throw new pulumi.RunError(problem);
    if (
      version &&
      !version.startsWith(`${cluster.kubernetesVersion}.`) &&
      version !== cluster.kubernetesVersion
    ) {
      void pulumi.log.warn(
        `causeway:cluster.kubernetesVersion is ${cluster.kubernetesVersion}, but the EKS cluster "${cluster.name}" runs ${version}; set it to ${version}`,
      );
    }
    return k;
  });
  return new k8s.Provider("cluster", {
    kubeconfig: pulumi.secret(checked),
    // The provider (and with it every Kubernetes resource) is replaced only when this changes,
    // not when the kubeconfig's credentials or endpoint text change.
    clusterIdentifier: cluster.name,
    enableServerSideApply: true,
  });
}

/**
 * Why the EKS cluster's own version (`1.29`, or `1.29.x` from other sources) is refused, if it
 * is; undefined when it is supported or not known (the offline plan knows no version: there the
 * config's `kubernetesVersion` is the check).
 */
export function clusterVersionProblem(
  clusterName: string,
  version: string | undefined,
): string | undefined {
  const match = version ? /^(\d+)\.(\d+)/.exec(version) : null;
  if (!match || isSupportedKubernetesVersion(`${match[1]}.${match[2]}`)) return undefined;
  return `causeway:cluster.kubernetesVersion: the EKS cluster "${clusterName}" runs Kubernetes ${version}; ${KUBERNETES_VERSION_MESSAGE}`;
}
