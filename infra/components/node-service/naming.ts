/** Names and labels NodeService derives from the service name. Pure; no Pulumi. */

/** The label every NodeService pod carries, and the one selectors match on. */
export const NAME_LABEL = "app.kubernetes.io/name";
export const PART_OF_LABEL = "app.kubernetes.io/part-of";

/** Default value of `app.kubernetes.io/part-of`. */
export const DEFAULT_PART_OF = "causeway";

/** Default cluster DNS domain (kubelet `--cluster-domain`; EKS uses cluster.local). */
export const DEFAULT_CLUSTER_DOMAIN = "cluster.local";

/** The labels selectors use: only the name, so they never change after creation. */
export function selectorLabels(service: string): Record<string, string> {
  return { [NAME_LABEL]: service };
}

/** Labels on every object of the service (selectors use only `selectorLabels`). */
export function serviceLabels(service: string, partOf: string): Record<string, string> {
  return {
    [NAME_LABEL]: service,
    [PART_OF_LABEL]: partOf,
    "app.kubernetes.io/component": "service",
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

/** The env var that holds an upstream's URL: `orders` -> `ORDERS_URL`. */
export function upstreamEnvName(service: string): string {
  return `${service.toUpperCase().replace(/-/g, "_")}_URL`;
}

/**
 * An upstream's URL by cluster DNS, never an IP: `http://orders.causeway.svc.cluster.local:8080`.
 * With Consul transparent proxy, traffic to this name goes through the mesh.
 */
export function upstreamUrl(
  service: string,
  namespace: string,
  port: number,
  clusterDomain: string = DEFAULT_CLUSTER_DOMAIN,
): string {
  return `http://${service}.${namespace}.svc.${clusterDomain}:${port}`;
}
