import type { PlannedResource } from "../core/model";
import { statefulKinds, storageChangePaths } from "./facts";
import type { StatefulKind } from "./facts/types";
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
  const rules = storageChangePaths.filter(
    (p) => p.kind.type === r.type && (p.kind.matches?.(r) ?? true),
  );
  return changes.filter((c) => rules.some((p) => pathCovers(p.property, c.segments)));
}
