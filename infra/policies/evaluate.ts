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

/**
 * A policy's own copy of plan data (JSON: plain objects, arrays, primitives), on which reading a
 * value only known after apply throws {@link UnknownValueError}. The engine gives each policy a
 * fresh deserialized `props`, so no policy sees another's changes nor changes the plan; this
 * copies as the policy reads, one object at a time (an object's fields when it is first
 * reached), since most rules read a field or two, or only the type (bench (d): a whole copy of
 * every resource for each of some 60 rules was most of the policy pack's time).
 */
export function checkedCopy<T>(value: T, at = ""): T {
  if (typeof value !== "object" || value === null) return value;
  const copy = (Array.isArray(value) ? [...(value as unknown[])] : { ...value }) as Record<
    string,
    unknown
  >;
  const reached = new Set<string>();
  return new Proxy(copy, {
    get(target, prop, receiver) {
      const field: unknown = Reflect.get(target, prop, receiver);
      if (typeof prop === "symbol" || !Object.hasOwn(target, prop)) return field;
      const path = Array.isArray(target) && /^\d+$/.test(prop) ? `${at}[${prop}]` : `${at}.${prop}`;
      if (isUnknown(field)) throw new UnknownValueError(path);
      if (typeof field !== "object" || field === null || reached.has(prop)) return field;
      // First read of a nested object: it becomes the copy's own (later reads see the same one).
      const nested = checkedCopy(field, path);
      target[prop] = nested;
      reached.add(prop);
      return nested;
    },
  }) as T;
}

/** A policy's own view of a resource's inputs (see {@link checkedCopy}), made when first read. */
function ownCopy(inputs: Readonly<Record<string, unknown>>): () => Record<string, unknown> {
  let props: Record<string, unknown> | undefined;
  return () => (props ??= checkedCopy(inputs as Record<string, unknown>));
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
  let links: StackLinks | undefined;
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
    const failed = (urn: string) => (e: unknown) => {
      if (e instanceof UnknownValueError) unknown.push({ policy: policy.name, urn, path: e.path });
      else if (!(e instanceof NotApplicableError)) throw e;
    };
    // A check that returns no promise is not awaited: a microtask per resource and rule was a
    // good part of the pack's time with hundreds of services (bench (d)).
    const guard = (urn: string, run: () => Promise<void> | void): Promise<void> | undefined => {
      try {
        const out = run();
        if (out && typeof out.then === "function") return out.then(undefined, failed(urn));
      } catch (e) {
        failed(urn)(e);
      }
      return undefined;
    };

    if ("validateStack" in policy && typeof policy.validateStack === "function") {
      const args: StackValidationArgs = {
        resources: policyResources(resources, (links ??= stackLinks(resources))),
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
      const props = ownCopy(r.inputs);
      let opts: ReturnType<typeof options> | undefined;
      let stackTags: Map<string, string> | undefined;
      const args: ResourceValidationArgs = {
        type: r.type,
        get props() {
          return props();
        },
        urn: r.urn,
        name: r.name,
        // Made when a rule reads them, once: few rules do.
        get opts() {
          return (opts ??= options(r));
        },
        get stackTags() {
          return (stackTags ??= new Map<string, string>());
        },
        isType: (cls) => isTypeOf(r.type, cls),
        asType: ((cls: unknown) =>
          isTypeOf(r.type, cls) ? props() : undefined) as ResourceValidationArgs["asType"],
        getConfig,
        notApplicable,
      };
      for (const v of validations) {
        const pending = guard(r.urn, () => v(args, report(r.urn)));
        if (pending) await pending;
      }
    }
  }
  return { rules, violations, unknown };
}

/**
 * How a stack policy's resources link up, by slot (one per URN, in plan order, from the last
 * registration of that URN): worked out once per evaluation, not once per stack rule.
 */
interface StackLinks {
  /** The resource each slot shows. */
  readonly resource: readonly number[];
  readonly parent: readonly (number | undefined)[];
  readonly dependencies: readonly (readonly number[])[];
}

function stackLinks(resources: readonly PlannedResource[]): StackLinks {
  const slotOf = new Map<string, number>();
  const resource: number[] = [];
  resources.forEach((r, i) => {
    const slot = slotOf.get(r.urn);
    if (slot === undefined) slotOf.set(r.urn, resource.push(i) - 1);
    else resource[slot] = i;
  });
  return {
    resource,
    parent: resource.map((i) => {
      const parent = resources[i]!.parent;
      return parent ? slotOf.get(parent) : undefined;
    }),
    dependencies: resource.map((i) =>
      resources[i]!.dependencies.map((d) => slotOf.get(d)).filter((d) => d !== undefined),
    ),
  };
}

/** The stack policies' view: resources with parents and dependencies linked. */
function policyResources(
  resources: readonly PlannedResource[],
  links: StackLinks,
): PolicyResource[] {
  const out = links.resource.map((i): PolicyResource => {
    const r = resources[i]!;
    const props = ownCopy(r.inputs);
    return {
      type: r.type,
      get props() {
        return props();
      },
      urn: r.urn,
      name: r.name,
      opts: options(r),
      dependencies: [],
      propertyDependencies: {},
      isType: (cls) => isTypeOf(r.type, cls),
      asType: ((cls: unknown) =>
        isTypeOf(r.type, cls) ? props() : undefined) as PolicyResource["asType"],
    };
  });
  out.forEach((p, slot) => {
    const linked = p as { parent?: PolicyResource; dependencies: PolicyResource[] };
    const parent = links.parent[slot];
    if (parent !== undefined) linked.parent = out[parent]!;
    linked.dependencies = links.dependencies[slot]!.map((d) => out[d]!);
  });
  return out;
}
