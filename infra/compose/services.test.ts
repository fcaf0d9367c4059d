import { describe, expect, it } from "vitest";
import { serviceImageTag } from "@causeway/components";
import {
  FIXTURE_STACKS,
  fixtureConfig,
  type FixtureStack,
  fixturePlans,
  planFixture,
} from "../test/fixtures";
import { containerEnv, deploymentSpec as deployment } from "../test/queries";
import { usersOf } from "./data-stores";
import { nodeServiceArgs, REPO_ROOT } from "./services";

const plan = fixturePlans();
/** The fixture graph's services, sorted. */
const servicesOf = (stack: FixtureStack) => Object.keys(fixtureConfig(stack).services).sort();

describe("each service of each fixture stack", () => {
  it.each(FIXTURE_STACKS)(
    "%s: one NodeService with its objects, and one ServiceImage, per service",
    async (stack) => {
      const p = await plan(stack);
      for (const name of servicesOf(stack)) {
        const component = p.get("causeway:kubernetes:NodeService", name);
        const kinds = p
          .children(component)
          .map((r) => r.type)
          .sort();
        expect(kinds).toEqual(
          [
            "kubernetes:apps/v1:Deployment",
            ...(stack === "dev" ? [] : ["kubernetes:autoscaling/v2:HorizontalPodAutoscaler"]),
            "kubernetes:core/v1:Service",
            "kubernetes:core/v1:ServiceAccount",
            "kubernetes:networking.k8s.io/v1:NetworkPolicy",
            "kubernetes:policy/v1:PodDisruptionBudget",
          ].sort(),
        );
        expect(p.children(component).every((r) => r.provider?.endsWith("::cluster"))).toBe(true);
        expect(p.get("causeway:ecr:ServiceImage", name)).toBeDefined();
      }
    },
  );

  it("tier table: Deployment replicas, HPA range and PDB per stack and service", async () => {
    const rows: unknown[] = [];
    for (const stack of FIXTURE_STACKS) {
      const p = await plan(stack);
      for (const name of servicesOf(stack)) {
        const hpa = p
          .byType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler")
          .find((r) => r.name === name)?.inputs["spec"] as
          { minReplicas: number; maxReplicas: number } | undefined;
        const pdb = p.get("kubernetes:policy/v1:PodDisruptionBudget", name).inputs["spec"] as {
          maxUnavailable: number;
        };
        rows.push([
          stack,
          name,
          deployment(p, name).replicas ?? "hpa",
          hpa ? `${hpa.minReplicas}-${hpa.maxReplicas}` : "none",
          pdb.maxUnavailable,
        ]);
      }
    }
    expect(rows).toEqual([
      ["dev", "gateway", 1, "none", 1],
      ["dev", "orders", 1, "none", 1],
      ["dev", "payments", 1, "none", 1],
      ["staging", "gateway", "hpa", "2-4", 1],
      ["staging", "orders", "hpa", "2-4", 1],
      ["staging", "payments", "hpa", "2-4", 1],
      ["prod", "gateway", "hpa", "4-10", 1],
      ["prod", "orders", "hpa", "3-10", 1],
      ["prod", "payments", "hpa", "3-10", 1],
    ]);
  });

  it("each service reaches its upstreams by cluster DNS, never by IP", async () => {
    const p = await plan("prod");
    const urls = servicesOf("prod").flatMap((name) =>
      containerEnv(p, name)
        .filter((e) => e.name.endsWith("_URL") && e.value !== undefined)
        .map((e) => `${name} ${e.name}=${e.value}`),
    );
    expect(urls).toEqual(["gateway ORDERS_URL=http://orders.causeway.svc.cluster.local:8080"]);
  });

  it("the database's and the broker's users read DATABASE_URL and AMQP_URL from the data plane's Secrets", async () => {
    const p = await plan("prod");
    const services = fixtureConfig("prod").services;
    const rows = servicesOf("prod").map((name) => [
      name,
      containerEnv(p, name).filter((e) => e.valueFrom),
      containerEnv(p, name).find((e) => e.name === "DB_SCHEMA")?.value,
    ]);
    const secretRef = (name: string, key: string) => ({
      name: key,
      valueFrom: { secretKeyRef: { name, key, optional: false } },
    });
    expect(rows).toEqual([
      ["gateway", [], undefined],
      [
        "orders",
        [secretRef("causeway-broker", "AMQP_URL"), secretRef("orders-database", "DATABASE_URL")],
        "orders",
      ],
      [
        "payments",
        [secretRef("causeway-broker", "AMQP_URL"), secretRef("payments-database", "DATABASE_URL")],
        "payments",
      ],
    ]);
    // The rows cover every user of each store the fixture graph declares.
    expect(usersOf(services, "database")).toEqual(["orders", "payments"]);
    expect(usersOf(services, "broker")).toEqual(["orders", "payments"]);
  });

  it("builds each image from services/Dockerfile with a content tag, unless the stack pins one", async () => {
    const digest = `111122223333.dkr.ecr.eu-west-1.amazonaws.com/causeway/orders@sha256:${"c".repeat(64)}`;
    const p = await planFixture("staging", { "causeway:services": { orders: { image: digest } } });
    expect(p.byType("aws:ecr/repository:Repository").map((r) => r.name)).toEqual(
      servicesOf("staging").filter((name) => name !== "orders"),
    );
    expect(deployment(p, "orders").template.spec.containers[0]!.image).toBe(digest);
    const build = p.get("docker:index/image:Image", "payments").inputs["build"];
    expect(build).toEqual({
      context: ".",
      dockerfile: "services/Dockerfile",
      platform: "linux/arm64",
      args: { SERVICE: "payments", VERSION: serviceImageTag("payments", {}, REPO_ROOT) },
    });
  });
});

describe("NodeService arguments derived from the graph (prod fixture)", () => {
  const config = fixtureConfig("prod");
  const args = (name: string) => nodeServiceArgs(config, name, "causeway", "image@sha256:x");

  const rows: [string, unknown][] = [
    [
      "gateway",
      {
        callers: [],
        upstreams: [{ name: "orders", port: 8080 }],
        ingressCidrs: ["10.130.0.0/20", "10.130.16.0/20", "10.130.32.0/20"],
        egressCidrs: {},
        secretEnv: {},
        env: {},
      },
    ],
    [
      "orders",
      {
        callers: ["gateway"],
        upstreams: [],
        ingressCidrs: [],
        egressCidrs: {
          database: {
            cidrs: ["10.130.128.0/19", "10.130.160.0/19", "10.130.192.0/19"],
            ports: [5432],
          },
          broker: {
            cidrs: ["10.130.128.0/19", "10.130.160.0/19", "10.130.192.0/19"],
            ports: [5671],
          },
        },
        secretEnv: {
          DATABASE_URL: { secretName: "orders-database", key: "DATABASE_URL" },
          AMQP_URL: { secretName: "causeway-broker", key: "AMQP_URL" },
        },
        env: { DB_SCHEMA: "orders" },
      },
    ],
    [
      "payments",
      {
        callers: [],
        upstreams: [],
        ingressCidrs: [],
        egressCidrs: {
          database: {
            cidrs: ["10.130.128.0/19", "10.130.160.0/19", "10.130.192.0/19"],
            ports: [5432],
          },
          broker: {
            cidrs: ["10.130.128.0/19", "10.130.160.0/19", "10.130.192.0/19"],
            ports: [5671],
          },
        },
        secretEnv: {
          DATABASE_URL: { secretName: "payments-database", key: "DATABASE_URL" },
          AMQP_URL: { secretName: "causeway-broker", key: "AMQP_URL" },
        },
        env: { DB_SCHEMA: "payments" },
      },
    ],
  ];

  it("has a row for every service of the graph", () => {
    expect(rows.map(([name]) => name)).toEqual(Object.keys(config.services).sort());
  });

  it.each(rows)("%s", (name, expected) => {
    expect(args(name)).toMatchObject(expected as object);
    expect(args(name).meshInboundPort).toBeUndefined();
  });

  it("with a mesh: the Envoy port, the control plane and the annotations", () => {
    const meshed = nodeServiceArgs(config, "orders", "causeway", "i@sha256:x", {
      podAnnotations: (name) => ({ "consul.hashicorp.com/connect-service": name }),
      inboundPort: 20000,
      controlPlaneNamespace: "consul",
    });
    expect(meshed).toMatchObject({
      meshInboundPort: 20000,
      meshControlPlane: { namespace: "consul" },
      podAnnotations: { "consul.hashicorp.com/connect-service": "orders" },
    });
  });
});

describe("graph errors stop the plan before anything is created", () => {
  it.each<[string, Record<string, unknown>, string]>([
    [
      "an unknown upstream",
      { gateway: { upstreams: ["ordrs"] } },
      'causeway:services.gateway.upstreams[0]: unknown upstream "ordrs" (did you mean "orders"?); declared services are: gateway, orders, payments',
    ],
    [
      "two services exposing the same host and path",
      { payments: { expose: { path: "/" } } },
      'causeway:services.payments.expose: claims host "*" and path "/", which service "gateway" already exposes; give one of them another host or path',
    ],
    [
      "a call cycle",
      { orders: { upstreams: ["gateway"] } },
      'causeway:services.gateway.upstreams: service "gateway" calls itself through a cycle: gateway -> orders -> gateway; synchronous call cycles deadlock under load, use an event instead',
    ],
    [
      "a single replica in prod",
      { orders: { replicas: 1 } },
      "causeway:services.orders.replicas: must be at least 2 in prod",
    ],
  ])("%s", async (_, services, message) => {
    await expect(planFixture("prod", { "causeway:services": services })).rejects.toThrow(message);
  });
});
