import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { known, tierConfigSchema, type TierConfig } from "./common";

/**
 * Observability rules (issue: staging and prod must have the DLQ alarm, the 5xx alarm, and log
 * shipping with a retention period). Keyed on the stack's causeway:environment like the other
 * tier rules: they apply in staging and prod, and wherever the environment is unknown (secure
 * default); dev may run without alarms. Each applies only to a plan that has the thing watched
 * (a broker, a load balancer, workloads), so the cluster project is not held to it.
 */

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const BROKER = "aws:mq/broker:Broker";
const LB = "aws:lb/loadBalancer:LoadBalancer";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const WORKLOADS = new Set([
  "kubernetes:apps/v1:Deployment",
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:apps/v1:DaemonSet",
]);
/** Charts that ship container logs to CloudWatch Logs (aws/eks-charts). */
const LOG_SHIPPER_CHARTS = new Set(["aws-for-fluent-bit"]);

interface MetricStatLike {
  namespace?: string;
  metricName?: string;
  dimensions?: Record<string, unknown>;
}
interface AlarmProps extends MetricStatLike {
  threshold?: number;
  comparisonOperator?: string;
  alarmActions?: unknown[];
  metricQueries?: { metric?: MetricStatLike }[];
}

/** The metrics an alarm reads (its own, or its metric-math queries'), as far as known. */
function metricsOf(a: AlarmProps): MetricStatLike[] {
  const plain = (m: MetricStatLike): MetricStatLike => ({
    namespace: field(() => m.namespace),
    metricName: field(() => m.metricName),
    dimensions: field(() => ({ ...m.dimensions })) ?? {},
  });
  const queries = field(() => (a.metricQueries ?? []).map((q) => q.metric ?? {})) ?? [];
  return [a, ...queries].map(plain).filter((m) => m.metricName !== undefined);
}

/** Whether the alarm notifies someone; actions only known after apply (a topic ARN) count. */
const hasActions = (a: AlarmProps) =>
  known(() => {
    const actions = a.alarmActions;
    return Array.isArray(actions) ? actions.length > 0 : actions !== undefined;
  }) ?? true;

/** Reads one field of an alarm; a value only known after apply reads as undefined. */
const field = <T>(read: () => T): T | undefined => known(read);

function appliesTo(getConfig: <T extends object>() => T): boolean {
  return getConfig<TierConfig>().environment !== "dev";
}

/** An alarm on a dead-letter queue's depth above 0, with an action. */
export function isDlqAlarm(a: AlarmProps): boolean {
  return (
    hasActions(a) &&
    field(() => a.threshold) === 0 &&
    field(() => a.comparisonOperator) === "GreaterThanThreshold" &&
    metricsOf(a).some(
      (m) =>
        m.namespace === "AWS/AmazonMQ" &&
        m.metricName === "MessageCount" &&
        typeof field(() => m.dimensions?.["Queue"]) === "string" &&
        (field(() => m.dimensions?.["Queue"]) as string).endsWith(".dlq"),
    )
  );
}

/** An alarm that reads the load balancer's target 5xx count, with an action. */
export function is5xxAlarm(a: AlarmProps): boolean {
  return (
    hasActions(a) &&
    metricsOf(a).some(
      (m) => m.namespace === "AWS/ApplicationELB" && m.metricName === "HTTPCode_Target_5XX_Count",
    )
  );
}

const alarms = (resources: PolicyResource[]): AlarmProps[] =>
  resources.filter((r) => r.type === ALARM).map((r) => r.props as AlarmProps);

export const observabilityPolicies: StackValidationPolicy[] = [
  {
    name: "observability-dlq-alarm",
    description:
      "Staging and prod stacks with a broker alarm on a dead-letter queue holding any message.",
    configSchema: tierConfigSchema,
    validateStack: (args, report) => {
      if (!appliesTo(args.getConfig)) return;
      const broker = args.resources.find((r) => r.type === BROKER);
      if (!broker) return;
      if (!alarms(args.resources).some(isDlqAlarm)) {
        report(
          "no alarm on a dead-letter queue: add a CloudWatch alarm on AWS/AmazonMQ MessageCount of a <queue>.dlq, threshold 0, GreaterThanThreshold, with an action (causeway:observability.alarms.enabled)",
          broker.urn,
        );
      }
    },
  },
  {
    name: "observability-5xx-alarm",
    description: "Staging and prod stacks with a load balancer alarm on its 5xx responses.",
    configSchema: tierConfigSchema,
    validateStack: (args, report) => {
      if (!appliesTo(args.getConfig)) return;
      const lb = args.resources.find((r) => r.type === LB);
      if (!lb) return;
      if (!alarms(args.resources).some(is5xxAlarm)) {
        report(
          "no alarm on the load balancer's 5xx responses: add a CloudWatch alarm reading AWS/ApplicationELB HTTPCode_Target_5XX_Count, with an action (causeway:observability.alarms.enabled)",
          lb.urn,
        );
      }
    },
  },
  {
    name: "observability-log-shipping",
    description:
      "Staging and prod stacks with workloads ship container logs to an encrypted CloudWatch Logs group with a retention period.",
    configSchema: tierConfigSchema,
    validateStack: (args, report) => {
      if (!appliesTo(args.getConfig)) return;
      const workload = args.resources.find((r) => WORKLOADS.has(r.type));
      if (!workload) return;
      const shippers = args.resources.filter(
        (r) =>
          r.type === RELEASE &&
          known(() => LOG_SHIPPER_CHARTS.has(String((r.props as { chart?: string }).chart))),
      );
      if (shippers.length === 0) {
        report(
          "no log shipping: install aws-for-fluent-bit with cloudWatchLogs enabled (causeway:observability.logs.enabled)",
          workload.urn,
        );
        return;
      }
      const groups = args.resources.filter((r) => r.type === LOG_GROUP);
      for (const s of shippers) {
        const target = known(() => {
          const cw = (
            s.props as {
              values?: { cloudWatchLogs?: { enabled?: boolean; logGroupName?: unknown } };
            }
          ).values?.cloudWatchLogs;
          return cw?.enabled === true ? String(cw.logGroupName) : null;
        });
        if (target === undefined) continue; // only known after apply: left to the real preview
        if (target === null) {
          report(`${s.name} does not enable cloudWatchLogs`, s.urn);
          continue;
        }
        const group = groups.find(
          (g) => known(() => (g.props as { name?: string }).name) === target,
        );
        if (!group) {
          report(
            `${s.name} ships to ${target}, which this stack does not create with a retention period`,
            s.urn,
          );
          continue;
        }
        const props = known(() => group.props as { retentionInDays?: number; kmsKeyId?: unknown });
        if (props === undefined) continue;
        if (!(typeof props.retentionInDays === "number" && props.retentionInDays > 0)) {
          report(
            `log group ${target} has no retention period (retentionInDays); set one`,
            group.urn,
          );
        }
        if (props.kmsKeyId === undefined) {
          report(`log group ${target} is not encrypted with a KMS key (kmsKeyId)`, group.urn);
        }
      }
    },
  },
];
