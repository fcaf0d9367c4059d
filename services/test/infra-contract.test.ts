import { upstreamEnvName } from "@causeway/components";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePlatformConfig, type StackConfig } from "../../infra/config";
import { planStack, rawStackConfig, STACKS_DIR, type PlanView } from "../../infra/plan/harness";
import { knownStacks } from "@causeway/plan";
import {
  fixtureConfig,
  FOURTH_SERVICE,
  planFixture,
  WITH_FOURTH_SERVICE,
} from "../../infra/test/fixtures";
import {
  contractProblems,
  envOf,
  pod,
  requiredVars,
  schemaExportName,
  serviceEnvSchema,
  type Container,
} from "./contract";
import type { ServiceProcess } from "./support";
import {
  TEST_AMQP_URL,
  TEST_DATABASE_URL,
  http,
  missingServers,
  skipWithoutServers,
  spawnService,
  startWaves,
  stopAllServices,
  uniqueName,
  deleteBrokerTopology,
} from "./support";

/**
 * The infra <-> services contract, checked from both sides: every shipped stack is planned with
 * the real program (offline), and each service of its graph is held against its own config
 * schema, HTTP endpoints and the Dockerfile (./contract).
 */

const STACKS = knownStacks(STACKS_DIR);
const configs = new Map<string, StackConfig>(
  STACKS.map((stack) => [stack, parsePlatformConfig(rawStackConfig(stack), stack)]),
);
/** The services of a shipped stack's graph, sorted. */
const servicesOf = (stack: string) => Object.keys(configs.get(stack)!.services).sort();

const plans = new Map<string, PlanView>();
async function plan(stack: string): Promise<PlanView> {
  if (!plans.has(stack)) plans.set(stack, await planStack(stack));
  return plans.get(stack)!;
}

/** Every HTTP probe of the container as [kind, path, port number]. */
function probes(container: Container): Array<[string, string, number]> {
  const resolve = (port: number | string) =>
    typeof port === "number" ? port : container.ports.find((p) => p.name === port)!.containerPort;
  return (["startupProbe", "livenessProbe", "readinessProbe"] as const).flatMap((kind) => {
    const get = container[kind]?.httpGet;
    return get ? [[kind, get.path, resolve(get.port)] as [string, string, number]] : [];
  });
}

describe("the services' config schemas", () => {
  it("require exactly these variables", async () => {
    const services = [...new Set(STACKS.flatMap(servicesOf))].sort();
    const required: Record<string, string[]> = {};
    for (const service of services) {
      const found = await serviceEnvSchema(service);
      required[service] = "schema" in found ? requiredVars(found.schema) : [found.problem];
    }
    expect(required).toEqual({
      gateway: ["ORDERS_URL", "SERVICE_NAME"],
      orders: ["AMQP_URL", "DATABASE_URL", "SERVICE_NAME"],
      payments: ["AMQP_URL", "DATABASE_URL", "SERVICE_NAME"],
    });
  });

  it("are found by the export name of the convention", () => {
    expect(["gateway", "inventory-sync"].map(schemaExportName)).toEqual([
      "gatewayEnvSchema",
      "inventorySyncEnvSchema",
    ]);
  });
});

describe("infra <-> services contract, per shipped stack", () => {
  it.each(STACKS)(
    "%s: holds for every service of the graph (env, Secrets, ports, upstreams, UID, read-only root)",
    async (stack) => {
      const p = await plan(stack);
      const config = configs.get(stack)!;
      const problems: Record<string, string[]> = {};
      for (const service of servicesOf(stack)) {
        problems[service] = await contractProblems(p, config, service);
      }
      expect(problems).toEqual(Object.fromEntries(servicesOf(stack).map((s) => [s, []])));
    },
    120_000,
  );
});

describe("the contract check on the fixture graph", () => {
  it(`fails for a fourth service, "${FOURTH_SERVICE}", that has no code, naming the missing package`, async () => {
    const p = await planFixture("dev", WITH_FOURTH_SERVICE);
    const config = fixtureConfig("dev", WITH_FOURTH_SERVICE);
    const problems: Record<string, string[]> = {};
    for (const service of Object.keys(config.services).sort()) {
      problems[service] = await contractProblems(p, config, service);
    }
    expect(problems).toEqual({
      gateway: [],
      inventory: [
        "service \"inventory\" is in the stack's graph, but services/inventory has no package: add the service's code there (package.json, src/config.ts exporting inventoryEnvSchema) or remove it from causeway:services",
      ],
      orders: [],
      payments: [],
    });
  }, 120_000);

  it("fails for a service the graph denies a data store its code requires", async () => {
    const overlay = { "causeway:services": { payments: { database: false } } };
    const p = await planFixture("dev", overlay);
    expect(await contractProblems(p, fixtureConfig("dev", overlay), "payments")).toEqual([
      "DATABASE_URL: required by paymentsEnvSchema, not set on the container",
      "env DATABASE_URL: Invalid input: expected string, received undefined",
    ]);
  }, 120_000);
});

/**
 * The queues each broker user declares, as suffixes of its QUEUE_PREFIX (they live in the
 * services' code), so the test deletes what the services declared.
 */
const QUEUE_SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  orders: ["payment-succeeded", "payment-failed"],
  payments: ["order-placed"],
};

describe("probe paths and the ALB health check answer 200 on the running services", () => {
  const run = uniqueName("contract");
  const exchange = `causeway.events.${run}`;
  const graph = configs.get("dev")!.services;
  const schemas = Object.keys(graph)
    .filter((s) => graph[s]!.database)
    .map((s) => `${s.replace(/-/g, "_")}_${run}`);
  const queues = Object.keys(graph)
    .filter((s) => graph[s]!.broker)
    .flatMap((s) => (QUEUE_SUFFIXES[s] ?? []).map((q) => `${s}.${run}.${q}`))
    .flatMap((q) => [
      q,
      `${q}.dlq`,
      ...Array.from({ length: 19 }, (_, i) => i + 1).map((i) => `${q}.retry.${i}`),
    ]);
  const running = new Map<string, ServiceProcess>();

  beforeAll(async () => {
    if ((await missingServers()).length > 0) return;
    const unknownQueues = Object.keys(graph).filter((s) => graph[s]!.broker && !QUEUE_SUFFIXES[s]);
    if (unknownQueues.length > 0) {
      throw new Error(
        `add the queues ${unknownQueues.join(", ")} declare to QUEUE_SUFFIXES, so this test deletes them`,
      );
    }
    // Each service of the dev graph runs with the env of its dev Deployment (Secrets -> local
    // servers), except the listen address, the per-run schema/queue/exchange names and the
    // upstream URLs (the running upstreams instead of cluster DNS names).
    const p = await plan("dev");
    const envFor = (service: string): Record<string, string> => {
      const s = graph[service]!;
      return {
        ...envOf(pod(p, service).container),
        HOST: "127.0.0.1",
        PORT: "0",
        DRAIN_DELAY_MS: "0",
        EVENTS_EXCHANGE: exchange,
        ...(s.database && {
          DATABASE_URL: TEST_DATABASE_URL,
          DB_SCHEMA: `${service.replace(/-/g, "_")}_${run}`,
        }),
        ...(s.broker && { AMQP_URL: TEST_AMQP_URL, QUEUE_PREFIX: `${service}.${run}` }),
        ...Object.fromEntries(
          s.upstreams.map((u) => [upstreamEnvName(u), running.get(u)!.address]),
        ),
      };
    };
    for (const wave of startWaves(graph)) {
      const started = await Promise.all(wave.map((s) => spawnService(s, envFor(s))));
      wave.forEach((s, i) => running.set(s, started[i]!));
    }
  }, 120_000);

  afterAll(async () => {
    const codes = await Promise.all([...running.values()].map((s) => s.stop(10_000)));
    await stopAllServices();
    const pg = new Client({ connectionString: TEST_DATABASE_URL });
    if (
      await pg.connect().then(
        () => true,
        () => false,
      )
    ) {
      for (const s of schemas.flatMap((x) => [x, `${x}_provider`]))
        await pg.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`).catch(() => undefined);
      await pg.end();
    }
    await deleteBrokerTopology(queues, exchange);
    // Asserted after the cleanup, so a failing exit code does not leave schemas and queues.
    expect(codes.every((c) => c === 0)).toBe(true);
  }, 60_000);

  for (const stack of STACKS)
    it(`${stack}: every Deployment probe path, and each target group's health check path, answers 200`, async (ctx) => {
      if (await skipWithoutServers(ctx)) return;
      const p = await plan(stack);
      const checked: string[] = [];
      // Every service of this stack's graph runs (from the dev graph).
      expect([...running.keys()]).toEqual(expect.arrayContaining(servicesOf(stack)));
      for (const service of servicesOf(stack)) {
        const { container } = pod(p, service);
        const svc = running.get(service)!;
        const ps = probes(container);
        expect(ps.map(([kind]) => kind)).toEqual([
          "startupProbe",
          "livenessProbe",
          "readinessProbe",
        ]);
        for (const [kind, path, port] of ps) {
          // The service listens on PORT, which the previous test pinned to this container port.
          expect(port).toBe(Number(envOf(container).PORT));
          const res = await http(`${svc.address}${path}`);
          expect(res.status, `${stack}/${service} ${kind} ${path}`).toBe(200);
          checked.push(`${service} ${kind} ${path}`);
        }
      }
      const groups = p.byType("aws:lb/targetGroup:TargetGroup");
      expect(groups.length).toBeGreaterThan(0);
      for (const tg of groups) {
        const service = tg.name.replace(/^edge-/, "");
        expect(servicesOf(stack)).toContain(service);
        const health = tg.inputs["healthCheck"] as { path: string; port: string; matcher: string };
        expect(health.port).toBe("traffic-port");
        expect(tg.inputs["port"]).toBe(Number(envOf(pod(p, service).container).PORT));
        const res = await http(`${running.get(service)!.address}${health.path}`);
        expect(res.status, `${stack} ${tg.name} ${health.path}`).toBe(200);
        expect(health.matcher).toBe("200");
        checked.push(`${tg.name} healthCheck ${health.path}`);
      }
      expect(checked).toHaveLength(servicesOf(stack).length * 3 + groups.length);
    }, 120_000);
});
