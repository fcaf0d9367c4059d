import { LOG_RETENTION_DAYS } from "@causeway/components";
import { z } from "zod";
import { Environment, type ByTier } from "../environment";
import type { ConfigIssue } from "../errors";
import { onOff, tierNote } from "../tier-note";
import type { CheckContext, Section } from "./section";
import type { ServicesConfig } from "./services";

const KEY = "causeway:observability";

/**
 * The work queues each service consumes (its dead-letter queue is `<queue>.dlq`), for the queue
 * and DLQ alarms and the dashboard. Their one home is the services' code (the `queue:` of each
 * subscription, with the default QUEUE_PREFIX: services/orders/src/consumers.ts,
 * services/payments/src/consumer.ts); infra/compose/observability.test.ts reads those files and
 * fails when this table drifts from them.
 */
export const SERVICE_QUEUES: Readonly<Record<string, readonly string[]>> = {
  orders: ["orders.payment-failed", "orders.payment-succeeded"],
  payments: ["payments.order-placed"],
};

/**
 * Alarm thresholds, per tier. Each with its reason:
 * - alb5xxPercent: prod 1% (a 99.9% availability objective spends its month's budget in ~7 h at
 *   1%); staging 5% (fault drills run there and should not page).
 * - databaseCpuPercent: 90 staging (CloudWatch "Recommended alarms" for RDS CPUUtilization);
 *   80 prod (headroom for a Multi-AZ failover's catch-up).
 * - databaseFreeStoragePercent: 10 (the recommended alarms' FreeStorageSpace guidance; storage
 *   autoscaling also acts at 10% free, so the alarm says it did, or could not).
 * - databaseConnections: 80% of PostgreSQL's max_connections on the tier's default instance
 *   class (RDS default LEAST(DBInstanceClassMemory/9531392, 5000)): db.t4g.medium 4 GiB -> 450 ->
 *   360; db.m7g.large 8 GiB -> 901 -> 720. Raise it with the instance class.
 * - brokerMemoryPercent: 80 (RabbitMQ blocks publishers at its memory high watermark, the 100%
 *   of RabbitMQMemLimit; 80% leaves time to act).
 * - brokerDiskFreeRatio: 2 (RabbitMQ blocks publishers at RabbitMQDiskFreeLimit; alarm at twice).
 * - queueDepth: 1000 messages for 15 min (the services consume within seconds; a backlog that
 *   large and that long means consumers are down or failing).
 * - pendingOrderAgeSeconds: 1800 (the orders reconciler re-drives a PENDING order after 15 min,
 *   services/orders/src/config.ts; still PENDING after a second window means re-driving failed).
 * - podRestarts: 3 staging, 1 prod, restarts of one pod in 15 minutes (AMP rule).
 */
const thresholds = {
  staging: {
    alb5xxPercent: 5,
    databaseCpuPercent: 90,
    databaseFreeStoragePercent: 10,
    databaseConnections: 360,
    brokerMemoryPercent: 80,
    brokerDiskFreeRatio: 2,
    queueDepth: 1000,
    pendingOrderAgeSeconds: 1800,
  },
  prod: {
    alb5xxPercent: 1,
    databaseCpuPercent: 80,
    databaseFreeStoragePercent: 10,
    databaseConnections: 720,
    brokerMemoryPercent: 80,
    brokerDiskFreeRatio: 2,
    queueDepth: 1000,
    pendingOrderAgeSeconds: 1800,
  },
};

const serviceQueues = () =>
  Object.fromEntries(Object.entries(SERVICE_QUEUES).map(([k, v]) => [k, [...v]]));

const tierDefaults = {
  // Dev: the collector (one replica) and the dashboard, logs for a week, no alarms.
  dev: {
    metrics: { enabled: true, replicas: 1, scrapeIntervalSeconds: 60 },
    logs: { enabled: true, retentionDays: 7 },
    alarms: { enabled: false, emails: [], podRestarts: 3, thresholds: thresholds.staging },
    dashboard: { enabled: true },
    queues: serviceQueues(),
  },
  staging: {
    metrics: { enabled: true, replicas: 2, scrapeIntervalSeconds: 30 },
    logs: { enabled: true, retentionDays: 30 },
    alarms: { enabled: true, emails: [], podRestarts: 3, thresholds: thresholds.staging },
    dashboard: { enabled: true },
    queues: serviceQueues(),
  },
  prod: {
    metrics: { enabled: true, replicas: 2, scrapeIntervalSeconds: 30 },
    // A quarter: long enough to look back over an incident review cycle.
    logs: { enabled: true, retentionDays: 90 },
    alarms: { enabled: true, emails: [], podRestarts: 1, thresholds: thresholds.prod },
    dashboard: { enabled: true },
    queues: serviceQueues(),
  },
};

type Tier = (typeof tierDefaults)[keyof typeof tierDefaults];
const note = (pick: (tier: Tier) => unknown, show?: (value: unknown) => string) =>
  tierNote(tierDefaults, pick, show);

const positive = z.number().positive("must be a positive number");
const percent = positive.max(100, "is a percentage, at most 100");

/** `causeway:observability`: metrics and traces collector, log shipping, alarms, dashboard. */
export const observabilitySchema = z.strictObject({
  metrics: z
    .strictObject({
      enabled: z
        .boolean()
        .describe(
          `The ADOT collector: every service's and Envoy's metrics to AMP, a curated set to CloudWatch, OTLP traces to X-Ray; the services get OTEL_EXPORTER_OTLP_ENDPOINT. ${note((t) => t.metrics.enabled, onOff)}`,
        ),
      replicas: z
        .number()
        .int()
        .min(1, "must be at least 1")
        .max(10, "must be at most 10")
        .describe(
          `Collector replicas, each scraping its shard. ${note((t) => t.metrics.replicas)}`,
        ),
      scrapeIntervalSeconds: z
        .number()
        .int()
        .min(10, "must be at least 10")
        .max(300, "must be at most 300")
        .describe(`Scrape interval. ${note((t) => t.metrics.scrapeIntervalSeconds)}`),
    })
    .describe("Metrics and traces"),
  logs: z
    .strictObject({
      enabled: z
        .boolean()
        .describe(
          `Fluent Bit ships every container's logs to a KMS-encrypted CloudWatch Logs group. ${note((t) => t.logs.enabled, onOff)}`,
        ),
      retentionDays: z
        .number()
        .int()
        .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
          message: `must be a CloudWatch Logs retention: ${LOG_RETENTION_DAYS.join(", ")}`,
        })
        .describe(`Days the log group keeps events. ${note((t) => t.logs.retentionDays)}`),
    })
    .describe("Container logs"),
  alarms: z
    .strictObject({
      enabled: z
        .boolean()
        .describe(
          `CloudWatch alarms and AMP alerts to one KMS-encrypted SNS topic. ${note((t) => t.alarms.enabled, onOff)}`,
        ),
      emails: z
        .array(z.email("must be an email address"))
        .describe("Addresses subscribed to the alarm topic (each confirms once). Default none."),
      podRestarts: z
        .number()
        .int()
        .min(1, "must be at least 1")
        .describe(
          `Restarts of one pod in 15 minutes that page. ${note((t) => t.alarms.podRestarts)}`,
        ),
      thresholds: z
        .strictObject({
          alb5xxPercent: percent.describe(
            `Percent of requests answered 5xx. ${note((t) => t.alarms.thresholds.alb5xxPercent)}`,
          ),
          databaseCpuPercent: percent.describe(
            `RDS CPU percent. ${note((t) => t.alarms.thresholds.databaseCpuPercent)}`,
          ),
          databaseFreeStoragePercent: percent.describe(
            `RDS free storage, percent of allocated. ${note((t) => t.alarms.thresholds.databaseFreeStoragePercent)}`,
          ),
          databaseConnections: positive.describe(
            `RDS connections. ${note((t) => t.alarms.thresholds.databaseConnections)}`,
          ),
          brokerMemoryPercent: percent.describe(
            `Broker memory, percent of RabbitMQ's limit. ${note((t) => t.alarms.thresholds.brokerMemoryPercent)}`,
          ),
          brokerDiskFreeRatio: positive.describe(
            `Broker free disk, multiple of RabbitMQ's limit. ${note((t) => t.alarms.thresholds.brokerDiskFreeRatio)}`,
          ),
          queueDepth: positive.describe(
            `Messages in one work queue. ${note((t) => t.alarms.thresholds.queueDepth)}`,
          ),
          pendingOrderAgeSeconds: positive.describe(
            `Age of the oldest PENDING order. ${note((t) => t.alarms.thresholds.pendingOrderAgeSeconds)}`,
          ),
        })
        .describe("Thresholds (reasons in infra/config/sections/observability.ts)"),
    })
    .describe("Alarms"),
  dashboard: z
    .strictObject({
      enabled: z
        .boolean()
        .describe(
          `One CloudWatch dashboard for the stack. ${note((t) => t.dashboard.enabled, onOff)}`,
        ),
    })
    .describe("Dashboard"),
  queues: z
    .record(
      z.string(),
      z.array(
        z
          .string()
          .regex(/^[\w.:-]{1,100}$/, "must be a queue name of 1-100 [A-Za-z0-9_.:-]")
          .refine((q) => !q.endsWith(".dlq"), "is a dead-letter queue; list work queues only"),
      ),
    )
    .describe(
      "The work queues each service consumes, by service (their .dlq is watched with them). Default: the orders and payments queues.",
    ),
});

export type ObservabilityConfig = z.infer<typeof observabilitySchema>;

export const observabilityTierDefaults: ByTier<ObservabilityConfig> = tierDefaults;

/**
 * Staging and prod have the DLQ and 5xx alarms and log shipping (the policy pack checks the
 * plan too). `queues` entries of services the graph lacks, or that do not use the broker, are
 * left out by the composition (the defaults name orders and payments).
 */
export function checkObservability(
  o: ObservabilityConfig,
  context: CheckContext<{ services: ServicesConfig }>,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (context.env !== Environment.dev) {
    if (!o.alarms.enabled) {
      issues.push({
        path: `${KEY}.alarms.enabled`,
        message: `must be true in ${context.env}: the dead-letter and 5xx alarms are how a stuck order or a failing release is noticed (found false)`,
      });
    }
    if (!o.logs.enabled) {
      issues.push({
        path: `${KEY}.logs.enabled`,
        message: `must be true in ${context.env}: without shipped logs a restarted pod's logs are gone (found false)`,
      });
    }
  }
  return issues;
}

/** `causeway:observability`, as the loader reads it. */
export const observabilitySection = {
  schema: observabilitySchema,
  required: false,
  description:
    "Metrics, traces, logs, alarms and the dashboard: metrics (ADOT collector to AMP, CloudWatch and X-Ray), logs (Fluent Bit, retention), alarms (SNS, thresholds per tier), dashboard, queues.",
  tierDefaults: observabilityTierDefaults,
  check: checkObservability,
} satisfies Section<ObservabilityConfig, { services: ServicesConfig }>;
