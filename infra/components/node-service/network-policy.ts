import { Ports } from "../shared/contract";
import { selectorLabels } from "./naming";

/**
 * The NetworkPolicy rule table of one service, derived from the service graph. Pure; no Pulumi.
 *
 * Ingress: only the declared callers (by pod label) on the service port, plus the mesh inbound
 * port when meshed; for an exposed service also the load balancer's subnets on the service port;
 * and the metrics scraper (namespace and pod label) on the metrics ports only.
 * Egress: only cluster DNS, the upstreams (service port, plus mesh inbound when meshed), the
 * given CIDRs on the given ports (database, broker), the mesh control plane when meshed, and the
 * trace collector's OTLP/HTTP port when one is given.
 * Everything else is denied: both policy types are always set, so an empty list denies all.
 */
export interface NetworkPolicyInput {
  readonly service: string;
  readonly port: number;
  /** Services (same namespace) allowed to call this one. */
  readonly callers: readonly string[];
  /** Source CIDRs allowed on the service port (the ALB's subnets for an exposed service). */
  readonly ingressCidrs: readonly string[];
  /** Services (same namespace) this one calls, with their ports. */
  readonly upstreams: readonly { readonly name: string; readonly port: number }[];
  /** Destination CIDRs and ports, by purpose (e.g. database, broker). */
  readonly egressCidrs: Readonly<
    Record<string, { readonly cidrs: readonly string[]; readonly ports: readonly number[] }>
  >;
  /** Envoy's inbound listener port when the pods are in the mesh. */
  readonly meshInboundPort?: number | undefined;
  /** The mesh control plane (Consul servers) when meshed: its namespace and ports. */
  readonly meshControlPlane?:
    { readonly namespace: string; readonly ports: readonly number[] } | undefined;
  /** The in-cluster metrics scraper admitted on `metricsPorts`; none when undefined. */
  readonly scraper?: MetricsScraper | undefined;
  /**
   * The ports the scraper may reach: the service port (the kit's `/metrics`) and, when meshed,
   * Envoy's merged metrics port (`Ports.envoyMetrics`). Default [].
   */
  readonly metricsPorts?: readonly number[];
  /** The in-cluster trace collector the pods export spans to (OTLP/HTTP); none when undefined. */
  readonly traceCollector?: TraceCollectorPeer | undefined;
}

/**
 * Where the OpenTelemetry collector's pods are, for the egress rule: both selectors must match
 * (one peer, namespace AND pod), and neither may be empty.
 */
export interface TraceCollectorPeer {
  /** Labels of the collector's namespace, e.g. `{ "kubernetes.io/metadata.name": "observability" }`. */
  readonly namespaceLabels: Readonly<Record<string, string>>;
  /** Labels of the collector's pods, e.g. `{ "app.kubernetes.io/name": "adot-collector" }`. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Its OTLP/HTTP port. */
  readonly port: number;
}

/**
 * Which pods may scrape metrics: both selectors must match (one peer, namespace AND pod). An
 * empty selector would match every namespace or pod, so both must name at least one label.
 */
export interface MetricsScraper {
  /** Labels of the scraper's namespace, e.g. `{ "kubernetes.io/metadata.name": "monitoring" }`. */
  readonly namespaceLabels: Readonly<Record<string, string>>;
  /** Labels of the scraper's pods, e.g. `{ "app.kubernetes.io/name": "prometheus" }`. */
  readonly podLabels: Readonly<Record<string, string>>;
}

/**
 * The default scraper: Prometheus pods in the `monitoring` namespace, the layout of
 * prometheus-operator/kube-prometheus (manifests/prometheus-prometheus.yaml: namespace
 * `monitoring`, pods labelled `app.kubernetes.io/name: prometheus`). The namespace is matched by
 * `kubernetes.io/metadata.name`, which the API server sets and nobody can forge.
 */
export const DEFAULT_METRICS_SCRAPER: MetricsScraper = {
  namespaceLabels: { "kubernetes.io/metadata.name": "monitoring" },
  podLabels: { "app.kubernetes.io/name": "prometheus" },
};

/** Where cluster DNS (CoreDNS) runs on EKS: kube-system pods labelled k8s-app=kube-dns. */
export const ClusterDns = {
  namespace: "kube-system",
  podLabels: { "k8s-app": "kube-dns" },
} as const;

/** The namespace label Kubernetes sets on every namespace (1.22+). */
const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

type Port = { protocol: "TCP" | "UDP"; port: number };
type Peer =
  | { podSelector: { matchLabels: Record<string, string> } }
  | {
      namespaceSelector: { matchLabels: Record<string, string> };
      podSelector?: { matchLabels: Record<string, string> };
    }
  | { ipBlock: { cidr: string } };

export interface NetworkPolicySpec {
  podSelector: { matchLabels: Record<string, string> };
  policyTypes: ["Ingress", "Egress"];
  ingress: { from: Peer[]; ports: Port[] }[];
  egress: { to: Peer[]; ports: Port[] }[];
}

const tcp = (...ports: number[]): Port[] =>
  [...new Set(ports)].map((port) => ({ protocol: "TCP" as const, port }));

/** The NetworkPolicy spec for one service. Rules are in a stable order (sorted names). */
export function networkPolicySpec(input: NetworkPolicyInput): NetworkPolicySpec {
  const mesh = input.meshInboundPort === undefined ? [] : [input.meshInboundPort];
  const ingress: NetworkPolicySpec["ingress"] = [];
  const callers = [...new Set(input.callers)].sort();
  if (callers.length > 0) {
    ingress.push({
      from: callers.map((c) => ({ podSelector: { matchLabels: selectorLabels(c) } })),
      ports: tcp(input.port, ...mesh),
    });
  }
  if (input.ingressCidrs.length > 0) {
    ingress.push({
      from: [...new Set(input.ingressCidrs)].map((cidr) => ({ ipBlock: { cidr } })),
      ports: tcp(input.port),
    });
  }
  const metricsPorts = input.metricsPorts ?? [];
  if (input.scraper && metricsPorts.length > 0) {
    ingress.push({
      from: [
        {
          namespaceSelector: { matchLabels: { ...input.scraper.namespaceLabels } },
          podSelector: { matchLabels: { ...input.scraper.podLabels } },
        },
      ],
      ports: tcp(...metricsPorts),
    });
  }

  const egress: NetworkPolicySpec["egress"] = [
    {
      to: [
        {
          namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: ClusterDns.namespace } },
          podSelector: { matchLabels: { ...ClusterDns.podLabels } },
        },
      ],
      ports: [
        { protocol: "UDP", port: Ports.dns },
        { protocol: "TCP", port: Ports.dns },
      ],
    },
  ];
  const upstreams = [...input.upstreams].sort((a, b) => a.name.localeCompare(b.name));
  for (const u of upstreams) {
    egress.push({
      to: [{ podSelector: { matchLabels: selectorLabels(u.name) } }],
      ports: tcp(u.port, ...mesh),
    });
  }
  for (const purpose of Object.keys(input.egressCidrs).sort()) {
    const { cidrs, ports } = input.egressCidrs[purpose]!;
    if (cidrs.length === 0 || ports.length === 0) continue;
    egress.push({
      to: [...new Set(cidrs)].map((cidr) => ({ ipBlock: { cidr } })),
      ports: tcp(...ports),
    });
  }
  if (input.meshControlPlane) {
    egress.push({
      to: [
        {
          namespaceSelector: {
            matchLabels: { [NAMESPACE_NAME_LABEL]: input.meshControlPlane.namespace },
          },
        },
      ],
      ports: tcp(...input.meshControlPlane.ports),
    });
  }
  if (input.traceCollector) {
    egress.push({
      to: [
        {
          namespaceSelector: { matchLabels: { ...input.traceCollector.namespaceLabels } },
          podSelector: { matchLabels: { ...input.traceCollector.podLabels } },
        },
      ],
      ports: tcp(input.traceCollector.port),
    });
  }
  return {
    podSelector: { matchLabels: selectorLabels(input.service) },
    policyTypes: ["Ingress", "Egress"],
    ingress,
    egress,
  };
}

/** Default mesh control plane ports: Consul's HTTPS API (ACL login) and gRPC over TLS (xDS). */
export const MESH_CONTROL_PLANE_PORTS: readonly number[] = [Ports.consulHttps, Ports.consulGrpcTls];

/**
 * The spec as a table, one row per (direction, peer) with its ports, e.g.
 * `["ingress", "pods app.kubernetes.io/name=gateway", "TCP/8080 TCP/20000"]`. For tests and docs.
 */
export function ruleTable(spec: NetworkPolicySpec): [string, string, string][] {
  const peer = (p: Peer): string => {
    if ("ipBlock" in p) return `cidr ${p.ipBlock.cidr}`;
    const labels = (m: Record<string, string>) =>
      Object.entries(m)
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
    if ("namespaceSelector" in p) {
      const ns = `namespace ${labels(p.namespaceSelector.matchLabels)}`;
      return p.podSelector ? `${ns} pods ${labels(p.podSelector.matchLabels)}` : ns;
    }
    return `pods ${labels(p.podSelector.matchLabels)}`;
  };
  const ports = (ps: Port[]) => ps.map((p) => `${p.protocol}/${p.port}`).join(" ");
  return [
    ...spec.ingress.flatMap((r) =>
      r.from.map((p) => ["ingress", peer(p), ports(r.ports)] as [string, string, string]),
    ),
    ...spec.egress.flatMap((r) =>
      r.to.map((p) => ["egress", peer(p), ports(r.ports)] as [string, string, string]),
    ),
  ];
}
