import { NodeService, PublicLoadBalancer } from "@causeway/components";
import * as k8s from "@pulumi/kubernetes";

/**
 * An internet-facing ALB for two services, bound to their Kubernetes Services; each exposed
 * NodeService takes its ingress from the load balancer itself.
 */
export function example() {
  const provider = new k8s.Provider("shop-cluster", { kubeconfig: "~/.kube/config" });
  const edge = new PublicLoadBalancer("edge", {
    vpcId: "vpc-0a1b2c3d4e5f60718",
    subnetIds: ["subnet-0a10000000000000a", "subnet-0a10000000000000b"],
    subnetCidrs: ["10.10.0.0/24", "10.10.1.0/24"], // omit to look them up from subnetIds
    targetNetwork: { cidrIpv4: "10.10.0.0/16" },
    services: { web: { path: "/" }, api: { host: "api.example.com", port: 9090 } },
    certificateArn:
      "arn:aws:acm:eu-west-1:123456789012:certificate/0e0e0e0e-1111-2222-3333-444455556666",
    targetGroupBindings: { provider, namespace: "shop" },
  });
  for (const [name, port] of [
    ["web", 8080],
    ["api", 9090],
  ] as const) {
    new NodeService(
      name,
      {
        namespace: "shop",
        image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/${name}:1.4.2`,
        port,
        expose: { loadBalancer: edge }, // its NetworkPolicy admits edge.targetSources
      },
      { provider },
    );
  }
  return { url: edge.url };
}
