import * as path from "node:path";
import {
  NodeService,
  ServiceImage,
  serviceImageTag,
  type LoadBalancerSources,
  type NodeServiceArgs,
  type SecretEnvRef,
} from "@causeway/components";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { callersOf, type PlatformConfig, type ServiceConfig } from "../config";
import { metricsScraperOf } from "../config/sections/metrics";
import { serviceEnvSecretName } from "../config/sections/services";
import { dataStoresOf } from "./data-stores";
import { promotedImages } from "./images";
import { observabilityServiceArgs } from "./observability";

/**
 * The repository root, read for the content tag. The build itself uses context "." because
 * Pulumi runs the program from the project directory (the repository root); the offline plan
 * and the tests may run from elsewhere.
 */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** The mesh, when the pods join it. */
export interface ServiceMesh {
  /** Pod annotations for one service (connect-inject and friends). */
  readonly podAnnotations: (
    service: string,
    config: ServiceConfig,
  ) => pulumi.Input<Record<string, string>>;
  /** Envoy's inbound listener port (`Ports.envoyInbound`). */
  readonly inboundPort: number;
  /** Namespace of the Consul servers, for the sidecars' egress. */
  readonly controlPlaneNamespace: string;
  /** Ports of the Consul servers the sidecars reach. Default: NodeService's. */
  readonly controlPlanePorts?: readonly number[];
  /**
   * Mount the ServiceAccount token into the pods: Consul's ACL login (Kubernetes auth method)
   * reads it. Default false.
   */
  readonly automountServiceAccountToken?: boolean;
}

export interface ServicesDeps {
  readonly provider: k8s.Provider;
  readonly namespace: k8s.core.v1.Namespace;
  readonly mesh?: ServiceMesh;
  /** What the pods need first, e.g. the Secrets they read and the mesh's webhook. */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
  /** The load balancer of the exposed services (their NetworkPolicies admit its sources). */
  readonly loadBalancer?: LoadBalancerSources;
}

export interface ComposedService {
  readonly image: ServiceImage;
  readonly service: NodeService;
}

/** NodeService arguments for one service of the graph (pure but for the image input). */
export function nodeServiceArgs(
  config: PlatformConfig,
  name: string,
  namespace: pulumi.Input<string>,
  image: pulumi.Input<string>,
  mesh?: ServiceMesh,
  loadBalancer?: LoadBalancerSources,
): NodeServiceArgs {
  const s = config.services[name]!;
  if (s.expose && !loadBalancer) {
    throw new Error(
      `service "${name}" is exposed, but no load balancer was composed for it: pass the PublicLoadBalancer to nodeServiceArgs`,
    );
  }
  const secretEnv: Record<string, SecretEnvRef> = {};
  const egressCidrs: Record<string, { cidrs: string[]; ports: number[] }> = {};
  const observed = observabilityServiceArgs(config);
  const env: Record<string, string> = { ...observed.env, ...s.env };
  // secretEnv: a reference to an existing Secret as is; a secure: value from the service's own
  // Secret <service>-env (see serviceEnvSecret), never from plaintext env.
  for (const [key, value] of Object.entries(s.secretEnv)) {
    secretEnv[key] = pulumi.Output.isInstance(value)
      ? { secretName: serviceEnvSecretName(name), key }
      : { secretName: value.secretName, key: value.key };
  }
  for (const [flag, store] of dataStoresOf(s)) {
    const secret = store.secret(name);
    secretEnv[secret.key] = { secretName: secret.name, key: secret.key };
    egressCidrs[flag] = { cidrs: store.egressCidrs(config.network), ports: [store.port] };
    for (const [key, value] of Object.entries(store.defaultEnv(name))) env[key] ??= value;
  }

  return {
    namespace,
    image,
    serviceName: name,
    port: s.port,
    replicas: s.replicas,
    ...(s.autoscaling.enabled && {
      autoscaling: {
        maxReplicas: s.autoscaling.maxReplicas,
        targetCpuUtilization: s.autoscaling.targetCpuUtilization,
      },
    }),
    resources: s.resources,
    env,
    secretEnv,
    upstreams: s.upstreams.map((u) => ({ name: u, port: config.services[u]!.port })),
    callers: callersOf(config.services, name),
    // The load balancer's own sources: no second list of CIDRs to keep in step.
    ...(s.expose && loadBalancer && { expose: { loadBalancer } }),
    egressCidrs,
    // The stack's collector is the scraper when it runs; `causeway:metrics.scraper` names the
    // one to admit otherwise (your own Prometheus), and `scrape: false` admits none.
    metricsScraper: config.metrics.scrape
      ? (observed.metricsScraper ?? metricsScraperOf(config.metrics))
      : false,
    ...(mesh && {
      meshInboundPort: mesh.inboundPort,
      meshControlPlane: {
        namespace: mesh.controlPlaneNamespace,
        ...(mesh.controlPlanePorts && { ports: mesh.controlPlanePorts }),
      },
      podAnnotations: mesh.podAnnotations(name, s),
      ...(mesh.automountServiceAccountToken && { automountServiceAccountToken: true }),
    }),
  };
}

/**
 * The service's own Secret `<service>-env`, holding its `secure:` secretEnv values (Pulumi
 * secrets, so they stay secret in the plan and the state); undefined when it has none.
 */
export function serviceEnvSecret(
  name: string,
  s: ServiceConfig,
  namespace: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Secret | undefined {
  const values = Object.entries(s.secretEnv).filter((e): e is [string, pulumi.Output<string>] =>
    pulumi.Output.isInstance(e[1]),
  );
  if (values.length === 0) return undefined;
  return new k8s.core.v1.Secret(
    `${name}-env`,
    {
      metadata: {
        name: serviceEnvSecretName(name),
        namespace,
        labels: { "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "causeway" },
      },
      type: "Opaque",
      stringData: Object.fromEntries(values),
    },
    opts,
  );
}

/**
 * One ServiceImage and one NodeService per service of the graph, in the app namespace, with the
 * `cluster` provider. An image is pinned by the stack (`services.<name>.image`), promoted from
 * the stack `images.promoteFrom` names (by digest; staging and prod), or else built from
 * services/Dockerfile for `images.platform`, its repository readable by `images.pullAccountIds`.
 */
export function composeServices(
  config: PlatformConfig,
  deps: ServicesDeps,
): Record<string, ComposedService> {
  const out: Record<string, ComposedService> = {};
  const promoted = promotedImages(config.images);
  const platform = config.images.platform;
  for (const name of Object.keys(config.services).sort()) {
    const s = config.services[name]!;
    const image = new ServiceImage(
      name,
      s.image !== undefined
        ? { pinned: s.image }
        : promoted
          ? { pinned: promoted(name) }
          : {
              build: {
                tag: serviceImageTag(name, { platform }, REPO_ROOT),
                platform,
                contextDir: REPO_ROOT,
              },
              pullAccountIds: config.images.pullAccountIds,
            },
    );
    const envSecret = serviceEnvSecret(name, s, deps.namespace.metadata.name, {
      provider: deps.provider,
      dependsOn: [deps.namespace],
    });
    const service = new NodeService(
      name,
      nodeServiceArgs(
        config,
        name,
        deps.namespace.metadata.name,
        image.imageRef,
        deps.mesh,
        deps.loadBalancer,
      ),
      {
        provider: deps.provider,
        dependsOn: [deps.namespace, ...(envSecret ? [envSecret] : []), ...(deps.dependsOn ?? [])],
      },
    );
    out[name] = { image, service };
  }
  return out;
}
