import { EVEN_SERVERS_MESSAGE, MAX_CONSUL_SERVERS } from "@causeway/components";
import { z } from "zod";
import type { ByTier } from "../environment";
import { CONSUL_CHART_APP_VERSIONS } from "../catalogue";
import { found, type ConfigIssue } from "../errors";
import { cpuQuantity, mebibytes, memoryQuantity, millicores } from "../primitives";
import { tierNote } from "../tier-note";
import type { CheckContext, Section } from "./section";

const semver = (what: string) =>
  z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, `must be an exact ${what} version such as 1.9.11 (no ranges)`);

/** Storage for the servers' Raft data: a whole number of Gi. */
const storageQuantity = z
  .string()
  .regex(/^[1-9]\d*Gi$/, "must be a storage size in Gi, such as 10Gi");

/** A StorageClass name (a DNS-1123 subdomain). */
const storageClassName = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/,
    "must be a StorageClass name: lowercase letters, digits, '-' or '.', such as gp3",
  );

/**
 * Chart 1.9.11 ships Consul 1.22.7 (charts/consul/Chart.yaml, appVersion, at tag v1.9.11 of
 * hashicorp/consul-k8s). Both are pinned here; a stack overrides them to upgrade.
 */
const pinned = { chartVersion: "1.9.11", consulVersion: "1.22.7" } as const;

/** Tier defaults; a stack sets only what differs. The schema's field notes read them from here. */
const tierDefaults = {
  dev: {
    servers: 1,
    ...pinned,
    storageSize: "5Gi",
    resources: { cpu: "100m", cpuLimit: "500m", memory: "256Mi", memoryLimit: "256Mi" },
  },
  staging: {
    servers: 3,
    ...pinned,
    storageSize: "10Gi",
    resources: { cpu: "250m", cpuLimit: "1", memory: "512Mi", memoryLimit: "512Mi" },
  },
  prod: {
    servers: 5,
    ...pinned,
    storageSize: "20Gi",
    resources: { cpu: "500m", cpuLimit: "2", memory: "1Gi", memoryLimit: "1Gi" },
  },
};

const note = (field: keyof typeof tierDefaults.dev) => tierNote(tierDefaults, (t) => t[field]);

/** `causeway:consul`: the Consul servers and the chart that installs them. */
export const consulSchema = z.strictObject({
  servers: z
    .number()
    .int()
    .min(1, "must be at least 1")
    .max(
      MAX_CONSUL_SERVERS,
      `must be at most ${MAX_CONSUL_SERVERS}: every extra voter slows each Raft commit`,
    )
    .refine((n) => n < 1 || n % 2 === 1, EVEN_SERVERS_MESSAGE)
    .describe(`Consul server replicas, odd (Raft quorum). ${note("servers")}`),
  chartVersion: semver("Helm chart").describe(
    "hashicorp/consul chart version from https://helm.releases.hashicorp.com",
  ),
  consulVersion: semver("Consul").describe(
    "hashicorp/consul image tag; keep it the one the chart version ships",
  ),
  storageSize: storageQuantity.describe(`Raft data volume per server. ${note("storageSize")}`),
  storageClass: storageClassName
    .optional()
    .describe(
      "an existing StorageClass for the server volumes; unset, the stack creates an encrypted gp3 one. A running datacenter keeps its class: set gp2 on stacks first deployed with it",
    ),
  resources: z
    .strictObject({
      cpu: cpuQuantity.describe("CPU request per server"),
      cpuLimit: cpuQuantity.describe("CPU limit per server"),
      memory: memoryQuantity.describe("memory request per server"),
      memoryLimit: memoryQuantity.describe("memory limit per server, at least the request"),
    })
    .refine((r) => mebibytes(r.memoryLimit) >= mebibytes(r.memory), {
      message: "memoryLimit must be at least memory",
      path: ["memoryLimit"],
    })
    .describe("Server requests and limits, by tier"),
});

export type ConsulConfig = z.infer<typeof consulSchema>;

/** The tier defaults, checked against the schema's type. */
export const consulTierDefaults: ByTier<ConsulConfig> = tierDefaults;

const KEY = "causeway:consul";

/**
 * The chart and the image it ships go together (CONSUL_CHART_APP_VERSIONS), the CPU request
 * fits its limit, and prod runs a highly available server set (the policy pack's
 * consul-ha-servers-prod is the second line).
 */
export function checkConsul(consul: ConsulConfig, { env }: CheckContext): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const pairs = Object.entries(CONSUL_CHART_APP_VERSIONS);
  const app = CONSUL_CHART_APP_VERSIONS[consul.chartVersion];
  const known = pairs.map(([chart, image]) => `chart ${chart} ships consul ${image}`).join(", ");
  if (app === undefined) {
    const swapped = CONSUL_CHART_APP_VERSIONS[consul.consulVersion] === consul.chartVersion;
    issues.push({
      path: `${KEY}.chartVersion`,
      message: swapped
        ? `is a Consul version and consulVersion a chart version: the two are swapped; ${known} (found ${found(consul.chartVersion)})`
        : `must be a hashicorp/consul chart version Causeway supports: ${known} (found ${found(consul.chartVersion)})`,
    });
  } else if (app !== consul.consulVersion) {
    issues.push({
      path: `${KEY}.consulVersion`,
      message: `must be ${app}, the Consul version chart ${consul.chartVersion} ships (Chart.yaml appVersion); another version runs against templates made for ${app} (found ${found(consul.consulVersion)})`,
    });
  }
  if (millicores(consul.resources.cpu) > millicores(consul.resources.cpuLimit)) {
    issues.push({
      path: `${KEY}.resources.cpu`,
      message: `must be at most resources.cpuLimit (${consul.resources.cpuLimit}): Kubernetes refuses a pod whose request exceeds its limit (found ${found(consul.resources.cpu)})`,
    });
  }
  if (env === "prod" && consul.servers < 3) {
    issues.push({
      path: `${KEY}.servers`,
      message: `must be at least 3 in prod: with fewer, losing one server stops the mesh's control plane (found ${consul.servers})`,
    });
  }
  return issues;
}

/** `causeway:consul`, as the loader reads it. */
export const consulSection = {
  schema: consulSchema,
  required: false,
  description:
    "The Consul servers of the mesh: servers (odd), chartVersion, consulVersion, storageSize, storageClass, resources.",
  tierDefaults: consulTierDefaults,
  check: checkConsul,
} satisfies Section<ConsulConfig>;
