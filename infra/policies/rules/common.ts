import type { PolicyConfigSchema } from "@pulumi/policy";

/** Helpers shared by the rules. */

/**
 * Config every tier-dependent rule accepts: the stack's `causeway:environment`, the same key
 * the config layer's production rules read. Production rules never key on the stack's name.
 */
export interface TierConfig {
  readonly environment?: string;
}

export const tierConfigSchema: PolicyConfigSchema = {
  properties: {
    environment: {
      type: "string",
      enum: ["dev", "staging", "prod"],
      description:
        "The stack's causeway:environment (a resource's own causeway:environment tag wins). Production rules (deletion protection, HA, access logs) apply in prod, and wherever the environment is unknown.",
    },
  },
};

/** The tier-dependent policies' config for a stack of `environment`, by policy name. */
export function tierPolicyConfig(
  policies: readonly { readonly name: string; readonly configSchema?: unknown }[],
  environment: string | undefined,
): Record<string, TierConfig> {
  if (environment === undefined) return {};
  return Object.fromEntries(
    policies
      .filter((p) => p.configSchema === tierConfigSchema)
      .map((p) => [p.name, { environment }]),
  );
}

/** The `causeway:environment` a resource carries: an AWS tag (or a `causeway/environment` one). */
export function environmentOf(props: unknown): string | undefined {
  const tags = (props as { tags?: Record<string, unknown> } | undefined)?.tags;
  const value = tags?.["causeway:environment"] ?? tags?.["causeway/environment"];
  return typeof value === "string" ? value : undefined;
}

/**
 * True when the resource belongs to a prod environment: its own `causeway:environment` tag, else
 * the pack's `environment` config. An unknown environment is held to production rules (secure
 * default): pass the stack's causeway:environment as policy config.
 */
export function isProduction(args: { props?: unknown; getConfig<T extends object>(): T }): boolean {
  const environment = environmentOf(args.props) ?? args.getConfig<TierConfig>().environment;
  return environment === undefined || environment === "prod";
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
