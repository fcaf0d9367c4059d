import { LoadBalancerController } from "@causeway/components";
import * as k8s from "@pulumi/kubernetes";

/** The AWS Load Balancer Controller for an existing EKS cluster, under an IRSA role. */
export function example() {
  const provider = new k8s.Provider("shop-cluster", { kubeconfig: "~/.kube/config" });
  const controller = new LoadBalancerController("lbc", {
    clusterName: "shop",
    oidcProviderArn:
      "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
    vpcId: "vpc-0a1b2c3d4e5f60718",
    region: "eu-west-1",
    provider,
  });
  return { roleArn: controller.role.arn };
}
