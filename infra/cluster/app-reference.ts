import * as pulumi from "@pulumi/pulumi";
import {
  ConfigError,
  parsePlatformConfig,
  type ConfigIssue,
  type PlatformConfig,
  type RawConfig,
  type StackConfig,
} from "../config";
import type { ClusterOutputName } from "./project";

/**
 * How an app stack reads its cluster: the fields of `causeway:cluster` and `causeway:network`
 * that the stack file leaves out are read from the cluster stack's outputs
 * (`causeway:cluster.stackReference`) and checked by the very rules explicit config meets,
 * before any resource that needs them is registered. Explicit config wins, field by field in
 * `causeway:cluster`, as a whole for `causeway:network` (its rules tie its fields together).
 */

/** `causeway:cluster` fields and the cluster stack output that supplies each. */
export const CLUSTER_FIELD_OUTPUTS = {
  name: "clusterName",
  oidcProviderArn: "oidcProviderArn",
  kubernetesVersion: "kubernetesVersion",
  nodeSecurityGroupId: "nodeSecurityGroupId",
} as const satisfies Readonly<Record<string, ClusterOutputName>>;

/** `causeway:network` fields and the cluster stack output that supplies each. */
export const NETWORK_FIELD_OUTPUTS = {
  vpcId: "vpcId",
  vpcCidr: "vpcCidr",
  publicSubnetIds: "publicSubnetIds",
  privateSubnetIds: "privateSubnetIds",
  publicSubnetCidrs: "publicSubnetCidrs",
  privateSubnetCidrs: "privateSubnetCidrs",
  availabilityZones: "availabilityZones",
} as const satisfies Readonly<Record<string, ClusterOutputName>>;

const CLUSTER_KEY = "causeway:cluster";
const NETWORK_KEY = "causeway:network";

/** One config field filled from an output of the cluster stack. */
export interface ReadField {
  /** Full key path, e.g. `causeway:network.vpcId`. */
  readonly path: string;
  readonly output: ClusterOutputName;
}

function objectAt(raw: RawConfig, key: string): Record<string, unknown> | undefined {
  const text = raw.values[key];
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Outputs that may be absent from a cluster stack (made by an older version of its program). */
const OPTIONAL_OUTPUTS: ReadonlySet<ClusterOutputName> = new Set([
  "kubernetesVersion",
  "nodeSecurityGroupId",
  "availabilityZones",
]);

/** The cluster stack a raw config references (`causeway:cluster.stackReference.name`), if any. */
export function referencedStack(raw: RawConfig): string | undefined {
  const ref = objectAt(raw, CLUSTER_KEY)?.["stackReference"];
  const name = (ref as { name?: unknown } | undefined)?.name;
  return typeof name === "string" ? name : undefined;
}

/**
 * The fields a stack's config leaves to its cluster stack, and the output each is read from.
 * None without a stack reference.
 */
export function fieldsFromReference(raw: RawConfig): ReadField[] {
  if (referencedStack(raw) === undefined) return [];
  const cluster = objectAt(raw, CLUSTER_KEY) ?? {};
  const fields: ReadField[] = Object.entries(CLUSTER_FIELD_OUTPUTS)
    .filter(([field]) => cluster[field] === undefined)
    .map(([field, output]) => ({ path: `${CLUSTER_KEY}.${field}`, output }));
  if (raw.values[NETWORK_KEY] === undefined) {
    fields.push(
      ...Object.entries(NETWORK_FIELD_OUTPUTS).map(([field, output]) => ({
        path: `${NETWORK_KEY}.${field}`,
        output,
      })),
    );
  }
  // A stack that gives every required value itself brings its own cluster: its reference may
  // be any stack exporting a kubeconfig, so nothing optional is read from it either.
  return fields.some((f) => !OPTIONAL_OUTPUTS.has(f.output)) ? fields : [];
}

/**
 * The raw config as if the stack file held the outputs it leaves to the cluster stack (the
 * offline plan answers the program's lookups from it, as from explicit config).
 */
export function mergeClusterOutputs(
  raw: RawConfig,
  outputs: Readonly<Partial<Record<ClusterOutputName, unknown>>>,
): RawConfig {
  const fields = fieldsFromReference(raw);
  if (fields.length === 0) return raw;
  const values: Record<string, string> = { ...raw.values };
  const cluster: Record<string, unknown> = { ...objectAt(raw, CLUSTER_KEY) };
  const network: Record<string, unknown> = {};
  for (const f of fields) {
    const value = outputs[f.output];
    if (value === undefined) continue;
    const [key, field] = f.path.split(/\.(.*)/s) as [string, string];
    (key === CLUSTER_KEY ? cluster : network)[field] = value;
  }
  values[CLUSTER_KEY] = JSON.stringify(cluster);
  if (Object.keys(network).length > 0) values[NETWORK_KEY] = JSON.stringify(network);
  return { ...raw, values };
}

/**
 * The stack's config completed with the cluster stack's outputs, validated as if the stack file
 * held them: every rule of `causeway:cluster` and `causeway:network`, and those of the sections
 * that read them (the broker's subnets, the account of every ARN). A problem in a value read
 * from the cluster stack names the output it came from.
 */
export function configWithClusterOutputs(
  raw: RawConfig,
  stack: string,
  outputs: Readonly<Partial<Record<ClusterOutputName, unknown>>>,
): StackConfig {
  const fields = fieldsFromReference(raw);
  const reference = referencedStack(raw) ?? "";
  const missing = fields.filter((f) => outputs[f.output] === undefined);
  const required = missing.filter((f) => !OPTIONAL_OUTPUTS.has(f.output));
  if (required.length > 0) {
    throw new ConfigError(
      [
        {
          path: `${CLUSTER_KEY}.stackReference.name`,
          message: `the stack ${reference} has no output ${required.map((f) => f.output).join(", ")}: deploy the causeway-cluster project to it first (cd infra/cluster && pulumi up), check the reference's organization (organization/... on a self-managed backend), or set ${required.map((f) => f.path).join(", ")} explicitly`,
        },
      ],
      stack,
    );
  }
  try {
    return parsePlatformConfig(mergeClusterOutputs(raw, outputs), stack);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const read = (issue: ConfigIssue) =>
      fields.find((f) => issue.path === f.path || issue.path.startsWith(`${f.path}[`));
    throw new ConfigError(
      e.issues.map((issue) => {
        const from = read(issue);
        return from
          ? {
              path: issue.path,
              message: `${issue.message}; read from output ${from.output} of the cluster stack ${reference}: fix that stack, or set ${from.path} explicitly`,
            }
          : issue;
      }),
      stack,
    );
  }
}

/**
 * The platform config of the running stack: its config, completed from the cluster stack's
 * outputs through one StackReference (`cluster-stack`; read in preview as in update, so a
 * problem stops the preview). The kubeconfig stays an Output, a secret, never awaited.
 */
export async function platformConfig(raw: RawConfig, stack: string): Promise<PlatformConfig> {
  const config = parsePlatformConfig(raw, stack);
  const ref = config.cluster.stackReference;
  if (ref === undefined) return complete(config, config.cluster.kubeconfig!);
  const reference = new pulumi.StackReference("cluster-stack", { name: ref.name });
  const fields = fieldsFromReference(raw);
  const outputs: Partial<Record<ClusterOutputName, unknown>> = {};
  for (const { output } of fields) {
    const details = await reference.getOutputDetails(output);
    outputs[output] = details.value ?? details.secretValue;
  }
  const completed = fields.length > 0 ? configWithClusterOutputs(raw, stack, outputs) : config;
  const kubeconfig = pulumi.secret(reference.requireOutput(ref.output).apply(String));
  return complete(completed, kubeconfig);
}

/** The config with what the components need; its checks ran when it was parsed. */
function complete(config: StackConfig, kubeconfig: pulumi.Output<string>): PlatformConfig {
  const explicit = explicitConfig(config);
  return { ...explicit, cluster: { ...explicit.cluster, kubeconfig } };
}

/**
 * A stack config whose cluster and network are all given explicitly (tests' fixtures, stacks
 * that bring their own cluster), typed as such; throws when a field is left to the reference.
 */
export function explicitConfig(config: StackConfig): PlatformConfig {
  const { name, oidcProviderArn } = config.cluster;
  if (name === undefined || oidcProviderArn === undefined || config.network === undefined) {
    throw new Error(
      "this stack leaves its cluster or network to causeway:cluster.stackReference: read its config with platformConfig (infra/cluster/app-reference.ts)",
    );
  }
  return {
    ...config,
    cluster: { ...config.cluster, name, oidcProviderArn },
    network: config.network,
  };
}
