import { describe, expect, it } from "vitest";
import {
  DEFAULT_METRICS_SCRAPER,
  MESH_CONTROL_PLANE_PORTS,
  networkPolicySpec,
  ruleTable,
  type NetworkPolicyInput,
} from "./network-policy";

const base: NetworkPolicyInput = {
  service: "orders",
  port: 8080,
  callers: [],
  ingressCidrs: [],
  upstreams: [],
  egressCidrs: {},
};
const DNS_NS = "namespace kubernetes.io/metadata.name=kube-system pods k8s-app=kube-dns";

describe("NetworkPolicy rule table", () => {
  it.each<[string, Partial<NetworkPolicyInput>, [string, string, string][]]>([
    ["an isolated service: DNS only, no ingress at all", {}, [["egress", DNS_NS, "UDP/53 TCP/53"]]],
    [
      "a service with callers, sorted and de-duplicated",
      { callers: ["gateway", "admin", "gateway"] },
      [
        ["ingress", "pods app.kubernetes.io/name=admin", "TCP/8080"],
        ["ingress", "pods app.kubernetes.io/name=gateway", "TCP/8080"],
        ["egress", DNS_NS, "UDP/53 TCP/53"],
      ],
    ],
    [
      "an exposed service: the ALB subnets on the service port only",
      { ingressCidrs: ["10.0.0.0/20", "10.0.16.0/20"] },
      [
        ["ingress", "cidr 10.0.0.0/20", "TCP/8080"],
        ["ingress", "cidr 10.0.16.0/20", "TCP/8080"],
        ["egress", DNS_NS, "UDP/53 TCP/53"],
      ],
    ],
    [
      "upstreams, each on its own port",
      {
        upstreams: [
          { name: "payments", port: 9090 },
          { name: "catalog", port: 8080 },
        ],
      },
      [
        ["egress", DNS_NS, "UDP/53 TCP/53"],
        ["egress", "pods app.kubernetes.io/name=catalog", "TCP/8080"],
        ["egress", "pods app.kubernetes.io/name=payments", "TCP/9090"],
      ],
    ],
    [
      "database and broker: the private subnets on their ports only",
      {
        egressCidrs: {
          database: { cidrs: ["10.0.128.0/19"], ports: [5432] },
          broker: { cidrs: ["10.0.128.0/19"], ports: [5671] },
          empty: { cidrs: [], ports: [1] },
        },
      },
      [
        ["egress", DNS_NS, "UDP/53 TCP/53"],
        ["egress", "cidr 10.0.128.0/19", "TCP/5671"],
        ["egress", "cidr 10.0.128.0/19", "TCP/5432"],
      ],
    ],
    [
      "meshed: callers and upstreams also on Envoy's inbound port, and the control plane",
      {
        callers: ["gateway"],
        upstreams: [{ name: "payments", port: 8080 }],
        meshInboundPort: 20000,
        meshControlPlane: { namespace: "consul", ports: MESH_CONTROL_PLANE_PORTS },
      },
      [
        ["ingress", "pods app.kubernetes.io/name=gateway", "TCP/8080 TCP/20000"],
        ["egress", DNS_NS, "UDP/53 TCP/53"],
        ["egress", "pods app.kubernetes.io/name=payments", "TCP/8080 TCP/20000"],
        [
          "egress",
          "namespace kubernetes.io/metadata.name=consul",
          MESH_CONTROL_PLANE_PORTS.map((p) => `TCP/${p}`).join(" "),
        ],
      ],
    ],
    [
      "the scraper: one peer (namespace AND pod labels), on the metrics ports only",
      {
        callers: ["gateway"],
        meshInboundPort: 20000,
        scraper: DEFAULT_METRICS_SCRAPER,
        metricsPorts: [8080, 20200],
      },
      [
        ["ingress", "pods app.kubernetes.io/name=gateway", "TCP/8080 TCP/20000"],
        [
          "ingress",
          "namespace kubernetes.io/metadata.name=monitoring pods app.kubernetes.io/name=prometheus",
          "TCP/8080 TCP/20200",
        ],
        ["egress", DNS_NS, "UDP/53 TCP/53"],
      ],
    ],
    [
      "a scraper with no metrics port is not admitted at all",
      { scraper: DEFAULT_METRICS_SCRAPER, metricsPorts: [] },
      [["egress", DNS_NS, "UDP/53 TCP/53"]],
    ],
  ])("%s", (_, input, rows) => {
    expect(ruleTable(networkPolicySpec({ ...base, ...input }))).toEqual(rows);
  });

  it("always sets both policy types and selects only the service's pods", () => {
    const spec = networkPolicySpec(base);
    expect(spec.podSelector).toEqual({ matchLabels: { "app.kubernetes.io/name": "orders" } });
    expect(spec.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(spec.ingress).toEqual([]);
  });

  it("the ALB subnets never get the mesh port", () => {
    const spec = networkPolicySpec({
      ...base,
      ingressCidrs: ["10.0.0.0/20"],
      meshInboundPort: 20000,
    });
    expect(spec.ingress).toEqual([
      { from: [{ ipBlock: { cidr: "10.0.0.0/20" } }], ports: [{ protocol: "TCP", port: 8080 }] },
    ]);
  });
});
