import { z } from "zod";
import { environments, type ByTier, type Environment } from "../environment";
import { brokerSchema, brokerTierDefaults } from "./broker";
import { clusterSchema, clusterSensitive } from "./cluster";
import { consulSchema, consulTierDefaults } from "./consul";
import { databaseSchema, databaseTierDefaults } from "./database";
import { edgeSchema, edgeTierDefaults } from "./edge";
import { networkSchema } from "./network";
import { servicesSchema, serviceTierDefaults } from "./services";

/**
 * One top-level key of the `causeway` config namespace. The loader applies `withDefaults`
 * (tier defaults; stack values win), validates with `schema`, then wraps `sensitive` fields as
 * Pulumi secrets.
 */
export interface Section {
  readonly schema: z.ZodType;
  /** Whether a stack must set this key (no tier default covers it). */
  readonly required: boolean;
  /** One line for the config reference in the README. */
  readonly description: string;
  /**
   * Tier defaults, merged under the stack's value (stack values win; objects merge deeply,
   * arrays replace). Also printed in the README's config reference.
   */
  readonly tierDefaults?: ByTier<unknown>;
  /** Custom merge, when the defaults apply per entry (e.g. per service); default: tierDefaults. */
  readonly withDefaults?: (raw: unknown, env: Environment) => unknown;
  /** Dotted paths, relative to the section, that hold credentials. */
  readonly sensitive?: readonly string[];
}

/** Recursively merges plain objects; arrays and scalars in `over` replace those in `base`. */
export function mergeDefaults(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (isPlainObject(base) && isPlainObject(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = mergeDefaults(base[k], v);
    return out;
  }
  return over;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The `causeway:*` keys, in the order the README documents them. */
export const sections = {
  environment: {
    schema: z.enum(environments as [Environment, ...Environment[]], {
      error: () => `must be one of ${environments.join(", ")}`,
    }),
    required: true,
    description: "The tier whose defaults apply: dev, staging or prod.",
  },
  cluster: {
    schema: clusterSchema,
    required: true,
    description:
      "The existing EKS cluster: name, oidcProviderArn, and kubeconfig (secret) or stackReference.",
    sensitive: clusterSensitive,
  },
  network: {
    schema: networkSchema,
    required: true,
    description:
      "The cluster's VPC: vpcId, vpcCidr, publicSubnetIds, privateSubnetIds, publicSubnetCidrs, privateSubnetCidrs.",
  },
  services: {
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
  },
  consul: {
    schema: consulSchema,
    required: false,
    description:
      "The Consul servers of the mesh: servers (odd), chartVersion, consulVersion, storageSize, storageClass, resources.",
    tierDefaults: consulTierDefaults,
  },
  edge: {
    schema: edgeSchema,
    required: false,
    description:
      "The public load balancer: certificateArn, or domain and zoneId; sslPolicy, allowedCidrs, waf, accessLogs, deletionProtection, controller.chartVersion.",
    tierDefaults: edgeTierDefaults,
  },
  broker: {
    schema: brokerSchema,
    required: false,
    description:
      "The Amazon MQ for RabbitMQ broker: engineVersion, instanceType, deploymentMode, maintenanceWindow, consoleAllowedCidrs, adminUsername, subnetIds, name.",
    tierDefaults: brokerTierDefaults,
  },
  database: {
    schema: databaseSchema,
    required: false,
    description:
      "The RDS for PostgreSQL instance: engineVersion, instanceClass, allocatedStorage, maxAllocatedStorage, multiAz, backupRetentionDays, deletionProtection, finalSnapshot, databaseName, masterUsername, identifier.",
    tierDefaults: databaseTierDefaults,
  },
} satisfies Record<string, Section>;

export type SectionKey = keyof typeof sections;
export const sectionKeys = Object.keys(sections) as SectionKey[];
