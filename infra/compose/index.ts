import type { PlatformConfig } from "../config";
import { clusterProvider } from "./cluster";
import { loadBalancerController, publicEdge } from "./edge";
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
  composeServices(config, { provider, namespace });
  const edge = publicEdge(config, provider, namespace.metadata.name, controller);
  return {
    environment: config.environment,
    namespace: namespace.metadata.name,
    services: Object.keys(config.services).sort(),
    ...edge,
  };
}
