import {
  DATABASE_SECRET_KEY,
  DEFAULT_SERVICE_PORT,
  MESSAGE_BROKER_DEFAULTS,
  upstreamEnvName,
} from "@causeway/components";
import { z } from "zod";
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
  /** Services this one calls over HTTP. */
  upstreams: z.array(dns1035Label),
  /** Exposure through the public load balancer. Default: not exposed. */
  expose: exposeSchema.optional(),
  /** Whether the service gets DATABASE_URL (from Secret `<service>-database`). */
  database: z.boolean(),
  /** Whether the service gets AMQP_URL (from Secret `causeway-broker`). */
  broker: z.boolean(),
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
    upstreams: [],
    database: false,
    broker: false,
  },
  staging: {
    port: DEFAULT_SERVICE_PORT,
    replicas: 2,
    autoscaling: { enabled: true, maxReplicas: 4, targetCpuUtilization: 70 },
    resources: { cpu: "250m", memory: "256Mi", memoryLimit: "512Mi" },
    env: {},
    upstreams: [],
    database: false,
    broker: false,
  },
  prod: {
    port: DEFAULT_SERVICE_PORT,
    replicas: 3,
    autoscaling: { enabled: true, maxReplicas: 10, targetCpuUtilization: 70 },
    resources: { cpu: "250m", memory: "256Mi", memoryLimit: "512Mi" },
    env: {},
    upstreams: [],
    database: false,
    broker: false,
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
    const derived = new Set<string>([
      ...RESERVED_ENV,
      ...s.upstreams.map(upstreamEnvName),
      ...(s.database ? [DATABASE_SECRET_KEY] : []),
      ...(s.broker ? [MESSAGE_BROKER_DEFAULTS.connectionSecretKey] : []),
    ]);
    for (const key of Object.keys(s.env).sort()) {
      if (derived.has(key)) {
        issues.push({
          path: `${at}.env.${key}`,
          message: `is set by the platform (from the service's port, upstreams, database or broker); remove it from env`,
        });
      } else if (key === QUEUE_FIXED_ENV) {
        issues.push({ path: `${at}.env.${key}`, message: QUEUE_FIXED_MESSAGE });
      }
    }
  }
  return issues;
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
    "The service graph: name -> { port, replicas, autoscaling, resources, env, upstreams, expose, database, broker, image }.",
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
