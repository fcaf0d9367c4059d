import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { imageRefProblem } from "../node-service/args";
import { LOG_RETENTION_DAYS } from "../network/network";
import { isDns1123Label } from "../shared/validators";
import type { AlarmTargets, AlarmThresholds } from "./alarms";
import type { ScrapeTarget } from "./collector-config";

/** Defaults of `ObservabilityArgs`, named in the docs. */
export const OBSERVABILITY_DEFAULTS = {
  collectorReplicas: 1,
  scrapeIntervalSeconds: 30,
  logRetentionDays: 30,
} as const;

export interface ObservabilityArgs {
  /**
   * The cluster's Kubernetes provider. Default: the component's own `provider` or `providers`
   * resource option (how other Pulumi languages pass it). One of the two is required.
   */
  readonly provider?: k8s.Provider;
  /** The cluster's IAM OIDC provider ARN: the collector and Fluent Bit assume their roles by IRSA. Required. */
  readonly oidcProviderArn: pulumi.Input<string>;
  /** The AWS Region (collector exporters, dashboard). Required. */
  readonly region: string;
  /**
   * Prefix of the named AWS objects: log groups `/<prefix>/...`, alarms `<prefix>-...`, the AMP
   * workspace alias, the dashboard, the metrics namespace `Causeway/<prefix>`. Required.
   */
  readonly namePrefix: string;
  /** Namespace of the services' pods, where the collector discovers them. Required. */
  readonly appNamespace: string;
  /** The services to scrape, by name (their pods' `app.kubernetes.io/name`). Required. */
  readonly services: Readonly<Record<string, ScrapeTarget>>;
  /** Namespace of the collector (created, Pod Security "restricted"). Default `observability`. */
  readonly namespace?: string;
  /**
   * The ADOT collector (metrics to AMP and CloudWatch, traces to X-Ray). Default
   * `{ enabled: true }`: one replica, the pinned image, a 30 s scrape interval.
   */
  readonly collector?: {
    readonly enabled: boolean;
    /** Image, pinned by tag or digest. Default `DEFAULT_COLLECTOR_IMAGE`. */
    readonly image?: string;
    /** Replicas; each scrapes its own shard of the pods. Default 1. */
    readonly replicas?: number;
    /** Default 30. */
    readonly scrapeIntervalSeconds?: number;
  };
  /**
   * Container logs: Fluent Bit (aws-for-fluent-bit chart, pinned) to one KMS-encrypted log group.
   * Default `{ enabled: true, retentionDays: 30 }`.
   */
  readonly logs?: {
    readonly enabled: boolean;
    /** One of `LOG_RETENTION_DAYS`. Default 30. */
    readonly retentionDays?: number;
    /** aws-for-fluent-bit chart version. Default `FLUENT_BIT_CHART.version`. */
    readonly chartVersion?: string;
  };
  /**
   * What the alarms and the dashboard watch. `pendingOrders.service` names the service exporting
   * `orders_pending_oldest_age_seconds` (read from the collector's CloudWatch namespace). Default:
   * nothing beyond the services.
   */
  readonly targets?: Omit<AlarmTargets, "pendingOrders"> & {
    readonly pendingOrders?: { readonly service: string };
  };
  /**
   * Alarms to one KMS-encrypted SNS topic (CloudWatch alarms, and AMP's alert manager for pod
   * restarts when the collector runs). Default: none.
   */
  readonly alarms?: {
    readonly thresholds: AlarmThresholds;
    /** Container restarts of one pod in 15 minutes that page (AMP rule). */
    readonly podRestarts: number;
    /** Email addresses subscribed to the topic (each must confirm). Default none. */
    readonly emails?: readonly string[];
  };
  /** A CloudWatch dashboard generated from the services and `targets`. Default false. */
  readonly dashboard?: boolean;
  /** Tags of every AWS resource. Default {}. */
  readonly tags?: Readonly<Record<string, string>>;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Every problem with the arguments, each naming the argument and what would be valid. */
export function observabilityArgsProblems(a: ObservabilityArgs): string[] {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(a.namePrefix)) {
    problems.push(
      `namePrefix: must be 1-40 lower-case letters, digits or hyphens, starting with a letter (found ${JSON.stringify(a.namePrefix)})`,
    );
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(a.region)) {
    problems.push(
      `region: must be an AWS Region such as eu-west-1 (found ${JSON.stringify(a.region)})`,
    );
  }
  const ns = a.namespace ?? "observability";
  if (!isDns1123Label(ns))
    problems.push(`namespace: must be a DNS-1123 label (found ${JSON.stringify(ns)})`);
  if (!isDns1123Label(a.appNamespace)) {
    problems.push(
      `appNamespace: must be a DNS-1123 label (found ${JSON.stringify(a.appNamespace)})`,
    );
  }
  if (ns === a.appNamespace) {
    problems.push(
      `namespace: must differ from appNamespace (${a.appNamespace}): the collector runs apart from the services it scrapes`,
    );
  }
  const names = Object.keys(a.services);
  if (names.length === 0) problems.push("services: list at least one service to observe");
  for (const n of names) {
    if (!isDns1123Label(n)) problems.push(`services.${n}: the name must be a DNS-1123 label`);
    const port = a.services[n]!.port;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      problems.push(`services.${n}.port: must be an integer 1-65535 (found ${port})`);
    }
  }
  const c = a.collector;
  if (c?.image !== undefined) {
    const p = imageRefProblem(c.image);
    if (p) problems.push(`collector.image: ${p}`);
  }
  if (
    c?.replicas !== undefined &&
    (!Number.isInteger(c.replicas) || c.replicas < 1 || c.replicas > 10)
  ) {
    problems.push(`collector.replicas: must be an integer 1-10 (found ${c.replicas})`);
  }
  const interval = c?.scrapeIntervalSeconds;
  if (interval !== undefined && (!Number.isInteger(interval) || interval < 10 || interval > 300)) {
    problems.push(`collector.scrapeIntervalSeconds: must be an integer 10-300 (found ${interval})`);
  }
  const days = a.logs?.retentionDays;
  if (days !== undefined && !(LOG_RETENTION_DAYS as readonly number[]).includes(days)) {
    problems.push(
      `logs.retentionDays: CloudWatch Logs accepts only ${LOG_RETENTION_DAYS.join(", ")} (found ${days})`,
    );
  }
  if (a.logs?.chartVersion !== undefined && !/^\d+\.\d+\.\d+$/.test(a.logs.chartVersion)) {
    problems.push(
      `logs.chartVersion: must be an exact chart version such as 0.2.1 (found ${JSON.stringify(a.logs.chartVersion)})`,
    );
  }
  const al = a.alarms;
  if (al) {
    for (const [key, value] of Object.entries(al.thresholds)) {
      if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
        problems.push(
          `alarms.thresholds.${key}: must be a positive number (found ${String(value)})`,
        );
      }
    }
    for (const key of [
      "alb5xxPercent",
      "databaseCpuPercent",
      "databaseFreeStoragePercent",
      "brokerMemoryPercent",
    ] as const) {
      if (al.thresholds[key] > 100) {
        problems.push(
          `alarms.thresholds.${key}: is a percentage, at most 100 (found ${al.thresholds[key]})`,
        );
      }
    }
    if (!Number.isInteger(al.podRestarts) || al.podRestarts < 1) {
      problems.push(
        `alarms.podRestarts: must be an integer of at least 1 (found ${al.podRestarts})`,
      );
    }
    for (const e of al.emails ?? []) {
      if (!EMAIL.test(e)) problems.push(`alarms.emails: "${e}" is not an email address`);
    }
  }
  const broker = a.targets?.broker;
  for (const q of broker?.queues ?? []) {
    if (q.endsWith(".dlq")) {
      problems.push(
        `targets.broker.queues: "${q}" is a dead-letter queue; list the work queues, their .dlq is watched with them`,
      );
    }
  }
  const pending = a.targets?.pendingOrders;
  if (pending && !(pending.service in a.services)) {
    problems.push(
      `targets.pendingOrders.service: "${pending.service}" is not one of services (${names.join(", ")})`,
    );
  }
  return problems;
}
