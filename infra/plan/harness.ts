import {
  planProgram as planAnyProgram,
  toRawConfig,
  type PlanProgramOptions,
  type PlanView,
  type Program,
} from "@causeway/plan";
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { loadPlatformConfig, type RawConfig } from "../config";
import { main } from "../program";
import { clusterReferenceAnswers } from "./cluster-outputs";
import { causewayPlanOptions } from "./invokes";
import { PROJECT } from "./project";
import { readStackFile } from "./stack-file";

/**
 * Test harness: run the real program (or any program, e.g. one component) under the offline
 * plan, with Causeway's project name and invoke answers, and query what it registered. Used by
 * every infra test.
 */

export type { PlanView } from "@causeway/plan";

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
  options: Pick<PlanProgramOptions, "stack" | "config" | "preflight"> = {},
): Promise<PlanView> {
  const answers = await clusterReferenceAnswers(toRawConfig({ ...options.config }));
  return planAnyProgram(program, {
    ...options,
    project: PROJECT,
    ...causewayPlanOptions(answers.raw),
    stackReferences: answers.stackReferences,
  });
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

/** The raw config the engine would hand the program for a stack (with overlay). */
export function rawStackConfig(stack: string, overlay: ConfigOverlay = {}): RawConfig {
  const file = readStackFile(STACKS_DIR, stack);
  return toRawConfig(applyOverlay(file.config, overlay));
}

/**
 * Waits for the SDK's outstanding RPCs (settings.waitForRPCs, missing from its typings). A test
 * that calls `pulumi.runtime.setMocks` itself ends with it, so that what its resources still
 * register (every ComponentResource registers its outputs asynchronously) reaches its own mocks,
 * not the next test's.
 */
export function drainRpcs(): Promise<void> {
  return (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}
