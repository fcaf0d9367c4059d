import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { isProduction, tierConfigSchema } from "./common";

/**
 * Rules on the values of the `hashicorp/consul` Helm chart (keys per consul-k8s
 * `charts/consul/values.yaml`), following HashiCorp's production guidance:
 * https://developer.hashicorp.com/consul/docs/security/security-models/core and
 * https://developer.hashicorp.com/consul/tutorials/production-deploy/reference-architecture
 */

const RELEASE_TYPES = new Set(["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"]);

interface ConsulValues {
  global?: {
    tls?: { enabled?: boolean; enableAutoEncrypt?: boolean; verify?: boolean; httpsOnly?: boolean };
    acls?: { manageSystemACLs?: boolean };
    gossipEncryption?: { autoGenerate?: boolean; secretName?: string; secretKey?: string };
  };
  server?: { replicas?: number; enabled?: boolean };
}

/** The chart values if this is a Consul release or chart, else undefined. */
export function consulValues(
  args: Pick<ResourceValidationArgs, "type" | "props">,
): ConsulValues | undefined {
  if (!RELEASE_TYPES.has(args.type)) return undefined;
  const p = args.props as { chart?: string; values?: ConsulValues };
  const chart = p.chart ?? "";
  if (!/(^|\/)consul$/.test(chart)) return undefined;
  return p.values ?? {};
}

function consulPolicy(
  name: string,
  description: string,
  check: (v: ConsulValues, args: ResourceValidationArgs) => string | undefined,
  tiered = false,
): ResourceValidationPolicy {
  return {
    name,
    description,
    ...(tiered ? { configSchema: tierConfigSchema } : {}),
    validateResource: (args, report) => {
      const values = consulValues(args);
      if (!values) return;
      const problem = check(values, args);
      if (problem) report(problem);
    },
  };
}

export const consulPolicies: ResourceValidationPolicy[] = [
  // Source: HashiCorp Consul security model (mTLS for RPC); chart global.tls.enabled.
  consulPolicy("consul-tls", "Consul encrypts RPC with TLS, with auto-encrypt for clients.", (v) =>
    v.global?.tls?.enabled === true && v.global.tls.enableAutoEncrypt === true
      ? undefined
      : "global.tls.enabled and global.tls.enableAutoEncrypt must be true",
  ),
  // Source: HashiCorp security model: verify_incoming/outgoing (chart global.tls.verify, default true).
  consulPolicy("consul-tls-verify", "Consul verifies TLS certificates.", (v) =>
    v.global?.tls?.verify === false ? "global.tls.verify must not be false" : undefined,
  ),
  // Source: HashiCorp security model: ACLs in default-deny; chart global.acls.manageSystemACLs.
  consulPolicy("consul-acls", "Consul ACLs are bootstrapped and managed (default deny).", (v) =>
    v.global?.acls?.manageSystemACLs === true
      ? undefined
      : "global.acls.manageSystemACLs must be true",
  ),
  // Source: HashiCorp security model: gossip encryption; chart global.gossipEncryption.
  consulPolicy("consul-gossip-encryption", "Consul encrypts gossip traffic.", (v) => {
    const g = v.global?.gossipEncryption;
    return g?.autoGenerate === true || (g?.secretName && g.secretKey)
      ? undefined
      : "global.gossipEncryption needs autoGenerate: true or secretName and secretKey";
  }),
  // Source: https://developer.hashicorp.com/consul/docs/architecture/consensus#deployment-table
  consulPolicy("consul-odd-servers", "Consul runs an odd number of servers (Raft quorum).", (v) => {
    if (v.server?.enabled === false) return undefined;
    const n = v.server?.replicas ?? 1;
    return n % 2 === 1 ? undefined : `server.replicas ${n} is even; run 1, 3, 5 or 7 servers`;
  }),
  // Source: HashiCorp reference architecture: 3 or 5 servers in production (tolerates a failure).
  consulPolicy(
    "consul-ha-servers-prod",
    "Production Consul runs at least 3 servers.",
    (v, args) => {
      if (!isProduction(args) || v.server?.enabled === false) return undefined;
      const n = v.server?.replicas ?? 1;
      return n >= 3 ? undefined : `server.replicas ${n} in production; run at least 3`;
    },
    true,
  ),
];
