import {
  CLUSTER_DEFAULTS,
  type ClusterNodesArgs,
  KUBERNETES_VERSIONS,
  NatGatewayMode,
  NETWORK_DEFAULTS,
} from "@causeway/components";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ConfigError, type ConfigIssue } from "../config/errors";
import { CLUSTER_PROJECT } from "./project";

/** The cluster project's stack config (`causeway-cluster:<key>`), validated with tier defaults. */

export const ClusterTier = { dev: "dev", staging: "staging", prod: "prod" } as const;
export type ClusterTier = (typeof ClusterTier)[keyof typeof ClusterTier];

/** What each tier sets unless the stack does; production NAT per AZ, dev one shared. */
export const CLUSTER_TIER_DEFAULTS = {
  dev: {
    natGateways: NatGatewayMode.single,
    nodes: { instanceTypes: ["t4g.large"], minSizePerAz: 1, desiredSizePerAz: 1, maxSizePerAz: 2 },
    storageReclaimPolicy: "Delete",
  },
  staging: {
    natGateways: NatGatewayMode.perAz,
    nodes: { instanceTypes: ["m7g.large"], minSizePerAz: 1, desiredSizePerAz: 1, maxSizePerAz: 3 },
    storageReclaimPolicy: "Delete",
  },
  prod: {
    natGateways: NatGatewayMode.perAz,
    nodes: { instanceTypes: ["m7g.xlarge"], minSizePerAz: 1, desiredSizePerAz: 2, maxSizePerAz: 5 },
    storageReclaimPolicy: "Retain",
  },
} as const;

const nodesSchema = z.strictObject({
  instanceTypes: z
    .array(
      z
        .string()
        .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "must be an EC2 instance type such as m7g.large"),
    )
    .min(1)
    .optional(),
  amiType: z.string().optional(),
  minSizePerAz: z.number().int().min(0).optional(),
  desiredSizePerAz: z.number().int().min(0).optional(),
  maxSizePerAz: z.number().int().min(1).optional(),
  diskSizeGiB: z.number().int().min(20).max(16384).optional(),
});

export const clusterProjectSchema = z.strictObject({
  environment: z.enum(["dev", "staging", "prod"]),
  /** Availability Zones: two in dev, three elsewhere. */
  availabilityZones: z.array(z.string()).min(2).max(4),
  vpcCidr: z.string().default(NETWORK_DEFAULTS.cidrBlock),
  kubernetesVersion: z
    .string()
    .refine((v) => v in KUBERNETES_VERSIONS, {
      message: `must be one of ${Object.keys(KUBERNETES_VERSIONS).join(", ")} (infra/components/cluster/versions.ts)`,
    })
    .default(CLUSTER_DEFAULTS.kubernetesVersion),
  clusterName: z.string().optional(),
  publicAccessCidrs: z.array(z.string()).default([]),
  adminPrincipalArns: z
    .array(z.string())
    .min(1, "give at least one IAM role ARN to administer the cluster"),
  natGateways: z.enum(["perAz", "single"]).optional(),
  nodes: nodesSchema.default({}),
  flowLogRetentionDays: z.number().int().optional(),
});
export type ClusterProjectConfig = Omit<z.infer<typeof clusterProjectSchema>, "nodes"> & {
  readonly nodes: ClusterNodesArgs;
  readonly natGateways: NatGatewayMode;
  readonly clusterName: string;
  readonly storageReclaimPolicy: "Delete" | "Retain";
};

const KEYS = [
  "environment",
  "availabilityZones",
  "vpcCidr",
  "kubernetesVersion",
  "clusterName",
  "publicAccessCidrs",
  "adminPrincipalArns",
  "natGateways",
  "nodes",
  "flowLogRetentionDays",
] as const;

/** Parses the config values (already JSON-decoded) of one stack, with the tier's defaults. */
export function parseClusterConfig(
  values: Readonly<Record<string, unknown>>,
  stack: string,
): ClusterProjectConfig {
  const parsed = clusterProjectSchema.safeParse(values);
  if (!parsed.success) {
    const issues: ConfigIssue[] = parsed.error.issues.map((i) => ({
      path: [`${CLUSTER_PROJECT}:${String(i.path[0] ?? "")}`, ...i.path.slice(1).map(String)].join(
        ".",
      ),
      message: i.message,
    }));
    throw new ConfigError(issues, stack);
  }
  const c = parsed.data;
  const tier = CLUSTER_TIER_DEFAULTS[c.environment];
  return {
    ...c,
    clusterName: c.clusterName ?? `causeway-${stack}`,
    natGateways: c.natGateways ?? tier.natGateways,
    nodes: { ...tier.nodes, ...c.nodes } as ClusterNodesArgs,
    storageReclaimPolicy: tier.storageReclaimPolicy,
  };
}

/** Reads `causeway-cluster:*` from the running stack's config. */
export function loadClusterConfig(): ClusterProjectConfig {
  const config = new pulumi.Config(CLUSTER_PROJECT);
  const values: Record<string, unknown> = {};
  for (const key of KEYS) {
    const text = config.get(key);
    if (text === undefined) continue;
    try {
      values[key] = JSON.parse(text);
    } catch {
      values[key] = text;
    }
  }
  return parseClusterConfig(values, pulumi.getStack());
}
