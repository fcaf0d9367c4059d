import { PlanError, PROGRESS_ENV, type Plan } from "@causeway/plan";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

/**
 * Runs the offline plan of one stack in a child process, with the plan CLI of the tree it
 * plans (`<tree>/infra/plan/cli.ts --json FILE`), exactly as `npm run plan` would there.
 * A child per plan: the SDK's runtime state is process-global, and each revision brings its
 * own code.
 */
export async function planInTree(
  tree: string,
  stack: string,
  jsonFile: string,
  /** Extra plan CLI arguments, e.g. `["--project", "cluster"]`. */
  extraArgs: readonly string[] = [],
): Promise<Plan> {
  const tsx = require.resolve("tsx/cli", { paths: [tree] });
  const cli = path.join(tree, "infra", "plan", "cli.ts");
  const args = [tsx, "--conditions=causeway-source", cli, stack, "--json", jsonFile, ...extraArgs];
  const { code, stderr } = await run(process.execPath, args, tree);
  // The plan CLI writes the JSON only after a complete plan; it may still exit non-zero for
  // mandatory policy violations, which the diff reports rather than fails on.
  if (existsSync(jsonFile)) {
    try {
      return JSON.parse(readFileSync(jsonFile, "utf8")) as Plan;
    } catch (e) {
      throw new PlanError(`${jsonFile}: not valid plan JSON: ${(e as Error).message}`);
    }
  }
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

/** Runs `tasks` with at most `limit` at a time, keeping their order in the result. */
export async function pool<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
