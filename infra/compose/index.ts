import type * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../config";
import { clusterProvider } from "./cluster";
import { composeData } from "./data";
import { loadBalancerController, publicEdge } from "./edge";
import { composeMesh } from "./mesh";
import { composeObservability } from "./observability";
import { IMAGE_REFS_OUTPUT } from "./images";
import { appNamespace } from "./namespace";
import { composeServices } from "./services";

/**
 * Composes the platform from the typed config and returns the stack outputs. Order follows
 * the data flow in ARCHITECTURE.md: cluster access -> data plane -> mesh -> edge -> services.
 */
export function composePlatform(config: PlatformConfig): Record<string, unknown> {
  const provider = clusterProvider(config.cluster);
  const namespace = appNamespace(provider);
  const controller = loadBalancerController(config, provider);
  const data = composeData(config, { provider, namespace });
  const mesh = composeMesh(config, { provider, namespace });
  // The load balancer comes first: the exposed services take their ingress from it. Its
  // bindings still wait for the Kubernetes Services (never for the Deployments: pods carry the
  // controller's readiness gate, which only turns true once the binding registered them),
  // through a promise kept once the services are composed.
  const kubernetesServices = deferred<pulumi.Resource[]>();
  const edge = publicEdge(
    config,
    provider,
    namespace.metadata.name,
    controller,
    kubernetesServices.promise,
  );
  let composed: ReturnType<typeof composeServices>;
  try {
    composed = composeServices(config, {
      provider,
      namespace,
      mesh: mesh.wiring,
      // Pods wait for the Consul release: its injector webhook must admit them with a sidecar.
      dependsOn: [...data.dependsOn, mesh.consul.release],
      ...(edge.loadBalancer && { loadBalancer: edge.loadBalancer }),
    });
  } catch (error) {
    // Kept even when composing throws, so no binding waits forever; the throw is the error.
    kubernetesServices.resolve([]);
    throw error;
  }
  kubernetesServices.resolve(
    Object.keys(composed)
      .filter((name) => config.services[name]!.expose)
      .sort()
      .map((name) => composed[name]!.service.service),
  );
  // Metrics, traces, logs, alarms and the dashboard; it watches the data plane and the edge.
  const observed = composeObservability(config, provider, edge, [namespace]);
  return {
    environment: config.environment,
    namespace: namespace.metadata.name,
    services: Object.keys(config.services).sort(),
    // Each service's image pinned by digest: what staging and prod promote (images.promoteFrom).
    [IMAGE_REFS_OUTPUT]: Object.fromEntries(
      Object.entries(composed).map(([name, c]) => [name, c.image.imageRef]),
    ),
    ...data.outputs,
    ...edge.outputs,
    ...observed.outputs,
  };
}

/** A promise with its resolve, to hand out before the value exists (first resolve wins). */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}
