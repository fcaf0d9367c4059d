import { Cache } from "@causeway/components";
import * as k8s from "@pulumi/kubernetes";

/** A Multi-AZ Valkey cache for the gateway's rate limiter, its URL in a Secret of namespace shop. */
export function example() {
  const provider = new k8s.Provider("their-cluster", { kubeconfig: "~/.kube/config" });
  const cache = new Cache("shop-cache", {
    vpcId: "vpc-0a1b2c3d4e5f60718",
    subnetIds: ["subnet-0a20000000000000a", "subnet-0a20000000000000b"],
    clientSecurityGroupIds: { cluster: "sg-0a1b2c3d4e5f60718" },
    nodes: 2,
    nodeType: "cache.m7g.large",
    connectionSecret: { provider, namespace: "shop" },
  });
  return { cacheEndpoint: cache.primaryEndpoint };
}
