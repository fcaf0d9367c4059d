import type { MetricsScraper } from "../node-service/network-policy";

/**
 * The fixed names and ports of the telemetry collector, so the services' NetworkPolicies, their
 * `OTEL_EXPORTER_OTLP_ENDPOINT` and the collector itself cannot drift apart. Pure.
 */

/** Default namespace of the collector. */
export const DEFAULT_OBSERVABILITY_NAMESPACE = "observability";

/** The collector's Deployment, Service and ServiceAccount name. */
export const COLLECTOR_NAME = "adot-collector";

/** Labels of the collector's pods (the services' NetworkPolicies admit these, and only these). */
export const COLLECTOR_POD_LABELS = {
  "app.kubernetes.io/name": COLLECTOR_NAME,
  "app.kubernetes.io/part-of": "causeway",
} as const;

/** Ports of the collector. */
export const CollectorPorts = {
  /** OTLP over HTTP (the services' exporter; `OTEL_EXPORTER_OTLP_PROTOCOL` http/protobuf or http/json). */
  otlpHttp: 4318,
  /** The collector's health_check extension (probes). */
  health: 13133,
} as const;

/**
 * The ADOT collector image, pinned. Source: aws-observability/aws-otel-collector VERSION
 * (v0.45.1), published at public.ecr.aws/aws-observability/aws-otel-collector.
 */
export const DEFAULT_COLLECTOR_IMAGE =
  "public.ecr.aws/aws-observability/aws-otel-collector:v0.45.1";

/** UID and GID of the ADOT image's non-root user (`aoc`, 10001 in its Dockerfile). */
export const COLLECTOR_UID = 10001;

/**
 * The aws-for-fluent-bit chart (https://aws.github.io/eks-charts), pinned. Source:
 * aws/eks-charts stable/aws-for-fluent-bit/Chart.yaml (version 0.2.1, appVersion 3.4.16).
 */
export const FLUENT_BIT_CHART = {
  repo: "https://aws.github.io/eks-charts",
  name: "aws-for-fluent-bit",
  version: "0.2.1",
} as const;

/**
 * Fluent Bit's namespace and service account (the IRSA subject): kube-system, the chart's
 * documented install namespace (aws/eks-charts stable/aws-for-fluent-bit/README.md).
 */
export const FLUENT_BIT_SERVICE_ACCOUNT = {
  namespace: "kube-system",
  name: "aws-for-fluent-bit",
} as const;

/** The in-cluster OTLP/HTTP endpoint of the collector in `namespace` (the services' env). */
export function otlpEndpoint(
  namespace = DEFAULT_OBSERVABILITY_NAMESPACE,
  clusterDomain = "cluster.local",
): string {
  return `http://${COLLECTOR_NAME}.${namespace}.svc.${clusterDomain}:${CollectorPorts.otlpHttp}`;
}

/** The collector as NodeService's `metricsScraper`: its namespace (by name) and pod labels. */
export function collectorScraper(namespace = DEFAULT_OBSERVABILITY_NAMESPACE): MetricsScraper {
  return {
    namespaceLabels: { "kubernetes.io/metadata.name": namespace },
    podLabels: { "app.kubernetes.io/name": COLLECTOR_NAME },
  };
}

/** The CloudWatch Logs group Fluent Bit ships every container's logs to. */
export function containerLogGroupName(prefix: string): string {
  return `${prefix}/containers`;
}
