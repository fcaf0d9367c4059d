/**
 * The ECR repository policy that lets other AWS accounts pull a service's images: the actions
 * a pull needs and nothing else (ECR User Guide, "Private repository policy examples: allow
 * another account to pull": ecr:BatchCheckLayerAvailability, ecr:BatchGetImage,
 * ecr:GetDownloadUrlForLayer). The pulling account still grants its own nodes' role these
 * actions (the EKS node policy AmazonEC2ContainerRegistryReadOnly does). Pure; no Pulumi.
 */
export const PULL_ACTIONS = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:BatchGetImage",
  "ecr:GetDownloadUrlForLayer",
] as const;

export function pullPolicy(accountIds: readonly string[], partition = "aws") {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "PullFromPromotedAccounts",
        Effect: "Allow",
        Principal: { AWS: [...accountIds].sort().map((id) => `arn:${partition}:iam::${id}:root`) },
        Action: [...PULL_ACTIONS],
      },
    ],
  };
}

/** Why the account ids are invalid, as `<argument>: <problem>` lines. */
export function pullAccountProblems(accountIds: readonly string[]): string[] {
  const bad = accountIds.filter((id) => !/^\d{12}$/.test(id));
  const dup = accountIds.filter((id, i) => accountIds.indexOf(id) !== i);
  return [
    ...(bad.length > 0
      ? [
          `pullAccountIds: must be 12-digit AWS account ids (found ${bad.map((b) => `"${b}"`).join(", ")})`,
        ]
      : []),
    ...(dup.length > 0 ? [`pullAccountIds: lists ${dup.join(", ")} twice`] : []),
  ];
}
