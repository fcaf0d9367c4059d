import type { TestResource } from "./support";

/**
 * One passing and one failing plan per observability rule, for the pack's table (rules.test.ts).
 * Each failing plan is the passing one less the thing the rule asks for; the rules apply in
 * staging and prod (the table runs them as staging).
 */

const r = (type: string, name: string, props: Record<string, unknown>): TestResource => ({
  type,
  name,
  props,
});

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const TOPIC = "arn:aws:sns:eu-west-1:111122223333:causeway-staging-alarms";

const broker = r("aws:mq/broker:Broker", "broker", { engineType: "RabbitMQ" });
const lb = r("aws:lb/loadBalancer:LoadBalancer", "alb", { loadBalancerType: "application" });
const deployment = r("kubernetes:apps/v1:Deployment", "orders", { spec: { replicas: 2 } });

export const dlqAlarm = (p: Record<string, unknown> = {}) =>
  r(ALARM, "dlq", {
    namespace: "AWS/AmazonMQ",
    metricName: "MessageCount",
    dimensions: {
      Broker: "causeway-staging",
      VirtualHost: "/",
      Queue: "orders.payment-failed.dlq",
    },
    statistic: "Maximum",
    period: 60,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    evaluationPeriods: 1,
    alarmActions: [TOPIC],
    ...p,
  });

export const fiveXxAlarm = (p: Record<string, unknown> = {}) =>
  r(ALARM, "5xx", {
    threshold: 5,
    comparisonOperator: "GreaterThanThreshold",
    evaluationPeriods: 3,
    metricQueries: [
      {
        id: "target5xx",
        metric: {
          namespace: "AWS/ApplicationELB",
          metricName: "HTTPCode_Target_5XX_Count",
          dimensions: { LoadBalancer: "app/edge/123" },
          stat: "Sum",
          period: 300,
        },
      },
      {
        id: "requests",
        metric: {
          namespace: "AWS/ApplicationELB",
          metricName: "RequestCount",
          dimensions: { LoadBalancer: "app/edge/123" },
          stat: "Sum",
          period: 300,
        },
      },
      { id: "rate", expression: "100 * target5xx / requests", returnData: true },
    ],
    alarmActions: [TOPIC],
    ...p,
  });

export const fluentBit = (values: Record<string, unknown> = {}) =>
  r("kubernetes:helm.sh/v3:Release", "fluent-bit", {
    chart: "aws-for-fluent-bit",
    version: "0.2.1",
    values: {
      cloudWatchLogs: { enabled: true, logGroupName: "/causeway-staging/containers" },
      ...values,
    },
  });

export const containerLogs = (p: Record<string, unknown> = {}) =>
  r("aws:cloudwatch/logGroup:LogGroup", "containers", {
    name: "/causeway-staging/containers",
    retentionInDays: 30,
    kmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/k",
    ...p,
  });

export const observabilityCases: Record<
  string,
  { pass: TestResource[]; fail: TestResource[]; message: string; stack?: string }
> = {
  "observability-dlq-alarm": {
    stack: "staging",
    pass: [broker, dlqAlarm()],
    // A depth alarm on the work queue is not a DLQ alarm.
    fail: [broker, dlqAlarm({ dimensions: { Broker: "b", VirtualHost: "/", Queue: "orders" } })],
    message: "no alarm on a dead-letter queue",
  },
  "observability-5xx-alarm": {
    stack: "staging",
    pass: [lb, fiveXxAlarm()],
    fail: [lb],
    message: "no alarm on the load balancer's 5xx responses",
  },
  "observability-log-shipping": {
    stack: "staging",
    pass: [deployment, fluentBit(), containerLogs()],
    fail: [deployment, fluentBit(), containerLogs({ retentionInDays: undefined })],
    message: "log group /causeway-staging/containers has no retention period",
  },
};
