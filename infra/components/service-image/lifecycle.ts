/**
 * The ECR lifecycle policy of a service repository. Pure; no Pulumi.
 *
 * Rules (AWS ECR User Guide, "Lifecycle policy properties"): lower `rulePriority` is evaluated
 * first; a rule with `tagStatus: "any"` must have the highest `rulePriority`.
 */
export interface LifecycleInput {
  /** Untagged images (superseded pushes, failed builds) expire this many days after push. */
  readonly untaggedExpiryDays: number;
  /**
   * Keep at most this many images in all. Size it above the number of builds between a dev
   * build and its promotion to prod, so a pinned digest never expires while in use.
   */
  readonly maxImages: number;
}

export const LifecycleDefaults: LifecycleInput = { untaggedExpiryDays: 7, maxImages: 100 };

export function lifecyclePolicy(input: LifecycleInput) {
  return {
    rules: [
      {
        rulePriority: 1,
        description: `Expire untagged images ${input.untaggedExpiryDays} days after push`,
        selection: {
          tagStatus: "untagged",
          countType: "sinceImagePushed",
          countUnit: "days",
          countNumber: input.untaggedExpiryDays,
        },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: `Keep the newest ${input.maxImages} images`,
        selection: {
          tagStatus: "any",
          countType: "imageCountMoreThan",
          countNumber: input.maxImages,
        },
        action: { type: "expire" },
      },
    ],
  };
}

/** Why the lifecycle input is invalid, as `<argument>: <problem>` lines. */
export function lifecycleProblems(input: LifecycleInput): string[] {
  const out: string[] = [];
  if (!Number.isInteger(input.untaggedExpiryDays) || input.untaggedExpiryDays < 1) {
    out.push(
      `lifecycle.untaggedExpiryDays: must be a whole number of days, at least 1 (found ${input.untaggedExpiryDays})`,
    );
  }
  if (!Number.isInteger(input.maxImages) || input.maxImages < 1) {
    out.push(`lifecycle.maxImages: must be a whole number, at least 1 (found ${input.maxImages})`);
  }
  return out;
}
