import publishedPolicy from "./iam-policy.json";

/**
 * IAM for the AWS Load Balancer Controller: the IRSA trust policy (pure, built from the
 * cluster's OIDC provider ARN) and the controller's published permissions policy, kept as data
 * in iam-policy.json (source and version in iam-policy.md).
 * IRSA: https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
 */

/** The controller version whose published policy iam-policy.json holds. */
export const CONTROLLER_IAM_POLICY_VERSION = "v3.5.0";
export const CONTROLLER_IAM_POLICY_SOURCE = `https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/${CONTROLLER_IAM_POLICY_VERSION}/docs/install/iam_policy.json`;

/** The Helm chart (https://aws.github.io/eks-charts) whose app version is that controller. */
export const CONTROLLER_CHART = {
  repo: "https://aws.github.io/eks-charts",
  name: "aws-load-balancer-controller",
  version: "3.5.0",
} as const;

/** Where the controller runs and the service account its pods use (the IRSA subject). */
export const CONTROLLER_SERVICE_ACCOUNT = {
  namespace: "kube-system",
  name: "aws-load-balancer-controller",
} as const;

/** The controller's published IAM policy document. */
export function controllerIamPolicy(): typeof publishedPolicy {
  return publishedPolicy;
}

/**
 * `arn:aws:iam::<account>:oidc-provider/<issuer host and path>` -> `<issuer host and path>`,
 * the prefix of the `:sub` and `:aud` condition keys.
 */
export function oidcIssuerOf(providerArn: string): string {
  const match = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/(.+)$/.exec(providerArn);
  if (!match) {
    throw new Error(
      `"${providerArn}" is not an IAM OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<id>)`,
    );
  }
  return match[1]!;
}

/** The trust policy that lets exactly one Kubernetes service account assume the role. */
export function irsaTrustPolicy(
  providerArn: string,
  serviceAccount: { readonly namespace: string; readonly name: string },
) {
  const issuer = oidcIssuerOf(providerArn);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: `system:serviceaccount:${serviceAccount.namespace}:${serviceAccount.name}`,
            [`${issuer}:aud`]: "sts.amazonaws.com",
          },
        },
      },
    ],
  };
}
