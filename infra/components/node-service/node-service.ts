import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_SERVICE_PORT, Ports, Shutdown } from "../shared/contract";
import { argProblems, imageRefProblem, targetSourceProblems } from "./args";
import {
  DEFAULT_CLUSTER_DOMAIN,
  DEFAULT_PART_OF,
  selectorLabels,
  serviceLabels,
  upstreamEnvName,
} from "./naming";
import {
  DEFAULT_METRICS_SCRAPER,
  MESH_CONTROL_PLANE_PORTS,
  networkPolicySpec,
  type MetricsScraper,
} from "./network-policy";
import { HTTP_PORT_NAME, PodDefaults, podSpec } from "./pod";
import { hpaSpec, ROLLING_UPDATE, scalingPlan } from "./scaling";
import { ComponentArgsError } from "../shared/errors";
import { formerType } from "../shared/type-token";
import { SidecarDefaults, sidecarResourceAnnotations, sidecarResourceProblems } from "./sidecar";

/** A Kubernetes Secret key to expose as an environment variable. */
export interface SecretEnvRef {
  readonly secretName: pulumi.Input<string>;
  readonly key: string;
}

/** An upstream: a service in the same namespace that this one calls over HTTP. */
export interface UpstreamRef {
  readonly name: string;
  /** Its Service port. */
  readonly port: number;
}

/**
 * What an exposed service needs from the load balancer that sends it traffic: the source
 * addresses the pods see. A `PublicLoadBalancer` is one (its `targetSources`).
 */
export interface LoadBalancerSources {
  /** CIDRs the load balancer's connections to the pods come from (its subnets, for IP targets). */
  readonly targetSources: pulumi.Input<pulumi.Input<string>[]>;
}

/** OTLP over HTTP's default port (https://opentelemetry.io/docs/specs/otlp/#otlphttp-default-port). */
export const OTLP_HTTP_PORT = 4318;

/**
 * The OpenTelemetry collector the service exports its traces to, over OTLP/HTTP. The pods get
 * `OTEL_SERVICE_NAME` (the service name) and `OTEL_EXPORTER_OTLP_ENDPOINT`, and an egress rule
 * to the collector's pods on `port`.
 */
export interface TraceCollector {
  /**
   * The collector's OTLP/HTTP base URL, e.g. `http://adot-collector.observability.svc:4318`;
   * the SDK posts to `<endpoint>/v1/traces`. Required.
   */
  readonly endpoint: pulumi.Input<string>;
  /** Labels of the collector's namespace, e.g. `{ "kubernetes.io/metadata.name": "observability" }`. Required, not empty. */
  readonly namespaceLabels: Readonly<Record<string, string>>;
  /** Labels of the collector's pods. Required, not empty. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** The collector's OTLP/HTTP port. Default 4318 (`OTLP_HTTP_PORT`). */
  readonly port?: number;
}

export interface NodeServiceArgs {
  /** Namespace of every object. Required. */
  readonly namespace: pulumi.Input<string>;
  /**
   * Container image, pinned by digest (`repo@sha256:...`) or by an immutable tag. An untagged
   * reference or `latest` is rejected. Required.
   */
  readonly image: pulumi.Input<string>;
  /** Kubernetes name of the Deployment, Service, ServiceAccount, PDB, HPA, NetworkPolicy. Default: the component name. */
  readonly serviceName?: string;
  /** Container and Service port (named `http`). Default 8080 (`DEFAULT_SERVICE_PORT`). */
  readonly port?: number;
  /** Replicas; with autoscaling, the HPA minimum. Default 2. */
  readonly replicas?: number;
  /** A HorizontalPodAutoscaler (autoscaling/v2) on the service container's own CPU (`ContainerResource`, so injected sidecars do not block it). Default: none, `replicas` is fixed. */
  readonly autoscaling?: {
    readonly maxReplicas: number;
    /** Target average CPU utilisation in percent of the request. Default 70. */
    readonly targetCpuUtilization?: number;
  };
  /** Requests and memory limit. Default cpu 250m, memory 256Mi, memoryLimit 512Mi. */
  readonly resources?: {
    readonly cpu?: string;
    readonly memory?: string;
    readonly memoryLimit?: string;
  };
  /** Plain environment variables. Default {}. Credentials belong in `secretEnv`. */
  readonly env?: Readonly<Record<string, pulumi.Input<string>>>;
  /** Environment variables read from Kubernetes Secrets. Default {}. */
  readonly secretEnv?: Readonly<Record<string, SecretEnvRef>>;
  /** Services this one calls: each gets `<NAME>_URL` by cluster DNS and an egress rule. Default []. */
  readonly upstreams?: readonly UpstreamRef[];
  /** Services (same namespace) allowed to call this one. Default [] (no pod may). */
  readonly callers?: readonly string[];
  /**
   * The service receives traffic from a load balancer: its NetworkPolicy admits the load
   * balancer's `targetSources` on the service port. `loadBalancer` is required (pass the
   * `PublicLoadBalancer` that routes to this service). Default: not exposed.
   */
  readonly expose?: { readonly loadBalancer: LoadBalancerSources };
  /**
   * CIDRs allowed to reach the service port. Default [] (none).
   * @deprecated Kept for compatibility; expose the service with `expose: { loadBalancer }`,
   * which takes the sources from the load balancer itself, so they cannot be forgotten.
   */
  readonly ingressCidrs?: readonly string[];
  /**
   * The in-cluster metrics scraper admitted on the service port (the kit's `/metrics`) and, when
   * meshed, on Envoy's merged metrics port; `false` (in other languages `{ enabled: false }`)
   * admits none. Default `DEFAULT_METRICS_SCRAPER`: pods labelled `app.kubernetes.io/name:
   * prometheus` in the `monitoring` namespace.
   */
  readonly metricsScraper?: MetricsScraper | false;
  /** Envoy's merged Prometheus metrics port when meshed. Default 20200 (`Ports.envoyMetrics`). */
  readonly meshMetricsPort?: number;
  /**
   * Export traces to this OpenTelemetry collector (sets `OTEL_SERVICE_NAME` and
   * `OTEL_EXPORTER_OTLP_ENDPOINT`, and allows egress to it). Default: none; the services then
   * run no exporter at all.
   */
  readonly traceCollector?: TraceCollector;
  /** Destinations outside the cluster by purpose, e.g. `{ database: { cidrs, ports } }`. Default {}. */
  readonly egressCidrs?: Readonly<
    Record<string, { readonly cidrs: readonly string[]; readonly ports: readonly number[] }>
  >;
  /**
   * Envoy's inbound listener port when the pods join a mesh (e.g. `Ports.envoyInbound`): the
   * NetworkPolicy then also admits callers, and allows upstreams, on it. Default: not meshed.
   */
  readonly meshInboundPort?: number;
  /** Requests and memory limit of the injected mesh sidecar, via the Consul injector's pod annotations (`consul.hashicorp.com/sidecar-proxy-*`); meshed pods only; `podAnnotations` wins. Default cpu 100m, memory 100Mi (chart's advice), memoryLimit 256Mi. */
  readonly meshSidecarResources?: {
    readonly cpu?: string;
    readonly memory?: string;
    readonly memoryLimit?: string;
  };
  /** The mesh control plane the sidecars reach (namespace; ports default `MESH_CONTROL_PLANE_PORTS`, 8501 and 8502). Default: none. */
  readonly meshControlPlane?: { readonly namespace: string; readonly ports?: readonly number[] };
  /** Pod template annotations (e.g. Consul connect-inject). Default {}. */
  readonly podAnnotations?: pulumi.Input<Record<string, string>>;
  /** ServiceAccount annotations (e.g. IRSA `eks.amazonaws.com/role-arn`). Default {}. */
  readonly serviceAccountAnnotations?: pulumi.Input<Record<string, string>>;
  /** Mount a Kubernetes API token into the pods. Default false. */
  readonly automountServiceAccountToken?: boolean;
  /** UID the container runs as; must match the image's user. Default 10001 (`SERVICE_UID`). */
  readonly runAsUser?: number;
  /** GID the container runs as; must match the image's group. Default 10001 (`SERVICE_GID`). */
  readonly runAsGroup?: number;
  /** How long start-up (migrations, connections) may take before a restart. Default 60 s. */
  readonly startupSeconds?: number;
  /** Value of the `app.kubernetes.io/part-of` label. Default "causeway". */
  readonly partOf?: string;
  /** Cluster DNS domain for upstream URLs. Default "cluster.local". */
  readonly clusterDomain?: string;
}

/** Defaults NodeService applies (also in the README). */
export const NodeServiceDefaults = {
  port: DEFAULT_SERVICE_PORT,
  replicas: 2,
  targetCpuUtilization: 70,
  resources: { cpu: "250m", memory: "256Mi", memoryLimit: "512Mi" },
} as const;

/**
 * One Node.js service on Kubernetes: Deployment, ClusterIP Service, ServiceAccount, PDB,
 * NetworkPolicy and (optionally) an HPA, with a Pod Security Standards "restricted" pod.
 */
export class NodeService extends pulumi.ComponentResource {
  /** The Kubernetes name shared by every object (the Service's DNS name). */
  readonly serviceName: string;
  /** The Service port (named `http`). */
  readonly port: number;
  /** The Deployment of the service's pods. */
  readonly deployment: k8s.apps.v1.Deployment;
  /** The ClusterIP Service (port `http`). */
  readonly service: k8s.core.v1.Service;
  /** The pods' ServiceAccount. */
  readonly serviceAccount: k8s.core.v1.ServiceAccount;
  /** The PodDisruptionBudget. */
  readonly podDisruptionBudget: k8s.policy.v1.PodDisruptionBudget;
  /** The NetworkPolicy: the service graph's ingress and egress, everything else denied. */
  readonly networkPolicy: k8s.networking.v1.NetworkPolicy;
  /** The HorizontalPodAutoscaler, with `autoscaling`; otherwise undefined. */
  readonly autoscaler: k8s.autoscaling.v2.HorizontalPodAutoscaler | undefined;
  /** `http://<name>.<namespace>.svc.<domain>:<port>`. */
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: NodeServiceArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(
      "causeway:index:NodeService",
      name,
      {},
      formerType("causeway:kubernetes:NodeService", opts),
    );
    const service = args.serviceName ?? name;
    const port = args.port ?? NodeServiceDefaults.port;
    const replicas = args.replicas ?? NodeServiceDefaults.replicas;
    const resources = { ...NodeServiceDefaults.resources, ...args.resources };
    const autoscaling = args.autoscaling && {
      maxReplicas: args.autoscaling.maxReplicas,
      targetCpuUtilization:
        args.autoscaling.targetCpuUtilization ?? NodeServiceDefaults.targetCpuUtilization,
    };
    const upstreams = args.upstreams ?? [];
    const callers = args.callers ?? [];
    const ingressCidrs = args.ingressCidrs ?? [];
    const scraper =
      args.metricsScraper === false ? undefined : (args.metricsScraper ?? DEFAULT_METRICS_SCRAPER);
    const meshMetricsPort =
      args.meshInboundPort === undefined ? undefined : (args.meshMetricsPort ?? Ports.envoyMetrics);
    const sidecar =
      args.meshInboundPort === undefined
        ? undefined
        : { ...SidecarDefaults, ...args.meshSidecarResources };
    const egressCidrs = args.egressCidrs ?? {};
    const traceCollector = args.traceCollector && {
      namespaceLabels: args.traceCollector.namespaceLabels,
      podLabels: args.traceCollector.podLabels,
      port: args.traceCollector.port ?? OTLP_HTTP_PORT,
    };
    const secretEnv = args.secretEnv ?? {};
    const userEnv = args.env ?? {};
    const clusterDomain = args.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
    const namespace = pulumi.output(args.namespace);

    // Platform env first, then upstream URLs, then the caller's env, all in a stable order.
    const upstreamEnv = [...upstreams]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((u) => {
        const url = pulumi.interpolate`http://${u.name}.${namespace}.svc.${clusterDomain}:${u.port}`;
        return [upstreamEnvName(u.name), url] as const;
      });
    const env: (readonly [string, pulumi.Input<string>])[] = [
      ["SERVICE_NAME", service],
      ["HOST", "0.0.0.0"],
      ["PORT", String(port)],
      // The kit's whole shutdown (drain, finish in-flight work, close) must end within this.
      ["SHUTDOWN_TIMEOUT_MS", String(Shutdown.drainSeconds * 1000)],
      ...(args.traceCollector
        ? ([
            ["OTEL_SERVICE_NAME", service],
            ["OTEL_EXPORTER_OTLP_ENDPOINT", args.traceCollector.endpoint],
          ] as const)
        : []),
      ...upstreamEnv,
      ...Object.keys(userEnv)
        .sort()
        .map((k) => [k, userEnv[k]!] as const),
    ];

    const problems = argProblems({
      service,
      port,
      replicas,
      autoscaling,
      resources,
      envNames: [...env.map(([k]) => k), ...Object.keys(secretEnv)],
      secretEnvKeys: Object.entries(secretEnv).map(([n, r]) => ({ name: n, key: r.key })),
      callers,
      upstreams,
      cidrs: [
        ...ingressCidrs.map((cidr, i) => ({ arg: `ingressCidrs[${i}]`, cidr })),
        ...Object.entries(egressCidrs).flatMap(([k, v]) =>
          v.cidrs.map((cidr, i) => ({ arg: `egressCidrs.${k}.cidrs[${i}]`, cidr })),
        ),
      ],
      ports: [
        ...Object.entries(egressCidrs).flatMap(([k, v]) =>
          v.ports.map((p, i) => ({ arg: `egressCidrs.${k}.ports[${i}]`, port: p })),
        ),
        ...(args.meshControlPlane?.ports ?? []).map((p, i) => ({
          arg: `meshControlPlane.ports[${i}]`,
          port: p,
        })),
      ],
      meshInboundPort: args.meshInboundPort,
      meshMetricsPort,
      scraper,
      traceCollector,
      exposure: args.expose && { hasLoadBalancer: args.expose.loadBalancer?.targetSources != null },
      image: typeof args.image === "string" ? args.image : undefined,
    });
    if (sidecar) problems.push(...sidecarResourceProblems(sidecar));
    if (problems.length > 0) {
      throw new ComponentArgsError("NodeService", name, problems, this);
    }
    // An image only known at deploy time (e.g. a pushed digest) is checked when it resolves.
    const image = pulumi.output(args.image).apply((ref) => {
      const problem = imageRefProblem(ref);
      if (problem) throw new Error(`NodeService "${name}": image ${problem}`);
      return ref;
    });

    const labels = serviceLabels(service, args.partOf ?? DEFAULT_PART_OF);
    const selector = selectorLabels(service);
    const metadata = { name: service, namespace, labels };
    // Children wait for what the component waits for (e.g. the Secrets the pods read).
    const child: pulumi.CustomResourceOptions = { parent: this, dependsOn: opts.dependsOn };
    const scaling = scalingPlan({ replicas, autoscaling });

    this.serviceName = service;
    this.port = port;
    this.serviceAccount = new k8s.core.v1.ServiceAccount(
      name,
      {
        metadata: { ...metadata, annotations: args.serviceAccountAnnotations ?? {} },
        automountServiceAccountToken: args.automountServiceAccountToken ?? false,
      },
      child,
    );

    this.deployment = new k8s.apps.v1.Deployment(
      name,
      {
        metadata,
        spec: {
          replicas: scaling.deploymentReplicas,
          revisionHistoryLimit: 5,
          selector: { matchLabels: selector },
          strategy: { type: "RollingUpdate", rollingUpdate: { ...ROLLING_UPDATE } },
          template: {
            metadata: {
              labels,
              annotations: sidecar
                ? pulumi
                    .output(args.podAnnotations ?? {})
                    .apply((given) => ({ ...sidecarResourceAnnotations(sidecar), ...given }))
                : (args.podAnnotations ?? {}),
            },
            spec: podSpec({
              service,
              image,
              port,
              resources,
              env,
              secretEnv,
              runAsUser: args.runAsUser ?? PodDefaults.runAsUser,
              runAsGroup: args.runAsGroup ?? PodDefaults.runAsGroup,
              automountServiceAccountToken: args.automountServiceAccountToken ?? false,
              startupSeconds: args.startupSeconds ?? PodDefaults.startupSeconds,
            }),
          },
        },
      },
      pulumi.mergeOptions(child, { dependsOn: [this.serviceAccount] }),
    );

    this.service = new k8s.core.v1.Service(
      name,
      {
        metadata,
        spec: {
          type: "ClusterIP",
          selector,
          ports: [{ name: HTTP_PORT_NAME, port, targetPort: port, protocol: "TCP" }],
        },
      },
      child,
    );

    this.podDisruptionBudget = new k8s.policy.v1.PodDisruptionBudget(
      name,
      {
        metadata,
        spec: {
          maxUnavailable: scaling.pdb.maxUnavailable,
          selector: { matchLabels: selector },
          // A pod that never became ready must not block a node drain.
          unhealthyPodEvictionPolicy: "AlwaysAllow",
        },
      },
      child,
    );

    // The load balancer's sources may be known only at deploy time (a subnet lookup): they are
    // checked when they resolve.
    const loadBalancerSources = pulumi
      .output(args.expose ? args.expose.loadBalancer.targetSources : [])
      .apply((cidrs) => {
        const sourceProblems = targetSourceProblems(cidrs);
        if (sourceProblems.length > 0) {
          throw new Error(`NodeService "${name}": ${sourceProblems.join("; ")}`);
        }
        return cidrs;
      });
    this.networkPolicy = new k8s.networking.v1.NetworkPolicy(
      name,
      {
        metadata,
        spec: loadBalancerSources.apply((sources) =>
          networkPolicySpec({
            service,
            port,
            callers,
            ingressCidrs: [...sources, ...ingressCidrs],
            upstreams,
            egressCidrs,
            meshInboundPort: args.meshInboundPort,
            meshControlPlane: args.meshControlPlane && {
              namespace: args.meshControlPlane.namespace,
              ports: args.meshControlPlane.ports ?? MESH_CONTROL_PLANE_PORTS,
            },
            scraper,
            metricsPorts: [port, ...(meshMetricsPort === undefined ? [] : [meshMetricsPort])],
            traceCollector,
          }),
        ),
      },
      child,
    );

    this.autoscaler = scaling.hpa
      ? new k8s.autoscaling.v2.HorizontalPodAutoscaler(
          name,
          { metadata, spec: hpaSpec(service, scaling.hpa) },
          pulumi.mergeOptions(child, { dependsOn: [this.deployment] }),
        )
      : undefined;

    this.url = pulumi.interpolate`http://${service}.${namespace}.svc.${clusterDomain}:${port}`;
    this.registerOutputs({
      serviceName: service,
      port,
      url: this.url,
      deployment: this.deployment,
      service: this.service,
    });
  }
}
