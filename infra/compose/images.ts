import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../config";

/** The stack output that carries each service's image, pinned by digest. */
export const IMAGE_REFS_OUTPUT = "imageRefs";

/** How the offline plan (@causeway/plan) shows a value known only after apply. */
const OFFLINE_PLACEHOLDER = "(known after apply";

const DIGEST_REF = /^[^@\s]+@sha256:[0-9a-f]{64}$/;

/**
 * Where a stack's images come from when it does not build them: the digests that another stack
 * (dev) built and exports as `imageRefs`, read through a StackReference. Undefined when the
 * stack builds (no `causeway:images.promoteFrom`).
 */
export function promotedImages(
  images: PlatformConfig["images"],
): ((service: string) => pulumi.Output<string>) | undefined {
  const from = images.promoteFrom;
  if (from === undefined) return undefined;
  const source = new pulumi.StackReference("images-source", { name: from });
  const refs = source.requireOutput(IMAGE_REFS_OUTPUT);
  return (service) =>
    refs.apply((all: unknown): pulumi.Output<string> => {
      // The offline plan answers a StackReference output with a placeholder string: the digest
      // is known only when the stack is deployed, so it stays unknown here, as in a preview.
      if (typeof all === "string" && all.startsWith(OFFLINE_PLACEHOLDER)) {
        return pulumi.output<string>(pulumi.unknown as unknown as string);
      }
      const ref = (all as Record<string, unknown> | undefined)?.[service];
      if (typeof ref !== "string" || !DIGEST_REF.test(ref)) {
        throw new Error(
          `causeway:images.promoteFrom: stack ${from} exports no image pinned by digest for "${service}" in ${IMAGE_REFS_OUTPUT} (found ${JSON.stringify(ref)}); deploy the service there first, or pin causeway:services.${service}.image`,
        );
      }
      return pulumi.output(ref);
    });
}
