import { toRawConfig } from "./config";
import type { InvokeAnswers } from "./invokes";
import { runPlan, type Program, type RunPlanOptions } from "./run";
import { PlanView } from "./view";

export interface PlanProgramOptions {
  /** Default `test`. */
  readonly project?: string;
  /** Default `test`. */
  readonly stack?: string;
  /** The stack's `config:` mapping, as a stack file would hold it. */
  readonly config?: Readonly<Record<string, unknown>>;
  readonly preflight?: () => void;
  readonly invokes?: InvokeAnswers;
  readonly invokeHint?: string;
  readonly stackReferenceOutputs?: readonly string[];
  readonly stackReferences?: RunPlanOptions["stackReferences"];
}

/**
 * Plans any program (one component, a whole stack) with plain config and no stack file, for
 * tests: the result's lookups name what exists when they find nothing.
 */
export async function planProgram(
  program: Program,
  options: PlanProgramOptions = {},
): Promise<PlanView> {
  const { project = "test", stack = "test", config = {}, ...rest } = options;
  const plan = await runPlan({ ...rest, project, stack, raw: toRawConfig(config), program });
  return new PlanView(plan);
}
