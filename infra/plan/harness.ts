import * as path from "node:path";
import { loadPlatformConfig, type RawConfig } from "../config";
import { main } from "../program";
import type { Plan, PlannedResource } from "./model";
import { runPlan, type Program } from "./run";
import { readStackFile, toRawConfig } from "./stack-file";

/**
 * Test harness: run the real program (or any program, e.g. one component) under the offline
 * plan and query what it registered. Used by every infra test.
 */

export const STACKS_DIR = path.resolve(__dirname, "..", "..", "stacks");

/** Overlay for a stack's config: objects merge into the stack file's, `null` removes a key. */
export type ConfigOverlay = Readonly<Record<string, unknown>>;

/** Plans a stack of this repository, optionally with a config overlay. */
export async function planStack(stack: string, overlay: ConfigOverlay = {}): Promise<PlanView> {
  const file = readStackFile(STACKS_DIR, stack);
  return planProgram(main, {
    stack,
    config: applyOverlay(file.config, overlay),
    preflight: loadPlatformConfig,
  });
}

/** Plans any program (one component, a consumer's program) with plain config and no stack file. */
export async function planProgram(
  program: Program,
  options: {
    stack?: string;
    config?: Readonly<Record<string, unknown>>;
    preflight?: () => void;
  } = {},
): Promise<PlanView> {
  const stack = options.stack ?? "test";
  const raw = toRawConfig({ ...options.config });
  const plan = await runPlan({ stack, raw, program, preflight: options.preflight });
  return new PlanView(plan);
}

/** Merges `overlay` into `config`: plain objects merge deeply, `null` removes, others replace. */
export function applyOverlay(
  config: Readonly<Record<string, unknown>>,
  overlay: ConfigOverlay,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  for (const [key, value] of Object.entries(overlay)) {
    if (value === null) delete out[key];
    else if (isPlainObject(value) && isPlainObject(out[key]) && !("secure" in value)) {
      out[key] = applyOverlay(out[key] as Record<string, unknown>, value);
    } else out[key] = value;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

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

/** The raw config the engine would hand the program for a stack (with overlay). */
export function rawStackConfig(stack: string, overlay: ConfigOverlay = {}): RawConfig {
  const file = readStackFile(STACKS_DIR, stack);
  return toRawConfig(applyOverlay(file.config, overlay));
}
