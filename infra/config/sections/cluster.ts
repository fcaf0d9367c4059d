import { z } from "zod";
import { arnIssues } from "../arns";
import { found, type ConfigIssue } from "../errors";
import { arn } from "../primitives";
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
 * `causeway:cluster`: the existing EKS cluster the platform is deployed into.
 * Give the kubeconfig either as a Pulumi secret (`kubeconfig: { secure: ... }`) or through a
 * StackReference to the stack that created the cluster.
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
      .describe("EKS cluster name"),
    /** ARN of the cluster's IAM OIDC provider, used for IAM roles for service accounts (IRSA). */
    oidcProviderArn: arn("iam")
      .refine(
        (v) => /:oidc-provider\//.test(v),
        "must be an IAM OIDC provider ARN: arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<id>",
      )
      .describe("ARN of the cluster's IAM OIDC provider, for IAM roles for service accounts"),
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
    /** The kubeconfig, as a Pulumi secret (`secure:`). */
    kubeconfig: z
      .string()
      .min(1)
      .optional()
      .describe("kubeconfig, as a secret; or use stackReference"),
    /** A stack that exports the kubeconfig: `{ name: org/project/stack, output: kubeconfig }`. */
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
        "stack exporting the kubeconfig: { name: org/project/stack, output (default kubeconfig) }",
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
  });

export type ClusterConfig = z.infer<typeof clusterSchema>;

/** Fields of this section that hold credentials; they become Pulumi secrets when read. */
export const clusterSensitive = ["kubeconfig"] as const;

/** `causeway:cluster`, as the loader reads it. */
export const clusterSection = {
  schema: clusterSchema,
  required: true,
  description:
    "The existing EKS cluster: name, oidcProviderArn, kubernetesVersion, and kubeconfig (secret) or stackReference.",
  sensitive: clusterSensitive,
  check: (cluster: ClusterConfig, context: CheckContext) => checkCluster(cluster, context),
} satisfies Section<ClusterConfig>;

/**
 * The OIDC provider belongs to the stack's account, and its issuer to the cluster's Region
 * (`oidc.eks.<region>.amazonaws.com`): IRSA roles trust this provider, so one from another
 * account or Region leaves every role unassumable.
 */
export function checkCluster(cluster: ClusterConfig, context: CheckContext): ConfigIssue[] {
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
