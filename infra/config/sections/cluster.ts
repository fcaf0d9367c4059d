import { z } from "zod";
import { arnIssues } from "../arns";
import { found, type ConfigIssue } from "../errors";
import { arn, awsId } from "../primitives";
import type { CheckContext, Section } from "./section";

/**
 * The oldest Kubernetes minor version the planned objects work on:
 * - the `sleep` preStop action of the services' pods: beta and on by default from 1.30
 *   (https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-implementations,
 *   feature gate PodLifecycleSleepAction); an older API server refuses the Deployments;
 * - `matchLabelKeys` in topology spread constraints (beta, on by default from 1.27) and the
 *   PodDisruptionBudget's `unhealthyPodEvictionPolicy` (beta, on by default from 1.27, GA in
 *   1.31), which an older API server drops without a word
 *   (https://kubernetes.io/docs/reference/command-line-tools-reference/feature-gates/).
 */
export const MIN_KUBERNETES_VERSION = { major: 1, minor: 30 } as const;

/** The version a stack is taken to run when it names none (EKS standard support, late 2026). */
export const DEFAULT_KUBERNETES_VERSION = "1.33";

const minVersion = `${MIN_KUBERNETES_VERSION.major}.${MIN_KUBERNETES_VERSION.minor}`;

/** `1.33` -> true when at least {@link MIN_KUBERNETES_VERSION}. Input: a `<major>.<minor>` string. */
export function isSupportedKubernetesVersion(version: string): boolean {
  const [major, minor] = version.split(".").map(Number) as [number, number];
  return (
    major > MIN_KUBERNETES_VERSION.major ||
    (major === MIN_KUBERNETES_VERSION.major && minor >= MIN_KUBERNETES_VERSION.minor)
  );
}

/** Why a cluster version is refused, naming the key and the fix. */
export const KUBERNETES_VERSION_MESSAGE =
  `must be ${minVersion} or later: the services' pods use the sleep preStop action (1.30+), and an older cluster refuses the Deployments and drops the PodDisruptionBudgets' unhealthyPodEvictionPolicy; ` +
  `upgrade the cluster (aws eks update-cluster-version, one minor version at a time), then set causeway:cluster.kubernetesVersion to its version (aws eks describe-cluster --name <cluster> --query cluster.version)`;

/**
 * `causeway:cluster`: the EKS cluster the platform is deployed into.
 * With `stackReference` (the causeway-cluster stack), everything the stack does not set here
 * (name, oidcProviderArn, kubernetesVersion, nodeSecurityGroupId, the kubeconfig and the whole
 * of `causeway:network`) is read from that stack's outputs when the program runs, and checked
 * by these same rules (infra/cluster/app-reference.ts). Explicit values win. Without it (a
 * cluster made elsewhere), name, oidcProviderArn and the kubeconfig secret are required.
 */
export const clusterSchema = z
  .strictObject({
    /** EKS cluster name (1-100 characters, starting with a letter or digit). */
    name: z
      .string()
      .regex(
        /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/,
        "must be an EKS cluster name: 1-100 letters, digits, '-' or '_', starting with a letter or digit",
      )
      .optional()
      .describe("EKS cluster name; default: the stackReference's clusterName output"),
    /** ARN of the cluster's IAM OIDC provider, used for IAM roles for service accounts (IRSA). */
    oidcProviderArn: arn("iam")
      .refine(
        (v) => /:oidc-provider\//.test(v),
        "must be an IAM OIDC provider ARN: arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<id>",
      )
      .optional()
      .describe(
        "ARN of the cluster's IAM OIDC provider, for IAM roles for service accounts; default: the stackReference's oidcProviderArn output",
      ),
    /** The cluster's Kubernetes version, `<major>.<minor>`; the plan refuses one below 1.30. */
    kubernetesVersion: z
      .string()
      .regex(/^\d+\.\d+$/, "must be a Kubernetes version <major>.<minor>, such as 1.33")
      .refine(
        (v) => !/^\d+\.\d+$/.test(v) || isSupportedKubernetesVersion(v),
        KUBERNETES_VERSION_MESSAGE,
      )
      .default(DEFAULT_KUBERNETES_VERSION)
      .describe(
        `the cluster's Kubernetes version (aws eks describe-cluster --query cluster.version); ${minVersion} or later. Default ${DEFAULT_KUBERNETES_VERSION}`,
      ),
    /**
     * The security group of the nodes, which the broker and the database admit. Default: the
     * stackReference's nodeSecurityGroupId output, else the EKS cluster security group (which
     * EKS attaches to managed node groups).
     */
    nodeSecurityGroupId: awsId("sg")
      .optional()
      .describe(
        "security group of the nodes, admitted by the broker and database; default: the stackReference's nodeSecurityGroupId output, else the EKS cluster security group",
      ),
    /** The kubeconfig, as a Pulumi secret (`secure:`). */
    kubeconfig: z
      .string()
      .min(1)
      .optional()
      .describe("kubeconfig, as a secret; or use stackReference"),
    /**
     * The causeway-cluster stack (`<org>/causeway-cluster/<stack>`, or
     * `organization/causeway-cluster/<stack>` on a self-managed backend): its outputs supply
     * what this section and causeway:network leave out; `output` names its kubeconfig output.
     */
    stackReference: z
      .strictObject({
        name: z
          .string()
          .regex(
            /^([\w.-]+\/){0,2}[\w.-]+$/,
            "must be a stack name such as acme/eks-cluster/dev or dev",
          ),
        output: z.string().min(1).default("kubeconfig"),
      })
      .optional()
      .describe(
        "the cluster stack, whose outputs supply what is not set here or in causeway:network: { name: <org>/causeway-cluster/<stack> (organization/... on a self-managed backend), output: its kubeconfig output (default kubeconfig) }",
      ),
  })
  .superRefine((value, ctx) => {
    const given = [value.kubeconfig, value.stackReference].filter((v) => v !== undefined).length;
    if (given !== 1) {
      ctx.addIssue({
        code: "custom",
        message:
          given === 0
            ? "needs a way to reach the cluster: set either kubeconfig (as a secret: pulumi config set --secret --path causeway:cluster.kubeconfig ...) or stackReference.name"
            : "sets both kubeconfig and stackReference; keep exactly one",
      });
    }
    if (value.stackReference !== undefined) return;
    // A cluster made elsewhere: nothing can be read from a cluster stack.
    const missing = [
      ["name", value.name, "the EKS cluster's name"],
      [
        "oidcProviderArn",
        value.oidcProviderArn,
        "aws eks describe-cluster --query cluster.identity.oidc.issuer, as arn:aws:iam::<account>:oidc-provider/<issuer host and path>",
      ],
    ] as const;
    for (const [key, given, what] of missing) {
      if (given !== undefined) continue;
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: `is required without stackReference (${what}); or set stackReference.name to the causeway-cluster stack, whose outputs supply it`,
      });
    }
  });

export type ClusterConfig = z.infer<typeof clusterSchema>;

/** Fields of this section that hold credentials; they become Pulumi secrets when read. */
export const clusterSensitive = ["kubeconfig"] as const;

/** `causeway:cluster`, as the loader reads it. */
export const clusterSection = {
  schema: clusterSchema,
  required: true,
  description:
    "The EKS cluster: stackReference to the causeway-cluster stack (its outputs supply every field not set here, and causeway:network), or name, oidcProviderArn and kubeconfig (secret) for a cluster made elsewhere.",
  sensitive: clusterSensitive,
  check: (cluster: ClusterConfig, context: CheckContext) => checkCluster(cluster, context),
} satisfies Section<ClusterConfig>;

/**
 * The OIDC provider belongs to the stack's account, and its issuer to the cluster's Region
 * (`oidc.eks.<region>.amazonaws.com`): IRSA roles trust this provider, so one from another
 * account or Region leaves every role unassumable.
 */
export function checkCluster(cluster: ClusterConfig, context: CheckContext): ConfigIssue[] {
  // Left to the stack reference: checked once read (infra/cluster/app-reference.ts).
  if (cluster.oidcProviderArn === undefined) return [];
  const path = "causeway:cluster.oidcProviderArn";
  const issues = arnIssues(path, cluster.oidcProviderArn, context, false);
  const region = /:oidc-provider\/oidc\.eks\.([a-z0-9-]+)\.amazonaws\.com/.exec(
    cluster.oidcProviderArn,
  )?.[1];
  if (region === undefined) {
    issues.push({
      path,
      message: `must name an EKS issuer: arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<id> (found ${found(cluster.oidcProviderArn)})`,
    });
  } else if (context.region && region !== context.region) {
    issues.push({
      path,
      message: `is the issuer of a cluster in ${region}, but aws:region is ${context.region}; use the OIDC provider of the cluster in ${context.region} (found ${found(cluster.oidcProviderArn)})`,
    });
  }
  return issues;
}
