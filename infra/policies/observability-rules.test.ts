import { describe, expect, it } from "vitest";
import { containerLogs, dlqAlarm, fiveXxAlarm, fluentBit } from "./test/observability-cases";
import { planFixture } from "../test/fixtures";
import { evaluatePack } from "./evaluate";
import { causewayPack } from "./policies";
import { tierPolicyConfig } from "./rules/common";
import { violationsOf, type TestResource } from "./test/support";

/** The observability rules: each fails on a plan missing what it asks for, in staging and prod. */

const broker: TestResource = { type: "aws:mq/broker:Broker", name: "broker", props: {} };
const lb: TestResource = { type: "aws:lb/loadBalancer:LoadBalancer", name: "alb", props: {} };
const deployment: TestResource = {
  type: "kubernetes:apps/v1:Deployment",
  name: "orders",
  props: { spec: { replicas: 2 } },
};

describe.each(["staging", "prod"])("in %s", (stack) => {
  it("observability-dlq-alarm: a broker without a DLQ alarm fails; with one, passes", async () => {
    const rule = "observability-dlq-alarm";
    expect(await violationsOf(rule, [broker], stack)).toEqual([
      expect.stringMatching(/^no alarm on a dead-letter queue: /),
    ]);
    expect(await violationsOf(rule, [broker, dlqAlarm()], stack)).toEqual([]);
    // Not a DLQ alarm: a threshold above 0, no action, or another metric.
    for (const bad of [
      dlqAlarm({ threshold: 5 }),
      dlqAlarm({ alarmActions: [] }),
      dlqAlarm({ metricName: "ConsumerCount" }),
    ]) {
      expect(await violationsOf(rule, [broker, bad], stack)).toHaveLength(1);
    }
  });

  it("observability-5xx-alarm: a load balancer without a 5xx alarm fails; with one, passes", async () => {
    const rule = "observability-5xx-alarm";
    expect(await violationsOf(rule, [lb], stack)).toHaveLength(1);
    expect(await violationsOf(rule, [lb, fiveXxAlarm()], stack)).toEqual([]);
    // A single-metric alarm on the count passes too; one without an action does not.
    const single = fiveXxAlarm({
      metricQueries: undefined,
      namespace: "AWS/ApplicationELB",
      metricName: "HTTPCode_Target_5XX_Count",
    });
    expect(await violationsOf(rule, [lb, single], stack)).toEqual([]);
    expect(await violationsOf(rule, [lb, fiveXxAlarm({ alarmActions: [] })], stack)).toHaveLength(
      1,
    );
  });

  it("observability-log-shipping: workloads without shipping, or a group without retention or key, fail", async () => {
    const rule = "observability-log-shipping";
    expect(await violationsOf(rule, [deployment], stack)).toEqual([
      expect.stringMatching(/^no log shipping: /),
    ]);
    expect(await violationsOf(rule, [deployment, fluentBit(), containerLogs()], stack)).toEqual([]);
    expect(await violationsOf(rule, [deployment, fluentBit()], stack)).toEqual([
      "fluent-bit ships to /causeway-staging/containers, which this stack does not create with a retention period",
    ]);
    expect(
      await violationsOf(
        rule,
        [deployment, fluentBit(), containerLogs({ kmsKeyId: undefined })],
        stack,
      ),
    ).toEqual([
      "log group /causeway-staging/containers is not encrypted with a KMS key (kmsKeyId)",
    ]);
    expect(
      await violationsOf(
        rule,
        [deployment, fluentBit({ cloudWatchLogs: { enabled: false } }), containerLogs()],
        stack,
      ),
    ).toEqual(["fluent-bit does not enable cloudWatchLogs"]);
  });
});

describe("scope", () => {
  it("dev may run without alarms or log shipping", async () => {
    expect(await violationsOf("observability-dlq-alarm", [broker], "dev")).toEqual([]);
    expect(await violationsOf("observability-5xx-alarm", [lb], "dev")).toEqual([]);
    expect(await violationsOf("observability-log-shipping", [deployment], "dev")).toEqual([]);
  });

  it("a plan without a broker, load balancer or workloads (the cluster project) is not held to them", async () => {
    const vpc: TestResource = { type: "aws:ec2/vpc:Vpc", name: "vpc", props: {} };
    for (const rule of [
      "observability-dlq-alarm",
      "observability-5xx-alarm",
      "observability-log-shipping",
    ]) {
      expect(await violationsOf(rule, [vpc], "prod")).toEqual([]);
    }
  });
});

describe("on the real staging plan", () => {
  it("passes as planned, and fails once the alarms or the log shipping are taken out", async () => {
    const plan = await planFixture("staging");
    const rules = causewayPack.policies.filter((p) => p.name.startsWith("observability-"));
    const pack = { ...causewayPack, policies: rules };
    const judge = async (drop: (type: string, name: string) => boolean) =>
      (
        await evaluatePack(
          { ...plan, resources: plan.resources.filter((r) => !drop(r.type, r.name)) },
          pack,
          tierPolicyConfig(rules, "staging"),
        )
      ).violations.map((v) => `${v.policy}: ${v.message.split(":")[0]}`);
    expect(await judge(() => false)).toEqual([]);
    expect(await judge((type) => type === "aws:cloudwatch/metricAlarm:MetricAlarm")).toEqual([
      "observability-dlq-alarm: no alarm on a dead-letter queue",
      "observability-5xx-alarm: no alarm on the load balancer's 5xx responses",
    ]);
    expect(await judge((_, name) => name === "observability-fluent-bit")).toEqual([
      "observability-log-shipping: no log shipping",
    ]);
  });
});
