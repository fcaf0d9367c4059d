import type { z } from "zod";
import type { ByTier, Environment } from "../environment";
import type { ConfigIssue } from "../errors";

/**
 * What a section's `check` sees besides its own value. `P` names the other sections it reads,
 * each as its schema outputs it (e.g. `{ network: NetworkConfig }`); the section's own file
 * imports their types, so no section depends on the table of all sections.
 */
export interface CheckContext<P extends object = object> {
  /** The stack's tier (dev when `causeway:environment` is itself invalid). */
  readonly env: Environment;
  /** The stack name, for names derived from it such as `causeway-<stack>`. */
  readonly stack: string;
  /**
   * Every section that parsed. A section with problems of its own is absent: a check that needs
   * it is skipped, since those problems are already reported.
   */
  readonly parsed: Partial<P>;
  /** `aws:region`, when it is a known Region (else its problem is already reported). */
  readonly region?: string | undefined;
  /**
   * The stack's AWS account: `aws:allowedAccountIds` when it names one, else the account of
   * `causeway:cluster.oidcProviderArn`.
   */
  readonly accountId?: string | undefined;
}

/**
 * One top-level key of the `causeway` config namespace. The loader applies `withDefaults`
 * (tier defaults; stack values win), validates with `schema`, runs `check` once every section is
 * parsed, then wraps `sensitive` fields as Pulumi secrets.
 */
export interface Section<T = unknown, P extends object = object> {
  /** The shape of the value, and every rule the value alone decides. */
  readonly schema: z.ZodType<T>;
  /** Whether a stack must set this key (no tier default covers it). */
  readonly required: boolean;
  /**
   * When a required key may still be left out, given the stack's other keys (as given, before
   * validation), and where its value then comes from (said in the message when it is missing).
   */
  readonly suppliedBy?: {
    readonly when: (given: ReadonlyMap<string, unknown>) => boolean;
    readonly otherwise: string;
  };
  /** One line for the config reference in the README. */
  readonly description: string;
  /**
   * Tier defaults, merged under the stack's value (stack values win; objects merge deeply,
   * arrays replace). Also printed in the README's config reference.
   */
  readonly tierDefaults?: ByTier<unknown>;
  /** Custom merge, when the defaults apply per entry (e.g. per service); default: tierDefaults. */
  readonly withDefaults?: (raw: unknown, env: Environment) => unknown;
  /** Dotted paths, relative to the section, that hold credentials. */
  readonly sensitive?: readonly string[];
  /**
   * The rules that need more than the value: the tier, the stack name or another section. Issue
   * paths start with the full config key, e.g. `causeway:database.multiAz`.
   */
  check?(value: T, context: CheckContext<P>): ConfigIssue[];
}

/** Recursively merges plain objects; arrays and scalars in `over` replace those in `base`. */
export function mergeDefaults(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (isPlainObject(base) && isPlainObject(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = mergeDefaults(base[k], v);
    return out;
  }
  return over;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
