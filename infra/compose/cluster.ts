import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../config";

/**
 * The Kubernetes provider for the existing EKS cluster, from a kubeconfig secret or from the
 * cluster stack's output. Every Kubernetes resource of the program uses it explicitly, so
 * nothing ever lands in whatever cluster the ambient kubeconfig points at.
 */
export function clusterProvider(cluster: PlatformConfig["cluster"]): k8s.Provider {
  const kubeconfig = cluster.kubeconfig ?? stackReferenceKubeconfig(cluster);
  return new k8s.Provider("cluster", {
    kubeconfig,
    // The provider (and with it every Kubernetes resource) is replaced only when this changes,
    // not when the kubeconfig's credentials or endpoint text change.
    clusterIdentifier: cluster.name,
    enableServerSideApply: true,
  });
}

function stackReferenceKubeconfig(cluster: PlatformConfig["cluster"]): pulumi.Output<string> {
  const ref = cluster.stackReference!;
  const stack = new pulumi.StackReference("cluster-stack", { name: ref.name });
  return pulumi.secret(stack.requireOutput(ref.output).apply(String));
}
