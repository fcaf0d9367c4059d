import {
  DATABASE_SECRET_KEY,
  DEFAULT_SERVICE_PORT,
  CACHE_DEFAULTS,
  MESSAGE_BROKER_DEFAULTS,
  upstreamEnvName,
} from "@causeway/components";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { CREDENTIAL_ENV, SIDECAR_PORTS } from "../catalogue";
import { found } from "../errors";
import type { ByTier } from "../environment";
import type { ConfigIssue } from "../errors";
import { checkGraph } from "../graph";
import {
  cpuQuantity,
  dns1035Label,
  hostName,
  mebibytes,
  memoryQuantity,
  routePath,
} from "../primitives";
import { isPlainObject, mergeDefaults, type CheckContext, type Section } from "./section";

const KEY = "causeway:services";

/** Environment variable names the services may be given. */
const envVarName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, "must be an environment variable name in UPPER_SNAKE_CASE");

/** A Kubernetes Secret name (DNS-1123 subdomain) and key, for secretEnv by reference. */
export const secretRefSchema = z.strictObject({
  /** An existing Kubernetes Secret in the app namespace. */
  secretName: z
    .string()
    .regex(
      /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/,
      "must be a Kubernetes Secret name: lowercase letters, digits, '-' or '.', such as payments-stripe",
    ),
  /** The key inside that Secret. */
  key: z
    .string()
    .regex(/^[-._a-zA-Z0-9]{1,253}$/, "must be a Secret key: letters, digits, '-', '_' or '.'"),
});

/**
 * One secret environment variable: a reference to an existing Kubernetes Secret
 * (`{ secretName, key }`), or a Pulumi `secure:` value, which the program keeps secret and
 * stores in the service's own Secret `<service>-env`.
 */
export const secretEnvValue = z.union([
  secretRefSchema,
  z
    .string()
    .min(1, "must not be empty")
    .transform((v) => pulumi.secret(v)),
]);

export type SecretRef = z.infer<typeof secretRefSchema>;

/** The Kubernetes Secret that holds a service's `secure:` secretEnv values: `<service>-env`. */
export function serviceEnvSecretName(service: string): string {
  return `${service}-env`;
}

/**
 * A container image pinned by digest: `<registry>/<repository>@sha256:<64 hex digits>`. This is
 * how staging and prod run exactly the image dev built, without rebuilding.
 */
export const pinnedImage = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?\/[a-z0-9._\-/]+@sha256:[0-9a-f]{64}$/,
    "must be an image pinned by digest: <registry>/<repository>@sha256:<64 hex digits>",
  );

/** How a service is reached from the internet through the load balancer. */
export const exposeSchema = z
  .strictObject({
    /** Host header to match, e.g. api.example.com. Default: any host. */
    host: hostName.optional(),
    /** Path prefix to match, e.g. /api. Default: `/`. */
    path: routePath.optional(),
  })
  .refine((e) => e.host !== undefined || e.path !== undefined, {
    message: "needs a host, a path or both",
  });

/**
 * Horizontal pod autoscaling (autoscaling/v2, on CPU utilisation); `replicas` is the minimum.
 * Tier defaults in serviceTierDefaults.
 */
export const autoscalingSchema = z.strictObject({
  /** Whether an HPA scales the service. */
  enabled: z.boolean(),
  /** HPA maximum, at least `replicas`. */
  maxReplicas: z.number().int().min(1).max(100),
  /** Target average CPU utilisation, in percent of the CPU request. */
  targetCpuUtilization: z.number().int().min(10).max(95),
});

/**
 * One service of the graph, after tier defaults are applied: every field but `expose` and `image`
 * has one, in serviceTierDefaults.
 */
export const serviceSchema = z.strictObject({
  /** Container port the service listens on. */
  port: z.number().int().min(1024).max(65535),
  /** Desired replicas (the HPA minimum where autoscaling is on). Outside dev, at least 2. */
  replicas: z.number().int().min(1).max(100),
  /** Autoscaling, see autoscalingSchema. */
  autoscaling: autoscalingSchema,
  /** Requests and memory limit for the service container. */
  resources: z.strictObject({
    /** CPU request. */
    cpu: cpuQuantity,
    /** Memory request. */
    memory: memoryQuantity,
    /** Memory limit, at least the request. */
    memoryLimit: memoryQuantity,
  }),
  /** Plain environment variables. Secrets go through Kubernetes Secrets, never here. */
  env: z.record(envVarName, z.string()),
  /**
   * Secret environment variables: `{ secretName, key }` of an existing Kubernetes Secret, or a
   * `secure:` value (pulumi config set --secret --path ...), stored in Secret `<service>-env`.
   */
  secretEnv: z.record(envVarName, secretEnvValue),
  /** Services this one calls over HTTP. */
  upstreams: z.array(dns1035Label),
  /** Exposure through the public load balancer. Default: not exposed. */
  expose: exposeSchema.optional(),
  /** Whether the service gets DATABASE_URL (from Secret `<service>-database`). */
  database: z.boolean(),
  /** Whether the service gets AMQP_URL (from Secret `causeway-broker`). */
  broker: z.boolean(),
  /**
   * Whether the service gets RATE_LIMIT_REDIS_URL (from Secret `causeway-cache`): the shared
   * Valkey cache (causeway:cache), e.g. for the gateway's rate limiter across replicas.
   */
  cache: z.boolean(),
  /**
   * An existing image pinned by digest (promotion). Default: build services/Dockerfile for this
   * service and push it to the service's ECR repository.
   */
  image: pinnedImage.optional(),
});

export type ServiceConfig = z.infer<typeof serviceSchema>;
export type ExposeConfig = z.infer<typeof exposeSchema>;
export type AutoscalingConfig = z.infer<typeof autoscalingSchema>;

/** `causeway:services`: the service graph, a map from service name to its settings. */
export const servicesSchema = z
  .record(dns1035Label, serviceSchema)
  .refine((s) => Object.keys(s).length > 0, "must declare at least one service");

export type ServicesConfig = z.infer<typeof servicesSchema>;

/** Per-service tier defaults; a stack sets only what differs. */
export const serviceTierDefaults: ByTier<Omit<ServiceConfig, "expose" | "image">> = {
  dev: {
    port: DEFAULT_SERVICE_PORT,
    replicas: 1,
    autoscaling: { enabled: false, maxReplicas: 3, targetCpuUtilization: 70 },
    resources: { cpu: "100m", memory: "128Mi", memoryLimit: "256Mi" },
    env: {},
    secretEnv: {},
    upstreams: [],
    database: false,
    broker: false,
    cache: false,
  },
  staging: {
    port: DEFAULT_SERVICE_PORT,
    replicas: 2,
    autoscaling: { enabled: true, maxReplicas: 4, targetCpuUtilization: 70 },
    resources: { cpu: "250m", memory: "256Mi", memoryLimit: "512Mi" },
    env: {},
    secretEnv: {},
    upstreams: [],
    database: false,
    broker: false,
    cache: false,
  },
  prod: {
    port: DEFAULT_SERVICE_PORT,
    replicas: 3,
    autoscaling: { enabled: true, maxReplicas: 10, targetCpuUtilization: 70 },
    resources: { cpu: "250m", memory: "256Mi", memoryLimit: "512Mi" },
    env: {},
    secretEnv: {},
    upstreams: [],
    database: false,
    broker: false,
    cache: false,
  },
};

/** Environment variables the platform sets itself; a stack's `env` must not shadow them. */
export const RESERVED_ENV = ["SERVICE_NAME", "HOST", "PORT", "SHUTDOWN_TIMEOUT_MS"] as const;

/**
 * Checks that need the tier or several fields at once: the graph's rules (see checkGraph), high
 * availability outside dev, the autoscaler's range, the memory limit against the request, and env
 * names the platform owns.
 */
export function checkServices(services: ServicesConfig, { env }: CheckContext): ConfigIssue[] {
  const issues: ConfigIssue[] = checkGraph(services);
  for (const name of Object.keys(services).sort()) {
    const s = services[name]!;
    const at = `${KEY}.${name}`;
    if (env !== "dev" && s.replicas < 2) {
      issues.push({
        path: `${at}.replicas`,
        message: `must be at least 2 in ${env}, so that a rollout, a node drain or a zone outage never leaves the service without a ready pod; only dev runs 1 replica (found ${s.replicas})`,
      });
    }
    if (s.autoscaling.enabled && s.autoscaling.maxReplicas < s.replicas) {
      issues.push({
        path: `${at}.autoscaling.maxReplicas`,
        message: `must be at least replicas (${s.replicas}), the autoscaler's minimum (found ${s.autoscaling.maxReplicas})`,
      });
    }
    if (mebibytes(s.resources.memoryLimit) < mebibytes(s.resources.memory)) {
      issues.push({
        path: `${at}.resources.memoryLimit`,
        message: `must be at least resources.memory (${s.resources.memory}) (found "${s.resources.memoryLimit}")`,
      });
    }
    const sidecar = SIDECAR_PORTS.find((p) => p.port === s.port);
    if (sidecar) {
      issues.push({
        path: `${at}.port`,
        message: `is bound in every meshed pod by the Consul sidecar (${sidecar.use}), so the service could not listen on it; pick another port, such as ${DEFAULT_SERVICE_PORT} (found ${s.port})`,
      });
    }
    if (name === "consul") {
      issues.push({
        path: at,
        message:
          'must not be named "consul": Consul registers its servers under that service name, so the mesh would route callers of this service to the servers; rename it',
      });
    }
    for (const key of Object.keys(s.secretEnv).sort()) {
      const value = s.secretEnv[key]!;
      if (key in s.env) {
        issues.push({
          path: `${at}.secretEnv.${key}`,
          message: `is also set in env: a variable comes from env or from secretEnv, not both; remove causeway:services.${name}.env.${key}`,
        });
      }
      if (pulumi.Output.isInstance(value)) continue;
      const owner = platformSecretOwner(value.secretName, Object.keys(services));
      if (owner !== undefined && owner !== name) {
        issues.push({
          path: `${at}.secretEnv.${key}.secretName`,
          message: `is the Secret the platform keeps for service "${owner}" only; give ${name} a Secret of its own, or a secure: value (found ${found(value.secretName)})`,
        });
      }
    }
    const derived = new Set<string>([
      ...RESERVED_ENV,
      ...s.upstreams.map(upstreamEnvName),
      ...(s.database ? [DATABASE_SECRET_KEY] : []),
      ...(s.broker ? [MESSAGE_BROKER_DEFAULTS.connectionSecretKey] : []),
      ...(s.cache ? [CACHE_DEFAULTS.connectionSecretKey] : []),
    ]);
    for (const key of Object.keys(s.secretEnv).sort()) {
      if (derived.has(key)) {
        issues.push({
          path: `${at}.secretEnv.${key}`,
          message: `is set by the platform (from the service's port, upstreams, database or broker); remove it from secretEnv`,
        });
      }
    }
    for (const key of Object.keys(s.env).sort()) {
      if (derived.has(key)) {
        issues.push({
          path: `${at}.env.${key}`,
          message: `is set by the platform (from the service's port, upstreams, database or broker); remove it from env`,
        });
      } else if (key === QUEUE_FIXED_ENV) {
        issues.push({ path: `${at}.env.${key}`, message: QUEUE_FIXED_MESSAGE });
      } else if (CREDENTIAL_ENV.test(key)) {
        issues.push({ path: `${at}.env.${key}`, message: credentialInEnvMessage(name, key) });
      }
    }
  }
  return issues;
}

/** What to do with a credential written into plaintext `env`, or as a `secure:` value there. */
export function credentialInEnvMessage(service: string, key: string): string {
  return `looks like a credential, and env is plaintext (in git and in the plan); move it to causeway:services.${service}.secretEnv.${key}: either a secret value (pulumi config set --secret --path 'causeway:services.${service}.secretEnv.${key}' <value>), which the program stores in Secret ${serviceEnvSecretName(service)}, or { secretName, key } of an existing Kubernetes Secret`;
}

/**
 * The service whose platform Secret `secretName` is (`<service>-database`, `<service>-env`), if
 * any: those Secrets are for their service only.
 */
function platformSecretOwner(secretName: string, services: readonly string[]): string | undefined {
  return services.find(
    (svc) => secretName === `${svc}-database` || secretName === serviceEnvSecretName(svc),
  );
}

/**
 * The kit's consumer setting (services/kit CONSUMER_DELIVERY_LIMIT) that RabbitMQ fixes on a
 * queue when it is first declared (`x-delivery-limit`): redeclaring an existing queue with another
 * value fails with PRECONDITION_FAILED (checked on RabbitMQ 3.10 here), so a stack that changed it
 * would stop the service's pods at start, mid-deploy. The retry timing (CONSUMER_RETRY_*) is free
 * to change.
 */
const QUEUE_FIXED_ENV = "CONSUMER_DELIVERY_LIMIT";
const QUEUE_FIXED_MESSAGE =
  "is fixed on the service's queues when RabbitMQ first declares them (x-delivery-limit): a different value on an existing queue is refused (PRECONDITION_FAILED), so the service's pods would stop at start; remove it from env, and tune retries with CONSUMER_RETRY_MAX_ATTEMPTS, or lower the limit with a RabbitMQ delivery-limit policy";

/** `causeway:services`, as the loader reads it: tier defaults apply to each service. */
export const servicesSection = {
  schema: servicesSchema,
  required: true,
  description:
    "The service graph: name -> { port, replicas, autoscaling, resources, env, secretEnv, upstreams, expose, database, broker, cache, image }.",
  tierDefaults: serviceTierDefaults,
  withDefaults: (raw, env) =>
    isPlainObject(raw)
      ? Object.fromEntries(
          Object.entries(raw).map(([name, s]) => [
            name,
            mergeDefaults(serviceTierDefaults[env], s),
          ]),
        )
      : raw,
  check: checkServices,
} satisfies Section<ServicesConfig>;
