import { describe, expect, it } from "vitest";
import { parsePlatformConfig } from "..";
import { configProblems } from "../../test/config-problems";
import {
  FIXTURE_STACKS,
  fixtureConfig,
  rawFixtureConfig,
  type FixtureStack,
} from "../../test/fixtures";

const problems = configProblems;

describe("causeway:services tier defaults", () => {
  it("dev runs 1 replica without an HPA; staging and prod at least 2 with an HPA", () => {
    const table = FIXTURE_STACKS.map((stack) => {
      const orders = parsePlatformConfig(rawFixtureConfig(stack), stack).services.orders!;
      return [stack, orders.replicas, orders.autoscaling];
    });
    expect(table).toEqual([
      ["dev", 1, { enabled: false, maxReplicas: 3, targetCpuUtilization: 70 }],
      ["staging", 2, { enabled: true, maxReplicas: 4, targetCpuUtilization: 70 }],
      ["prod", 3, { enabled: true, maxReplicas: 10, targetCpuUtilization: 70 }],
    ]);
  });

  it("gives a service the database and broker only where the stack says so", () => {
    for (const stack of FIXTURE_STACKS) {
      const declared = JSON.parse(rawFixtureConfig(stack).values["causeway:services"]!) as Record<
        string,
        { database?: boolean; broker?: boolean }
      >;
      const s = parsePlatformConfig(rawFixtureConfig(stack), stack).services;
      const table = Object.entries(s).map(([n, v]) => [n, v.database, v.broker]);
      expect(table).toEqual(
        Object.entries(declared).map(([n, v]) => [n, v.database === true, v.broker === true]),
      );
      expect(table.some(([, database]) => database === false)).toBe(true);
      expect(table.some(([, database]) => database === true)).toBe(true);
    }
  });
});

describe("causeway:services checks that need the tier or several fields", () => {
  it.each<[string, FixtureStack, Record<string, unknown>, string[]]>([
    [
      "a single replica in staging",
      "staging",
      { orders: { replicas: 1 } },
      [
        "causeway:services.orders.replicas: must be at least 2 in staging, so that a rollout, a node drain or a zone outage never leaves the service without a ready pod; only dev runs 1 replica (found 1)",
      ],
    ],
    [
      "a single replica in prod, even with autoscaling off",
      "prod",
      { payments: { replicas: 1, autoscaling: { enabled: false } } },
      [
        "causeway:services.payments.replicas: must be at least 2 in prod, so that a rollout, a node drain or a zone outage never leaves the service without a ready pod; only dev runs 1 replica (found 1)",
      ],
    ],
    [
      "an HPA maximum below the minimum",
      "prod",
      { orders: { replicas: 5, autoscaling: { maxReplicas: 4 } } },
      [
        "causeway:services.orders.autoscaling.maxReplicas: must be at least replicas (5), the autoscaler's minimum (found 4)",
      ],
    ],
    [
      "a memory limit below the request",
      "dev",
      { orders: { resources: { memory: "1Gi", memoryLimit: "512Mi" } } },
      [
        'causeway:services.orders.resources.memoryLimit: must be at least resources.memory (1Gi) (found "512Mi")',
      ],
    ],
    [
      "env that shadows what the platform sets",
      "dev",
      { gateway: { env: { ORDERS_URL: "http://10.0.0.1", PORT: "1", LOG_LEVEL: "debug" } } },
      [
        "causeway:services.gateway.env.ORDERS_URL: is set by the platform (from the service's port, upstreams, database or broker); remove it from env",
        "causeway:services.gateway.env.PORT: is set by the platform (from the service's port, upstreams, database or broker); remove it from env",
      ],
    ],
    [
      "a queue argument that an existing queue cannot take",
      "dev",
      { payments: { env: { CONSUMER_DELIVERY_LIMIT: "20", CONSUMER_RETRY_MAX_ATTEMPTS: "8" } } },
      [
        "causeway:services.payments.env.CONSUMER_DELIVERY_LIMIT: is fixed on the service's queues when RabbitMQ first declares them (x-delivery-limit): a different value on an existing queue is refused (PRECONDITION_FAILED), so the service's pods would stop at start; remove it from env, and tune retries with CONSUMER_RETRY_MAX_ATTEMPTS, or lower the limit with a RabbitMQ delivery-limit policy",
      ],
    ],
    [
      "an image that is not pinned by digest",
      "staging",
      { orders: { image: "111122223333.dkr.ecr.eu-west-1.amazonaws.com/causeway/orders:latest" } },
      [
        'causeway:services.orders.image: must be an image pinned by digest: <registry>/<repository>@sha256:<64 hex digits> (found "111122223333.dkr.ecr.eu-west-1.amazonaws.com/causeway/orders:latest")',
      ],
    ],
    [
      "an unknown upstream and a duplicate exposure, at once",
      "dev",
      { orders: { upstreams: ["paymnts"], expose: { path: "/" } } },
      [
        `causeway:services.orders.upstreams[0]: unknown upstream "paymnts" (did you mean "payments"?); declared services are: ${Object.keys(fixtureConfig("dev").services).join(", ")}`,
        'causeway:services.orders.expose: claims host "*" and path "/", which service "gateway" already exposes; give one of them another host or path',
      ],
    ],
  ])("rejects %s", (_, stack, services, expected) => {
    expect(problems(rawFixtureConfig(stack, { "causeway:services": services }))).toEqual(expected);
  });

  it("accepts an image pinned by digest", () => {
    const image = `111122223333.dkr.ecr.eu-west-1.amazonaws.com/causeway/orders@sha256:${"a".repeat(64)}`;
    const raw = rawFixtureConfig("prod", { "causeway:services": { orders: { image } } });
    expect(parsePlatformConfig(raw, "prod").services.orders!.image).toBe(image);
  });
});
