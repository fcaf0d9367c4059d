/**
 * Checks on Cache arguments, before anything is created. Pure; no Pulumi. Each message names
 * the argument and what would be valid.
 */

export const CACHE_DEFAULTS = {
  /**
   * ElastiCache for Valkey: the Redis OSS protocol (the gateway's ioredis client speaks it), at
   * a lower node price than ElastiCache for Redis OSS, and at-rest encryption on by default.
   * Sources: AWS "Amazon ElastiCache for Valkey" launch (2024-10-08: node-based clusters priced
   * 20% lower than other engines); ElastiCache User Guide, "Supported engines and versions".
   */
  engine: "valkey",
  engineVersion: "8.0",
  nodeType: "cache.t4g.micro",
  /** One node: no replica, no failover (dev). */
  nodes: 1,
  port: 6379,
  maintenanceWindow: "sun:05:00-sun:06:00",
  connectionSecretName: "causeway-cache",
  /** The key of the connection Secret: the environment variable the gateway reads. */
  connectionSecretKey: "RATE_LIMIT_REDIS_URL",
} as const;

/** The length of the generated AUTH token (16-128 printable characters are allowed). */
export const AUTH_TOKEN_LENGTH = 64;

export interface CacheSettings {
  readonly replicationGroupId: string;
  readonly engineVersion: string;
  readonly nodeType: string;
  readonly nodes: number;
  readonly subnetCount?: number | undefined;
}

/**
 * Every problem, as `<argument>: <problem> (found ...)` lines.
 * Sources: ElastiCache API Reference, CreateReplicationGroup: ReplicationGroupId "1 to 40
 * alphanumeric characters or hyphens; must begin with a letter; can't end with a hyphen or
 * contain two consecutive hyphens", NumCacheClusters "1 to 6", AutomaticFailoverEnabled needs
 * at least 2 clusters, and Multi-AZ needs automatic failover; AUTH token rules in
 * "Authenticating with the Valkey and Redis OSS AUTH command" (16-128 printable characters,
 * no spaces, '/', '"' or '@').
 */
export function cacheProblems(s: CacheSettings): string[] {
  const out: string[] = [];
  const id = s.replicationGroupId;
  if (!/^[A-Za-z][A-Za-z0-9-]{0,39}$/.test(id) || id.endsWith("-") || id.includes("--")) {
    out.push(
      `replicationGroupId: must be 1-40 letters, digits or hyphens, starting with a letter, not ending with a hyphen, without two hyphens in a row (found "${id}")`,
    );
  }
  if (!/^(\d+)\.(\d+)$/.test(s.engineVersion) || Number(s.engineVersion.split(".")[0]) < 7) {
    out.push(
      `engineVersion: must be a Valkey major.minor version, 7.2 or later, such as 8.0 (found "${s.engineVersion}")`,
    );
  }
  if (!/^cache\.[a-z0-9-]+\.[a-z0-9]+$/.test(s.nodeType)) {
    out.push(
      `nodeType: must be an ElastiCache node type such as cache.t4g.micro or cache.m7g.large (found "${s.nodeType}")`,
    );
  }
  if (!Number.isInteger(s.nodes) || s.nodes < 1 || s.nodes > 6) {
    out.push(
      `nodes: must be a whole number from 1 to 6 (a primary and up to 5 replicas) (found ${s.nodes})`,
    );
  }
  if (s.nodes > 1 && s.subnetCount !== undefined && s.subnetCount < 2) {
    out.push(
      `subnetIds: Multi-AZ with ${s.nodes} nodes needs subnets in at least two Availability Zones (found ${s.subnetCount})`,
    );
  }
  return out;
}

/** A token ElastiCache accepts as AUTH (the generated one always does; a check against drift). */
export function authTokenProblem(token: string): string | undefined {
  if (token.length < 16 || token.length > 128) return "must be 16-128 characters";
  if (/[\s/"@]/.test(token) || /[^\x21-\x7e]/.test(token)) {
    return "must be printable ASCII without spaces, '/', '\"' or '@'";
  }
  return undefined;
}

/** `rediss://:<token>@<host>:<port>`: TLS (in-transit encryption is required) and AUTH. */
export function cacheUrl(host: string, port: number, token: string): string {
  return `rediss://:${encodeURIComponent(token)}@${host}:${port}`;
}
