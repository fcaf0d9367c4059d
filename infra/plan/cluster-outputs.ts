import {
  fakeAwsId,
  knownStacks,
  PlanError,
  type RawConfig,
  type StackOutputs,
} from "@causeway/plan";
import { createHash } from "node:crypto";
import {
  fieldsFromReference,
  mergeClusterOutputs,
  referencedStack,
} from "../cluster/app-reference";
import { CLUSTER_OUTPUTS, CLUSTER_PROJECT, type ClusterOutputName } from "../cluster/project";
import { CLUSTER_STACKS_DIR, clusterIdentity, planClusterStack } from "./cluster-project";
import { readStackFile } from "./stack-file";

/**
 * The offline plan of an app stack reads its cluster stack's outputs from the plan of that
 * cluster stack (infra/cluster/stacks/Pulumi.<stack>.yaml), as `pulumi preview` reads them from
 * the deployed cluster stack's state.
 */

/** The cluster stack a StackReference names: `<org>/causeway-cluster/<stack>`, or undefined. */
export function clusterStackOf(referenceName: string): string | undefined {
  const parts = referenceName.split("/");
  if (parts.length !== 3 || parts[1] !== CLUSTER_PROJECT) return undefined;
  return parts[2];
}

/**
 * A cluster plan's outputs as a deployed cluster stack would export them: values the plan knows
 * (names, CIDRs, AZs) as planned, and ids that only AWS assigns (VPC, subnets, security groups,
 * the OIDC provider's issuer id) as stable fake ids of the right form, one per output.
 */
export function deployedClusterOutputs(
  planned: Readonly<Record<string, unknown>>,
  identity: { readonly region: string; readonly accountId: string },
  seed: string,
): Record<ClusterOutputName, unknown> {
  const fill = (value: unknown, at: string): unknown => {
    if (Array.isArray(value)) return value.map((v, i) => fill(v, `${at}[${i}]`));
    if (typeof value !== "string" || !value.startsWith("(known after apply")) return value;
    if (at === "oidcProviderArn") {
      const id = createHash("sha256").update(`${seed}/oidc`).digest("hex").slice(0, 32);
      return `arn:aws:iam::${identity.accountId}:oidc-provider/oidc.eks.${identity.region}.amazonaws.com/id/${id.toUpperCase()}`;
    }
    const prefix = at.startsWith("vpcId")
      ? "vpc"
      : at.endsWith("SecurityGroupId")
        ? "sg"
        : at.includes("SubnetIds")
          ? "subnet"
          : undefined;
    if (prefix === undefined) {
      throw new PlanError(
        `offline plan: the cluster plan's output ${at} is only known after apply, and no stand-in is known for it; add one to deployedClusterOutputs (infra/plan/cluster-outputs.ts)`,
      );
    }
    return fakeAwsId(prefix, `${seed}/${at}`);
  };
  const out: Partial<Record<ClusterOutputName, unknown>> = {};
  for (const name of CLUSTER_OUTPUTS) {
    // The kubeconfig is a secret: the plan shows it as [secret] and nothing reads its text.
    out[name] = name === "kubeconfig" ? planned[name] : fill(planned[name], name);
  }
  return out as Record<ClusterOutputName, unknown>;
}

const cache = new Map<string, Promise<Record<ClusterOutputName, unknown>>>();

/** The outputs of cluster stack `stack` of `dir`, planned once per process. */
export function plannedClusterOutputs(
  stack: string,
  dir = CLUSTER_STACKS_DIR,
): Promise<Record<ClusterOutputName, unknown>> {
  const key = `${dir}\0${stack}`;
  if (!cache.has(key)) {
    const outputs = (async () => {
      const file = readStackFile(dir, stack);
      const plan = await planClusterStack(stack, { dir });
      // Seeded by the stack alone: the same ids in every checkout (the plan diff compares two).
      return deployedClusterOutputs(plan.outputs, clusterIdentity(file.raw), stack);
    })();
    cache.set(key, outputs);
    outputs.catch(() => cache.delete(key));
  }
  return cache.get(key)!;
}

/** What an app stack's offline plan needs from its cluster stack. */
export interface ClusterReferenceAnswers {
  /** For runPlan: the referenced stack's outputs. */
  readonly stackReferences: Readonly<Record<string, StackOutputs>>;
  /** The raw config completed with those outputs, which the plan's lookups answer from. */
  readonly raw: RawConfig;
}

/**
 * The cluster stack's outputs an app stack's config leaves to its StackReference, from the
 * plan of that cluster stack. Nothing is planned when the config gives every value.
 */
export async function clusterReferenceAnswers(
  raw: RawConfig,
  clusterStacksDir = CLUSTER_STACKS_DIR,
): Promise<ClusterReferenceAnswers> {
  const reference = referencedStack(raw);
  if (reference === undefined || fieldsFromReference(raw).length === 0) {
    return { stackReferences: {}, raw };
  }
  const stack = clusterStackOf(reference);
  if (stack === undefined || !knownStacks(clusterStacksDir).includes(stack)) {
    throw new PlanError(
      `causeway:cluster.stackReference.name is "${reference}": the offline plan reads a cluster stack's outputs from its plan, so it must name a causeway-cluster stack of infra/cluster/stacks (<org>/causeway-cluster/<stack>; known: ${knownStacks(clusterStacksDir).join(", ") || "none"}); or set causeway:cluster's and causeway:network's values explicitly`,
    );
  }
  const outputs = await plannedClusterOutputs(stack, clusterStacksDir);
  return {
    stackReferences: {
      [reference]: { outputs, secretOutputNames: ["kubeconfig"] },
    },
    raw: mergeClusterOutputs(raw, outputs),
  };
}
