import {
  collectorScraper,
  Observability,
  otlpEndpoint,
  type MetricsScraper,
  type ObservabilityArgs,
} from "@causeway/components";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../config";
import { brokerName } from "../config/sections/broker";
import { databaseIdentifier } from "../config/sections/database";
import type { ComposedEdge } from "./edge";
import { APP_NAMESPACE } from "./namespace";

/**
 * The service whose code exports `orders_pending_oldest_age_seconds` and the order funnel's
 * metrics (services/orders/src/reconciler.ts, consumers.ts), and the suffixes of its result
 * queues (`<prefix>.payment-succeeded`, `<prefix>.payment-failed`).
 */
export const ORDER_FUNNEL = {
  service: "orders",
  paidSuffix: ".payment-succeeded",
  failedSuffix: ".payment-failed",
} as const;

/** The virtual host the services use on Amazon MQ (the broker's default, `/`). */
export const BROKER_VIRTUAL_HOST = "/";

/**
 * What each service's NodeService gets from observability: `OTEL_EXPORTER_OTLP_ENDPOINT` (the
 * collector's in-cluster OTLP/HTTP endpoint; a service's own `env` wins) and the collector as the
 * metrics scraper its NetworkPolicy admits. Nothing when the collector is off.
 */
export function observabilityServiceArgs(config: PlatformConfig): {
  readonly env: Readonly<Record<string, string>>;
  readonly metricsScraper?: MetricsScraper;
} {
  if (!config.observability.metrics.enabled) return { env: {} };
  return {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint() },
    metricsScraper: collectorScraper(),
  };
}

/** The work queues of the graph's broker users, from `causeway:observability.queues`. */
export function watchedQueues(config: PlatformConfig): string[] {
  const out: string[] = [];
  for (const [service, queues] of Object.entries(config.observability.queues)) {
    if (config.services[service]?.broker) out.push(...queues);
  }
  return [...new Set(out)].sort();
}

/** The Observability component's arguments for one stack (pure but for the edge's outputs). */
export function observabilityArgs(
  config: PlatformConfig,
  stack: string,
  region: string,
  provider: k8s.Provider,
  edge: ComposedEdge,
): ObservabilityArgs {
  const o = config.observability;
  const usesBroker = Object.values(config.services).some((s) => s.broker);
  const usesDatabase = Object.values(config.services).some((s) => s.database);
  const queues = watchedQueues(config);
  const funnelQueues = config.observability.queues[ORDER_FUNNEL.service] ?? [];
  const paid = funnelQueues.find((q) => q.endsWith(ORDER_FUNNEL.paidSuffix));
  const failed = funnelQueues.find((q) => q.endsWith(ORDER_FUNNEL.failedSuffix));
  const hasOrders = ORDER_FUNNEL.service in config.services;
  const alb = edge.loadBalancer;
  return {
    provider,
    oidcProviderArn: config.cluster.oidcProviderArn,
    region,
    namePrefix: `causeway-${stack}`,
    appNamespace: APP_NAMESPACE,
    // Every pod of the graph carries an Envoy sidecar (compose/mesh.ts).
    services: Object.fromEntries(
      Object.keys(config.services)
        .sort()
        .map((name) => [name, { port: config.services[name]!.port, meshed: true }]),
    ),
    collector: {
      enabled: o.metrics.enabled,
      replicas: o.metrics.replicas,
      scrapeIntervalSeconds: o.metrics.scrapeIntervalSeconds,
    },
    logs: { enabled: o.logs.enabled, retentionDays: o.logs.retentionDays },
    targets: {
      ...(alb && {
        loadBalancer: {
          arnSuffix: alb.loadBalancer.arnSuffix,
          targetGroups: Object.fromEntries(
            Object.keys(alb.targetGroups)
              .sort()
              .map((s) => [s, alb.targetGroups[s]!.arnSuffix]),
          ),
        },
      }),
      ...(usesDatabase && {
        database: {
          identifier: databaseIdentifier(config.database, stack),
          allocatedStorageGiB: config.database.allocatedStorage,
        },
      }),
      ...(usesBroker && {
        broker: {
          name: brokerName(config.broker, stack),
          virtualHost: BROKER_VIRTUAL_HOST,
          queues,
        },
      }),
      ...(hasOrders && { pendingOrders: { service: ORDER_FUNNEL.service } }),
      ...(hasOrders && paid && failed && { funnel: { paidQueue: paid, failedQueue: failed } }),
    },
    ...(o.alarms.enabled && {
      alarms: {
        thresholds: o.alarms.thresholds,
        podRestarts: o.alarms.podRestarts,
        emails: o.alarms.emails,
      },
    }),
    dashboard: o.dashboard.enabled,
    tags: { "causeway:stack": stack, "causeway:environment": config.environment },
  };
}

/** The stack's observability, and its share of the stack outputs. */
export function composeObservability(
  config: PlatformConfig,
  provider: k8s.Provider,
  edge: ComposedEdge,
  dependsOn: pulumi.Resource[],
): { readonly observability: Observability; readonly outputs: Record<string, unknown> } {
  const stack = pulumi.getStack();
  const region = new pulumi.Config("aws").require("region");
  const observability = new Observability(
    "observability",
    observabilityArgs(config, stack, region, provider, edge),
    { dependsOn },
  );
  return {
    observability,
    outputs: {
      ...(observability.topic && { alarmTopicArn: observability.topic.arn }),
      ...(observability.logGroup && { containerLogGroup: observability.logGroup.name }),
      ...(observability.dashboard && { dashboardName: observability.dashboard.dashboardName }),
      ...(observability.workspace && {
        prometheusEndpoint: observability.workspace.prometheusEndpoint,
      }),
    },
  };
}
