import type { Plan, PlannedResource } from "./model";

/** A plan with lookups that fail with the list of what does exist. */
export class PlanView implements Plan {
  readonly project: string;
  readonly stack: string;
  readonly resources: readonly PlannedResource[];
  readonly outputs: Record<string, unknown>;

  constructor(plan: Plan) {
    this.project = plan.project;
    this.stack = plan.stack;
    this.resources = plan.resources;
    this.outputs = plan.outputs;
  }

  /** Every resource of a type token, sorted by URN. */
  byType(type: string): PlannedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The one resource with this type and name. */
  get(type: string, name: string): PlannedResource {
    const found = this.resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) {
      const names = this.byType(type).map((r) => r.name);
      throw new Error(
        `expected one ${type} named "${name}", found ${found.length}; ${type} names: ${names.join(", ") || "none"}`,
      );
    }
    return found[0]!;
  }

  /** Direct children of a resource. */
  children(parent: PlannedResource): PlannedResource[] {
    return this.resources.filter((r) => r.parent === parent.urn);
  }

  /** Count of resources per type token. */
  countByType(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of this.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
    return counts;
  }
}
