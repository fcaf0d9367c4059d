import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  CACHE_DEFAULTS,
  DATABASE_SECRET_KEY,
  MESSAGE_BROKER_DEFAULTS,
  parseDockerfile,
  SERVICE_GID,
  SERVICE_UID,
  upstreamEnvName,
} from "@causeway/components";
import type { z } from "zod";
import { DATA_STORES, dataStoresOf } from "../../infra/compose/data-stores";
import type { PlatformConfig } from "../../infra/config";
import type { PlanView } from "../../infra/plan/harness";
import { repoRoot } from "./support";

/**
 * The infra <-> services contract for one service of a stack's graph: the service's own config
 * schema (services/<name>/src/config.ts), its Dockerfile user and the plan's Deployment must
 * agree. Returns the problems, empty when the contract holds.
 */

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Probe {
  httpGet?: { path: string; port: number | string };
}
export interface Container {
  name: string;
  env: EnvVar[];
  ports: { name: string; containerPort: number }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  securityContext: { runAsUser: number; runAsGroup: number; readOnlyRootFilesystem: boolean };
}
export interface PodSpec {
  securityContext: { runAsUser: number; runAsGroup: number };
  containers: Container[];
}

/** The pod spec of a service's Deployment and the service's own container. */
export function pod(p: PlanView, service: string): { pod: PodSpec; container: Container } {
  const spec = p.get("kubernetes:apps/v1:Deployment", service).inputs["spec"] as {
    template: { spec: PodSpec };
  };
  const container = spec.template.spec.containers.find((c) => c.name === service)!;
  return { pod: spec.template.spec, container };
}

/** Stand-ins for Secret values (the plan never holds them), valid for the schemas. */
const SECRET_SAMPLES: Record<string, string> = {
  [DATABASE_SECRET_KEY]: "postgresql://svc:pw@db.internal:5432/causeway",
  [MESSAGE_BROKER_DEFAULTS.connectionSecretKey]: "amqps://svc:pw@mq.internal:5671",
  // What the Cache component writes: TLS, the AUTH token as the password.
  [CACHE_DEFAULTS.connectionSecretKey]: "rediss://:token@cache.internal:6379",
};

/** The container's env as the process would see it (Secrets replaced by samples). */
export function envOf(container: Container): Record<string, string> {
  return Object.fromEntries(
    container.env.map((e) => {
      if (e.value !== undefined) return [e.name, e.value];
      if (e.valueFrom?.secretKeyRef) return [e.name, SECRET_SAMPLES[e.name] ?? "secret"];
      throw new Error(`env ${e.name} has neither value nor secretKeyRef`);
    }),
  );
}

/** Variables a schema requires: those with neither a default nor optional. */
export function requiredVars(schema: z.ZodObject): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => !(field as z.ZodType).safeParse(undefined).success)
    .map(([k]) => k)
    .sort();
}

/** `inventory-sync` -> `inventorySyncEnvSchema`, the export services/<name>/src/config.ts names. */
export function schemaExportName(service: string): string {
  return `${service.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())}EnvSchema`;
}

/** A service's env schema, from its package; or the problem that stops the check. */
export async function serviceEnvSchema(
  service: string,
): Promise<{ schema: z.ZodObject } | { problem: string }> {
  const dir = join(repoRoot, "services", service);
  const exportName = schemaExportName(service);
  if (!existsSync(join(dir, "package.json"))) {
    return {
      problem: `service "${service}" is in the stack's graph, but services/${service} has no package: add the service's code there (package.json, src/config.ts exporting ${exportName}) or remove it from causeway:services`,
    };
  }
  const configFile = join(dir, "src", "config.ts");
  const module = existsSync(configFile)
    ? ((await import(configFile)) as Record<string, unknown>)
    : {};
  const schema = module[exportName] as z.ZodObject | undefined;
  if (schema === undefined) {
    return { problem: `services/${service}/src/config.ts must export ${exportName}` };
  }
  return { schema };
}

/** The image's `USER uid:gid`, from the final stage of services/Dockerfile. */
function imageUser(): [number, number] {
  const { stages } = parseDockerfile(readFileSync(join(repoRoot, "services/Dockerfile"), "utf8"));
  const user = stages
    .at(-1)!
    .instructions.filter((i) => i.keyword === "USER")
    .at(-1)!.args;
  const [uid, gid] = user.split(":").map(Number);
  return [uid!, gid!];
}

/** Every problem of one service's side of the contract in a planned stack. */
export async function contractProblems(
  plan: PlanView,
  config: Pick<PlatformConfig, "services">,
  service: string,
): Promise<string[]> {
  const found = await serviceEnvSchema(service);
  if ("problem" in found) return [found.problem];
  const { schema } = found;
  const { pod: spec, container } = pod(plan, service);
  const problems: string[] = [];
  const fail = (message: string) => problems.push(message);

  const set = new Set(
    container.env
      .filter((e) => e.value !== undefined || e.valueFrom?.secretKeyRef !== undefined)
      .map((e) => e.name),
  );
  for (const v of requiredVars(schema)) {
    if (!set.has(v))
      fail(`${v}: required by ${schemaExportName(service)}, not set on the container`);
  }
  for (const e of container.env) {
    const ref = e.valueFrom?.secretKeyRef;
    if (ref && ref.key !== e.name) fail(`${e.name}: reads Secret key ${ref.key}, not ${e.name}`);
  }

  // The whole env, as the container gets it, is a valid config for the service, and the service
  // listens on the container port the probes and the Service use.
  const env = envOf(container);
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    for (const i of parsed.error.issues) fail(`env ${i.path.join(".")}: ${i.message}`);
    return problems;
  }
  const parsedEnv = parsed.data as { PORT: number; HOST: string; DB_SCHEMA?: string };
  const ports = container.ports.map((p) => p.containerPort);
  if (ports.join() !== String(parsedEnv.PORT)) {
    fail(`container ports [${ports.join(", ")}], but the service listens on ${parsedEnv.PORT}`);
  }
  if (parsedEnv.HOST !== "0.0.0.0") fail(`HOST is ${parsedEnv.HOST}, not 0.0.0.0`);

  const graph = config.services[service]!;
  for (const [flag, store] of dataStoresOf(graph)) {
    const secret = store.secret(service);
    const ref = container.env.find((e) => e.name === secret.key)?.valueFrom?.secretKeyRef;
    if (ref?.name !== secret.name) {
      const actual = ref ? `reads Secret ${ref.name}` : "is not read from a Secret";
      fail(`${secret.key}: ${actual}; a ${flag} user reads Secret ${secret.name}`);
    }
  }
  const schemaName = DATA_STORES.database.defaultEnv(service)["DB_SCHEMA"];
  if (graph.database && parsedEnv.DB_SCHEMA !== schemaName) {
    fail(`DB_SCHEMA is ${parsedEnv.DB_SCHEMA}, not ${schemaName}`);
  }
  for (const upstream of graph.upstreams) {
    const key = upstreamEnvName(upstream);
    const pattern = new RegExp(
      `^http://${upstream}\\.[a-z0-9-]+\\.svc\\.cluster\\.local:${config.services[upstream]!.port}$`,
    );
    if (!pattern.test(env[key] ?? "")) fail(`${key} is ${env[key]}, not ${pattern}`);
  }

  const [uid, gid] = imageUser();
  const ids = (s: { runAsUser: number; runAsGroup: number }) => `${s.runAsUser}:${s.runAsGroup}`;
  if (`${uid}:${gid}` !== `${SERVICE_UID}:${SERVICE_GID}`) {
    fail(`the image runs as ${uid}:${gid}, not SERVICE_UID:SERVICE_GID`);
  }
  if (ids(spec.securityContext) !== `${uid}:${gid}`) {
    fail(`the pod runs as ${ids(spec.securityContext)}, the image as ${uid}:${gid}`);
  }
  if (ids(container.securityContext) !== `${uid}:${gid}`) {
    fail(`the container runs as ${ids(container.securityContext)}, the image as ${uid}:${gid}`);
  }
  if (container.securityContext.readOnlyRootFilesystem !== true) {
    fail("the root filesystem is writable");
  }
  return problems;
}
