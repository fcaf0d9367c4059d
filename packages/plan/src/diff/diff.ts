import type { Plan, PlannedResource, PolicyReport } from "../core/model";
import { aliasUrns, normalizeUrn } from "./aliases";
import { statefulKindOf, storageChanges } from "./danger";
import { replacementRules as defaultRules } from "./facts";
import type { ReplacementRule } from "./facts/types";
import { diffValues, jsonEqual, pathCovers, type PropertyChange } from "./values";

/**
 * The structural diff of two offline plans of one stack: what `pulumi up` would create,
 * update, replace and delete, compared resource by resource by URN.
 */

export const ChangeKind = {
  create: "create",
  update: "update",
  replace: "replace",
  delete: "delete",
} as const;
export type ChangeKind = (typeof ChangeKind)[keyof typeof ChangeKind];

/** Why a change is a replacement: a changed property covered by a rule. */
export interface ReplacementReason {
  /** The changed property path. */
  readonly path: string;
  /** The rule's property (or `replaceOnChanges` entry) that covers it. */
  readonly property: string;
  /** The rule's source, or `replaceOnChanges resource option`. */
  readonly source: string;
  /** The rule's note, if any. */
  readonly note?: string;
}

/** A rule as the diff reads it: `effect` defaults to `replace`. */
type Rule = Pick<ReplacementRule, "type" | "property" | "source"> & {
  readonly effect?: "replace" | "apply-error";
  readonly note?: string;
};

export interface ResourceChange {
  readonly kind: ChangeKind;
  /** The head URN (the base URN for deletes). */
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** Changed properties (update, replace). Resource options appear as `(protect)` etc. */
  readonly properties: readonly PropertyChange[];
  /** Replace only: the changes that force it. */
  readonly replacedBy: readonly ReplacementReason[];
  /** Update only: changes the provider attempts in place but the cloud refuses at apply. */
  readonly applyErrors: readonly ReplacementReason[];
  /** Set when the URN changed under an alias: the base URN this resource keeps. */
  readonly aliasedFrom?: string;
  /**
   * A delete + create pair that looks like a rename without an alias: on a delete, the URN of
   * the create, on a create, the URN of the delete.
   */
  readonly renamePair?: string;
  /** Protected in the base plan. */
  readonly protect: boolean;
}

export interface DangerFlag {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly kind: ChangeKind;
  readonly message: string;
}

export interface DiffSummary {
  readonly create: number;
  readonly update: number;
  readonly delete: number;
  readonly replace: number;
}

export interface StackDiff {
  readonly stack: string;
  /** True when the stack does not exist at the base revision (everything is a create). */
  readonly newStack: boolean;
  readonly summary: DiffSummary;
  /** Listed first by every renderer. */
  readonly danger: readonly DangerFlag[];
  /** Sorted: replaces, deletes, updates, creates; each by URN. */
  readonly changes: readonly ResourceChange[];
  /** Resources whose URN changed under an alias and nothing else: not a change. */
  readonly moved: readonly { readonly from: string; readonly to: string }[];
  /** The head plan's policy results, when it has them. */
  readonly policy?: PolicyReport;
}

/** Types that never change on their own: the stack resource. */
const IGNORED_TYPES = new Set(["pulumi:pulumi:Stack"]);

/** Resource options that show as changes. */
const OPTIONS = ["protect", "retainOnDelete", "deleteBeforeReplace"] as const;

function diffable(r: PlannedResource): boolean {
  return !r.read && !IGNORED_TYPES.has(r.type);
}

/**
 * Compares `base` (null when the stack is new) with `head`. Aliases keep a resource whose URN
 * changed; a URN change without an alias is a delete plus a create (paired as a likely rename).
 */
export function diffPlans(
  base: Plan | null,
  head: Plan,
  rules: readonly Rule[] = defaultRules,
): StackDiff {
  const before = new Map<string, PlannedResource>();
  for (const r of base?.resources ?? []) if (diffable(r)) before.set(normalizeUrn(r.urn), r);
  const matched = new Set<string>();
  const changes: ResourceChange[] = [];
  const moved: { from: string; to: string }[] = [];
  const creates: PlannedResource[] = [];

  for (const r of head.resources) {
    if (!diffable(r)) continue;
    const key = normalizeUrn(r.urn);
    let old = before.get(key);
    let aliasedFrom: string | undefined;
    if (old) matched.add(key);
    else {
      const alias = aliasUrns(r)
        .map(normalizeUrn)
        .find((u) => before.has(u) && !matched.has(u));
      if (alias) {
        old = before.get(alias)!;
        aliasedFrom = old.urn;
        matched.add(alias);
      }
    }
    if (!old) {
      creates.push(r);
      continue;
    }
    const change = compare(old, r, rules, aliasedFrom);
    if (change) changes.push(change);
    else if (aliasedFrom) moved.push({ from: aliasedFrom, to: r.urn });
  }

  const deletes = [...before.entries()].filter(([k]) => !matched.has(k)).map(([, r]) => r);
  const pairs = renamePairs(deletes, creates);
  for (const r of creates) changes.push(simple("create", r, pairs.get(r.urn), false));
  for (const r of deletes) changes.push(simple("delete", r, pairs.get(r.urn), r.protect));

  const order: Record<ChangeKind, number> = { replace: 0, delete: 1, update: 2, create: 3 };
  changes.sort((a, b) => order[a.kind] - order[b.kind] || cmp(a.urn, b.urn));
  const count = (k: ChangeKind) => changes.filter((c) => c.kind === k).length;
  const headByUrn = new Map(head.resources.map((r) => [r.urn, r]));
  const baseByUrn = new Map((base?.resources ?? []).map((r) => [r.urn, r]));
  return {
    stack: head.stack,
    newStack: base === null,
    summary: {
      create: count("create"),
      update: count("update"),
      delete: count("delete"),
      replace: count("replace"),
    },
    danger: changes.flatMap((c) =>
      dangerOf(c, (c.kind === "delete" ? baseByUrn : headByUrn).get(c.urn)!),
    ),
    changes,
    moved,
    ...(head.policy ? { policy: head.policy } : {}),
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function simple(
  kind: "create" | "delete",
  r: PlannedResource,
  renamePair: string | undefined,
  protect: boolean,
): ResourceChange {
  return {
    kind,
    urn: r.urn,
    type: r.type,
    name: r.name,
    properties: [],
    replacedBy: [],
    applyErrors: [],
    ...(renamePair ? { renamePair } : {}),
    protect,
  };
}

function compare(
  old: PlannedResource,
  r: PlannedResource,
  rules: readonly Rule[],
  aliasedFrom: string | undefined,
): ResourceChange | undefined {
  const properties = diffValues(old.inputs, r.inputs);
  for (const option of OPTIONS) {
    if (old[option] !== r[option]) {
      properties.push({
        path: `(${option})`,
        segments: [`(${option})`],
        kind: "update",
        old: old[option],
        new: r[option],
      });
    }
  }
  if (properties.length === 0) return undefined;
  const replacedBy = replacementReasons(r, properties, rules, "replace");
  const applyErrors = replacementReasons(r, properties, rules, "apply-error");
  const replace = replacedBy.length > 0;
  return {
    kind: replace ? "replace" : "update",
    urn: r.urn,
    type: r.type,
    name: r.name,
    properties,
    replacedBy,
    applyErrors: replace ? [] : applyErrors,
    ...(aliasedFrom ? { aliasedFrom } : {}),
    protect: old.protect,
  };
}

function typeMatches(pattern: string, type: string): boolean {
  return pattern.endsWith("*") ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
}

/**
 * The changed properties covered by a rule of `effect`: by the rule table, and for `replace`
 * also by the resource's `replaceOnChanges` option.
 */
export function replacementReasons(
  r: PlannedResource,
  properties: readonly PropertyChange[],
  rules: readonly Rule[],
  effect: "replace" | "apply-error" = "replace",
): ReplacementReason[] {
  const applicable: Rule[] = [
    ...rules.filter(
      (rule) => typeMatches(rule.type, r.type) && (rule.effect ?? "replace") === effect,
    ),
    ...(effect === "replace"
      ? r.replaceOnChanges.map((property) => ({
          type: r.type,
          property: property === "*" ? "" : property,
          source: "replaceOnChanges resource option",
        }))
      : []),
  ];
  const out: ReplacementReason[] = [];
  for (const change of properties) {
    if (change.path.startsWith("(")) continue;
    const rule = applicable.find((a) => pathCovers(a.property, change.segments));
    if (rule) {
      out.push({
        path: change.path,
        property: rule.property,
        source: rule.source,
        ...(rule.note ? { note: rule.note } : {}),
      });
    }
  }
  return out;
}

/**
 * Pairs deletes with creates that look like the same resource under a new URN: same type and
 * equal inputs, or same type and parent when that type has one delete and one create there.
 */
function renamePairs(
  deletes: readonly PlannedResource[],
  creates: readonly PlannedResource[],
): Map<string, string> {
  const pairs = new Map<string, string>();
  const free = new Set(creates);
  for (const d of deletes) {
    const sameType = [...free].filter((c) => c.type === d.type);
    const equal = sameType.find((c) => jsonEqual(c.inputs, d.inputs));
    const siblings = sameType.filter((c) => c.parent === d.parent);
    const dSiblings = deletes.filter((x) => x.type === d.type && x.parent === d.parent);
    const match =
      equal ?? (siblings.length === 1 && dSiblings.length === 1 ? siblings[0] : undefined);
    if (!match) continue;
    free.delete(match);
    pairs.set(d.urn, match.urn);
    pairs.set(match.urn, d.urn);
  }
  return pairs;
}

function dangerOf(c: ResourceChange, r: PlannedResource): DangerFlag[] {
  const flags: DangerFlag[] = [];
  const flag = (message: string) =>
    flags.push({ urn: c.urn, type: c.type, name: c.name, kind: c.kind, message });
  const kind = statefulKindOf(r);
  if (kind && c.kind === "delete") {
    const rename = c.renamePair ? " (its URN changed without an alias)" : "";
    flag(`deletes the ${kind.label}${rename}: loses ${kind.loss}`);
  }
  if (kind && c.kind === "replace") {
    const paths = c.replacedBy.map((x) => x.path).join(", ");
    flag(`replaces the ${kind.label} (${paths} changed): loses ${kind.loss}`);
  }
  if (kind && c.kind === "update") {
    const storage = storageChanges(r, c.properties);
    if (storage.length > 0) {
      flag(
        `changes the ${kind.label}'s server storage (${storage.map((s) => s.path).join(", ")}): ` +
          "StatefulSet volumeClaimTemplates are immutable, so the servers and their volumes must be recreated",
      );
    }
  }
  for (const e of c.applyErrors) {
    flag(
      `changes ${e.path}, which the cloud refuses to update in place: \`pulumi up\` fails (${e.source})`,
    );
  }
  if (c.protect && c.kind !== "create") {
    flag(`${c.kind}s a protected resource`);
  }
  return flags;
}
