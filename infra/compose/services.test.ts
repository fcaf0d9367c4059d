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
        const component = p.get("causeway:index:NodeService", name);
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
        expect(p.get("causeway:index:ServiceImage", name)).toBeDefined();
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
      ["gateway", [secretRef("causeway-cache", "RATE_LIMIT_REDIS_URL")], undefined],
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
    expect(usersOf(services, "cache")).toEqual(["gateway"]);
  });

  it.each([
    ["dev", 1, false],
    ["staging", 2, true],
    ["prod", 2, true],
  ] as const)(
    "%s: the gateway's rate limiter shares one Valkey cache (%i nodes, Multi-AZ %s), reached only by it, over TLS",
    async (stack, nodes, multiAz) => {
      const p = await plan(stack);
      const rg = p.get("aws:elasticache/replicationGroup:ReplicationGroup", "cache").inputs;
      expect(rg).toMatchObject({
        replicationGroupId: `causeway-${stack}`,
        engine: "valkey",
        numCacheClusters: nodes,
        multiAzEnabled: multiAz,
        automaticFailoverEnabled: multiAz,
        transitEncryptionEnabled: true,
        atRestEncryptionEnabled: true,
        port: 6379,
      });
      // Its security group admits the cluster security group only, on 6379.
      const ingress = p
        .byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        .filter((r) => r.name.startsWith("cache-"));
      expect(ingress.map((r) => [r.name, r.inputs["fromPort"], r.inputs["toPort"]])).toEqual([
        ["cache-valkey-from-cluster", 6379, 6379],
      ]);
      // The gateway's NetworkPolicy lets it out to the private subnets on 6379; no other
      // service's does, and Envoy lets the TLS connection bypass the mesh.
      const config = fixtureConfig(stack);
      for (const name of servicesOf(stack)) {
        const egress = (
          p.get("kubernetes:networking.k8s.io/v1:NetworkPolicy", name).inputs["spec"] as {
            egress: { to: { ipBlock?: { cidr: string } }[]; ports: { port: number }[] }[];
          }
        ).egress.filter((e) => e.ports.some((port) => port.port === 6379));
        if (name === "gateway") {
          expect(egress).toEqual([
            {
              to: config.network.privateSubnetCidrs.map((cidr) => ({ ipBlock: { cidr } })),
              ports: [{ protocol: "TCP", port: 6379 }],
            },
          ]);
          expect(
            deployment(p, name).template.metadata.annotations[
              "consul.hashicorp.com/transparent-proxy-exclude-outbound-ports"
            ],
          ).toBe("6379");
        } else {
          expect(egress, name).toEqual([]);
        }
      }
    },
  );

  it("dev builds each image from services/Dockerfile for arm64 with a content tag, unless the stack pins one", async () => {
    const digest = `111122223333.dkr.ecr.eu-west-1.amazonaws.com/causeway/orders@sha256:${"c".repeat(64)}`;
    const p = await planFixture("dev", { "causeway:services": { orders: { image: digest } } });
    expect(p.byType("aws:ecr/repository:Repository").map((r) => r.name)).toEqual(
      servicesOf("dev").filter((name) => name !== "orders"),
    );
    expect(deployment(p, "orders").template.spec.containers[0]!.image).toBe(digest);
    const build = p.get("docker:index/image:Image", "payments").inputs["build"];
    expect(build).toEqual({
      context: ".",
      // Its own context: the recipe beside an ignore file that admits only its COPY sources.
      dockerfile: ".causeway/images/payments.Dockerfile",
      platform: "linux/arm64",
      args: {
        SERVICE: "payments",
        VERSION: serviceImageTag("payments", { platform: "linux/arm64" }, REPO_ROOT),
      },
    });
    // The staging and prod accounts may pull what dev builds (the fixture's pullAccountIds).
    const pull = p.get("aws:ecr/repositoryPolicy:RepositoryPolicy", "payments").inputs["policy"];
    expect(JSON.parse(pull as string).Statement[0].Principal.AWS).toEqual(
      fixtureConfig("dev")
        .images.pullAccountIds.map((id) => `arn:aws:iam::${id}:root`)
        .sort(),
    );
    expect(fixtureConfig("dev").images.pullAccountIds).toHaveLength(2);
  });

  it.each(["staging", "prod"] as const)(
    "%s never builds: it deploys dev's digests, read from dev's imageRefs output",
    async (stack) => {
      const p = await plan(stack);
      const config = fixtureConfig(stack);
      expect(config.images.promoteFrom).toBe("fixture/causeway/dev");
      expect(p.byType("docker:index/image:Image")).toEqual([]);
      expect(p.byType("aws:ecr/repository:Repository")).toEqual([]);
      const source = p.get("pulumi:pulumi:StackReference", "images-source");
      expect(source.inputs["name"]).toBe("fixture/causeway/dev");
      for (const name of servicesOf(stack)) {
        // Only known once dev is deployed: the image comes from the reference, and nowhere else.
        const image = deployment(p, name).template.spec.containers[0]!.image;
        expect(image).toMatch(/^\(known after apply: .*\)$/);
        expect(image).toContain(source.urn);
        expect(image).not.toContain("aws:ecr/");
      }
    },
  );

  it("a stack that promotes still runs a digest its config pins, and exports what it runs", async () => {
    const digest = `111122223333.dkr.ecr.eu-west-1.amazonaws.com/causeway/orders@sha256:${"d".repeat(64)}`;
    const p = await planFixture("prod", { "causeway:services": { orders: { image: digest } } });
    expect(deployment(p, "orders").template.spec.containers[0]!.image).toBe(digest);
    expect((p.outputs["imageRefs"] as Record<string, unknown>)["orders"]).toBe(digest);
    expect(p.byType("docker:index/image:Image")).toEqual([]);
  });

  it("staging and prod refuse a config that would build", () => {
    expect(() => fixtureConfig("prod", { "causeway:images": { promoteFrom: null } })).toThrow(
      "causeway:images.promoteFrom: is required in prod, which never builds images: set it to the dev stack that built them (e.g. acme/causeway/dev), or pin causeway:services.<name>.image by digest (not pinned: gateway, orders, payments)",
    );
  });
});

describe("autoscaling with the mesh (staging, prod)", () => {
  const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
  /** Consul's injector adds its sidecar to a pod with this annotation "true" (consul-k8s v1.9.11). */
  const INJECT = "consul.hashicorp.com/connect-inject";
  const SIDECAR_CPU_REQUEST = "consul.hashicorp.com/sidecar-proxy-cpu-request";
  type Metric = {
    type: string;
    resource?: { name: string };
    containerResource?: { name: string; container: string };
  };
  type Container = { name: string; resources?: { requests?: { cpu?: string } } };

  /**
   * Why the HPA could not compute CPU utilisation for the pods it scales, or nothing. A
   * `Resource` metric needs a CPU request on every container of the pod, the injected sidecar
   * included (through the annotation); a `ContainerResource` metric needs one on its container.
   */
  function unscalable(stack: FixtureStack, p: Awaited<ReturnType<typeof plan>>): string[] {
    const problems: string[] = [];
    for (const hpa of p.byType(HPA)) {
      const spec = hpa.inputs["spec"] as { scaleTargetRef: { name: string }; metrics: Metric[] };
      const template = deployment(p, spec.scaleTargetRef.name).template as unknown as {
        metadata: { annotations: Record<string, string> };
        spec: { containers: Container[] };
      };
      const cpu = (c: Container | undefined) => c?.resources?.requests?.cpu;
      for (const m of spec.metrics) {
        if (m.type === "Resource" && m.resource?.name === "cpu") {
          for (const c of template.spec.containers) {
            if (!cpu(c))
              problems.push(`${stack}/${hpa.name}: container ${c.name} has no CPU request`);
          }
          const injected = template.metadata.annotations[INJECT] === "true";
          if (injected && !template.metadata.annotations[SIDECAR_CPU_REQUEST]) {
            problems.push(`${stack}/${hpa.name}: the injected sidecar has no CPU request`);
          }
        } else if (m.type === "ContainerResource" && m.containerResource?.name === "cpu") {
          const named = template.spec.containers.find(
            (c) => c.name === m.containerResource!.container,
          );
          if (!cpu(named)) {
            problems.push(
              `${stack}/${hpa.name}: container ${m.containerResource.container} is absent or has no CPU request`,
            );
          }
        } else {
          problems.push(`${stack}/${hpa.name}: unexpected metric ${JSON.stringify(m)}`);
        }
      }
    }
    return problems;
  }

  it.each(["staging", "prod"] as const)(
    "%s: every HPA can compute CPU utilisation of the meshed pods it scales",
    async (stack) => {
      const p = await plan(stack);
      const hpas = p.byType(HPA);
      expect(hpas.map((h) => h.name).sort()).toEqual(servicesOf(stack));
      for (const hpa of hpas) {
        const name = (hpa.inputs["spec"] as { scaleTargetRef: { name: string } }).scaleTargetRef
          .name;
        // The pods are meshed: a sidecar will be injected beside the app container.
        expect(deployment(p, name).template.metadata.annotations[INJECT]).toBe("true");
        // The choice: the app container's own CPU, whatever the injector adds.
        expect((hpa.inputs["spec"] as { metrics: Metric[] }).metrics).toEqual([
          expect.objectContaining({
            type: "ContainerResource",
            containerResource: expect.objectContaining({ name: "cpu", container: name }),
          }),
        ]);
      }
      expect(unscalable(stack, p)).toEqual([]);
    },
  );

  it.each(["staging", "prod"] as const)(
    "%s: the injected sidecar gets CPU and memory requests through the injector's annotations",
    async (stack) => {
      const p = await plan(stack);
      for (const hpa of p.byType(HPA)) {
        const annotations = deployment(p, hpa.name).template.metadata.annotations;
        expect(annotations).toMatchObject({
          [INJECT]: "true",
          [SIDECAR_CPU_REQUEST]: "100m",
          "consul.hashicorp.com/sidecar-proxy-memory-request": "100Mi",
          "consul.hashicorp.com/sidecar-proxy-memory-limit": "256Mi",
        });
      }
    },
  );

  it("the check finds a pod-wide CPU metric on a meshed pod whose sidecar has no request", async () => {
    const p = await plan("prod");
    const hpa = p.byType(HPA)[0]!;
    const spec = hpa.inputs["spec"] as { metrics: Metric[] };
    const annotations = deployment(p, hpa.name).template.metadata.annotations;
    const original = spec.metrics;
    const request = annotations[SIDECAR_CPU_REQUEST];
    try {
      spec.metrics = [{ type: "Resource", resource: { name: "cpu" } }];
      // With the sidecar's request, even a pod-wide metric could be computed...
      expect(unscalable("prod", p)).toEqual([]);
      // ...and without it, it could not.
      delete annotations[SIDECAR_CPU_REQUEST];
      expect(unscalable("prod", p)).toEqual([
        `prod/${hpa.name}: the injected sidecar has no CPU request`,
      ]);
    } finally {
      spec.metrics = original;
      annotations[SIDECAR_CPU_REQUEST] = request!;
    }
  });
});

describe("NodeService arguments derived from the graph (prod fixture)", () => {
  const config = fixtureConfig("prod");
  const edgeSources = { targetSources: ["10.130.0.0/20", "10.130.16.0/20", "10.130.32.0/20"] };
  const args = (name: string) =>
    nodeServiceArgs(config, name, "causeway", "image@sha256:x", undefined, edgeSources);

  const rows: [string, unknown][] = [
    [
      "gateway",
      {
        callers: [],
        upstreams: [{ name: "orders", port: 8080 }],
        expose: { loadBalancer: edgeSources },
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
    // Only the exposed service takes the load balancer, and nobody a list of CIDRs of its own.
    expect(args(name).expose).toEqual(
      config.services[name]!.expose ? { loadBalancer: edgeSources } : undefined,
    );
    expect(args(name).ingressCidrs).toBeUndefined();
  });

  it("refuses an exposed service with no load balancer to take its sources from", () => {
    expect(() => nodeServiceArgs(config, "gateway", "causeway", "image@sha256:x")).toThrow(
      'service "gateway" is exposed, but no load balancer was composed for it: pass the PublicLoadBalancer to nodeServiceArgs',
    );
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
