import * as k8s from "@pulumi/kubernetes";
import { describe, expect, it } from "vitest";
import { planProgram } from "../../plan/harness";
import { networkPolicySpec } from "../node-service/network-policy";
import type { ObservabilityArgs } from "./args";
import { COLLECTOR_NAME, collectorScraper, otlpEndpoint } from "./names";
import { Observability } from "./observability";

const oidcProviderArn =
  "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0A1B2C3D";
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

/** Someone else's program: plain args, its own provider, no Causeway stack or config. */
function plan(args: Partial<ObservabilityArgs> = {}) {
  return planProgram(async () => {
    const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1\nkind: Config" });
    new Observability("obs", {
      provider,
      oidcProviderArn,
      region: "eu-west-1",
      namePrefix: "shop-prod",
      appNamespace: "shop",
      services: { api: { port: 8080, meshed: true }, worker: { port: 9090, meshed: false } },
      ...args,
    });
    return {};
  });
}

const full: Partial<ObservabilityArgs> = {
  collector: { enabled: true, replicas: 2 },
  logs: { enabled: true, retentionDays: 90 },
  targets: {
    loadBalancer: { arnSuffix: "app/shop/1", targetGroups: { api: "targetgroup/api/1" } },
    database: { identifier: "shop-db", allocatedStorageGiB: 100 },
    broker: { name: "shop-mq", virtualHost: "/", queues: ["worker.jobs"] },
    pendingOrders: { service: "worker" },
    funnel: { paidQueue: "worker.paid", failedQueue: "worker.failed" },
  },
  alarms: { thresholds, podRestarts: 1, emails: ["oncall@example.com"] },
  dashboard: true,
};

describe("Observability", () => {
  it("runs the collector as a restricted StatefulSet under an IRSA role, scraping each service's metrics port", async () => {
    const p = await plan(full);
    const sts = p.get("kubernetes:apps/v1:StatefulSet", "obs-collector");
    const spec = sts.inputs["spec"] as {
      replicas: number;
      template: {
        spec: { containers: { image: string; securityContext: unknown; env: unknown[] }[] };
      };
    };
    expect(spec.replicas).toBe(2);
    const c = spec.template.spec.containers[0]!;
    expect(c.image).toBe("public.ecr.aws/aws-observability/aws-otel-collector:v0.45.1");
    expect(c.securityContext).toEqual({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    const ns = p.get("kubernetes:core/v1:Namespace", "obs-namespace");
    expect((ns.inputs["metadata"] as { labels: Record<string, string> }).labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "restricted",
    });
    const sa = p.get("kubernetes:core/v1:ServiceAccount", "obs-collector");
    const role = p.get("aws:iam/role:Role", "obs-collector");
    expect(sa.inputs["metadata"]).toMatchObject({
      name: COLLECTOR_NAME,
      namespace: "observability",
      annotations: { "eks.amazonaws.com/role-arn": expect.stringContaining(role.urn) },
    });
    expect(JSON.parse(role.inputs["assumeRolePolicy"] as string).Statement[0].Condition).toEqual({
      StringEquals: {
        "oidc.eks.eu-west-1.amazonaws.com/id/0A1B2C3D:sub":
          "system:serviceaccount:observability:adot-collector",
        "oidc.eks.eu-west-1.amazonaws.com/id/0A1B2C3D:aud": "sts.amazonaws.com",
      },
    });
    // Pod discovery is a Role in the services' namespace, read-only, not a ClusterRole.
    const discovery = p.get(
      "kubernetes:rbac.authorization.k8s.io/v1:Role",
      "obs-collector-discovery",
    );
    expect(discovery.inputs["rules"]).toEqual([
      { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] },
    ]);
    expect(p.byType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole")).toEqual([]);
  });

  it("lets the collector in to the metrics ports the services' own policies open to it, and the services out to it on 4318 only", async () => {
    const p = await plan(full);
    const collectorPolicy = p.get("kubernetes:networking.k8s.io/v1:NetworkPolicy", "obs-collector");
    const spec = collectorPolicy.inputs["spec"] as {
      ingress: unknown[];
      egress: { to: unknown[]; ports: { port: number }[] }[];
    };
    expect(spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "shop" } },
            podSelector: { matchLabels: { "app.kubernetes.io/part-of": "causeway" } },
          },
        ],
        ports: [{ protocol: "TCP", port: 4318 }],
      },
    ]);
    // api is meshed: Envoy's merged metrics (20200); worker is not: its own port.
    expect(spec.egress[1]!.ports).toEqual([
      { protocol: "TCP", port: 9090 },
      { protocol: "TCP", port: 20200 },
    ]);
    // NodeService's policy for a service admits exactly the collector's pods, on those ports.
    const svc = networkPolicySpec({
      service: "api",
      port: 8080,
      callers: [],
      ingressCidrs: [],
      upstreams: [],
      egressCidrs: {},
      meshInboundPort: 20000,
      scraper: collectorScraper(),
      metricsPorts: [8080, 20200],
    });
    const collectorPod = (sts: ReturnType<typeof p.get>) =>
      (sts.inputs["spec"] as { template: { metadata: { labels: Record<string, string> } } })
        .template.metadata.labels;
    const labels = collectorPod(p.get("kubernetes:apps/v1:StatefulSet", "obs-collector"));
    const scraperRule = svc.ingress.at(-1)!.from[0] as {
      podSelector: { matchLabels: Record<string, string> };
    };
    for (const [k, v] of Object.entries(scraperRule.podSelector.matchLabels))
      expect(labels[k]).toBe(v);
    const egress = p.get("kubernetes:networking.k8s.io/v1:NetworkPolicy", "obs-otlp-egress");
    expect(egress.inputs["spec"]).toEqual({
      podSelector: {
        matchExpressions: [
          { key: "app.kubernetes.io/name", operator: "In", values: ["api", "worker"] },
        ],
      },
      policyTypes: ["Egress"],
      egress: [
        {
          to: [
            {
              namespaceSelector: {
                matchLabels: { "kubernetes.io/metadata.name": "observability" },
              },
              podSelector: { matchLabels: { "app.kubernetes.io/name": "adot-collector" } },
            },
          ],
          ports: [{ protocol: "TCP", port: 4318 }],
        },
      ],
    });
    expect(otlpEndpoint()).toBe("http://adot-collector.observability.svc.cluster.local:4318");
  });

  it("ships logs with the pinned chart to a KMS-encrypted group with the retention asked for", async () => {
    const p = await plan(full);
    const group = p.get("aws:cloudwatch/logGroup:LogGroup", "obs-containers");
    expect(group.inputs).toMatchObject({ name: "/shop-prod/containers", retentionInDays: 90 });
    const key = p.get("aws:kms/key:Key", "obs-containers-logs");
    expect(group.inputs["kmsKeyId"]).toEqual(expect.stringContaining(key.urn));
    const release = p.get("kubernetes:helm.sh/v3:Release", "obs-fluent-bit");
    expect(release.inputs).toMatchObject({
      chart: "aws-for-fluent-bit",
      version: "0.2.1",
      namespace: "kube-system",
      values: {
        cloudWatchLogs: {
          enabled: true,
          region: "eu-west-1",
          logGroupName: "/shop-prod/containers",
          autoCreateGroup: false,
        },
      },
    });
  });

  it("makes one alarm per spec, each to the encrypted topic, plus the AMP restart rule and alert manager", async () => {
    const p = await plan(full);
    const names = p
      .byType("aws:cloudwatch/metricAlarm:MetricAlarm")
      .map((a) => a.inputs["name"])
      .sort();
    expect(names).toEqual(
      [
        "alb-5xx-rate",
        "alb-unhealthy-targets-api",
        "broker-disk",
        "broker-memory",
        "database-connections",
        "database-cpu",
        "database-free-storage",
        "dlq-depth-worker.jobs",
        "pending-order-age",
        "queue-depth-worker.jobs",
      ].map((k) => `shop-prod-${k}`),
    );
    const topic = p.get("aws:sns/topic:Topic", "obs-alarms");
    expect(topic.inputs["kmsMasterKeyId"]).toEqual(
      expect.stringContaining(p.get("aws:kms/key:Key", "obs-alarms").urn),
    );
    const dlq = p.get("aws:cloudwatch/metricAlarm:MetricAlarm", "obs-dlq-depth-worker.jobs");
    expect(dlq.inputs).toMatchObject({
      namespace: "AWS/AmazonMQ",
      metricName: "MessageCount",
      dimensions: { Broker: "shop-mq", VirtualHost: "/", Queue: "worker.jobs.dlq" },
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      alarmActions: [expect.stringContaining(topic.urn)],
    });
    expect(
      p.get("aws:cloudwatch/metricAlarm:MetricAlarm", "obs-pending-order-age").inputs,
    ).toMatchObject({ namespace: "Causeway/shop-prod", dimensions: { service: "worker" } });
    const rules = p.get("aws:amp/ruleGroupNamespace:RuleGroupNamespace", "obs-rules");
    expect(rules.inputs["data"]).toContain(
      'changes(process_start_time_seconds{job=~\\"api|worker\\"}[15m])) >= 1',
    );
    expect(p.byType("aws:amp/alertManagerDefinition:AlertManagerDefinition")).toHaveLength(1);
    expect(p.byType("aws:sns/topicSubscription:TopicSubscription")[0]!.inputs).toMatchObject({
      protocol: "email",
      endpoint: "oncall@example.com",
    });
  });

  it("turns each part off: no collector, no logs, no alarms, no dashboard", async () => {
    const p = await plan({ collector: { enabled: false }, logs: { enabled: false } });
    const types = new Set(p.resources.map((r) => r.type));
    for (const t of [
      "kubernetes:apps/v1:StatefulSet",
      "aws:amp/workspace:Workspace",
      "kubernetes:helm.sh/v3:Release",
      "aws:cloudwatch/metricAlarm:MetricAlarm",
      "aws:sns/topic:Topic",
      "aws:cloudwatch/dashboard:Dashboard",
    ]) {
      expect(types.has(t), t).toBe(false);
    }
  });

  it("takes the cluster's provider from its resource options when the arg is not given (as other languages pass it)", async () => {
    const given = await plan(full);
    const p = await planProgram(async () => {
      const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1\nkind: Config" });
      new Observability(
        "obs",
        {
          oidcProviderArn,
          region: "eu-west-1",
          namePrefix: "shop-prod",
          appNamespace: "shop",
          services: { api: { port: 8080, meshed: true }, worker: { port: 9090, meshed: false } },
          ...full,
        },
        { providers: { kubernetes: provider } },
      );
      return {};
    });
    const provider = p.get("pulumi:providers:kubernetes", "k8s").urn;
    const kubernetes = p.resources.filter((r) => r.type.startsWith("kubernetes:"));
    expect(kubernetes.length).toBeGreaterThan(5);
    for (const r of kubernetes) expect(r.provider, `${r.type} ${r.name}`).toBe(provider);
    // The same resources, inputs and providers as with the arg.
    expect(p.resources).toEqual(given.resources);
  });

  it("refuses without any Kubernetes provider rather than use the ambient context", async () => {
    await expect(plan({ provider: undefined })).rejects.toThrow(
      [
        'Observability "obs": 1 invalid argument:',
        "  - provider: the cluster's Kubernetes provider is required, as this arg or as the component's `provider`/`providers` resource option (how other Pulumi languages pass it); nothing lands in the ambient context",
      ].join("\n"),
    );
  });

  it("refuses bad arguments before creating anything, naming each", async () => {
    await expect(
      plan({
        namePrefix: "Shop_Prod",
        namespace: "shop",
        logs: { enabled: true, retentionDays: 10 },
        collector: { enabled: true, image: "otel/collector:latest" },
        alarms: { thresholds: { ...thresholds, alb5xxPercent: 150 }, podRestarts: 0 },
      }),
    ).rejects.toThrow(
      [
        'Observability "obs": 6 invalid arguments:',
        '  - namePrefix: must be 1-40 lower-case letters, digits or hyphens, starting with a letter (found "Shop_Prod")',
        "  - namespace: must differ from appNamespace (shop): the collector runs apart from the services it scrapes",
        '  - collector.image: uses the mutable tag "latest" ("otel/collector:latest"); pin it by digest (repo@sha256:...) or an immutable tag',
        "  - logs.retentionDays: CloudWatch Logs accepts only 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (found 10)",
        "  - alarms.thresholds.alb5xxPercent: is a percentage, at most 100 (found 150)",
        "  - alarms.podRestarts: must be an integer of at least 1 (found 0)",
      ].join("\n"),
    );
  });
});
