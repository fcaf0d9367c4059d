import type { Plan } from "../core/model";

/**
 * The plan JSON: `{ project, stack, resources: [...], outputs }`, two-space indented, keys in
 * a fixed order and resources sorted by URN, so two runs produce byte-identical files.
 */
export function renderJson(plan: Plan): string {
  return JSON.stringify(plan, null, 2) + "\n";
}
