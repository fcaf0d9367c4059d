import type { ReplacementRule } from "./types";

/** `replace` rules for several properties of one type, all from one source. */
export function replaces(
  type: string,
  source: string,
  properties: readonly string[],
): ReplacementRule[] {
  return properties.map((property) => ({ type, property, effect: "replace" as const, source }));
}

/** The Terraform AWS provider's sources, which @pulumi/aws bridges (ForceNew schema fields). */
export const TF = "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service";
