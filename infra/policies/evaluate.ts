import type {
  EnforcementLevel,
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { Plan, PlannedResource, PolicyReport, PolicyViolation } from "@causeway/plan";

/**
 * Evaluates the policy pack on an offline plan, the way the Pulumi engine's analyzer would in
 * a preview: each resource policy sees every provider-backed resource's inputs as `props`, each
 * stack policy sees all of them. A value the plan only knows after apply (`(known after apply:
 * ...)`) throws when a policy reads it, exactly like the SDK's unknown-checking proxy, so a
 * policy never reports a violation it cannot know: that check is counted as `unknown`.
 */

export type Policy = ResourceValidationPolicy | StackValidationPolicy;

export interface PackDefinition {
  readonly name: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly policies: readonly Policy[];
}

/** Reading a value that is only known after apply. */
export class UnknownValueError extends Error {
  constructor(readonly path: string) {
    super(`${path} is only known after apply`);
  }
}

class NotApplicableError extends Error {}

const UNKNOWN = /^\(known after apply(: .*)?\)$/s;

function isUnknown(v: unknown): boolean {
  return typeof v === "string" && UNKNOWN.test(v);
}

/** Wraps plan inputs so that reading an unknown value throws {@link UnknownValueError}. */
export function unknownChecking<T>(value: T, at = ""): T {
  if (typeof value !== "object" || value === null) return value;
  return new Proxy(value as object, {
    get(target, prop, receiver) {
      const field: unknown = Reflect.get(target, prop, receiver);
      if (typeof prop === "symbol") return field;
      const path = Array.isArray(target) && /^\d+$/.test(prop) ? `${at}[${prop}]` : `${at}.${prop}`;
      if (isUnknown(field)) throw new UnknownValueError(path);
      const desc = Object.getOwnPropertyDescriptor(target, prop);
      if (desc && "value" in desc && !desc.configurable && !desc.writable) return field;
      return unknownChecking(field, path);
    },
  }) as T;
}

function pulumiTypeOf(x: unknown): string | undefined {
  const t = (x as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  return typeof t === "string" && t !== "" ? t : undefined;
}

function isTypeOf(type: string, cls: unknown): boolean {
  const t = pulumiTypeOf(cls);
  if (t) return t === type;
  const isInstance = (cls as { isInstance?: (o: unknown) => boolean }).isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

/** The policy's config: its schema defaults overlaid with `config[policy.name]`. */
function configFor(policy: Policy, config: Readonly<Record<string, unknown>>): object {
  const defaults: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
    const d = (schema as { default?: unknown }).default;
    if (d !== undefined) defaults[key] = d;
  }
  const given = config[policy.name];
  return { ...defaults, ...(typeof given === "object" && given !== null ? given : {}) };
}

function levelOf(policy: Policy, pack: PackDefinition): "mandatory" | "advisory" | "disabled" {
  const level = policy.enforcementLevel ?? pack.enforcementLevel;
  return level === "remediate" ? "mandatory" : level;
}

export interface Evaluation extends PolicyReport {
  /** Checks skipped because a value they read is only known after apply. */
  readonly unknown: readonly {
    readonly policy: string;
    readonly urn: string;
    readonly path: string;
  }[];
}

/** Resources the engine would analyze: provider-backed registrations, not reads. */
function analyzed(plan: Plan): PlannedResource[] {
  return plan.resources.filter((r) => r.custom && !r.read);
}

function options(r: PlannedResource) {
  return {
    protect: r.protect,
    ignoreChanges: [...r.ignoreChanges],
    deleteBeforeReplace: r.deleteBeforeReplace,
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(r.parent ? { parent: r.parent } : {}),
  };
}

/** Runs every enabled policy of `pack` on `plan`. */
export async function evaluatePack(
  plan: Plan,
  pack: PackDefinition,
  config: Readonly<Record<string, unknown>> = {},
): Promise<Evaluation> {
  const violations: PolicyViolation[] = [];
  const unknown: { policy: string; urn: string; path: string }[] = [];
  const resources = analyzed(plan);
  let rules = 0;
  const notApplicable = (reason?: string): never => {
    throw new NotApplicableError(reason);
  };

  for (const policy of pack.policies) {
    const level = levelOf(policy, pack);
    if (level === "disabled") continue;
    rules++;
    const getConfig = <T extends object>() => configFor(policy, config) as T;
    const report = (urn: string | undefined) => (message: string, at?: string) => {
      const where = at ?? urn;
      violations.push({
        policy: policy.name,
        enforcementLevel: level,
        ...(where ? { urn: where } : {}),
        message,
      });
    };
    const guard = async (urn: string, run: () => Promise<void> | void) => {
      try {
        await run();
      } catch (e) {
        if (e instanceof UnknownValueError)
          unknown.push({ policy: policy.name, urn, path: e.path });
        else if (!(e instanceof NotApplicableError)) throw e;
      }
    };

    if ("validateStack" in policy && typeof policy.validateStack === "function") {
      const args: StackValidationArgs = {
        resources: policyResources(resources),
        stackTags: new Map(),
        getConfig,
        notApplicable,
      };
      await guard(`urn:pulumi:${plan.stack}::${plan.project}::pulumi:pulumi:Stack`, () =>
        (policy as StackValidationPolicy).validateStack(args, report(undefined)),
      );
      continue;
    }
    const validate = (policy as ResourceValidationPolicy).validateResource;
    if (!validate) continue;
    const validations = Array.isArray(validate) ? validate : [validate];
    const onlyType = Array.isArray(validate) ? undefined : pulumiTypeOf(validate);
    for (const r of resources) {
      if (onlyType && onlyType !== r.type) continue;
      const props = unknownChecking(structuredClone(r.inputs));
      const args: ResourceValidationArgs = {
        type: r.type,
        props,
        urn: r.urn,
        name: r.name,
        opts: options(r),
        stackTags: new Map(),
        isType: (cls) => isTypeOf(r.type, cls),
        asType: ((cls: unknown) =>
          isTypeOf(r.type, cls) ? props : undefined) as ResourceValidationArgs["asType"],
        getConfig,
        notApplicable,
      };
      for (const v of validations) await guard(r.urn, () => v(args, report(r.urn)));
    }
  }
  return { rules, violations, unknown };
}

/** The stack policies' view: resources with parents and dependencies linked. */
function policyResources(resources: readonly PlannedResource[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  for (const r of resources) {
    const props = unknownChecking(structuredClone(r.inputs));
    byUrn.set(r.urn, {
      type: r.type,
      props,
      urn: r.urn,
      name: r.name,
      opts: options(r),
      dependencies: [],
      propertyDependencies: {},
      isType: (cls) => isTypeOf(r.type, cls),
      asType: ((cls: unknown) =>
        isTypeOf(r.type, cls) ? props : undefined) as PolicyResource["asType"],
    });
  }
  for (const r of resources) {
    const p = byUrn.get(r.urn)! as { parent?: PolicyResource; dependencies: PolicyResource[] };
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    if (parent) p.parent = parent;
    p.dependencies = r.dependencies.map((d) => byUrn.get(d)).filter((d) => d !== undefined);
  }
  return [...byUrn.values()];
}
