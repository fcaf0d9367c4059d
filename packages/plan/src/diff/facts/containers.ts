import { isUnknown, inputAt } from "./lookup";
import { replaces, TF } from "./replaces";
import type { PlannedResource } from "../../core/model";
import type { FactsTable, UpgradeContext, UpgradeVerdict } from "./types";

const ECR_REPOSITORY = `${TF}/ecr/repository.go`;
const ECR_LIFECYCLE = `${TF}/ecr/lifecycle_policy.go`;
const ECR_POLICY = `${TF}/ecr/repository_policy.go`;
/**
 * ECR User Guide, "Preventing image tags from being overwritten": with IMMUTABLE tags, a push of
 * a tag that already exists in the repository returns ImageTagAlreadyExistsException.
 */
const ECR_IMMUTABLE =
  "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html";

/**
 * DeleteRepository refuses a repository that still holds images unless `force` is set
 * (RepositoryNotEmptyException); the AWS provider passes `force` only when the resource's
 * forceDelete is true (ECR API Reference, DeleteRepository; terraform-provider-aws
 * internal/service/ecr/repository.go, resourceRepositoryDelete).
 */
const ECR_DELETE =
  "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepository.html";

/** A repository deleted without forceDelete: ECR refuses it while it holds any image. */
export function nonEmptyRepositoryDeletion(
  r: PlannedResource,
): { fail: string; fix: string } | undefined {
  if (r.inputs["forceDelete"] === true) return undefined;
  const name = inputAt(r.inputs, "name");
  const repo = typeof name === "string" && !isUnknown(name) ? `${name} ` : "";
  return {
    fail: `the image repository ${repo}is deleted without forceDelete, and ECR refuses to delete a repository that still holds images (RepositoryNotEmptyException): the deploy stops at the delete, after the rest ran`,
    fix: `to keep the images (the digests other stacks run), drop the repository from the state instead of deleting it: set retainOnDelete on it for one deploy, or run \`pulumi state delete '${r.urn}'\` before this deploy; to delete the images too, set forceDelete: true in a deploy before this one`,
  };
}

/** The tag an image resource pushes: from its image name, else its VERSION build arg. */
function pushedTag(inputs: Record<string, unknown>): string | undefined {
  const name = inputs["imageName"];
  if (typeof name === "string" && !isUnknown(name)) return name.split(":").pop();
  const tags = inputs["tags"];
  if (Array.isArray(tags) && tags.every((t) => typeof t === "string" && !isUnknown(t)))
    return tags.join(",");
  const version = inputAt(inputs, "build.args.VERSION") ?? inputAt(inputs, "buildArgs.VERSION");
  return typeof version === "string" ? version : undefined;
}

/** A rebuild that pushes under the tag it already pushed: an IMMUTABLE repository refuses it. */
export function immutableTagPush({ before, after }: UpgradeContext): UpgradeVerdict[] {
  if (after.inputs["skipPush"] === true || after.inputs["push"] === false) return [];
  const tag = pushedTag(after.inputs);
  if (tag === undefined || tag !== pushedTag(before.inputs)) return [];
  return [
    {
      fail: `the image is rebuilt and pushed again under its existing tag ${tag}, and the IMMUTABLE repository refuses it (ImageTagAlreadyExistsException)`,
      fix: "derive the tag from the image's content (ServiceImage does unless build.tag is set), or give the build a new tag",
    },
  ];
}

/** ECR repositories and the images built into them. */
export const containerFacts: FactsTable = {
  family: "Container images",
  replacements: [
    ...replaces("aws:ecr/repository:Repository", ECR_REPOSITORY, [
      "name",
      "encryptionConfigurations",
    ]),
    ...replaces("aws:ecr/lifecyclePolicy:LifecyclePolicy", ECR_LIFECYCLE, ["repository"]),
    ...replaces("aws:ecr/repositoryPolicy:RepositoryPolicy", ECR_POLICY, ["repository"]),
  ],
  stateful: [
    {
      type: "aws:ecr/repository:Repository",
      label: "image repository",
      loss: "every image in it, including the digests that staging and prod run",
    },
  ],
  storageChanges: [],
  uniqueNames: [
    {
      type: "aws:ecr/repository:Repository",
      property: "name",
      scope: "in the registry (account and Region)",
      refusal: "RepositoryAlreadyExistsException",
      source: "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html",
    },
  ],
  deletions: [
    {
      type: "aws:ecr/repository:Repository",
      source: ECR_DELETE,
      check: nonEmptyRepositoryDeletion,
    },
  ],
  upgrades: [
    {
      type: "docker:index/image:Image",
      property: "build",
      source: ECR_IMMUTABLE,
      check: immutableTagPush,
    },
    {
      type: "docker-build:index:Image",
      property: "",
      source: ECR_IMMUTABLE,
      check: immutableTagPush,
    },
  ],
};
