import { describe, expect, it } from "vitest";
import { alarmSpecs, AlarmKind } from "./alarms";
import { alertManagerDefinition, ampRuleGroups } from "./amp-rules";
import { CLOUDWATCH_METRICS, collectorConfig, remoteWriteUrl, scrapeJob } from "./collector-config";
import { dashboardBody } from "./dashboard";
import { collectorPolicy, fluentBitPolicy } from "./iam";
import { snsKeyPolicy, snsTopicPolicy } from "./sns";

const thresholds = {
  alb5xxPercent: 1,
  databaseCpuPercent: 80,
  databaseFreeStoragePercent: 10,
  databaseConnections: 720,
  brokerMemoryPercent: 80,
  brokerDiskFreeRatio: 2,
  queueDepth: 1000,
  pendingOrderAgeSeconds: 1800,
};

describe("collector config", () => {
  const config = collectorConfig({
    region: "eu-west-1",
    appNamespace: "shop",
    services: { web: { port: 8080, meshed: true }, api: { port: 9000, meshed: false } },
    scrapeIntervalSeconds: 30,
    shards: 2,
    cloudWatchNamespace: "Causeway/shop",
    emfLogGroupName: "/shop/metrics",
  });

  it("scrapes each service once, on Envoy's merged port when meshed, sharded by address", () => {
    const jobs = config.receivers.prometheus.config.scrape_configs;
    expect(jobs.map((j) => j.job_name)).toEqual(["api", "web"]);
    const address = (j: (typeof jobs)[number]) =>
      j.relabel_configs.find((r) => r.target_label === "__address__")?.replacement;
    // `$$` is the collector's escape for a literal `$` (the relabel's capture group).
    expect(jobs.map(address)).toEqual(["$$1:9000", "$$1:20200"]);
    expect(jobs[0]!.relabel_configs).toContainEqual({
      source_labels: ["__tmp_shard"],
      action: "keep",
      regex: "${env:COLLECTOR_SHARD}",
    });
    expect(jobs[0]!.relabel_configs).toContainEqual({
      source_labels: ["__address__"],
      action: "hashmod",
      modulus: 2,
      target_label: "__tmp_shard",
    });
    expect(jobs[0]!.kubernetes_sd_configs).toEqual([
      { role: "pod", namespaces: { names: ["shop"] } },
    ]);
  });

  it("escapes regex characters in a service name it keeps by label", () => {
    const job = scrapeJob("a.b", { port: 1, meshed: false }, "ns", 30, 1);
    expect(job.relabel_configs[0]).toEqual({
      source_labels: ["__meta_kubernetes_pod_label_app_kubernetes_io_name"],
      action: "keep",
      regex: "a\\.b",
    });
  });

  it("sends everything to AMP, the curated set to CloudWatch, traces to X-Ray", () => {
    expect(config.service.pipelines).toEqual({
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
    });
    expect(config.receivers.otlp).toEqual({ protocols: { http: { endpoint: "0.0.0.0:4318" } } });
    expect(config.exporters.prometheusremotewrite.endpoint).toBe("${env:AMP_REMOTE_WRITE_URL}");
    expect(config.processors["filter/cloudwatch"].metrics.include.metric_names).toEqual(
      CLOUDWATCH_METRICS.map((m) => m.name),
    );
    expect(remoteWriteUrl("https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/")).toBe(
      "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write",
    );
  });
});

describe("alarm table", () => {
  it("has only what the stack has: no broker, no queue or broker alarms", () => {
    const specs = alarmSpecs(
      { database: { identifier: "db", allocatedStorageGiB: 20 } },
      thresholds,
    );
    expect(specs.map((s) => s.key)).toEqual([
      AlarmKind.databaseCpu,
      AlarmKind.databaseStorage,
      AlarmKind.databaseConnections,
    ]);
    // 10% of 20 GiB, in bytes (FreeStorageSpace's unit).
    expect(specs[1]!.threshold).toBe(2147483648);
  });

  it("watches each work queue's depth and its DLQ above 0", () => {
    const specs = alarmSpecs(
      { broker: { name: "mq", virtualHost: "/", queues: ["b.q", "a.q"] } },
      thresholds,
    );
    const dlq = specs.filter((s) => s.kind === AlarmKind.dlqDepth);
    expect(
      dlq.map((s) => [s.metric?.dimensions["Queue"], s.threshold, s.comparisonOperator]),
    ).toEqual([
      ["a.q.dlq", 0, "GreaterThanThreshold"],
      ["b.q.dlq", 0, "GreaterThanThreshold"],
    ]);
    const memory = specs.find((s) => s.kind === AlarmKind.brokerMemory)!;
    expect(memory.queries?.map((q) => q.metric?.metricName ?? q.expression)).toEqual([
      "RabbitMQMemUsed",
      "RabbitMQMemLimit",
      "100 * used / limit",
    ]);
  });
});

describe("dashboard", () => {
  it("shows golden signals per service, the funnel, queues with their DLQs and the data stores", () => {
    const body = dashboardBody({
      region: "eu-west-1",
      title: "shop",
      metricsNamespace: "Causeway/shop",
      services: ["b", "a"],
      funnel: { service: "a", paidQueue: "a.paid", failedQueue: "a.failed" },
      broker: { name: "mq", virtualHost: "/", queues: ["a.paid"] },
      database: { identifier: "db" },
    });
    const titles = body.widgets.map((w) => w.properties["title"]).filter(Boolean);
    expect(titles).toEqual([
      "a: traffic (requests/min)",
      "a: errors (5xx/min)",
      "a: latency (s)",
      "a: saturation",
      "b: traffic (requests/min)",
      "b: errors (5xx/min)",
      "b: latency (s)",
      "b: saturation",
      "Order funnel: placed -> paid or failed (per 5 min)",
      "Orders PENDING",
      "Queue depth (messages)",
      "Dead-letter queues (any message is an alarm)",
      "Database",
      "Broker",
    ]);
    const dlq = body.widgets.find(
      (w) => w.properties["title"] === "Dead-letter queues (any message is an alarm)",
    )!;
    expect(dlq.properties["metrics"]).toEqual([
      [
        "AWS/AmazonMQ",
        "MessageCount",
        "Broker",
        "mq",
        "VirtualHost",
        "/",
        "Queue",
        "a.paid.dlq",
        { stat: "Maximum", label: "a.paid.dlq" },
      ],
    ]);
    // Widgets never overlap: each row starts below the last.
    const cells = body.widgets.map((w) => `${w.x},${w.y}`);
    expect(new Set(cells).size).toBe(cells.length);
  });
});

describe("policies", () => {
  it("the collector writes to its workspace and log group only; X-Ray has no resource-level permissions", () => {
    const p = collectorPolicy(
      "arn:aws:aps:eu-west-1:1:workspace/ws-1",
      "arn:aws:logs:eu-west-1:1:log-group:/m",
    );
    expect(p.Statement.map((s) => [s.Action, s.Resource])).toEqual([
      [["aps:RemoteWrite"], "arn:aws:aps:eu-west-1:1:workspace/ws-1"],
      [["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "*"],
      [
        ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        [
          "arn:aws:logs:eu-west-1:1:log-group:/m",
          "arn:aws:logs:eu-west-1:1:log-group:/m:log-stream:*",
        ],
      ],
    ]);
    expect(JSON.stringify(fluentBitPolicy("arn:g"))).not.toContain("CreateLogGroup");
  });

  it("only CloudWatch and AMP of the stack's account may publish to the topic and use its key", () => {
    const key = snsKeyPolicy("111122223333");
    expect(key.Statement[1]).toMatchObject({
      Principal: { Service: ["cloudwatch.amazonaws.com", "aps.amazonaws.com"] },
      Condition: { StringEquals: { "aws:SourceAccount": "111122223333" } },
    });
    expect(snsTopicPolicy("arn:t", "111122223333").Statement[0]).toMatchObject({
      Action: ["sns:Publish", "sns:GetTopicAttributes"],
      Resource: "arn:t",
    });
  });

  it("AMP: one restart alert over the services' jobs, routed to the topic", () => {
    expect(ampRuleGroups({ restarts: 3, services: ["b", "a"] }).groups[0]!.rules[0]!.expr).toBe(
      'sum by (service, pod) (changes(process_start_time_seconds{job=~"a|b"}[15m])) >= 3',
    );
    const def = JSON.parse(alertManagerDefinition("arn:t", "eu-west-1")) as {
      alertmanager_config: string;
    };
    expect(JSON.parse(def.alertmanager_config).receivers).toEqual([
      { name: "sns", sns_configs: [{ topic_arn: "arn:t", sigv4: { region: "eu-west-1" } }] },
    ]);
  });
});
