import { ConsulCluster } from "@causeway/components";
import * as k8s from "@pulumi/kubernetes";

/** Three Consul servers with TLS, ACLs and gossip encryption, from the pinned chart. */
export function example() {
  const provider = new k8s.Provider("shop-cluster", { kubeconfig: "~/.kube/config" });
  const consul = new ConsulCluster(
    "mesh",
    { chartVersion: "1.9.11", consulVersion: "1.22.7", servers: 3 },
    { provider },
  );
  return { namespace: consul.namespace };
}
