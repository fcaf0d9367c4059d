import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDockerfile, SERVICE_GID, SERVICE_UID } from "@causeway/components";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { gatewayEnvSchema } from "../gateway/src/config";
import { ordersEnvSchema } from "../orders/src/config";
import { paymentsEnvSchema } from "../payments/src/config";
import type { PlanView } from "../../infra/plan/harness";
import { planStack } from "../../infra/plan/harness";
import type { ServiceProcess } from "./support";
import {
  TEST_AMQP_URL,
  TEST_DATABASE_URL,
  http,
  missingServers,
  repoRoot,
  skipWithoutServers,
  spawnService,
  stopAllServices,
  uniqueName,
  deleteBrokerTopology,
} from "./support";

/**
 * The infra <-> services contract, checked from both sides: every stack is planned with the real
 * program (offline), and the services' own config schemas, HTTP endpoints and Dockerfile are
 * held against what the plan sets.
 */

const STACKS = ["dev", "staging", "prod"] as const;
const SCHEMAS = {
  gateway: gatewayEnvSchema,
  orders: ordersEnvSchema,
  payments: paymentsEnvSchema,
} as const;
type Service = keyof typeof SCHEMAS;
const SERVICES = Object.keys(SCHEMAS) as Service[];

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Probe {
  httpGet?: { path: string; port: number | string };
}
interface Container {
  name: string;
  env: EnvVar[];
  ports: { name: string; containerPort: number }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  securityContext: { runAsUser: number; runAsGroup: number; readOnlyRootFilesystem: boolean };
}
interface PodSpec {
  securityContext: { runAsUser: number; runAsGroup: number };
  containers: Container[];
}

/** Variables a schema requires: those with neither a default nor optional. */
export function requiredVars(schema: z.ZodObject): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => !(field as z.ZodType).safeParse(undefined).success)
    .map(([k]) => k)
    .sort();
}

/** Stand-ins for Secret values (the plan never holds them), valid for the schemas. */
const SECRET_SAMPLES: Record<string, string> = {
  DATABASE_URL: "postgresql://svc:pw@db.internal:5432/causeway",
  AMQP_URL: "amqps://svc:pw@mq.internal:5671",
};

const plans = new Map<string, PlanView>();
async function plan(stack: string): Promise<PlanView> {
  if (!plans.has(stack)) plans.set(stack, await planStack(stack));
  return plans.get(stack)!;
}

function pod(p: PlanView, service: string): { pod: PodSpec; container: Container } {
  const spec = p.get("kubernetes:apps/v1:Deployment", service).inputs["spec"] as {
    template: { spec: PodSpec };
  };
  const container = spec.template.spec.containers.find((c) => c.name === service)!;
  return { pod: spec.template.spec, container };
}

/** The container's env as the process would see it (Secrets replaced by samples). */
function envOf(container: Container): Record<string, string> {
  return Object.fromEntries(
    container.env.map((e) => {
      if (e.value !== undefined) return [e.name, e.value];
      if (e.valueFrom?.secretKeyRef) return [e.name, SECRET_SAMPLES[e.name] ?? "secret"];
      throw new Error(`env ${e.name} has neither value nor secretKeyRef`);
    }),
  );
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

describe("infra <-> services contract, per stack", () => {
  it("the services' config schemas require exactly these variables", () => {
    expect(Object.fromEntries(SERVICES.map((s) => [s, requiredVars(SCHEMAS[s])]))).toEqual({
      gateway: ["ORDERS_URL", "SERVICE_NAME"],
      orders: ["AMQP_URL", "DATABASE_URL", "SERVICE_NAME"],
      payments: ["AMQP_URL", "DATABASE_URL", "SERVICE_NAME"],
    });
  });

  describe.each(STACKS)("%s", (stack) => {
    it.each(SERVICES)(
      "%s: every required env var is set on the container (value or secretKeyRef), and the env parses",
      async (service) => {
        const { container } = pod(await plan(stack), service);
        const set = container.env.filter(
          (e) => e.value !== undefined || e.valueFrom?.secretKeyRef !== undefined,
        );
        const names = set.map((e) => e.name);
        for (const v of requiredVars(SCHEMAS[service]))
          expect(names, `${stack}/${service}`).toContain(v);
        for (const e of container.env.filter((x) => x.valueFrom)) {
          expect(e.valueFrom!.secretKeyRef!.key, e.name).toBe(e.name);
        }
        // The whole env, as the container gets it, is a valid config for the service, and the
        // service listens on the container port the probes and the Service use.
        const config = SCHEMAS[service].parse(envOf(container)) as { PORT: number; HOST: string };
        expect(container.ports.map((p) => p.containerPort)).toEqual([config.PORT]);
        expect(config.HOST).toBe("0.0.0.0");
        const env = envOf(container);
        if (service !== "gateway") {
          expect(env.DB_SCHEMA ?? service).toBe(service);
          expect(
            container.env.find((e) => e.name === "DATABASE_URL")!.valueFrom!.secretKeyRef!.name,
          ).toBe(`${service}-database`);
        } else {
          expect(env.ORDERS_URL).toMatch(/^http:\/\/orders\.[a-z0-9-]+\.svc\.cluster\.local:8080$/);
        }
      },
      120_000,
    );

    it.each(SERVICES)(
      "%s: the image's UID equals the pod's runAsUser, and the root filesystem is read-only",
      async (service) => {
        const { pod: spec, container } = pod(await plan(stack), service);
        const { stages } = parseDockerfile(
          readFileSync(join(repoRoot, "services/Dockerfile"), "utf8"),
        );
        const user = stages
          .at(-1)!
          .instructions.filter((i) => i.keyword === "USER")
          .at(-1)!.args;
        const [uid, gid] = user.split(":").map(Number);
        expect([uid, gid]).toEqual([SERVICE_UID, SERVICE_GID]);
        expect([spec.securityContext.runAsUser, spec.securityContext.runAsGroup]).toEqual([
          uid,
          gid,
        ]);
        expect([container.securityContext.runAsUser, container.securityContext.runAsGroup]).toEqual(
          [uid, gid],
        );
        expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
      },
      120_000,
    );
  });
});

describe("probe paths and the ALB health check answer 200 on the running services", () => {
  const run = uniqueName("contract");
  const exchange = `causeway.events.${run}`;
  const schemas = { orders: `orders_${run}`, payments: `payments_${run}` };
  const queues = [
    `orders.${run}.payment-succeeded`,
    `orders.${run}.payment-failed`,
    `payments.${run}.order-placed`,
  ].flatMap((q) => [q, `${q}.dlq`, ...[1, 2, 3, 4].map((i) => `${q}.retry.${i}`)]);
  const running = new Map<Service, ServiceProcess>();

  beforeAll(async () => {
    if ((await missingServers()).length > 0) return;
    // Each service runs with the env of its dev Deployment (Secrets -> local servers), except the
    // listen address, the per-run schema/queue/exchange names and the in-cluster upstream URL.
    const p = await plan("dev");
    const envFor = (service: Service): Record<string, string> => ({
      ...envOf(pod(p, service).container),
      HOST: "127.0.0.1",
      PORT: "0",
      DRAIN_DELAY_MS: "0",
      DATABASE_URL: TEST_DATABASE_URL,
      AMQP_URL: TEST_AMQP_URL,
      EVENTS_EXCHANGE: exchange,
      ...(service === "gateway"
        ? {}
        : { DB_SCHEMA: schemas[service], QUEUE_PREFIX: `${service}.${run}` }),
    });
    const [orders, payments] = await Promise.all([
      spawnService("orders", envFor("orders")),
      spawnService("payments", envFor("payments")),
    ]);
    running.set("orders", orders).set("payments", payments);
    running.set(
      "gateway",
      await spawnService("gateway", { ...envFor("gateway"), ORDERS_URL: orders.address }),
    );
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
      for (const s of Object.values(schemas))
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
      for (const service of SERVICES) {
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
        const service = tg.name.replace(/^edge-/, "") as Service;
        expect(SERVICES).toContain(service);
        const health = tg.inputs["healthCheck"] as { path: string; port: string; matcher: string };
        expect(health.port).toBe("traffic-port");
        expect(tg.inputs["port"]).toBe(Number(envOf(pod(p, service).container).PORT));
        const res = await http(`${running.get(service)!.address}${health.path}`);
        expect(res.status, `${stack} ${tg.name} ${health.path}`).toBe(200);
        expect(health.matcher).toBe("200");
        checked.push(`${tg.name} healthCheck ${health.path}`);
      }
      expect(checked).toHaveLength(SERVICES.length * 3 + groups.length);
    }, 120_000);
});
