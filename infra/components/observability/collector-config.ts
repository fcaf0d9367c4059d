import { HealthPaths, Ports } from "../shared/contract";
import { CollectorPorts } from "./names";

/**
 * The ADOT collector's configuration, generated from the service graph. Pure; no Pulumi.
 *
 * - metrics: one Prometheus scrape job per service (Kubernetes pod discovery in the services'
 *   namespace, kept by the pod's `app.kubernetes.io/name`), on Envoy's merged metrics port when
 *   the pods are meshed (consul-dataplane serves Envoy's and the service's own `/metrics` there,
 *   so the service's series are not scraped twice), else on the service port. Remote-written to
 *   Amazon Managed Service for Prometheus, signed with SigV4 (the pod's IRSA role).
 * - traces: OTLP over HTTP on 4318 from the services, exported to AWS X-Ray.
 *
 * Component names from the ADOT collector v0.45 distribution: receivers `prometheus`, `otlp`;
 * processors `batch`, `memory_limiter`; exporters `prometheusremotewrite`, `awsxray`; extensions
 * `sigv4auth`, `health_check` (https://aws-otel.github.io/docs/components/...).
 */

/** The env variable holding the AMP workspace's remote-write URL. */
export const REMOTE_WRITE_ENV = "AMP_REMOTE_WRITE_URL";

/** The AMP remote-write URL of a workspace's Prometheus endpoint (`.../workspaces/<id>/`). */
export function remoteWriteUrl(prometheusEndpoint: string): string {
  return `${prometheusEndpoint.replace(/\/$/, "")}/api/v1/remote_write`;
}

/** The env variable holding a collector replica's shard index (its StatefulSet pod index). */
export const SHARD_ENV = "COLLECTOR_SHARD";

/** One scraped service. */
export interface ScrapeTarget {
  /** The service's port (its `/metrics` when not meshed). */
  readonly port: number;
  /** Whether the pods carry an Envoy sidecar that serves merged metrics on `Ports.envoyMetrics`. */
  readonly meshed: boolean;
}

export interface CollectorConfigInput {
  readonly region: string;
  /** Namespace of the services' pods. */
  readonly appNamespace: string;
  /** The services, by name (their pods' `app.kubernetes.io/name`). */
  readonly services: Readonly<Record<string, ScrapeTarget>>;
  /** Scrape interval in seconds. */
  readonly scrapeIntervalSeconds: number;
  /**
   * Collector replicas: each scrapes its own shard of the targets (hashmod of the address), so
   * no series is written twice; its index comes from the env variable `SHARD_ENV`.
   */
  readonly shards: number;
  /** CloudWatch namespace of the curated metrics (the dashboard's and the alarms'). */
  readonly cloudWatchNamespace: string;
  /** Log group the EMF exporter writes the curated metrics to (created, encrypted, by Pulumi). */
  readonly emfLogGroupName: string;
}

/**
 * The services' metrics that also go to CloudWatch (the kit's, services/kit/src/metrics.ts, and
 * orders', services/orders/src/reconciler.ts), with their dimensions (Prometheus labels; `service`
 * is set by the scrape job). The dashboard's golden signals and order funnel, and the pending-order
 * alarm, read these.
 */
export const CLOUDWATCH_METRICS = [
  {
    name: "http_request_duration_seconds",
    dimensions: [["service"], ["service", "status_code"]],
  },
  { name: "messages_consumed_total", dimensions: [["service", "queue", "outcome"]] },
  { name: "process_cpu_seconds_total", dimensions: [["service"]] },
  { name: "nodejs_eventloop_lag_p99_seconds", dimensions: [["service"]] },
  { name: "orders_pending_oldest_age_seconds", dimensions: [["service"]] },
  { name: "orders_pending", dimensions: [["service"]] },
] as const satisfies readonly { name: string; dimensions: readonly (readonly string[])[] }[];

/** The port and path a service's metrics are scraped on. */
export function scrapeEndpoint(t: ScrapeTarget): { port: number; path: string } {
  return { port: t.meshed ? Ports.envoyMetrics : t.port, path: HealthPaths.metrics };
}

/** The Prometheus scrape job of one service. */
export function scrapeJob(
  service: string,
  target: ScrapeTarget,
  appNamespace: string,
  intervalSeconds: number,
  shards: number,
) {
  const { port, path } = scrapeEndpoint(target);
  return {
    job_name: service,
    scrape_interval: `${intervalSeconds}s`,
    metrics_path: path,
    kubernetes_sd_configs: [{ role: "pod", namespaces: { names: [appNamespace] } }],
    relabel_configs: [
      {
        source_labels: ["__meta_kubernetes_pod_label_app_kubernetes_io_name"],
        action: "keep",
        regex: escapeRegex(service),
      },
      // Only running pods: a terminated pod keeps its IP in the API for a while.
      { source_labels: ["__meta_kubernetes_pod_phase"], action: "keep", regex: "Running" },
      {
        source_labels: ["__meta_kubernetes_pod_ip"],
        action: "replace",
        target_label: "__address__",
        regex: "(.+)",
        // `$$` is a literal `$` in the collector's config (a single `$` expands env variables).
        replacement: `$$1:${port}`,
      },
      // Sharding: each collector replica scrapes the targets whose address hashes to its index.
      {
        source_labels: ["__address__"],
        action: "hashmod",
        modulus: shards,
        target_label: "__tmp_shard",
      },
      { source_labels: ["__tmp_shard"], action: "keep", regex: `\${env:${SHARD_ENV}}` },
      { target_label: "service", replacement: service },
      { source_labels: ["__meta_kubernetes_pod_name"], target_label: "pod" },
      { source_labels: ["__meta_kubernetes_namespace"], target_label: "namespace" },
    ],
  };
}

/** The collector configuration (JSON is YAML: the collector reads it as is). */
export function collectorConfig(input: CollectorConfigInput) {
  const names = Object.keys(input.services).sort();
  return {
    extensions: {
      sigv4auth: { region: input.region, service: "aps" },
      health_check: { endpoint: `0.0.0.0:${CollectorPorts.health}` },
    },
    receivers: {
      otlp: { protocols: { http: { endpoint: `0.0.0.0:${CollectorPorts.otlpHttp}` } } },
      prometheus: {
        config: {
          global: { scrape_interval: `${input.scrapeIntervalSeconds}s` },
          scrape_configs: names.map((n) =>
            scrapeJob(
              n,
              input.services[n]!,
              input.appNamespace,
              input.scrapeIntervalSeconds,
              input.shards,
            ),
          ),
        },
      },
    },
    processors: {
      // Refuse data before the container's memory limit kills it (limit 512Mi below).
      memory_limiter: { check_interval: "1s", limit_percentage: 80, spike_limit_percentage: 20 },
      batch: { timeout: "10s" },
      // Only the curated metrics reach CloudWatch (each metric there is billed).
      "filter/cloudwatch": {
        metrics: {
          include: { match_type: "strict", metric_names: CLOUDWATCH_METRICS.map((m) => m.name) },
        },
      },
    },
    exporters: {
      prometheusremotewrite: {
        // Set in the pod's env from the workspace: the config itself is known at plan time.
        endpoint: `\${env:${REMOTE_WRITE_ENV}}`,
        auth: { authenticator: "sigv4auth" },
      },
      awsxray: { region: input.region },
      // The curated set, as CloudWatch metrics (embedded metric format): the dashboard and the
      // alarms read them next to the ALB's, RDS's and Amazon MQ's own metrics.
      awsemf: {
        region: input.region,
        namespace: input.cloudWatchNamespace,
        log_group_name: input.emfLogGroupName,
        log_stream_name: "collector",
        dimension_rollup_option: "NoDimensionRollup",
        metric_declarations: CLOUDWATCH_METRICS.map((m) => ({
          dimensions: m.dimensions.map((d) => [...d]),
          metric_name_selectors: [`^${m.name}$`],
        })),
      },
    },
    service: {
      extensions: ["health_check", "sigv4auth"],
      pipelines: {
        metrics: {
          receivers: ["prometheus"],
          processors: ["memory_limiter", "batch"],
          exporters: ["prometheusremotewrite"],
        },
        "metrics/cloudwatch": {
          receivers: ["prometheus"],
          processors: ["memory_limiter", "filter/cloudwatch", "batch"],
          exporters: ["awsemf"],
        },
        traces: {
          receivers: ["otlp"],
          processors: ["memory_limiter", "batch"],
          exporters: ["awsxray"],
        },
      },
    },
  };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
