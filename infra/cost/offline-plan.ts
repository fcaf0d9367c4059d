import { PlanError, PROGRESS_ENV, type Plan } from "@causeway/plan";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

/**
 * Runs the offline plan of one stack in a child process, with the plan CLI of the tree it
 * plans (`<tree>/infra/plan/cli.ts <stack> --json FILE`), exactly as `npm run plan` would there.
 * A child per plan: the SDK's runtime state is process-global, and each revision brings its own
 * code. `npm run cost` plans through it, and so does `npm run plan:diff` (both sides of every
 * stack, whose plans it then prices itself, without planning again).
 *
 * It lives in infra/cost rather than infra/plan because infra/plan (the diff) imports
 * infra/cost (the prices), and two areas must not import each other (.dependency-cruiser.cjs).
 */
export async function runPlanCli(
  tree: string,
  stack: string,
  jsonFile: string,
  /** Extra plan CLI arguments, e.g. `["--project", "cluster"]`. */
  extraArgs: readonly string[] = [],
): Promise<{ plan?: Plan; code: number | null; stderr: string }> {
  const tsx = require.resolve("tsx/cli", { paths: [tree] });
  const cli = path.join(tree, "infra", "plan", "cli.ts");
  const args = [tsx, "--conditions=causeway-source", cli, stack, "--json", jsonFile, ...extraArgs];
  const { code, stderr } = await run(process.execPath, args, tree);
  // The plan CLI writes the JSON only after a complete plan; it may still exit non-zero for
  // mandatory policy violations, which the callers report rather than fail on.
  if (!existsSync(jsonFile)) return { code, stderr };
  try {
    return { plan: JSON.parse(readFileSync(jsonFile, "utf8")) as Plan, code, stderr };
  } catch (e) {
    throw new PlanError(`${jsonFile}: not valid plan JSON: ${(e as Error).message}`);
  }
}

/** {@link runPlanCli}'s plan, or a PlanError with the plan CLI's stderr. */
export async function planInTree(
  tree: string,
  stack: string,
  jsonFile: string,
  extraArgs: readonly string[] = [],
): Promise<Plan> {
  const { plan, code, stderr } = await runPlanCli(tree, stack, jsonFile, extraArgs);
  if (plan) return plan;
  throw new PlanError(
    `planning stack "${stack}" in ${tree} failed (exit ${code}):\n${stderr.trim()}`,
  );
}

function run(
  command: string,
  args: string[],
  cwd: string,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      stdio: ["ignore", "ignore", "pipe"],
      // The child's stderr is the error message on failure: no progress lines in it.
      env: { ...process.env, [PROGRESS_ENV]: "off" },
    });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}
