import { PlanError, type Plan } from "@causeway/plan";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { estimateCost, renderCostText } from "./estimate";
import { runPlanCli } from "./offline-plan";
import { pricesFor } from "./prices";
import { regionOf } from "./region";

/**
 * `npm run cost -- <stack> [--project app|cluster] [--stacks DIR] [--json FILE]`
 *
 * Plans the stack offline (the plan CLI, `npm run plan -- <stack> --json`, in a child process,
 * through offline-plan.ts as plan:diff does) and prices its resources with the table of the
 * stack's `aws:region` (infra/cost/prices.ts).
 */

const USAGE = "usage: npm run cost -- <stack> [--project app|cluster] [--stacks DIR] [--json FILE]";
const root = path.resolve(__dirname, "..", "..");

/** The stack files' folder of each project, as the plan CLI reads them. */
export const STACK_DIRS = {
  app: path.join(root, "stacks"),
  cluster: path.join(root, "infra", "cluster", "stacks"),
} as const;

async function plan(
  stack: string,
  project: "app" | "cluster",
  stacksDir: string | undefined,
): Promise<Plan> {
  const work = mkdtempSync(path.join(tmpdir(), "causeway-cost-"));
  try {
    const args = ["--project", project, ...(stacksDir ? ["--stacks", stacksDir] : [])];
    const { plan, stderr } = await runPlanCli(root, stack, path.join(work, "plan.json"), args);
    // The plan CLI writes the JSON after a complete plan, even with policy violations.
    if (!plan) {
      throw new PlanError(`the offline plan of stack "${stack}" failed:\n${stderr.trim()}`);
    }
    return plan;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function cli(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      project: { type: "string", default: "app" },
      stacks: { type: "string" },
      json: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new PlanError(`expected exactly one stack name\n${USAGE}`);
  const stack = positionals[0]!;
  const project = values.project;
  if (project !== "app" && project !== "cluster") {
    throw new PlanError(`--project must be app or cluster (found "${project}")\n${USAGE}`);
  }
  const stacksDir = values.stacks ? path.resolve(process.cwd(), values.stacks) : undefined;
  const file = path.join(stacksDir ?? STACK_DIRS[project], `Pulumi.${stack}.yaml`);
  // An unknown stack: the plan CLI names the stacks that exist.
  const planned = await plan(stack, project, stacksDir);
  const prices = pricesFor(regionOf(file));
  const estimate = estimateCost(planned, prices);
  if (values.json) {
    writeFileSync(
      path.resolve(process.cwd(), values.json),
      JSON.stringify(estimate, null, 2) + "\n",
    );
  }
  process.stdout.write(renderCostText(estimate));
  return 0;
}

cli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const code = (e as { code?: unknown })?.code;
    const user =
      e instanceof PlanError || (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_"));
    process.stderr.write(
      user
        ? `error: ${(e as Error).message}\n`
        : `cost estimate failed: ${(e as Error)?.stack ?? String(e)}\n`,
    );
    process.exitCode = 1;
  },
);
