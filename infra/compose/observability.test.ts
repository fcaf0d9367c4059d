import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { SERVICE_QUEUES } from "../config/sections/observability";
import { configProblems } from "../test/config-problems";
import {
  fixtureConfig,
  fixturePlans,
  planFixture,
  rawFixtureConfig,
  WITH_FOURTH_SERVICE,
} from "../test/fixtures";
import { REPO_ROOT } from "./services";
import { dashboardBody } from "@causeway/components";
import { observabilityArgs, watchedQueues } from "./observability";

/** The observability of each fixture stack, as the real program plans it. */

const plans = fixturePlans();
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const alarmNames = async (stack: "dev" | "staging" | "prod") =>
  (await plans(stack))
    .byType(ALARM)
    .map((a) => String(a.inputs["name"]))
    .sort();

describe("staging and prod: collector, log shipping, alarms and dashboard", () => {
  it.each(["staging", "prod"] as const)("%s", async (stack) => {
    const p = await plans(stack);
    const config = fixtureConfig(stack);
    const collector = p.get("kubernetes:apps/v1:StatefulSet", "observability-collector");
    expect((collector.inputs["spec"] as { replicas: number }).replicas).toBe(2);
    expect(p.get("aws:amp/workspace:Workspace", "observability-metrics").inputs["alias"]).toBe(
      `causeway-${stack}`,
    );
    expect(p.get("kubernetes:helm.sh/v3:Release", "observability-fluent-bit").inputs).toMatchObject(
      {
        chart: "aws-for-fluent-bit",
        values: { cloudWatchLogs: { logGroupName: `/causeway-${stack}/containers` } },
      },
    );
    expect(
      p.get("aws:cloudwatch/logGroup:LogGroup", "observability-containers").inputs,
    ).toMatchObject({
      name: `/causeway-${stack}/containers`,
      retentionInDays: stack === "prod" ? 90 : 30,
    });
    const queues = watchedQueues(config);
    expect(queues).toEqual([
      "orders.payment-failed",
      "orders.payment-succeeded",
      "payments.order-placed",
    ]);
    expect(await alarmNames(stack)).toEqual(
      [
        "alb-5xx-rate",
        "alb-unhealthy-targets-gateway",
        "broker-disk",
        "broker-memory",
        "database-connections",
        "database-cpu",
        "database-free-storage",
        ...queues.map((q) => `dlq-depth-${q}`),
        "pending-order-age",
        ...queues.map((q) => `queue-depth-${q}`),
      ]
        .map((k) => `causeway-${stack}-${k}`)
        .sort(),
    );
    // Thresholds per tier (infra/config/sections/observability.ts states each reason).
    const fiveXx = p.get(ALARM, "observability-alb-5xx-rate");
    expect(fiveXx.inputs["threshold"]).toBe(stack === "prod" ? 1 : 5);
    const connections = p.get(ALARM, "observability-database-connections");
    expect(connections.inputs["threshold"]).toBe(stack === "prod" ? 720 : 360);
    expect(p.byType("aws:amp/ruleGroupNamespace:RuleGroupNamespace")).toHaveLength(1);
    expect(p.byType("aws:cloudwatch/dashboard:Dashboard")).toHaveLength(1);
    expect(p.outputs).toMatchObject({
      containerLogGroup: expect.anything(),
      alarmTopicArn: expect.anything(),
    });
  });
});

describe("dev is lighter", () => {
  it("has the collector (one replica), the dashboard and a week of logs, and no alarms", async () => {
    const p = await plans("dev");
    const collector = p.get("kubernetes:apps/v1:StatefulSet", "observability-collector");
    expect((collector.inputs["spec"] as { replicas: number }).replicas).toBe(1);
    expect(
      p.get("aws:cloudwatch/logGroup:LogGroup", "observability-containers").inputs[
        "retentionInDays"
      ],
    ).toBe(7);
    expect(p.byType("aws:cloudwatch/dashboard:Dashboard")).toHaveLength(1);
    expect(await alarmNames("dev")).toEqual([]);
    expect(p.byType("aws:sns/topic:Topic")).toEqual([]);
    expect(p.byType("aws:amp/ruleGroupNamespace:RuleGroupNamespace")).toEqual([]);
  });
});

describe("the services and the collector", () => {
  it("every service exports to the collector and admits it on its metrics ports only", async () => {
    const p = await plans("prod");
    for (const name of Object.keys(fixtureConfig("prod").services)) {
      const deployment = p.get("kubernetes:apps/v1:Deployment", name);
      const env = (
        deployment.inputs["spec"] as {
          template: {
            spec: { containers: { name: string; env: { name: string; value?: string }[] }[] };
          };
        }
      ).template.spec.containers[0]!.env;
      expect(env).toContainEqual({
        name: "OTEL_EXPORTER_OTLP_ENDPOINT",
        value: "http://adot-collector.observability.svc.cluster.local:4318",
      });
      const policy = p.get("kubernetes:networking.k8s.io/v1:NetworkPolicy", name);
      const ingress = (
        policy.inputs["spec"] as { ingress: { from: unknown[]; ports: unknown[] }[] }
      ).ingress;
      const scraper = ingress.filter((r) =>
        JSON.stringify(r.from).includes('"kubernetes.io/metadata.name":"observability"'),
      );
      expect(scraper).toEqual([
        {
          from: [
            {
              namespaceSelector: {
                matchLabels: { "kubernetes.io/metadata.name": "observability" },
              },
              podSelector: { matchLabels: { "app.kubernetes.io/name": "adot-collector" } },
            },
          ],
          ports: [
            { protocol: "TCP", port: 8080 },
            { protocol: "TCP", port: 20200 },
          ],
        },
      ]);
    }
  });

  it("the dashboard and the scrape jobs follow the service graph: a fourth service gets its own", async () => {
    const config = fixtureConfig("prod", WITH_FOURTH_SERVICE);
    const p = await planFixture("prod", WITH_FOURTH_SERVICE);
    // The body is known after apply (it names the ALB and the alarms' ARNs); it is the pure
    // dashboardBody of the arguments the stack passes.
    const args = observabilityArgs(config, "prod", "eu-west-1", {} as never, {
      outputs: {},
    });
    const body = dashboardBody({
      region: args.region,
      title: args.namePrefix,
      metricsNamespace: "Causeway/causeway-prod",
      services: Object.keys(args.services),
    });
    const titles = body.widgets.map((w) => String(w.properties["title"] ?? ""));
    for (const name of ["gateway", "inventory", "orders", "payments"]) {
      expect(titles.filter((t) => t.startsWith(`${name}: `))).toEqual([
        `${name}: traffic (requests/min)`,
        `${name}: errors (5xx/min)`,
        `${name}: latency (s)`,
        `${name}: saturation`,
      ]);
    }
    // The collector scrapes the fourth service too (its config is planned in full).
    const collector = JSON.parse(
      String(
        (
          p.get("kubernetes:core/v1:ConfigMap", "observability-collector").inputs["data"] as Record<
            string,
            unknown
          >
        )["collector.yaml"],
      ),
    ) as { receivers: { prometheus: { config: { scrape_configs: { job_name: string }[] } } } };
    expect(collector.receivers.prometheus.config.scrape_configs.map((j) => j.job_name)).toEqual([
      "gateway",
      "inventory",
      "orders",
      "payments",
    ]);
    expect(Object.keys(args.services).sort()).toEqual([
      "gateway",
      "inventory",
      "orders",
      "payments",
    ]);
  });
});

describe("causeway:observability", () => {
  it("refuses staging or prod without alarms or log shipping", () => {
    const raw = rawFixtureConfig("staging", {
      "causeway:observability": { alarms: { enabled: false }, logs: { enabled: false } },
    });
    expect(configProblems(raw, "staging")).toEqual([
      "causeway:observability.alarms.enabled: must be true in staging: the dead-letter and 5xx alarms are how a stuck order or a failing release is noticed (found false)",
      "causeway:observability.logs.enabled: must be true in staging: without shipped logs a restarted pod's logs are gone (found false)",
    ]);
  });

  it("refuses a retention CloudWatch Logs does not accept, and a DLQ listed as a work queue", () => {
    const raw = rawFixtureConfig("prod", {
      "causeway:observability": {
        logs: { retentionDays: 10 },
        queues: { orders: ["orders.x.dlq"] },
      },
    });
    expect(configProblems(raw, "prod")).toEqual([
      "causeway:observability.logs.retentionDays: must be a CloudWatch Logs retention: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (found 10)",
      'causeway:observability.queues.orders[0]: is a dead-letter queue; list work queues only (found "orders.x.dlq")',
    ]);
  });

  it("SERVICE_QUEUES is what the services' code subscribes to, with its default QUEUE_PREFIX", () => {
    const fromCode: Record<string, string[]> = {};
    for (const service of Object.keys(SERVICE_QUEUES)) {
      const src = path.join(REPO_ROOT, "services", service, "src");
      const prefix = /QUEUE_PREFIX: z[\s\S]*?\.default\("([^"]+)"\)/.exec(
        fs.readFileSync(path.join(src, "config.ts"), "utf8"),
      )?.[1];
      expect(prefix, `${service}: default QUEUE_PREFIX`).toBeDefined();
      const queues = fs
        .readdirSync(src)
        .filter((f) => /^consumers?\.ts$/.test(f))
        .flatMap((f) =>
          [
            ...fs
              .readFileSync(path.join(src, f), "utf8")
              .matchAll(/queue: `\$\{opts\.queuePrefix\}(\.[\w.-]+)`/g),
          ].map((m) => `${prefix}${m[1]}`),
        );
      fromCode[service] = queues.sort();
    }
    expect(fromCode).toEqual(
      Object.fromEntries(Object.entries(SERVICE_QUEUES).map(([k, v]) => [k, [...v].sort()])),
    );
  });
});
