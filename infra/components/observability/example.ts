import { Observability } from "@causeway/components";
import * as k8s from "@pulumi/kubernetes";

/**
 * Metrics, traces and logs for two services in the `shop` namespace, with alarms on the load
 * balancer and a dashboard. Give each service `OTEL_EXPORTER_OTLP_ENDPOINT: obs.otlpEndpoint`
 * and NodeService's `metricsScraper: obs.scraper`.
 */
export function example() {
  const provider = new k8s.Provider("cluster", { kubeconfig: "<kubeconfig>" });
  const obs = new Observability("obs", {
    provider,
    oidcProviderArn:
      "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE",
    region: "eu-west-1",
    namePrefix: "shop-prod",
    appNamespace: "shop",
    services: { api: { port: 8080, meshed: false }, worker: { port: 8080, meshed: false } },
    logs: { enabled: true, retentionDays: 90 },
    targets: {
      loadBalancer: {
        arnSuffix: "app/shop/0123456789abcdef",
        targetGroups: { api: "targetgroup/shop-api/0123456789abcdef" },
      },
    },
    alarms: {
      thresholds: {
        alb5xxPercent: 1,
        databaseCpuPercent: 80,
        databaseFreeStoragePercent: 10,
        databaseConnections: 720,
        brokerMemoryPercent: 80,
        brokerDiskFreeRatio: 2,
        queueDepth: 1000,
        pendingOrderAgeSeconds: 1800,
      },
      podRestarts: 1,
      emails: ["oncall@example.com"],
    },
    dashboard: true,
  });
  return { otlpEndpoint: obs.otlpEndpoint, topicArn: obs.topic?.arn };
}
