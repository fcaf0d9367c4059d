import type { PlatformConfig } from "../config";
import { clusterProvider } from "./cluster";
import { composeData } from "./data";
import { loadBalancerController, publicEdge } from "./edge";
import { composeMesh } from "./mesh";
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
  const composed = composeServices(config, {
    provider,
    namespace,
    mesh: mesh.wiring,
    // Pods wait for the Consul release: its injector webhook must admit them with a sidecar.
    dependsOn: [...data.dependsOn, mesh.consul.release],
  });
  // The bindings wait for the Kubernetes Services, never for the Deployments: pods carry the
  // controller's readiness gate, which only turns true once the binding registered them.
  const edge = publicEdge(
    config,
    provider,
    namespace.metadata.name,
    controller,
    Object.entries(composed)
      .filter(([name]) => config.services[name]!.expose)
      .map(([, c]) => c.service.service),
  );
  return {
    environment: config.environment,
    namespace: namespace.metadata.name,
    services: Object.keys(config.services).sort(),
    // Each service's image pinned by digest: what staging and prod promote (images.promoteFrom).
    [IMAGE_REFS_OUTPUT]: Object.fromEntries(
      Object.entries(composed).map(([name, c]) => [name, c.image.imageRef]),
    ),
    ...data.outputs,
    ...edge,
  };
}
