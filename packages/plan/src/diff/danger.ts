import type { PlannedResource } from "../core/model";
import { statefulKinds, storageChangePaths } from "./facts";
import { inputAt, isUnknown } from "./facts/lookup";
import type {
  DeletionRule,
  StatefulKind,
  StorageChangePath,
  UniqueNameRule,
  UpgradeRule,
} from "./facts/types";
import { pathCovers, type PropertyChange } from "./values";

/** The stateful kind of `r` (see the facts tables), if it is one. */
export function statefulKindOf(r: PlannedResource): StatefulKind | undefined {
  return statefulKinds.find((k) => k.type === r.type && (k.matches?.(r) ?? true));
}

/** The storage-changing paths among an update's property changes. */
export function storageChanges(
  r: PlannedResource,
  changes: readonly PropertyChange[],
): PropertyChange[] {
  return storageChangeRules(r, changes).map(([c]) => c);
}

/** Each storage-changing property change of an update, with the rule that covers it. */
export function storageChangeRules(
  r: PlannedResource,
  changes: readonly PropertyChange[],
): [PropertyChange, StorageChangePath][] {
  const rules = storageChangePaths.filter(
    (p) => p.kind.type === r.type && (p.kind.matches?.(r) ?? true),
  );
  return changes.flatMap((c): [PropertyChange, StorageChangePath][] => {
    const rule = rules.find((p) => pathCovers(p.property, c.segments));
    return rule ? [[c, rule]] : [];
  });
}

/** Why the cloud would refuse to delete `r` (as it is in the base plan), if it would. */
export function deletionVerdicts(r: PlannedResource, rules: readonly DeletionRule[]): Verdict[] {
  if (r.retainOnDelete) return [];
  return rules
    .filter((d) => typeMatches(d.type, r.type))
    .flatMap((d) => {
      const v = d.check(r);
      return v
        ? [{ class: "would-fail" as const, why: `${v.fail} [${d.source}]`, fix: v.fix }]
        : [];
    });
}

/** A verdict on one change: it would fail (with the fix), or it costs downtime. */
export type Verdict =
  | { readonly class: "would-fail"; readonly why: string; readonly fix: string }
  | { readonly class: "downtime"; readonly why: string };

function typeMatches(pattern: string, type: string): boolean {
  return pattern.endsWith("*") ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
}

/**
 * A replacement that keeps a fixed unique name: without delete-before-replace the create of the
 * new resource collides with the old one; with it, the resource is missing for a while.
 */
export function uniqueNameVerdicts(
  before: PlannedResource,
  after: PlannedResource,
  rules: readonly UniqueNameRule[],
): Verdict[] {
  const out: Verdict[] = [];
  for (const rule of rules.filter((u) => typeMatches(u.type, after.type))) {
    const name = inputAt(after.inputs, rule.property);
    if (typeof name !== "string" || isUnknown(name)) continue;
    if (inputAt(before.inputs, rule.property) !== name) continue;
    if (rule.providerDeletesFirst || after.deleteBeforeReplace) {
      const how = rule.providerDeletesFirst
        ? `the provider deletes ${name} before it re-creates it (fixed name)`
        : `deleteBeforeReplace deletes ${name} before the new one is created`;
      out.push({
        class: "downtime",
        why: `${how}: ${rule.downtime ?? "it is missing until the new one exists"}`,
      });
      continue;
    }
    const prefix = rule.prefixProperty
      ? `, or drop ${rule.property} for ${rule.prefixProperty}`
      : "";
    out.push({
      class: "would-fail",
      why: `the replacement creates the new one before it deletes the old, and the name ${name} must be unique ${rule.scope}: the create is refused (${rule.refusal}) [${rule.source}]`,
      fix: `set deleteBeforeReplace on it (it is then missing while it is re-created)${prefix} so that Pulumi names it`,
    });
  }
  return out;
}

/** The upgrade rules' verdicts on an update (version changes in place). */
export function upgradeVerdicts(
  before: PlannedResource,
  after: PlannedResource,
  changes: readonly PropertyChange[],
  head: readonly PlannedResource[],
  rules: readonly UpgradeRule[],
): Verdict[] {
  const out: Verdict[] = [];
  for (const rule of rules.filter((u) => typeMatches(u.type, after.type))) {
    if (!changes.some((c) => pathCovers(rule.property, c.segments))) continue;
    for (const v of rule.check({ before, after, head })) {
      out.push(
        "fail" in v
          ? { class: "would-fail", why: `${v.fail} [${rule.source}]`, fix: v.fix }
          : { class: "downtime", why: v.downtime },
      );
    }
  }
  return out;
}
