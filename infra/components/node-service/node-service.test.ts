import * as k8s from "@pulumi/kubernetes";
import { describe, expect, it } from "vitest";
import { planProgram } from "../../plan/harness";
import { NodeService } from "./node-service";

const DIGEST = `registry.example.com/shop/orders@sha256:${"0".repeat(64)}`;
const NS = "urn:pulumi:test::causeway::causeway:index:NodeService";

/** Another team's program: plain args, its own provider, no Causeway stack config at all. */
async function planOrders(extra: Partial<ConstructorParameters<typeof NodeService>[1]> = {}) {
  return planProgram(async () => {
    const provider = new k8s.Provider("their-cluster", { kubeconfig: "~/.kube/config" });
    new NodeService(
      "orders",
      {
        namespace: "shop",
        image: DIGEST,
        port: 3000,
        replicas: 3,
        autoscaling: { maxReplicas: 6 },
        resources: { cpu: "500m", memory: "384Mi", memoryLimit: "768Mi" },
        env: { LOG_LEVEL: "debug" },
        secretEnv: { DATABASE_URL: { secretName: "orders-database", key: "DATABASE_URL" } },
        upstreams: [{ name: "payments", port: 8080 }],
        callers: ["gateway"],
        egressCidrs: { database: { cidrs: ["10.0.128.0/19"], ports: [5432] } },
        ...extra,
      },
      { provider },
    );
    return {};
  });
}

const labels = {
  "app.kubernetes.io/component": "service",
  "app.kubernetes.io/managed-by": "pulumi",
  "app.kubernetes.io/name": "orders",
  "app.kubernetes.io/part-of": "causeway",
};
const metadata = { name: "orders", namespace: "shop", labels };
const selector = { matchLabels: { "app.kubernetes.io/name": "orders" } };

describe("NodeService from another program, with plain args", () => {
  it("creates exactly a Deployment, Service, ServiceAccount, PDB, NetworkPolicy and HPA, under the component, with the given provider", async () => {
    const plan = await planOrders();
    const component = plan.get("causeway:index:NodeService", "orders");
    expect(
      plan
        .children(component)
        .map((r) => [r.type, r.name, r.provider?.split("::").pop()])
        .sort(),
    ).toEqual([
      ["kubernetes:apps/v1:Deployment", "orders", "their-cluster"],
      ["kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "orders", "their-cluster"],
      ["kubernetes:core/v1:Service", "orders", "their-cluster"],
      ["kubernetes:core/v1:ServiceAccount", "orders", "their-cluster"],
      ["kubernetes:networking.k8s.io/v1:NetworkPolicy", "orders", "their-cluster"],
      ["kubernetes:policy/v1:PodDisruptionBudget", "orders", "their-cluster"],
    ]);
  });

  it("the Deployment: exact inputs", async () => {
    const plan = await planOrders();
    const d = plan.get("kubernetes:apps/v1:Deployment", "orders");
    expect(d.dependencies).toEqual([`${NS}$kubernetes:core/v1:ServiceAccount::orders`]);
    expect(d.inputs).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata,
      spec: {
        // No replicas: the HPA owns the count.
        revisionHistoryLimit: 5,
        selector,
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } },
        template: {
          metadata: { labels, annotations: {} },
          spec: {
            serviceAccountName: "orders",
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: 45,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 10001,
              runAsGroup: 10001,
              fsGroup: 10001,
              seccompProfile: { type: "RuntimeDefault" },
            },
            topologySpreadConstraints: [
              "topology.kubernetes.io/zone",
              "kubernetes.io/hostname",
            ].map((topologyKey) => ({
              maxSkew: 1,
              topologyKey,
              whenUnsatisfiable: "ScheduleAnyway",
              labelSelector: selector,
              matchLabelKeys: ["pod-template-hash"],
            })),
            containers: [
              {
                name: "orders",
                image: DIGEST,
                imagePullPolicy: "IfNotPresent",
                ports: [{ name: "http", containerPort: 3000, protocol: "TCP" }],
                env: [
                  { name: "SERVICE_NAME", value: "orders" },
                  { name: "HOST", value: "0.0.0.0" },
                  { name: "PORT", value: "3000" },
                  { name: "SHUTDOWN_TIMEOUT_MS", value: "20000" },
                  { name: "PAYMENTS_URL", value: "http://payments.shop.svc.cluster.local:8080" },
                  { name: "LOG_LEVEL", value: "debug" },
                  {
                    name: "DATABASE_URL",
                    valueFrom: {
                      secretKeyRef: {
                        name: "orders-database",
                        key: "DATABASE_URL",
                        optional: false,
                      },
                    },
                  },
                ],
                resources: {
                  requests: { cpu: "500m", memory: "384Mi" },
                  limits: { memory: "768Mi" },
                },
                startupProbe: {
                  httpGet: { path: "/livez", port: "http", scheme: "HTTP" },
                  periodSeconds: 2,
                  timeoutSeconds: 2,
                  failureThreshold: 30,
                },
                livenessProbe: {
                  httpGet: { path: "/livez", port: "http", scheme: "HTTP" },
                  periodSeconds: 10,
                  timeoutSeconds: 2,
                  failureThreshold: 3,
                },
                readinessProbe: {
                  httpGet: { path: "/readyz", port: "http", scheme: "HTTP" },
                  periodSeconds: 5,
                  timeoutSeconds: 2,
                  failureThreshold: 2,
                  successThreshold: 1,
                },
                lifecycle: { preStop: { sleep: { seconds: 15 } } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  privileged: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  runAsUser: 10001,
                  runAsGroup: 10001,
                  capabilities: { drop: ["ALL"] },
                  seccompProfile: { type: "RuntimeDefault" },
                },
                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
              },
            ],
            volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
          },
        },
      },
    });
  });

  it("the Service, ServiceAccount, PDB, HPA and NetworkPolicy: exact inputs", async () => {
    const plan = await planOrders();
    const inputs = (type: string) => plan.get(type, "orders").inputs;
    expect(inputs("kubernetes:core/v1:Service")).toEqual({
      apiVersion: "v1",
      kind: "Service",
      metadata,
      spec: {
        type: "ClusterIP",
        selector: selector.matchLabels,
        ports: [{ name: "http", port: 3000, targetPort: 3000, protocol: "TCP" }],
      },
    });
    expect(inputs("kubernetes:core/v1:ServiceAccount")).toEqual({
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { ...metadata, annotations: {} },
      automountServiceAccountToken: false,
    });
    expect(inputs("kubernetes:policy/v1:PodDisruptionBudget")).toEqual({
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata,
      spec: { maxUnavailable: 1, selector, unhealthyPodEvictionPolicy: "AlwaysAllow" },
    });
    expect(inputs("kubernetes:autoscaling/v2:HorizontalPodAutoscaler")).toMatchObject({
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "orders" },
        minReplicas: 3,
        maxReplicas: 6,
        metrics: [
          {
            type: "ContainerResource",
            containerResource: {
              name: "cpu",
              container: "orders",
              target: { type: "Utilization", averageUtilization: 70 },
            },
          },
        ],
      },
    });
    expect(inputs("kubernetes:networking.k8s.io/v1:NetworkPolicy")).toEqual({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata,
      spec: {
        podSelector: selector,
        policyTypes: ["Ingress", "Egress"],
        ingress: [
          {
            from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "gateway" } } }],
            ports: [{ protocol: "TCP", port: 3000 }],
          },
          // The default scraper, on the service port (the kit's /metrics) only.
          {
            from: [
              {
                namespaceSelector: {
                  matchLabels: { "kubernetes.io/metadata.name": "monitoring" },
                },
                podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
              },
            ],
            ports: [{ protocol: "TCP", port: 3000 }],
          },
        ],
        egress: [
          {
            to: [
              {
                namespaceSelector: {
                  matchLabels: { "kubernetes.io/metadata.name": "kube-system" },
                },
                podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
              },
            ],
            ports: [
              { protocol: "UDP", port: 53 },
              { protocol: "TCP", port: 53 },
            ],
          },
          {
            to: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "payments" } } }],
            ports: [{ protocol: "TCP", port: 8080 }],
          },
          {
            to: [{ ipBlock: { cidr: "10.0.128.0/19" } }],
            ports: [{ protocol: "TCP", port: 5432 }],
          },
        ],
      },
    });
  });

  it("without autoscaling: fixed replicas and no HPA; defaults fill the rest", async () => {
    const plan = await planProgram(async () => {
      new NodeService("tiny", { namespace: "shop", image: "r.example/tiny:1.0.0" });
      return {};
    });
    const spec = plan.get("kubernetes:apps/v1:Deployment", "tiny").inputs["spec"] as {
      replicas: number;
      template: { spec: { containers: { resources: unknown; ports: unknown }[] } };
    };
    expect(spec.replicas).toBe(2);
    expect(spec.template.spec.containers[0]!.resources).toEqual({
      requests: { cpu: "250m", memory: "256Mi" },
      limits: { memory: "512Mi" },
    });
    expect(spec.template.spec.containers[0]!.ports).toEqual([
      { name: "http", containerPort: 8080, protocol: "TCP" },
    ]);
    expect(plan.byType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler")).toEqual([]);
  });

  it("passes pod annotations through and admits the mesh inbound port", async () => {
    const plan = await planOrders({
      podAnnotations: { "consul.hashicorp.com/connect-inject": "true" },
      meshInboundPort: 20000,
      meshControlPlane: { namespace: "consul" },
    });
    const d = plan.get("kubernetes:apps/v1:Deployment", "orders").inputs as {
      spec: { template: { metadata: { annotations: unknown } } };
    };
    // Meshed: the injected sidecar gets requests (the defaults) through the injector's annotations.
    expect(d.spec.template.metadata.annotations).toEqual({
      "consul.hashicorp.com/connect-inject": "true",
      "consul.hashicorp.com/sidecar-proxy-cpu-request": "100m",
      "consul.hashicorp.com/sidecar-proxy-memory-request": "100Mi",
      "consul.hashicorp.com/sidecar-proxy-memory-limit": "256Mi",
    });
    const np = plan.get("kubernetes:networking.k8s.io/v1:NetworkPolicy", "orders").inputs as {
      spec: { ingress: { ports: unknown }[]; egress: { to: unknown[]; ports: unknown }[] };
    };
    expect(np.spec.ingress[0]!.ports).toEqual([
      { protocol: "TCP", port: 3000 },
      { protocol: "TCP", port: 20000 },
    ]);
    expect(np.spec.egress.at(-1)).toEqual({
      to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "consul" } } }],
      ports: [
        { protocol: "TCP", port: 8501 },
        { protocol: "TCP", port: 8502 },
      ],
    });
  });

  it("sizes the sidecar as asked; a given annotation wins; an unmeshed pod gets none", async () => {
    const annotationsOf = async (extra: Parameters<typeof planOrders>[0]) =>
      (
        (await planOrders(extra)).get("kubernetes:apps/v1:Deployment", "orders").inputs as {
          spec: { template: { metadata: { annotations: Record<string, string> } } };
        }
      ).spec.template.metadata.annotations;
    expect(
      await annotationsOf({
        meshInboundPort: 20000,
        meshSidecarResources: { cpu: "0.25", memoryLimit: "1Gi" },
        podAnnotations: { "consul.hashicorp.com/sidecar-proxy-memory-request": "150Mi" },
      }),
    ).toEqual({
      "consul.hashicorp.com/sidecar-proxy-cpu-request": "0.25",
      "consul.hashicorp.com/sidecar-proxy-memory-request": "150Mi",
      "consul.hashicorp.com/sidecar-proxy-memory-limit": "1Gi",
    });
    expect(await annotationsOf({ meshSidecarResources: { cpu: "1" } })).toEqual({});
  });

  it("rejects sidecar resources the injector would pass on to a pod Kubernetes refuses", async () => {
    await expect(
      planOrders({
        meshInboundPort: 20000,
        meshSidecarResources: { cpu: "0m", memory: "200Mi", memoryLimit: "100Mi" },
      }),
    ).rejects.toThrow(
      'NodeService "orders": 2 invalid arguments:\n' +
        '  - meshSidecarResources.cpu: must be a CPU quantity above zero, in millicores ("100m") or cores ("0.5") (found "0m")\n' +
        '  - meshSidecarResources.memoryLimit: must be at least meshSidecarResources.memory (200Mi) (found "100Mi")',
    );
  });

  it("admits the scraper on the service port and Envoy's merged metrics port, from the given selector only", async () => {
    type Np = { spec: { ingress: { from: unknown[]; ports: unknown }[] } };
    const ingressOf = async (extra: Parameters<typeof planOrders>[0]) =>
      (
        (await planOrders(extra)).get("kubernetes:networking.k8s.io/v1:NetworkPolicy", "orders")
          .inputs as Np
      ).spec.ingress;
    const meshed = await ingressOf({
      meshInboundPort: 20000,
      metricsScraper: {
        namespaceLabels: { "kubernetes.io/metadata.name": "observability" },
        podLabels: { "app.kubernetes.io/name": "vmagent" },
      },
    });
    expect(meshed).toEqual([
      {
        from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "gateway" } } }],
        ports: [
          { protocol: "TCP", port: 3000 },
          { protocol: "TCP", port: 20000 },
        ],
      },
      {
        from: [
          {
            namespaceSelector: {
              matchLabels: { "kubernetes.io/metadata.name": "observability" },
            },
            podSelector: { matchLabels: { "app.kubernetes.io/name": "vmagent" } },
          },
        ],
        // Not Envoy's inbound listener (20000): the scraper has no mesh certificate.
        ports: [
          { protocol: "TCP", port: 3000 },
          { protocol: "TCP", port: 20200 },
        ],
      },
    ]);
    // No scraper at all when switched off.
    expect(await ingressOf({ metricsScraper: false })).toEqual([
      {
        from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "gateway" } } }],
        ports: [{ protocol: "TCP", port: 3000 }],
      },
    ]);
  });

  it("a trace collector: OTEL_SERVICE_NAME and OTEL_EXPORTER_OTLP_ENDPOINT, and egress to it on 4318 only", async () => {
    const collector = {
      endpoint: "http://adot-collector.observability.svc:4318",
      namespaceLabels: { "kubernetes.io/metadata.name": "observability" },
      podLabels: { "app.kubernetes.io/name": "adot-collector" },
    };
    type Dep = { spec: { template: { spec: { containers: { env: { name: string }[] }[] } } } };
    type Np = { spec: { egress: unknown[] } };
    const plan = await planOrders({ traceCollector: collector });
    const env = (plan.get("kubernetes:apps/v1:Deployment", "orders").inputs as Dep).spec.template
      .spec.containers[0]!.env;
    expect(env.filter((e) => e.name.startsWith("OTEL_"))).toEqual([
      { name: "OTEL_SERVICE_NAME", value: "orders" },
      { name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: collector.endpoint },
    ]);
    const egress = (
      plan.get("kubernetes:networking.k8s.io/v1:NetworkPolicy", "orders").inputs as Np
    ).spec.egress;
    expect(egress.at(-1)).toEqual({
      to: [
        {
          namespaceSelector: { matchLabels: collector.namespaceLabels },
          podSelector: { matchLabels: collector.podLabels },
        },
      ],
      ports: [{ protocol: "TCP", port: 4318 }],
    });
    // Without one: no OTEL variable (no exporter runs) and no such rule.
    const without = await planOrders();
    const envWithout = (without.get("kubernetes:apps/v1:Deployment", "orders").inputs as Dep).spec
      .template.spec.containers[0]!.env;
    expect(envWithout.some((e) => e.name.startsWith("OTEL_"))).toBe(false);
    const egressWithout = (
      without.get("kubernetes:networking.k8s.io/v1:NetworkPolicy", "orders").inputs as Np
    ).spec.egress;
    expect(egressWithout).toHaveLength(egress.length - 1);
    // An empty selector or a clash with env is refused.
    await expect(
      planOrders({
        traceCollector: { ...collector, podLabels: {}, port: 70000 },
        env: { OTEL_SERVICE_NAME: "x" },
      }),
    ).rejects.toThrow(
      [
        'NodeService "orders": 3 invalid arguments:',
        '  - env: "OTEL_SERVICE_NAME" is set twice (env, secretEnv and the derived SERVICE_NAME, HOST, PORT, SHUTDOWN_TIMEOUT_MS and <UPSTREAM>_URL must not overlap)',
        "  - traceCollector.podLabels: must name at least one label (an empty selector lets the pods reach every pod on the collector port)",
        "  - traceCollector.port: must be a port number from 1 to 65535 (found 70000)",
      ].join("\n"),
    );
  });

  it("an exposed service admits its load balancer's target sources, and only on the service port", async () => {
    const plan = await planOrders({
      expose: { loadBalancer: { targetSources: ["10.0.0.0/24", "10.0.1.0/24"] } },
      metricsScraper: false,
    });
    const np = plan.get("kubernetes:networking.k8s.io/v1:NetworkPolicy", "orders").inputs as {
      spec: { ingress: unknown[] };
    };
    expect(np.spec.ingress).toEqual([
      {
        from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "gateway" } } }],
        ports: [{ protocol: "TCP", port: 3000 }],
      },
      {
        from: [{ ipBlock: { cidr: "10.0.0.0/24" } }, { ipBlock: { cidr: "10.0.1.0/24" } }],
        ports: [{ protocol: "TCP", port: 3000 }],
      },
    ]);
  });

  it("refuses an exposed service without its load balancer, and an empty scraper selector", async () => {
    await expect(
      planOrders({
        expose: {} as never,
        metricsScraper: { namespaceLabels: {}, podLabels: { app: "prometheus" } },
      }),
    ).rejects.toThrow(
      [
        'NodeService "orders": 2 invalid arguments:',
        "  - metricsScraper.namespaceLabels: must name at least one label (an empty selector admits every namespace); set false to admit no scraper",
        "  - expose.loadBalancer: an exposed service needs the load balancer that sends it traffic (pass the PublicLoadBalancer, or any { targetSources }), or its NetworkPolicy drops every request the load balancer forwards",
      ].join("\n"),
    );
  });

  it("children wait for what the component waits for", async () => {
    const plan = await planProgram(async () => {
      const provider = new k8s.Provider("k", {});
      const secret = new k8s.core.v1.Secret("db", { metadata: { name: "db" } }, { provider });
      new NodeService(
        "orders",
        { namespace: "shop", image: DIGEST },
        { provider, dependsOn: [secret] },
      );
      return {};
    });
    const secretUrn = plan.get("kubernetes:core/v1:Secret", "db").urn;
    for (const type of [
      "kubernetes:apps/v1:Deployment",
      "kubernetes:core/v1:Service",
      "kubernetes:core/v1:ServiceAccount",
    ]) {
      expect(plan.get(type, "orders").dependencies).toContain(secretUrn);
    }
  });

  it("rejects bad arguments before creating anything, all at once", async () => {
    await expect(
      planProgram(async () => {
        new NodeService("orders", {
          namespace: "shop",
          image: "r.example/orders:latest",
          replicas: 0,
          env: { PORT: "1" },
        });
        return {};
      }),
    ).rejects.toThrow(
      [
        'NodeService "orders": 3 invalid arguments:',
        "  - replicas: must be a whole number of at least 1 (found 0)",
        '  - env: "PORT" is set twice (env, secretEnv and the derived SERVICE_NAME, HOST, PORT, SHUTDOWN_TIMEOUT_MS and <UPSTREAM>_URL must not overlap)',
        '  - image: uses the mutable tag "latest" ("r.example/orders:latest"); pin it by digest (repo@sha256:...) or an immutable tag',
      ].join("\n"),
    );
  });
});
