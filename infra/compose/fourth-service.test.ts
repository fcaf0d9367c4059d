import { beforeAll, describe, expect, it } from "vitest";
import { edges } from "../config";
import type { PlanView } from "../plan/harness";
import {
  fixtureConfig,
  FOURTH_SERVICE,
  FOURTH_SERVICE_IMAGE,
  planFixture,
  WITH_FOURTH_SERVICE,
  WITH_FOURTH_SERVICE_UNBUILT,
} from "../test/fixtures";
import { containerEnv, deploymentSpec, plannedIntentions, secretNames } from "../test/queries";

/**
 * A fourth service (database, broker, an upstream, a caller, exposed) added to the fixture graph
 * with nothing but its config entry: everything it needs is derived.
 */
describe(`a fourth service, "${FOURTH_SERVICE}", added to the dev fixture's graph`, () => {
  const name = FOURTH_SERVICE;
  let before: PlanView;
  let after: PlanView;
  beforeAll(async () => {
    // One plan at a time: the mock runtime is global to the process.
    before = await planFixture("dev");
    after = await planFixture("dev", WITH_FOURTH_SERVICE);
  }, 120_000);

  it("adds exactly its image, NodeService, DB Secret, mesh entries and edge route", () => {
    const known = new Set(before.resources.map((r) => r.urn));
    const added = after.resources
      .filter((r) => !known.has(r.urn))
      .map((r) => `${r.type} ${r.name}`)
      .sort();
    expect(added).toEqual([
      "aws:lb/listenerRule:ListenerRule edge-inventory",
      "aws:lb/targetGroup:TargetGroup edge-inventory",
      "causeway:index:NodeService inventory",
      "causeway:index:ServiceImage inventory",
      "kubernetes:apps/v1:Deployment inventory",
      "kubernetes:consul.hashicorp.com/v1alpha1:ServiceDefaults mesh-inventory-defaults",
      "kubernetes:consul.hashicorp.com/v1alpha1:ServiceIntentions mesh-inventory-intentions",
      "kubernetes:consul.hashicorp.com/v1alpha1:ServiceResolver mesh-inventory-resolver",
      "kubernetes:consul.hashicorp.com/v1alpha1:ServiceRouter mesh-inventory-router",
      "kubernetes:core/v1:Secret database-inventory-connection",
      "kubernetes:core/v1:Service inventory",
      "kubernetes:core/v1:ServiceAccount inventory",
      "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding edge-inventory",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy inventory",
      "kubernetes:policy/v1:PodDisruptionBudget inventory",
    ]);
  });

  it("runs the image its config pins by digest", () => {
    expect(deploymentSpec(after, name).template.spec.containers[0]!.image).toBe(
      FOURTH_SERVICE_IMAGE,
    );
  });

  it("is refused before anything is created when it has neither code to build nor a pinned image", async () => {
    await expect(planFixture("dev", WITH_FOURTH_SERVICE_UNBUILT)).rejects.toThrow(
      new RegExp(`^services/Dockerfile line \\d+: "services/${name}/" is not in the build context`),
    );
  });

  it("gets its own database Secret, and reads it and the broker's from the container env", () => {
    expect(secretNames(after).filter((s) => !secretNames(before).includes(s))).toEqual([
      "causeway/inventory-database",
    ]);
    expect(containerEnv(after, name)).toEqual([
      { name: "SERVICE_NAME", value: "inventory" },
      { name: "HOST", value: "0.0.0.0" },
      { name: "PORT", value: "8080" },
      { name: "SHUTDOWN_TIMEOUT_MS", value: "20000" },
      { name: "ORDERS_URL", value: "http://orders.causeway.svc.cluster.local:8080" },
      { name: "DB_SCHEMA", value: "inventory" },
      // The stack's collector (causeway:observability.metrics), like every service's.
      {
        name: "OTEL_EXPORTER_OTLP_ENDPOINT",
        value: "http://adot-collector.observability.svc.cluster.local:4318",
      },
      {
        name: "AMQP_URL",
        valueFrom: { secretKeyRef: { name: "causeway-broker", key: "AMQP_URL", optional: false } },
      },
      {
        name: "DATABASE_URL",
        valueFrom: {
          secretKeyRef: { name: "inventory-database", key: "DATABASE_URL", optional: false },
        },
      },
    ]);
    expect(containerEnv(after, "gateway").find((e) => e.name === "INVENTORY_URL")).toEqual({
      name: "INVENTORY_URL",
      value: "http://inventory.causeway.svc.cluster.local:8080",
    });
  });

  it("may reach DNS, orders, the broker, the database and Consul, and be reached by the gateway, the ALB and the scraper", () => {
    const spec = after.get("kubernetes:networking.k8s.io/v1:NetworkPolicy", name).inputs["spec"];
    const tcp = (...ports: number[]) => ports.map((port) => ({ port, protocol: "TCP" }));
    const privateSubnets = [
      { ipBlock: { cidr: "10.110.128.0/19" } },
      { ipBlock: { cidr: "10.110.160.0/19" } },
    ];
    expect(spec).toEqual({
      podSelector: { matchLabels: { "app.kubernetes.io/name": "inventory" } },
      policyTypes: ["Ingress", "Egress"],
      egress: [
        {
          ports: [
            { port: 53, protocol: "UDP" },
            { port: 53, protocol: "TCP" },
          ],
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
              podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            },
          ],
        },
        {
          ports: tcp(8080, 20000),
          to: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "orders" } } }],
        },
        { ports: tcp(5671), to: privateSubnets },
        { ports: tcp(5432), to: privateSubnets },
        {
          ports: tcp(8501, 8502),
          to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "consul" } } }],
        },
      ],
      ingress: [
        {
          from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "gateway" } } }],
          ports: tcp(8080, 20000),
        },
        {
          from: [{ ipBlock: { cidr: "10.110.0.0/20" } }, { ipBlock: { cidr: "10.110.16.0/20" } }],
          ports: tcp(8080),
        },
        {
          from: [
            {
              // The stack's ADOT collector (causeway:observability.metrics).
              namespaceSelector: {
                matchLabels: { "kubernetes.io/metadata.name": "observability" },
              },
              podSelector: { matchLabels: { "app.kubernetes.io/name": "adot-collector" } },
            },
          ],
          ports: tcp(8080, 20200),
        },
      ],
    });
  });

  it("sends its database and broker traffic around Envoy", () => {
    const annotations = deploymentSpec(after, name).template.metadata.annotations;
    expect(annotations["consul.hashicorp.com/transparent-proxy-exclude-outbound-ports"]).toBe(
      "5432,5671",
    );
  });

  it("is allowed in the mesh exactly on its edges: from the gateway, to orders", () => {
    expect(plannedIntentions(after)).toEqual([
      ["*", "*", "deny"],
      ["gateway", "inventory", "allow"],
      ["gateway", "orders", "allow"],
      ["inventory", "orders", "allow"],
    ]);
    const graphEdges = edges(fixtureConfig("dev", WITH_FOURTH_SERVICE).services);
    expect(graphEdges.map((e) => [e.from, e.to, "allow"])).toEqual(
      plannedIntentions(after).filter(([, , action]) => action === "allow"),
    );
  });

  it("gets a target group, a path rule and a binding to its Service", () => {
    const tg = after.get("aws:lb/targetGroup:TargetGroup", "edge-inventory").inputs;
    expect([tg["port"], tg["protocol"], tg["targetType"]]).toEqual([8080, "HTTP", "ip"]);
    expect(tg["healthCheck"]).toMatchObject({ path: "/readyz", port: "traffic-port" });
    const rule = after.get("aws:lb/listenerRule:ListenerRule", "edge-inventory").inputs;
    expect(rule["conditions"]).toEqual([
      { pathPattern: { values: ["/inventory", "/inventory/*"] } },
    ]);
    const binding = after.get(
      "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding",
      "edge-inventory",
    );
    expect((binding.inputs["spec"] as { serviceRef: unknown }).serviceRef).toEqual({
      name: "inventory",
      port: 8080,
    });
    expect(binding.dependencies).toContain(after.get("kubernetes:core/v1:Service", name).urn);
  });
});
