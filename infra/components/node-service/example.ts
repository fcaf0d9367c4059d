import { NodeService, Ports, ServiceImage } from "@causeway/components";
import * as k8s from "@pulumi/kubernetes";

/** A service of another team's program: its own provider, plain args, no Causeway stack. */
export function example() {
  const provider = new k8s.Provider("shop-cluster", { kubeconfig: "~/.kube/config" });
  const image = new ServiceImage("catalog", {
    pinned: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/catalog@sha256:${"4f".repeat(32)}`,
  });
  const catalog = new NodeService(
    "catalog",
    {
      namespace: "shop",
      image: image.imageRef,
      port: 8080,
      replicas: 2,
      autoscaling: { maxReplicas: 6 },
      env: { LOG_LEVEL: "info" },
      secretEnv: { DATABASE_URL: { secretName: "catalog-database", key: "DATABASE_URL" } },
      upstreams: [{ name: "pricing", port: 8080 }], // PRICING_URL + egress
      callers: ["storefront"], // ingress from these pods only
      egressCidrs: { database: { cidrs: ["10.0.128.0/19"], ports: [Ports.postgres] } },
      // Who may scrape :8080/metrics (default: Prometheus pods in the monitoring namespace).
      metricsScraper: {
        namespaceLabels: { "kubernetes.io/metadata.name": "observability" },
        podLabels: { "app.kubernetes.io/name": "prometheus" },
      },
    },
    { provider },
  );
  return { url: catalog.url }; // http://catalog.shop.svc.cluster.local:8080
}
