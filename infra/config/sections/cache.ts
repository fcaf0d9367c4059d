import { CACHE_DEFAULTS } from "@causeway/components";
import { z } from "zod";
import type { ByTier } from "../environment";
import type { ConfigIssue } from "../errors";
import type { CheckContext, Section } from "./section";
import type { ServicesConfig } from "./services";

const KEY = "causeway:cache";

/**
 * `causeway:cache`: the shared Valkey cache (ElastiCache) of the services that set
 * `cache: true` (the gateway's rate limiter, so that every replica counts the same client).
 * Created only when a service uses it. Always encrypted in transit (TLS required) and at rest.
 */
export const cacheSchema = z.strictObject({
  engineVersion: z
    .string()
    .regex(/^\d+\.\d+$/, "must be a Valkey major.minor version such as 8.0")
    .describe("Valkey version, major.minor."),
  nodeType: z
    .string()
    .regex(
      /^cache\.[a-z0-9-]+\.[a-z0-9]+$/,
      "must be an ElastiCache node type such as cache.t4g.micro",
    )
    .describe("ElastiCache node type."),
  nodes: z
    .number()
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(6, "must be at most 6 (a primary and up to 5 replicas)")
    .describe(
      "Nodes: 1 is a single primary (dev); 2 or more add replicas in other Availability Zones, with Multi-AZ and automatic failover (required in staging and prod).",
    ),
});

export type CacheConfig = z.infer<typeof cacheSchema>;

export const cacheTierDefaults: ByTier<CacheConfig> = {
  dev: { engineVersion: CACHE_DEFAULTS.engineVersion, nodeType: "cache.t4g.micro", nodes: 1 },
  staging: { engineVersion: CACHE_DEFAULTS.engineVersion, nodeType: "cache.t4g.small", nodes: 2 },
  prod: { engineVersion: CACHE_DEFAULTS.engineVersion, nodeType: "cache.m7g.large", nodes: 2 },
};

/** The replication group id of a stack's cache. */
export function cacheReplicationGroupId(stack: string): string {
  return `causeway-${stack}`;
}

/** Staging and prod survive the loss of a node or an Availability Zone: Multi-AZ failover. */
export function checkCache(
  cache: CacheConfig,
  { env, parsed }: CheckContext<{ services: ServicesConfig }>,
): ConfigIssue[] {
  if (env === "dev" || cache.nodes >= 2) return [];
  const users = Object.keys(parsed.services ?? {}).filter((n) => parsed.services![n]!.cache);
  if (users.length === 0) return [];
  return [
    {
      path: `${KEY}.nodes`,
      message: `must be at least 2 in ${env}: one node has no automatic failover, and ${users.sort().join(", ")} would lose the cache with its node or zone (found ${cache.nodes})`,
    },
  ];
}

/** `causeway:cache`, as the loader reads it. */
export const cacheSection = {
  schema: cacheSchema,
  required: false,
  description:
    "The shared Valkey cache (ElastiCache) of the services with cache: true: engineVersion, nodeType, nodes (2 or more: Multi-AZ with automatic failover).",
  tierDefaults: cacheTierDefaults,
  check: checkCache,
} satisfies Section<CacheConfig, { services: ServicesConfig }>;
