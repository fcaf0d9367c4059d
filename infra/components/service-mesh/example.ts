import { ConsulCluster, ServiceMesh } from "@causeway/components";
import * as k8s from "@pulumi/kubernetes";

/** web calls cart, and nothing else is allowed: intentions, defaults, routers, resolvers. */
export function example() {
  const provider = new k8s.Provider("shop-cluster", { kubeconfig: "~/.kube/config" });
  const consul = new ConsulCluster(
    "mesh",
    { chartVersion: "1.9.11", consulVersion: "1.22.7" },
    { provider },
  );
  new ServiceMesh(
    "shop",
    {
      namespace: "shop",
      services: { web: { upstreams: ["cart"] }, cart: { upstreams: [] } },
      crds: consul.release,
    },
    { provider },
  );
  return {};
}
