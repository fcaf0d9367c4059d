import { z } from "zod";
import type { ByTier } from "../environment";
import { cpuQuantity, dns1123Label, hostName, memoryQuantity, routePath } from "../primitives";

/** Environment variable names the services may be given. */
const envVarName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, "must be an environment variable name in UPPER_SNAKE_CASE");

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

/** One service of the graph, after tier defaults are applied. */
export const serviceSchema = z.strictObject({
  /** Container port the service listens on. Default 8080. */
  port: z.number().int().min(1024).max(65535),
  /** Desired replicas (the HPA minimum where autoscaling is on). Tier default: 1 dev, 2 staging, 3 prod. */
  replicas: z.number().int().min(1).max(100),
  /** Requests and memory limit for the service container. */
  resources: z.strictObject({
    /** CPU request. Tier default: 100m dev, 250m staging and prod. */
    cpu: cpuQuantity,
    /** Memory request. Tier default: 128Mi dev, 256Mi staging and prod. */
    memory: memoryQuantity,
    /** Memory limit, at least the request. Tier default: 256Mi dev, 512Mi staging and prod. */
    memoryLimit: memoryQuantity,
  }),
  /** Plain environment variables. Secrets go through Kubernetes Secrets, never here. Default {}. */
  env: z.record(envVarName, z.string()),
  /** Services this one calls over HTTP. Default []. */
  upstreams: z.array(dns1123Label),
  /** Exposure through the public load balancer. Default: not exposed. */
  expose: exposeSchema.optional(),
});

export type ServiceConfig = z.infer<typeof serviceSchema>;
export type ExposeConfig = z.infer<typeof exposeSchema>;

/** `causeway:services`: the service graph, a map from service name to its settings. */
export const servicesSchema = z
  .record(dns1123Label, serviceSchema)
  .refine((s) => Object.keys(s).length > 0, "must declare at least one service");

export type ServicesConfig = z.infer<typeof servicesSchema>;

/** Per-service tier defaults; a stack sets only what differs. */
export const serviceTierDefaults: ByTier<Omit<ServiceConfig, "expose">> = {
  dev: {
    port: 8080,
    replicas: 1,
    resources: { cpu: "100m", memory: "128Mi", memoryLimit: "256Mi" },
    env: {},
    upstreams: [],
  },
  staging: {
    port: 8080,
    replicas: 2,
    resources: { cpu: "250m", memory: "256Mi", memoryLimit: "512Mi" },
    env: {},
    upstreams: [],
  },
  prod: {
    port: 8080,
    replicas: 3,
    resources: { cpu: "250m", memory: "256Mi", memoryLimit: "512Mi" },
    env: {},
    upstreams: [],
  },
};
