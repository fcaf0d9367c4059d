import type { Plan, PlannedResource, PolicyReport } from "../core/model";
import { aliasUrns, inheritedAliasUrns, normalizeUrn, withMovedUrns } from "./aliases";
import {
  deletionVerdicts,
  statefulKindOf,
  storageChangeRules,
  uniqueNameVerdicts,
  upgradeVerdicts,
  type Verdict,
} from "./danger";
import {
  deletionRules,
  replacementRules as defaultRules,
  uniqueNameRules,
  upgradeRules,
} from "./facts";
import { referencedUrns } from "./facts/lookup";
import type { DeletionRule, ReplacementRule, UniqueNameRule, UpgradeRule } from "./facts/types";
import {
  diffValues,
  formatPath,
  jsonEqual,
  pathCovers,
  type PathSegment,
  type PropertyChange,
} from "./values";

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

/**
 * What a danger flag warns of. `would-fail`: a real `pulumi up` is refused half-way (the cloud,
 * the API server or a webhook says no); `data-loss`: a stateful resource is deleted or replaced;
 * `downtime`: it succeeds, with an outage; `protected`: a protected resource is in the way.
 */
export const DangerClass = {
  wouldFail: "would-fail",
  dataLoss: "data-loss",
  downtime: "downtime",
  protected: "protected",
} as const;
export type DangerClass = (typeof DangerClass)[keyof typeof DangerClass];

export interface DangerFlag {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly kind: ChangeKind;
  readonly class: DangerClass;
  /** For `would-fail`: "this deploy would fail: <why>. Fix: <fix>". */
  readonly message: string;
}

/** The facts beyond replacements that the diff's danger flags read. */
export interface DangerFacts {
  readonly uniqueNames: readonly UniqueNameRule[];
  readonly upgrades: readonly UpgradeRule[];
  /** Deletions the cloud refuses. Default: the facts tables'. */
  readonly deletions?: readonly DeletionRule[];
}

const defaultDangerFacts: DangerFacts = {
  uniqueNames: uniqueNameRules,
  upgrades: upgradeRules,
  deletions: deletionRules,
};

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
  /** Set when a plan of the stack failed: the error, and nothing else is known. */
  readonly error?: string;
}

/** The diff of a stack whose plan failed: the error is its whole section. */
export function failedStackDiff(stack: string, error: string): StackDiff {
  return {
    stack,
    newStack: false,
    summary: { create: 0, update: 0, delete: 0, replace: 0 },
    danger: [],
    changes: [],
    moved: [],
    error,
  };
}

/** The flags of every stack that say the deploy would fail. */
export function wouldFailFlags(diffs: readonly StackDiff[]): { stack: string; flag: DangerFlag }[] {
  return diffs.flatMap((d) =>
    d.danger.filter((f) => f.class === "would-fail").map((flag) => ({ stack: d.stack, flag })),
  );
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
  facts: DangerFacts = defaultDangerFacts,
): StackDiff {
  const before = new Map<string, PlannedResource>();
  for (const r of base?.resources ?? []) if (diffable(r)) before.set(normalizeUrn(r.urn), r);
  const matched = new Set<string>();
  const pairs: { old: PlannedResource; r: PlannedResource; aliasedFrom: string | undefined }[] = [];
  const creates: PlannedResource[] = [];

  // Each resource's own aliases, plus those it inherits from its parent's (recursively).
  const byUrn = new Map(head.resources.map((r) => [r.urn, r]));
  const aliasesOf = new Map<string, string[]>();
  const allAliases = (r: PlannedResource): string[] => {
    let out = aliasesOf.get(r.urn);
    if (out === undefined) {
      const parent = r.parent ? byUrn.get(r.parent) : undefined;
      const inherited = parent ? inheritedAliasUrns(r, allAliases(parent)) : [];
      out = [...aliasUrns(r), ...inherited];
      aliasesOf.set(r.urn, out);
    }
    return out;
  };

  for (const r of head.resources) {
    if (!diffable(r)) continue;
    const key = normalizeUrn(r.urn);
    let old = before.get(key);
    let aliasedFrom: string | undefined;
    if (old) matched.add(key);
    else {
      const alias = allAliases(r)
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
    pairs.push({ old, r, aliasedFrom });
  }

  // What moved under an alias keeps its identity: the base's mentions of its old URN (parents,
  // dependencies, unknowns) are read as the new one.
  const moves = new Map<string, string>();
  for (const p of pairs) if (p.aliasedFrom) moves.set(p.aliasedFrom, p.r.urn);
  for (const p of pairs) p.old = withMovedUrns(p.old, moves);

  // A replaced resource gets new outputs: inputs of others that come from it (unknowns that
  // name its URN) change too, which may force more replacements, up to a fixed point.
  const replaced = new Set<string>();
  let compared: (ResourceChange | undefined)[] = [];
  for (let size = -1; size !== replaced.size;) {
    size = replaced.size;
    compared = pairs.map((p) => compare(p.old, p.r, rules, p.aliasedFrom, replaced));
    for (const c of compared) if (c?.kind === "replace") replaced.add(c.urn);
  }
  const changes: ResourceChange[] = [];
  const moved: { from: string; to: string }[] = [];
  const oldOf = new Map<string, PlannedResource>();
  compared.forEach((change, i) => {
    const { old, r, aliasedFrom } = pairs[i]!;
    if (change) {
      changes.push(change);
      oldOf.set(change.urn, old);
    } else if (aliasedFrom) moved.push({ from: aliasedFrom, to: r.urn });
  });

  const deletes = [...before.entries()].filter(([k]) => !matched.has(k)).map(([, r]) => r);
  const renames = renamePairs(deletes, creates);
  for (const r of creates) changes.push(simple("create", r, renames.get(r.urn), false));
  for (const r of deletes) changes.push(simple("delete", r, renames.get(r.urn), r.protect));

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
    danger: changes
      .flatMap((c) =>
        dangerOf(
          c,
          (c.kind === "delete" ? baseByUrn : headByUrn).get(c.urn)!,
          oldOf.get(c.urn),
          head.resources,
          facts,
        ),
      )
      .sort((a, b) => DANGER_ORDER[a.class] - DANGER_ORDER[b.class]),
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

/** Would-fail flags first, then data loss, protection and downtime. */
const DANGER_ORDER: Record<DangerClass, number> = {
  "would-fail": 0,
  "data-loss": 1,
  protected: 2,
  downtime: 3,
};

/** Every string leaf of `v` with its path. */
function stringLeaves(
  v: unknown,
  segments: PathSegment[] = [],
): { segments: PathSegment[]; value: string }[] {
  if (typeof v === "string") return [{ segments, value: v }];
  if (Array.isArray(v)) return v.flatMap((x, i) => stringLeaves(x, [...segments, i]));
  if (typeof v === "object" && v !== null) {
    return Object.entries(v).flatMap(([k, x]) => stringLeaves(x, [...segments, k]));
  }
  return [];
}

/** Unchanged unknown inputs that come from a replaced resource: they change at apply. */
function fromReplaced(
  r: PlannedResource,
  known: readonly PropertyChange[],
  replaced: ReadonlySet<string>,
): PropertyChange[] {
  if (replaced.size === 0) return [];
  const paths = new Set(known.map((p) => p.path));
  const out: PropertyChange[] = [];
  for (const leaf of stringLeaves(r.inputs)) {
    const sources = referencedUrns(leaf.value).filter((u) => replaced.has(u));
    const path = formatPath(leaf.segments);
    if (sources.length === 0 || paths.has(path)) continue;
    out.push({
      path,
      segments: leaf.segments,
      kind: "update",
      old: leaf.value,
      new: `(known after apply: ${sources.join(", ")} is replaced)`,
    });
  }
  return out;
}

function compare(
  old: PlannedResource,
  r: PlannedResource,
  rules: readonly Rule[],
  aliasedFrom: string | undefined,
  replaced: ReadonlySet<string> = new Set(),
): ResourceChange | undefined {
  const properties = diffValues(old.inputs, r.inputs);
  properties.push(...fromReplaced(r, properties, replaced));
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

function dangerOf(
  c: ResourceChange,
  r: PlannedResource,
  old: PlannedResource | undefined,
  head: readonly PlannedResource[],
  facts: DangerFacts,
): DangerFlag[] {
  const flags: DangerFlag[] = [];
  const flag = (cls: DangerClass, message: string) =>
    flags.push({ urn: c.urn, type: c.type, name: c.name, kind: c.kind, class: cls, message });
  const verdict = (v: Verdict) =>
    v.class === "would-fail"
      ? flag("would-fail", `this deploy would fail: ${v.why}. Fix: ${v.fix}`)
      : flag("downtime", v.why);
  const kind = statefulKindOf(r);
  if (kind && c.kind === "delete") {
    const rename = c.renamePair ? " (its URN changed without an alias)" : "";
    flag("data-loss", `deletes the ${kind.label}${rename}: loses ${kind.loss}`);
  }
  if (kind && c.kind === "replace") {
    const paths = c.replacedBy.map((x) => x.path).join(", ");
    flag("data-loss", `replaces the ${kind.label} (${paths} changed): loses ${kind.loss}`);
  }
  if (kind && c.kind === "update") {
    const storage = storageChangeRules(r, c.properties);
    const paths = (list: typeof storage) => list.map(([s]) => s.path).join(", ");
    const costly = storage.filter(([, rule]) => !rule.refused);
    if (costly.length > 0) {
      flag(
        "data-loss",
        `changes the ${kind.label}'s server storage (${paths(costly)}): ` +
          "StatefulSet volumeClaimTemplates are immutable, so the servers and their volumes must be recreated",
      );
    }
    const refused = storage.filter(([, rule]) => rule.refused);
    for (const rule of new Set(refused.map(([, r]) => r.refused!))) {
      const which = paths(refused.filter(([, r]) => r.refused === rule));
      verdict({
        class: "would-fail",
        why: `the ${kind.label}'s ${which} changes: ${rule.why} [${rule.source}]`,
        fix: rule.fix,
      });
    }
  }
  if (c.kind === "delete") {
    for (const v of deletionVerdicts(r, facts.deletions ?? deletionRules)) verdict(v);
  }
  for (const e of c.applyErrors) {
    verdict({
      class: "would-fail",
      why: `${e.path} changes, and it cannot be changed in place: the update is refused [${e.source}]`,
      fix: e.note ?? "make the resource replace on this change (replaceOnChanges)",
    });
  }
  if (old && c.kind === "replace") {
    for (const v of uniqueNameVerdicts(old, r, facts.uniqueNames)) verdict(v);
  }
  if (old && c.kind === "update") {
    for (const v of upgradeVerdicts(old, r, c.properties, head, facts.upgrades)) verdict(v);
  }
  if (c.protect && c.kind !== "create") {
    flag(
      c.kind === "update" ? "protected" : "would-fail",
      c.kind === "update"
        ? "updates a protected resource"
        : `this deploy would fail: it ${c.kind}s a protected resource, and Pulumi refuses that. Fix: unprotect it first (\`pulumi state unprotect\`) if the ${c.kind} is intended, or undo the change`,
    );
  }
  return flags;
}

/**
 * The exit code of a plan diff: 1 when a stack's plan failed; with `failOnDanger`, 2 when a
 * change would make the real deploy fail (would-fail flags only: data loss, downtime and
 * protection flags are for the reviewer, since they may be intended); else 0.
 */
export function diffExitCode(diffs: readonly StackDiff[], failOnDanger: boolean): number {
  if (diffs.some((d) => d.error !== undefined)) return 1;
  if (failOnDanger && wouldFailFlags(diffs).length > 0) return 2;
  return 0;
}
