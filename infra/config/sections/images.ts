import { z } from "zod";
import type { ByTier } from "../environment";
import type { ConfigIssue } from "../errors";
import type { CheckContext, Section } from "./section";
import type { ServicesConfig } from "./services";

const KEY = "causeway:images";

/**
 * The platforms the services' images are built for: the nodes' architecture. Graviton (arm64)
 * nodes are the default; an amd64 node group needs `linux/amd64`.
 */
export const IMAGE_PLATFORMS = ["linux/arm64", "linux/amd64"] as const;

/** A 12-digit AWS account id. */
const accountId = z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id");

/** A Pulumi stack name: `<org>/<project>/<stack>` (or `<project>/<stack>`, or `<stack>`). */
const stackName = z
  .string()
  .regex(
    /^([\w.-]+\/){0,2}[\w.-]+$/,
    "must be a stack name such as acme/causeway/dev (<org>/<project>/<stack>)",
  );

/** `causeway:images`: how images are built (dev) and promoted (staging, prod). */
export const imagesSchema = z.strictObject({
  platform: z
    .enum(IMAGE_PLATFORMS, { error: () => `must be one of ${IMAGE_PLATFORMS.join(", ")}` })
    .describe(
      "Platform the images are built for: the nodes' architecture. Default linux/arm64 (Graviton).",
    ),
  pullAccountIds: z
    .array(accountId)
    .describe(
      "AWS accounts that may pull this stack's images (the staging and prod accounts, on dev's stack): the ECR repository policy grants them pull only. Default none.",
    ),
  promoteFrom: stackName
    .optional()
    .describe(
      "The stack whose built images this stack deploys, by digest, never building: its `imageRefs` output (e.g. acme/causeway/dev). Required in staging and prod unless every service pins `image`.",
    ),
});

export type ImagesConfig = z.infer<typeof imagesSchema>;

const defaults = { platform: "linux/arm64", pullAccountIds: [] } as const;

/** Every tier builds for Graviton and shares with no account until the stack says so. */
export const imagesTierDefaults: ByTier<Omit<ImagesConfig, "promoteFrom">> = {
  dev: { ...defaults, pullAccountIds: [] },
  staging: { ...defaults, pullAccountIds: [] },
  prod: { ...defaults, pullAccountIds: [] },
};

/** Staging and prod never build: each service's image is promoted or pinned by digest. */
export function checkImages(
  images: ImagesConfig,
  { env, parsed }: CheckContext<{ services: ServicesConfig }>,
): ConfigIssue[] {
  if (env === "dev" || images.promoteFrom !== undefined || !parsed.services) return [];
  const built = Object.keys(parsed.services)
    .filter((name) => parsed.services![name]!.image === undefined)
    .sort();
  if (built.length === 0) return [];
  return [
    {
      path: `${KEY}.promoteFrom`,
      message: `is required in ${env}, which never builds images: set it to the dev stack that built them (e.g. acme/causeway/dev), or pin causeway:services.<name>.image by digest (not pinned: ${built.join(", ")})`,
    },
  ];
}

/** `causeway:images`, as the loader reads it. */
export const imagesSection = {
  schema: imagesSchema,
  required: false,
  description:
    "Images: platform (the nodes' architecture), pullAccountIds (accounts that may pull), promoteFrom (the stack whose digests staging and prod deploy).",
  tierDefaults: imagesTierDefaults,
  check: checkImages,
} satisfies Section<ImagesConfig, { services: ServicesConfig }>;
