import type * as pulumi from "@pulumi/pulumi";

/**
 * The CloudWatch alarms of one stack, as a table built from what the stack has (load balancer
 * and its target groups, database, broker and its queues, the orders service). Pure; no Pulumi
 * runtime. Every threshold comes from `AlarmThresholds` (tier defaults in infra/config, each with
 * its reason there); the periods and datapoints below carry their reason beside them.
 */

type Str = pulumi.Input<string>;

/** Thresholds, per stack. */
export interface AlarmThresholds {
  /** Percent of the load balancer's requests answered 5xx (targets' plus its own), per 5 min. */
  readonly alb5xxPercent: number;
  /** RDS CPUUtilization, percent, averaged over 5 min. */
  readonly databaseCpuPercent: number;
  /** RDS FreeStorageSpace below this percent of the allocated storage. */
  readonly databaseFreeStoragePercent: number;
  /** RDS DatabaseConnections above this. */
  readonly databaseConnections: number;
  /** Amazon MQ RabbitMQMemUsed as a percent of RabbitMQMemLimit (the memory alarm's watermark). */
  readonly brokerMemoryPercent: number;
  /** Amazon MQ RabbitMQDiskFree below this multiple of RabbitMQDiskFreeLimit. */
  readonly brokerDiskFreeRatio: number;
  /** Messages in one work queue (ready plus unacknowledged). */
  readonly queueDepth: number;
  /** Age of the oldest PENDING order, seconds. */
  readonly pendingOrderAgeSeconds: number;
}

/** What the alarms watch. */
export interface AlarmTargets {
  /** The ALB: its `arnSuffix`, and each target group's `arnSuffix` by service. */
  readonly loadBalancer?: {
    readonly arnSuffix: Str;
    readonly targetGroups: Readonly<Record<string, Str>>;
  };
  /** The RDS instance and its allocated storage (GiB). Read replicas: none (see README). */
  readonly database?: { readonly identifier: Str; readonly allocatedStorageGiB: number };
  /** The Amazon MQ broker, its virtual host and its work queues (each has `<queue>.dlq`). */
  readonly broker?: {
    readonly name: Str;
    readonly virtualHost: string;
    readonly queues: readonly string[];
  };
  /**
   * The service that exports `orders_pending_oldest_age_seconds` (and the funnel's metrics), and
   * the CloudWatch namespace the collector writes them to.
   */
  readonly pendingOrders?: { readonly service: string; readonly namespace: string };
  /** The order funnel's result queues (consumed by the `pendingOrders` service). Dashboard only. */
  readonly funnel?: { readonly paidQueue: string; readonly failedQueue: string };
}

/** What kind of alarm a spec is (the policy pack and the dashboard key on these). */
export const AlarmKind = {
  alb5xx: "alb-5xx-rate",
  albUnhealthy: "alb-unhealthy-targets",
  databaseCpu: "database-cpu",
  databaseStorage: "database-free-storage",
  databaseConnections: "database-connections",
  brokerMemory: "broker-memory",
  brokerDisk: "broker-disk",
  queueDepth: "queue-depth",
  dlqDepth: "dlq-depth",
  pendingOrderAge: "pending-order-age",
} as const;
export type AlarmKind = (typeof AlarmKind)[keyof typeof AlarmKind];

interface MetricStat {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, Str>>;
  readonly statistic: "Average" | "Maximum" | "Minimum" | "Sum";
  readonly period: number;
}

/** One alarm: the inputs of an `aws.cloudwatch.MetricAlarm` (less name and actions). */
export interface AlarmSpec {
  /** Stable key: the child resource's name suffix and the alarm name's. */
  readonly key: string;
  readonly kind: AlarmKind;
  readonly description: string;
  readonly comparisonOperator:
    "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold";
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: "missing" | "notBreaching" | "breaching";
  /** A single metric... */
  readonly metric?: MetricStat;
  /** ...or metric math: the last query is the one alarmed on. */
  readonly queries?: readonly {
    readonly id: string;
    readonly expression?: string;
    readonly label?: string;
    readonly metric?: MetricStat;
  }[];
}

/** The dead-letter queue of a work queue (services/kit/src/messaging/topology.ts). */
export const dlqOf = (queue: string): string => `${queue}.dlq`;

const FIVE_MINUTES = 300;
const ONE_MINUTE = 60;

/** Every alarm for `targets`, in a stable order. */
export function alarmSpecs(targets: AlarmTargets, t: AlarmThresholds): AlarmSpec[] {
  const specs: AlarmSpec[] = [];
  const lb = targets.loadBalancer;
  if (lb) {
    const alb = (metricName: string): MetricStat => ({
      namespace: "AWS/ApplicationELB",
      metricName,
      dimensions: { LoadBalancer: lb.arnSuffix },
      statistic: "Sum",
      period: FIVE_MINUTES,
    });
    specs.push({
      key: AlarmKind.alb5xx,
      kind: AlarmKind.alb5xx,
      description: `More than ${t.alb5xxPercent}% of requests answered 5xx (targets and load balancer) in 2 of 3 five-minute periods`,
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.alb5xxPercent,
      // Two of three: one bad deploy minute pages, a single stray 502 on low traffic does not.
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      // No requests is not an error rate.
      treatMissingData: "notBreaching",
      queries: [
        { id: "target5xx", metric: alb("HTTPCode_Target_5XX_Count") },
        { id: "elb5xx", metric: alb("HTTPCode_ELB_5XX_Count") },
        { id: "requests", metric: alb("RequestCount") },
        {
          id: "rate",
          label: "5xx percent",
          expression: "100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests",
        },
      ],
    });
    for (const service of Object.keys(lb.targetGroups).sort()) {
      specs.push({
        key: `${AlarmKind.albUnhealthy}-${service}`,
        kind: AlarmKind.albUnhealthy,
        description: `The load balancer sees an unhealthy ${service} target for 3 minutes`,
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        // Three minutes: longer than a rolling update's readiness gap, shorter than a customer's patience.
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        treatMissingData: "notBreaching",
        metric: {
          namespace: "AWS/ApplicationELB",
          metricName: "UnHealthyHostCount",
          dimensions: { LoadBalancer: lb.arnSuffix, TargetGroup: lb.targetGroups[service]! },
          statistic: "Maximum",
          period: ONE_MINUTE,
        },
      });
    }
  }
  const db = targets.database;
  if (db) {
    const rds = (metricName: string, statistic: MetricStat["statistic"]): MetricStat => ({
      namespace: "AWS/RDS",
      metricName,
      dimensions: { DBInstanceIdentifier: db.identifier },
      statistic,
      period: FIVE_MINUTES,
    });
    specs.push(
      {
        key: AlarmKind.databaseCpu,
        kind: AlarmKind.databaseCpu,
        description: `Database CPU above ${t.databaseCpuPercent}% for 15 minutes`,
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.databaseCpuPercent,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        // A silent database is itself a problem: missing data breaches.
        treatMissingData: "breaching",
        metric: rds("CPUUtilization", "Average"),
      },
      {
        key: AlarmKind.databaseStorage,
        kind: AlarmKind.databaseStorage,
        description: `Database free storage below ${t.databaseFreeStoragePercent}% of ${db.allocatedStorageGiB} GiB`,
        comparisonOperator: "LessThanThreshold",
        threshold: Math.floor(
          (db.allocatedStorageGiB * 1024 ** 3 * t.databaseFreeStoragePercent) / 100,
        ),
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: "breaching",
        metric: rds("FreeStorageSpace", "Minimum"),
      },
      {
        key: AlarmKind.databaseConnections,
        kind: AlarmKind.databaseConnections,
        description: `Database connections above ${t.databaseConnections} for 10 minutes`,
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.databaseConnections,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: "breaching",
        metric: rds("DatabaseConnections", "Maximum"),
      },
    );
  }
  const broker = targets.broker;
  if (broker) {
    const mq = (metricName: string, statistic: MetricStat["statistic"]): MetricStat => ({
      namespace: "AWS/AmazonMQ",
      metricName,
      dimensions: { Broker: broker.name },
      statistic,
      period: FIVE_MINUTES,
    });
    specs.push(
      {
        key: AlarmKind.brokerMemory,
        kind: AlarmKind.brokerMemory,
        description: `Broker memory above ${t.brokerMemoryPercent}% of RabbitMQ's memory limit (at 100% it blocks every publisher)`,
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.brokerMemoryPercent,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: "breaching",
        queries: [
          { id: "used", metric: mq("RabbitMQMemUsed", "Maximum") },
          { id: "limit", metric: mq("RabbitMQMemLimit", "Minimum") },
          { id: "percent", label: "memory percent of limit", expression: "100 * used / limit" },
        ],
      },
      {
        key: AlarmKind.brokerDisk,
        kind: AlarmKind.brokerDisk,
        description: `Broker free disk below ${t.brokerDiskFreeRatio}x RabbitMQ's free-disk limit (at 1x it blocks every publisher)`,
        comparisonOperator: "LessThanThreshold",
        threshold: t.brokerDiskFreeRatio,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: "breaching",
        queries: [
          { id: "free", metric: mq("RabbitMQDiskFree", "Minimum") },
          { id: "limit", metric: mq("RabbitMQDiskFreeLimit", "Maximum") },
          { id: "ratio", label: "free disk / limit", expression: "free / limit" },
        ],
      },
    );
    const queue = (name: string, period: number): MetricStat => ({
      namespace: "AWS/AmazonMQ",
      metricName: "MessageCount",
      dimensions: { Broker: broker.name, VirtualHost: broker.virtualHost, Queue: name },
      statistic: "Maximum",
      period,
    });
    for (const q of [...broker.queues].sort()) {
      specs.push({
        key: `${AlarmKind.queueDepth}-${q}`,
        kind: AlarmKind.queueDepth,
        description: `Queue ${q} holds more than ${t.queueDepth} messages for 15 minutes: its consumers are behind or down`,
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.queueDepth,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        treatMissingData: "notBreaching",
        metric: queue(q, FIVE_MINUTES),
      });
      specs.push({
        key: `${AlarmKind.dlqDepth}-${q}`,
        kind: AlarmKind.dlqDepth,
        description: `Dead-letter queue ${dlqOf(q)} holds a message: an order may be stuck (README, "Where to look when an order is stuck")`,
        comparisonOperator: "GreaterThanThreshold",
        // Any parked message is a decision someone has to make: no tolerance, in any tier.
        threshold: 0,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: "notBreaching",
        metric: queue(dlqOf(q), ONE_MINUTE),
      });
    }
  }
  const pending = targets.pendingOrders;
  if (pending) {
    specs.push({
      key: AlarmKind.pendingOrderAge,
      kind: AlarmKind.pendingOrderAge,
      description: `The oldest PENDING order is older than ${t.pendingOrderAgeSeconds} s: payment results are not arriving`,
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.pendingOrderAgeSeconds,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      // The gauge stops when orders is down; the unhealthy-target alarm covers that.
      treatMissingData: "notBreaching",
      metric: {
        namespace: pending.namespace,
        metricName: "orders_pending_oldest_age_seconds",
        dimensions: { service: pending.service },
        statistic: "Maximum",
        period: ONE_MINUTE,
      },
    });
  }
  return specs;
}
