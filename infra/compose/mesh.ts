import {
  ConsulCluster,
  DEREGISTRATION_DELAY_SECONDS,
  HealthPaths,
  meshPodAnnotations,
  Ports,
  ServiceMesh,
} from "@causeway/components";
import type * as k8s from "@pulumi/kubernetes";
import type { PlatformConfig, ServiceConfig } from "../config";
import { dataStoresOf } from "./data-stores";
import { APP_NAMESPACE } from "./namespace";
import type { ServiceMesh as MeshWiring } from "./services";

/** Namespace of the Consul servers and injector. */
export const CONSUL_NAMESPACE = "consul";

export interface ComposedMesh {
  readonly consul: ConsulCluster;
  readonly mesh: ServiceMesh;
  /** What NodeService needs to join the mesh (pod annotations, Envoy port, control plane). */
  readonly wiring: MeshWiring;
}

/**
 * Pod annotations for one service of the graph. Exposed services keep their port out of the
 * inbound redirection, so the ALB and its health check (which cannot present a mesh
 * certificate) reach the app directly; data-store ports bypass Envoy on the way out.
 */
export function podAnnotationsFor(service: ServiceConfig): Record<string, string> {
  return meshPodAnnotations({
    port: service.port,
    exposed: service.expose !== undefined,
    excludeOutboundPorts: dataStoresOf(service).map(([, store]) => store.port),
    metricsPath: HealthPaths.metrics,
    // Envoy outlives the app's preStop sleep and drain, so in-flight upstream calls finish.
    shutdownGraceSeconds: DEREGISTRATION_DELAY_SECONDS,
  });
}

/**
 * The Consul datacenter (sized by `causeway:consul`) and the mesh of the service graph: one
 * ServiceDefaults, ServiceRouter and ServiceResolver per service, a default deny, and one
 * allow per caller -> upstream edge.
 */
export function composeMesh(
  config: PlatformConfig,
  deps: { readonly provider: k8s.Provider; readonly namespace: k8s.core.v1.Namespace },
): ComposedMesh {
  const c = config.consul;
  const consul = new ConsulCluster(
    "consul",
    {
      servers: c.servers,
      chartVersion: c.chartVersion,
      consulVersion: c.consulVersion,
      namespace: CONSUL_NAMESPACE,
      storageSize: c.storageSize,
      storageClass: c.storageClass,
      resources: c.resources,
      // The injector's fail-closed webhook only ever sees the services' pods.
      injectNamespaces: [APP_NAMESPACE],
    },
    { provider: deps.provider },
  );
  const mesh = new ServiceMesh(
    "mesh",
    { services: config.services, namespace: APP_NAMESPACE, crds: consul.release },
    { provider: deps.provider, dependsOn: [deps.namespace] },
  );
  return {
    consul,
    mesh,
    wiring: {
      podAnnotations: (_name, service) => podAnnotationsFor(service),
      inboundPort: Ports.envoyInbound,
      controlPlaneNamespace: CONSUL_NAMESPACE,
      // With ACLs on, the injector logs each pod in to Consul with its ServiceAccount token and
      // refuses a pod whose containers do not mount it (consul-k8s v1.9,
      // control-plane/connect-inject/webhook/mesh_webhook.go, findServiceAccountVolumeMount:
      // "unable to find service account token volumeMount"). The token is bound to the pod's
      // own ServiceAccount, which has no RBAC permissions.
      automountServiceAccountToken: true,
    },
  };
}
