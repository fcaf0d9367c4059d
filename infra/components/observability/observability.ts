import { createHash } from "node:crypto";
import * as aws from "../shared/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { irsaTrustPolicy } from "../load-balancer-controller/iam";
import type { MetricsScraper } from "../node-service/network-policy";
import { ClusterDns } from "../node-service/network-policy";
import { Ports } from "../shared/contract";
import { ComponentArgsError } from "../shared/errors";
import { formerType } from "../shared/type-token";
import { kubernetesProviderOf, NO_KUBERNETES_PROVIDER } from "../shared/kubernetes-provider";
import { logGroupKey } from "../shared/log-key";
import { alarmSpecs, type AlarmSpec } from "./alarms";
import { alertManagerDefinition, ampRulesData } from "./amp-rules";
import { OBSERVABILITY_DEFAULTS, observabilityArgsProblems, type ObservabilityArgs } from "./args";
import {
  collectorConfig,
  REMOTE_WRITE_ENV,
  remoteWriteUrl,
  scrapeEndpoint,
  SHARD_ENV,
} from "./collector-config";
import { dashboardBody } from "./dashboard";
import { bareLogGroupArn, collectorPolicy, fluentBitPolicy } from "./iam";
import {
  COLLECTOR_NAME,
  COLLECTOR_POD_LABELS,
  COLLECTOR_UID,
  CollectorPorts,
  collectorScraper,
  containerLogGroupName,
  DEFAULT_COLLECTOR_IMAGE,
  DEFAULT_OBSERVABILITY_NAMESPACE,
  FLUENT_BIT_CHART,
  FLUENT_BIT_SERVICE_ACCOUNT,
  otlpEndpoint,
} from "./names";
import { snsKeyPolicy, snsTopicPolicy } from "./sns";

/**
 * Metrics, traces, logs, alarms and a dashboard for the services of one stack: an ADOT collector
 * (scrapes every service and Envoy's merged metrics into Amazon Managed Service for Prometheus
 * and a curated set into CloudWatch; receives OTLP traces on 4318 and sends them to X-Ray),
 * Fluent Bit shipping container logs to a KMS-encrypted log group, CloudWatch alarms and AMP
 * alerts to a KMS-encrypted SNS topic, and a CloudWatch dashboard generated from the services.
 */
export class Observability extends pulumi.ComponentResource {
  /** The collector's namespace. */
  readonly namespace: string;
  /** `http://adot-collector.<namespace>.svc.cluster.local:4318`: the services' `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly otlpEndpoint: string;
  /** The collector's selectors, for NodeService's `metricsScraper`. */
  readonly scraper: MetricsScraper;
  /** The Amazon Managed Service for Prometheus workspace; with the collector only. */
  readonly workspace?: aws.amp.Workspace;
  /** The ADOT collector's StatefulSet; with the collector only. */
  readonly collector?: k8s.apps.v1.StatefulSet;
  /** The collector's IAM role (IRSA); with the collector only. */
  readonly collectorRole?: aws.iam.Role;
  /** The container logs' CloudWatch Logs group; with logs only. */
  readonly logGroup?: aws.cloudwatch.LogGroup;
  /** Fluent Bit's Helm release; with logs only. */
  readonly fluentBit?: k8s.helm.v3.Release;
  /** The alarms' SNS topic; with alarms only. */
  readonly topic?: aws.sns.Topic;
  /** The CloudWatch alarms by key. */
  readonly alarms: Readonly<Record<string, aws.cloudwatch.MetricAlarm>>;
  /** The CloudWatch dashboard; with `dashboard` only. */
  readonly dashboard?: aws.cloudwatch.Dashboard;

  constructor(name: string, args: ObservabilityArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(
      "causeway:index:Observability",
      name,
      {},
      formerType("causeway:observability:Observability", opts),
    );
    const provider = kubernetesProviderOf(this, args.provider);
    const problems = [
      ...(provider === undefined ? [NO_KUBERNETES_PROVIDER] : []),
      ...observabilityArgsProblems(args),
    ];
    if (problems.length > 0) throw new ComponentArgsError("Observability", name, problems, this);

    const parent = { parent: this };
    const k8sOpts = { parent: this, provider };
    const tags = { ...args.tags };
    const ns = args.namespace ?? DEFAULT_OBSERVABILITY_NAMESPACE;
    const prefix = args.namePrefix;
    const metricsNamespace = `Causeway/${prefix}`;
    this.namespace = ns;
    this.otlpEndpoint = otlpEndpoint(ns);
    this.scraper = collectorScraper(ns);
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const partition = aws.getPartitionOutput({}, parent).partition;

    const irsaRole = (
      key: string,
      sa: { namespace: string; name: string },
      policy: pulumi.Input<string>,
    ) => {
      const role = new aws.iam.Role(
        `${name}-${key}`,
        {
          description: `${sa.namespace}/${sa.name} via IRSA (${prefix})`,
          assumeRolePolicy: pulumi
            .output(args.oidcProviderArn)
            .apply((arn) => JSON.stringify(irsaTrustPolicy(arn, sa))),
          tags,
        },
        parent,
      );
      new aws.iam.RolePolicy(`${name}-${key}`, { role: role.id, policy }, parent);
      return role;
    };

    // --- Collector: metrics and traces.
    const collectorOn = args.collector?.enabled ?? true;
    if (collectorOn) {
      const replicas = args.collector?.replicas ?? OBSERVABILITY_DEFAULTS.collectorReplicas;
      const interval =
        args.collector?.scrapeIntervalSeconds ?? OBSERVABILITY_DEFAULTS.scrapeIntervalSeconds;
      this.workspace = new aws.amp.Workspace(`${name}-metrics`, { alias: prefix, tags }, parent);
      const emfGroupName = `/${prefix}/metrics`;
      const emfKey = logGroupKey(
        `${name}-metrics-logs`,
        emfGroupName,
        `${prefix}: the collector's CloudWatch metrics (EMF) log group`,
        tags,
        this,
      );
      const emfGroup = new aws.cloudwatch.LogGroup(
        `${name}-metrics`,
        {
          name: emfGroupName,
          // EMF events only carry metrics, which CloudWatch keeps on its own: a week to debug.
          retentionInDays: 7,
          kmsKeyId: emfKey.arn,
          tags,
        },
        parent,
      );
      const sa = { namespace: ns, name: COLLECTOR_NAME };
      this.collectorRole = irsaRole(
        "collector",
        sa,
        pulumi
          .all([this.workspace.arn, emfGroup.arn])
          .apply(([ws, lg]) => JSON.stringify(collectorPolicy(ws, bareLogGroupArn(lg)))),
      );

      const namespace = new k8s.core.v1.Namespace(
        `${name}-namespace`,
        {
          metadata: {
            name: ns,
            labels: {
              "app.kubernetes.io/part-of": "causeway",
              "pod-security.kubernetes.io/enforce": "restricted",
              "pod-security.kubernetes.io/enforce-version": "latest",
            },
          },
        },
        k8sOpts,
      );
      const meta = (objName: string, namespaceName: pulumi.Input<string> = ns) => ({
        name: objName,
        namespace: namespaceName,
        labels: { ...COLLECTOR_POD_LABELS },
      });
      const dependsOn = [namespace];
      const serviceAccount = new k8s.core.v1.ServiceAccount(
        `${name}-collector`,
        {
          metadata: {
            ...meta(COLLECTOR_NAME),
            annotations: { "eks.amazonaws.com/role-arn": this.collectorRole.arn },
          },
          automountServiceAccountToken: true,
        },
        { ...k8sOpts, dependsOn },
      );
      // Pod discovery in the services' namespace only: a Role there, not a ClusterRole.
      const role = new k8s.rbac.v1.Role(
        `${name}-collector-discovery`,
        {
          metadata: meta(`${COLLECTOR_NAME}-discovery`, args.appNamespace),
          rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }],
        },
        k8sOpts,
      );
      new k8s.rbac.v1.RoleBinding(
        `${name}-collector-discovery`,
        {
          metadata: meta(`${COLLECTOR_NAME}-discovery`, args.appNamespace),
          roleRef: {
            apiGroup: "rbac.authorization.k8s.io",
            kind: "Role",
            name: role.metadata.name,
          },
          subjects: [{ kind: "ServiceAccount", name: COLLECTOR_NAME, namespace: ns }],
        },
        k8sOpts,
      );
      const configText = JSON.stringify(
        collectorConfig({
          region: args.region,
          appNamespace: args.appNamespace,
          services: args.services,
          scrapeIntervalSeconds: interval,
          shards: replicas,
          cloudWatchNamespace: metricsNamespace,
          emfLogGroupName: emfGroupName,
        }),
        null,
        2,
      );
      const config = new k8s.core.v1.ConfigMap(
        `${name}-collector`,
        { metadata: meta(COLLECTOR_NAME), data: { "collector.yaml": configText } },
        { ...k8sOpts, dependsOn },
      );
      const service = new k8s.core.v1.Service(
        `${name}-collector`,
        {
          metadata: meta(COLLECTOR_NAME),
          spec: {
            selector: { ...COLLECTOR_POD_LABELS },
            ports: [
              {
                name: "otlp-http",
                port: CollectorPorts.otlpHttp,
                targetPort: CollectorPorts.otlpHttp,
                protocol: "TCP",
              },
            ],
          },
        },
        { ...k8sOpts, dependsOn },
      );
      this.collector = new k8s.apps.v1.StatefulSet(
        `${name}-collector`,
        {
          metadata: meta(COLLECTOR_NAME),
          spec: {
            serviceName: COLLECTOR_NAME,
            replicas,
            // Replicas are independent shards: start and replace them in parallel.
            podManagementPolicy: "Parallel",
            selector: { matchLabels: { ...COLLECTOR_POD_LABELS } },
            template: {
              metadata: {
                labels: { ...COLLECTOR_POD_LABELS },
                // A new config rolls the pods (the collector reads its file once).
                annotations: {
                  "causeway.dev/config-sha256": createHash("sha256")
                    .update(configText)
                    .digest("hex"),
                },
              },
              spec: {
                serviceAccountName: COLLECTOR_NAME,
                securityContext: {
                  runAsNonRoot: true,
                  runAsUser: COLLECTOR_UID,
                  runAsGroup: COLLECTOR_UID,
                  seccompProfile: { type: "RuntimeDefault" },
                },
                containers: [
                  {
                    name: "collector",
                    image: args.collector?.image ?? DEFAULT_COLLECTOR_IMAGE,
                    args: ["--config=/conf/collector.yaml"],
                    env: [
                      {
                        // The StatefulSet pod index (Kubernetes 1.28+ label): this replica's shard.
                        name: SHARD_ENV,
                        valueFrom: {
                          fieldRef: {
                            fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']",
                          },
                        },
                      },
                      { name: "AWS_REGION", value: args.region },
                      {
                        name: REMOTE_WRITE_ENV,
                        value: this.workspace.prometheusEndpoint.apply(remoteWriteUrl),
                      },
                    ],
                    ports: [
                      {
                        name: "otlp-http",
                        containerPort: CollectorPorts.otlpHttp,
                        protocol: "TCP",
                      },
                      { name: "health", containerPort: CollectorPorts.health, protocol: "TCP" },
                    ],
                    readinessProbe: {
                      httpGet: { path: "/", port: CollectorPorts.health },
                      periodSeconds: 10,
                    },
                    livenessProbe: {
                      httpGet: { path: "/", port: CollectorPorts.health },
                      periodSeconds: 20,
                      failureThreshold: 3,
                    },
                    resources: {
                      requests: { cpu: "100m", memory: "256Mi" },
                      limits: { memory: "512Mi" },
                    },
                    securityContext: {
                      runAsNonRoot: true,
                      allowPrivilegeEscalation: false,
                      readOnlyRootFilesystem: true,
                      capabilities: { drop: ["ALL"] },
                      seccompProfile: { type: "RuntimeDefault" },
                    },
                    volumeMounts: [{ name: "config", mountPath: "/conf", readOnly: true }],
                  },
                ],
                volumes: [{ name: "config", configMap: { name: config.metadata.name } }],
              },
            },
          },
        },
        { ...k8sOpts, dependsOn: [namespace, serviceAccount, config, service] },
      );
      if (replicas >= 2) {
        new k8s.policy.v1.PodDisruptionBudget(
          `${name}-collector`,
          {
            metadata: meta(COLLECTOR_NAME),
            spec: { maxUnavailable: 1, selector: { matchLabels: { ...COLLECTOR_POD_LABELS } } },
          },
          { ...k8sOpts, dependsOn },
        );
      }
      new k8s.networking.v1.NetworkPolicy(
        `${name}-collector`,
        { metadata: meta(COLLECTOR_NAME), spec: collectorNetworkPolicy(args) },
        { ...k8sOpts, dependsOn },
      );
      // The services' side: their pods may reach the collector's OTLP port, and nothing else of it.
      new k8s.networking.v1.NetworkPolicy(
        `${name}-otlp-egress`,
        {
          metadata: {
            name: "otlp-to-collector",
            namespace: args.appNamespace,
            labels: { "app.kubernetes.io/part-of": "causeway" },
          },
          spec: otlpEgressPolicy(ns, Object.keys(args.services)),
        },
        k8sOpts,
      );
    }

    // --- Logs: Fluent Bit to one KMS-encrypted group.
    const logsOn = args.logs?.enabled ?? true;
    if (logsOn) {
      const groupName = containerLogGroupName(`/${prefix}`);
      const key = logGroupKey(
        `${name}-containers-logs`,
        groupName,
        `${prefix}: container logs`,
        tags,
        this,
      );
      this.logGroup = new aws.cloudwatch.LogGroup(
        `${name}-containers`,
        {
          name: groupName,
          retentionInDays: args.logs?.retentionDays ?? OBSERVABILITY_DEFAULTS.logRetentionDays,
          kmsKeyId: key.arn,
          tags,
        },
        parent,
      );
      const role = irsaRole(
        "fluent-bit",
        FLUENT_BIT_SERVICE_ACCOUNT,
        this.logGroup.arn.apply((arn) => JSON.stringify(fluentBitPolicy(bareLogGroupArn(arn)))),
      );
      // Fluent Bit reads the nodes' /var/log (hostPath), which no "restricted" namespace admits:
      // it runs in kube-system, where the chart installs it by default.
      this.fluentBit = new k8s.helm.v3.Release(
        `${name}-fluent-bit`,
        {
          name: FLUENT_BIT_CHART.name,
          chart: FLUENT_BIT_CHART.name,
          version: args.logs?.chartVersion ?? FLUENT_BIT_CHART.version,
          repositoryOpts: { repo: FLUENT_BIT_CHART.repo },
          namespace: FLUENT_BIT_SERVICE_ACCOUNT.namespace,
          atomic: true,
          cleanupOnFail: true,
          values: {
            serviceAccount: {
              create: true,
              name: FLUENT_BIT_SERVICE_ACCOUNT.name,
              annotations: { "eks.amazonaws.com/role-arn": role.arn },
            },
            cloudWatchLogs: {
              enabled: true,
              region: args.region,
              logGroupName: groupName,
              // One stream per container: namespace.pod.container.
              logStreamTemplate:
                "$kubernetes['namespace_name'].$kubernetes['pod_name'].$kubernetes['container_name']",
              logStreamPrefix: "other-",
              // Pulumi owns the group, its retention and its key.
              autoCreateGroup: false,
            },
            cloudWatch: { enabled: false },
            firehose: { enabled: false },
            kinesis: { enabled: false },
            elasticsearch: { enabled: false },
          },
        },
        { ...k8sOpts, dependsOn: [this.logGroup] },
      );
    }

    // --- Alarms.
    const alarms: Record<string, aws.cloudwatch.MetricAlarm> = {};
    const al = args.alarms;
    if (al) {
      const snsKey = new aws.kms.Key(
        `${name}-alarms`,
        {
          description: `${prefix}: alarm topic`,
          enableKeyRotation: true,
          deletionWindowInDays: 30,
          policy: pulumi
            .all([account, partition])
            .apply(([acct, part]) => JSON.stringify(snsKeyPolicy(acct, part))),
          tags,
        },
        parent,
      );
      this.topic = new aws.sns.Topic(
        `${name}-alarms`,
        { name: `${prefix}-alarms`, kmsMasterKeyId: snsKey.arn, tags },
        parent,
      );
      new aws.sns.TopicPolicy(
        `${name}-alarms`,
        {
          arn: this.topic.arn,
          policy: pulumi
            .all([this.topic.arn, account])
            .apply(([arn, acct]) => JSON.stringify(snsTopicPolicy(arn, acct))),
        },
        parent,
      );
      for (const email of [...(al.emails ?? [])].sort()) {
        new aws.sns.TopicSubscription(
          `${name}-alarms-${email.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`,
          { topic: this.topic.arn, protocol: "email", endpoint: email },
          parent,
        );
      }
      // The pending-order gauge reaches CloudWatch only through the collector.
      const { pendingOrders, ...others } = args.targets ?? {};
      const specs = alarmSpecs(
        {
          ...others,
          ...(pendingOrders &&
            collectorOn && {
              pendingOrders: { service: pendingOrders.service, namespace: metricsNamespace },
            }),
        },
        al.thresholds,
      );
      for (const spec of specs)
        alarms[spec.key] = metricAlarm(
          `${name}-${spec.key}`,
          `${prefix}-${spec.key}`,
          spec,
          this.topic.arn,
          tags,
          this,
        );
      if (collectorOn && this.workspace) {
        new aws.amp.RuleGroupNamespace(
          `${name}-rules`,
          {
            name: "causeway",
            workspaceId: this.workspace.id,
            data: ampRulesData({ restarts: al.podRestarts, services: Object.keys(args.services) }),
          },
          parent,
        );
        new aws.amp.AlertManagerDefinition(
          `${name}-alerts`,
          {
            workspaceId: this.workspace.id,
            definition: this.topic.arn.apply((arn) => alertManagerDefinition(arn, args.region)),
          },
          parent,
        );
      }
    }
    this.alarms = alarms;

    // --- Dashboard.
    if (args.dashboard) {
      const t = args.targets;
      const broker = t?.broker;
      const alarmArns = Object.keys(alarms)
        .sort()
        .map((k) => alarms[k]!.arn);
      this.dashboard = new aws.cloudwatch.Dashboard(
        `${name}-dashboard`,
        {
          dashboardName: prefix,
          dashboardBody: pulumi
            .all([
              t?.loadBalancer?.arnSuffix ?? "",
              t?.database?.identifier ?? "",
              broker?.name ?? "",
              pulumi.all(alarmArns),
            ])
            .apply(([lb, db, brokerName, arns]) =>
              JSON.stringify(
                dashboardBody({
                  region: args.region,
                  title: `${prefix}`,
                  metricsNamespace,
                  services: Object.keys(args.services),
                  ...(t?.pendingOrders &&
                    t.funnel && { funnel: { service: t.pendingOrders.service, ...t.funnel } }),
                  ...(t?.loadBalancer && { loadBalancer: { arnSuffix: lb } }),
                  ...(t?.database && { database: { identifier: db } }),
                  ...(broker && {
                    broker: {
                      name: brokerName,
                      virtualHost: broker.virtualHost,
                      queues: broker.queues,
                    },
                  }),
                  alarmArns: arns,
                }),
              ),
            ),
        },
        parent,
      );
    }

    this.registerOutputs({
      namespace: this.namespace,
      otlpEndpoint: this.otlpEndpoint,
      workspaceArn: this.workspace?.arn,
      logGroupName: this.logGroup?.name,
      topicArn: this.topic?.arn,
      dashboardName: this.dashboard?.dashboardName,
    });
  }
}

/** One CloudWatch alarm from its spec, to the topic on alarm and on recovery. */
function metricAlarm(
  resourceName: string,
  alarmName: string,
  spec: AlarmSpec,
  topicArn: pulumi.Output<string>,
  tags: Record<string, string>,
  parent: pulumi.Resource,
): aws.cloudwatch.MetricAlarm {
  const stat = (m: NonNullable<AlarmSpec["metric"]>) => ({
    namespace: m.namespace,
    metricName: m.metricName,
    dimensions: { ...m.dimensions },
    stat: m.statistic,
    period: m.period,
  });
  return new aws.cloudwatch.MetricAlarm(
    resourceName,
    {
      name: alarmName,
      alarmDescription: spec.description,
      comparisonOperator: spec.comparisonOperator,
      threshold: spec.threshold,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm,
      treatMissingData: spec.treatMissingData,
      ...(spec.metric && {
        namespace: spec.metric.namespace,
        metricName: spec.metric.metricName,
        dimensions: { ...spec.metric.dimensions },
        statistic: spec.metric.statistic,
        period: spec.metric.period,
      }),
      ...(spec.queries && {
        metricQueries: spec.queries.map((q, i) => ({
          id: q.id,
          ...(q.label && { label: q.label }),
          ...(q.expression && { expression: q.expression }),
          ...(q.metric && { metric: stat(q.metric) }),
          returnData: i === spec.queries!.length - 1,
        })),
      }),
      alarmActions: [topicArn],
      okActions: [topicArn],
      tags: { ...tags, "causeway:alarm": spec.kind },
    },
    { parent },
  );
}

/**
 * The collector's NetworkPolicy: OTLP in from the services' pods only; out to DNS, the services'
 * metrics ports, and HTTPS (443: AMP, X-Ray, CloudWatch Logs, STS and the Kubernetes API).
 */
export function collectorNetworkPolicy(args: Pick<ObservabilityArgs, "appNamespace" | "services">) {
  const nsSelector = { matchLabels: { "kubernetes.io/metadata.name": args.appNamespace } };
  const partOf = { matchLabels: { "app.kubernetes.io/part-of": "causeway" } };
  const scrapePorts = [
    ...new Set(Object.values(args.services).map((s) => scrapeEndpoint(s).port)),
  ].sort((a, b) => a - b);
  return {
    podSelector: { matchLabels: { ...COLLECTOR_POD_LABELS } },
    policyTypes: ["Ingress", "Egress"],
    ingress: [
      {
        from: [{ namespaceSelector: nsSelector, podSelector: partOf }],
        ports: [{ protocol: "TCP", port: CollectorPorts.otlpHttp }],
      },
    ],
    egress: [
      {
        to: [
          {
            namespaceSelector: {
              matchLabels: { "kubernetes.io/metadata.name": ClusterDns.namespace },
            },
            podSelector: { matchLabels: { ...ClusterDns.podLabels } },
          },
        ],
        ports: [
          { protocol: "UDP", port: Ports.dns },
          { protocol: "TCP", port: Ports.dns },
        ],
      },
      {
        to: [{ namespaceSelector: nsSelector, podSelector: partOf }],
        ports: scrapePorts.map((port) => ({ protocol: "TCP", port })),
      },
      // AWS APIs and the cluster's API server have no fixed in-cluster address.
      { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] },
    ],
  };
}

/**
 * The services' egress to the collector: every pod of `services` in the app namespace may reach
 * the collector pods on the OTLP port. An extra policy: NetworkPolicies add up, so each service's
 * own policy stays as NodeService made it.
 */
export function otlpEgressPolicy(collectorNamespace: string, services: readonly string[]) {
  return {
    podSelector: {
      matchExpressions: [
        { key: "app.kubernetes.io/name", operator: "In", values: [...services].sort() },
      ],
    },
    policyTypes: ["Egress"],
    egress: [
      {
        to: [
          {
            namespaceSelector: {
              matchLabels: { "kubernetes.io/metadata.name": collectorNamespace },
            },
            podSelector: { matchLabels: { "app.kubernetes.io/name": COLLECTOR_NAME } },
          },
        ],
        ports: [{ protocol: "TCP", port: CollectorPorts.otlpHttp }],
      },
    ],
  };
}
