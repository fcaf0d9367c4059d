import type { PolicyConfigSchema } from "@pulumi/policy";

/** Helpers shared by the rules. */

/** Config every tier-dependent rule accepts: which stacks are production. */
export interface TierConfig {
  readonly productionStacks: readonly string[];
}

export const tierConfigSchema: PolicyConfigSchema = {
  properties: {
    productionStacks: {
      type: "array",
      items: { type: "string" },
      default: ["prod"],
      description: "Stacks held to production rules (deletion protection, HA, access logs).",
    },
  },
};

/** The stack name in a URN (`urn:pulumi:<stack>::<project>::...`). */
export function stackOf(urn: string): string {
  return /^urn:pulumi:([^:]*)::/.exec(urn)?.[1] ?? "";
}

/** True when the resource's stack is one of the configured production stacks. */
export function isProduction(args: { urn: string; getConfig<T extends object>(): T }): boolean {
  const { productionStacks } = args.getConfig<TierConfig>();
  return (productionStacks ?? ["prod"]).includes(stackOf(args.urn));
}

/**
 * Runs `read` and returns its value, or `undefined` when it reads a value only known after
 * apply (the SDK's and the offline evaluator's `UnknownValueError`). For stack policies, which
 * must judge the resources they can know and skip the others.
 */
export function known<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (e) {
    if ((e as Error)?.constructor?.name === "UnknownValueError") return undefined;
    throw e;
  }
}

/** A sorted, readable list for messages. */
export function list(values: readonly string[]): string {
  return values.join(", ");
}
