/** One resource as the offline plan captured it. */
export interface PlannedResource {
  readonly urn: string;
  /** Pulumi type token, e.g. `kubernetes:apps/v1:Deployment`. */
  readonly type: string;
  readonly name: string;
  /** Parent URN, or null for the stack itself. */
  readonly parent: string | null;
  /** Whether this is a provider-backed resource (false for components). */
  readonly custom: boolean;
  /** True for reads of existing resources (StackReference, `Resource.get`), not creates. */
  readonly read: boolean;
  /** Resolved inputs; secrets are `[secret]`, unknowns `(known after apply: ...)`. */
  readonly inputs: Record<string, unknown>;
  /** URNs this resource depends on, sorted. */
  readonly dependencies: readonly string[];
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly deleteBeforeReplace: boolean;
  /** URN of the explicit provider, if any. */
  readonly provider: string | null;
  /** Aliases (previous URNs or alias specs), for rename detection. */
  readonly aliases: readonly unknown[];
  readonly ignoreChanges: readonly string[];
  readonly replaceOnChanges: readonly string[];
}

/**
 * The options of a custom resource registered with none set: a base for plans built by hand
 * (tests of a diff or a policy pack).
 */
export const DEFAULT_RESOURCE_OPTIONS = {
  custom: true,
  read: false,
  dependencies: [],
  protect: false,
  retainOnDelete: false,
  deleteBeforeReplace: false,
  provider: null,
  aliases: [],
  ignoreChanges: [],
  replaceOnChanges: [],
} as const satisfies Partial<PlannedResource>;

/** The whole offline plan of one stack. */
export interface Plan {
  readonly project: string;
  readonly stack: string;
  /** Sorted by URN. */
  readonly resources: readonly PlannedResource[];
  /** Stack outputs, masked like inputs. */
  readonly outputs: Record<string, unknown>;
  /** A policy pack's results, when the caller evaluated one on the plan. */
  readonly policy?: PolicyReport;
}

/** One policy violation found by the offline evaluation of the policy pack. */
export interface PolicyViolation {
  readonly policy: string;
  readonly enforcementLevel: "mandatory" | "advisory";
  /** The resource in violation; absent for a stack-wide violation. */
  readonly urn?: string;
  readonly message: string;
}

/** The policy pack evaluated offline on a plan. */
export interface PolicyReport {
  /** Number of rules evaluated. */
  readonly rules: number;
  readonly violations: readonly PolicyViolation[];
}

/** The string every secret value is replaced by in what the plan prints or writes. */
export const SECRET = "[secret]";

/** How a value only known after apply is shown; `source` names the resource it comes from. */
export function knownAfterApply(source?: string): string {
  return source ? `(known after apply: ${source})` : "(known after apply)";
}
