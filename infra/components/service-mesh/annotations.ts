/**
 * Pod annotations that put a service into the Consul mesh. Names from
 * control-plane/connect-inject/constants/annotations_and_labels.go of hashicorp/consul-k8s
 * v1.9.11 (the chart version the stacks pin).
 */

export const ConsulAnnotation = {
  /** Opt the pod in to sidecar injection (the chart injects nothing by default). */
  inject: "consul.hashicorp.com/connect-inject",
  /** Redirect all of the pod's traffic through Envoy (iptables set up by the CNI plugin). */
  transparentProxy: "consul.hashicorp.com/transparent-proxy",
  /** The port the service listens on (default: the first container port). */
  servicePort: "consul.hashicorp.com/connect-service-port",
  /** Inbound ports left out of the redirection: reached directly, without mesh mTLS. */
  excludeInboundPorts: "consul.hashicorp.com/transparent-proxy-exclude-inbound-ports",
  /** Outbound ports left out of the redirection (destinations outside the mesh). */
  excludeOutboundPorts: "consul.hashicorp.com/transparent-proxy-exclude-outbound-ports",
  /** Serve Envoy's and the service's metrics merged on the Prometheus port. */
  enableMetricsMerging: "consul.hashicorp.com/enable-metrics-merging",
  serviceMetricsPort: "consul.hashicorp.com/service-metrics-port",
  serviceMetricsPath: "consul.hashicorp.com/service-metrics-path",
  /** How long Envoy keeps serving the app's outbound calls after SIGTERM. */
  shutdownGracePeriodSeconds:
    "consul.hashicorp.com/sidecar-proxy-lifecycle-shutdown-grace-period-seconds",
} as const;

export interface MeshPodOptions {
  /** The service's container port. */
  readonly port: number;
  /**
   * Whether the load balancer sends traffic to the pod. The ALB cannot present a mesh
   * certificate, so the service port is excluded from the inbound redirection: the ALB (and its
   * health check) reaches the app directly, and the NetworkPolicy alone limits who may.
   */
  readonly exposed: boolean;
  /** Ports of destinations outside the mesh (PostgreSQL, AMQPS) that bypass Envoy. */
  readonly excludeOutboundPorts: readonly number[];
  /** Path of the service's Prometheus metrics (the kit's `/metrics`). */
  readonly metricsPath: string;
  /**
   * Seconds Envoy keeps running after SIGTERM: as long as the app's preStop sleep plus drain,
   * so the app's in-flight upstream calls still have a proxy. Must stay below the pod's
   * terminationGracePeriodSeconds.
   */
  readonly shutdownGraceSeconds: number;
}

/** The annotations of one meshed service's pods, keys sorted. */
export function meshPodAnnotations(o: MeshPodOptions): Record<string, string> {
  const port = String(o.port);
  const annotations: Record<string, string> = {
    [ConsulAnnotation.inject]: "true",
    [ConsulAnnotation.transparentProxy]: "true",
    [ConsulAnnotation.servicePort]: port,
    [ConsulAnnotation.enableMetricsMerging]: "true",
    [ConsulAnnotation.serviceMetricsPort]: port,
    [ConsulAnnotation.serviceMetricsPath]: o.metricsPath,
    [ConsulAnnotation.shutdownGracePeriodSeconds]: String(o.shutdownGraceSeconds),
  };
  if (o.exposed) annotations[ConsulAnnotation.excludeInboundPorts] = port;
  const outbound = [...new Set(o.excludeOutboundPorts)].sort((a, b) => a - b);
  if (outbound.length > 0) annotations[ConsulAnnotation.excludeOutboundPorts] = outbound.join(",");
  return Object.fromEntries(Object.entries(annotations).sort(([a], [b]) => a.localeCompare(b)));
}
