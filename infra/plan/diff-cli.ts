import {
  diffExitCode,
  diffPlans,
  failedStackDiff,
  GITHUB_COMMENT_LIMIT,
  knownStacks,
  PlanError,
  progressReporter,
  renderDiffText,
  renderMarkdown,
  wouldFailFlags,
  type Plan,
  type StackDiff,
} from "@causeway/plan";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { CLUSTER_PROJECT } from "../cluster/project";
import {
  costChanges,
  renderCostMarkdown,
  renderCostTextLines,
  type CostChange,
  type StackCost,
} from "../cost/change";
import { estimateCost, type CostEstimate } from "../cost/estimate";
import { planInTree } from "../cost/offline-plan";
import { pricesFor } from "../cost/prices";
import { regionOf } from "../cost/region";
import { addWorktree, headCommit, repoRoot, resolveCommit, type Worktree } from "./diff-git";
import {
  DIFF_PROJECTS,
  projectComment,
  projectCommentOverhead,
  type DiffProject,
} from "./diff-comment";
import { pool } from "./diff-plans";
import { PROJECT } from "./project";

/**
 * `npm run plan:diff -- --base <git-ref> [--stacks dev,staging,prod] [--project app|cluster] [--markdown FILE] [--json FILE] [--fail-on-danger]`
 *
 * Plans every stack at the base revision (in a temporary git worktree, with that revision's
 * own code) and in the working tree of the current directory, and prints what changes.
 * Progress goes to stderr. A stack whose plan fails gets the error as its section (the Markdown
 * and JSON are still written) and the exit code is 1; with --fail-on-danger, a change that a
 * real deploy would refuse makes it 2. Each stack's monthly cost estimate (infra/cost) is compared
 * too, base against head, from the same plans (nothing is planned twice).
 *
 * One project per run: the Markdown is that project's pull request comment, with its own hidden
 * marker (diff-comment.ts), so the preview workflow keeps one comment per project.
 */

const USAGE =
  "usage: npm run plan:diff -- --base <git-ref> [--stacks dev,staging,prod] [--project app|cluster] [--markdown FILE] [--json FILE] [--fail-on-danger]";

async function cli(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      base: { type: "string" },
      stacks: { type: "string" },
      project: { type: "string", default: "app" },
      markdown: { type: "string" },
      json: { type: "string" },
      "fail-on-danger": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.base) throw new PlanError(`--base is required\n${USAGE}`);
  if (positionals.length > 0)
    throw new PlanError(`unexpected argument ${positionals[0]}\n${USAGE}`);

  if (!(DIFF_PROJECTS as readonly string[]).includes(values.project)) {
    throw new PlanError(`--project must be app or cluster (found "${values.project}")\n${USAGE}`);
  }
  const project = values.project as DiffProject;
  // The cluster project (infra/cluster) keeps its stack files in its own folder.
  const stacksPath = project === "cluster" ? ["infra", "cluster", "stacks"] : ["stacks"];
  const projectArgs = project === "cluster" ? ["--project", "cluster"] : [];
  const projectName = project === "cluster" ? CLUSTER_PROJECT : PROJECT;
  const projectLabel = `${project} project (\`${projectName}\`)`;
  const root = repoRoot(process.cwd());
  const known = knownStacks(path.join(root, ...stacksPath));
  const stacks = values.stacks
    ? values.stacks
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : known;
  const unknown = stacks.filter((s) => !known.includes(s));
  if (unknown.length > 0 || stacks.length === 0) {
    throw new PlanError(
      `--stacks: unknown stack ${unknown.join(", ") || "(none given)"}; known stacks: ${known.join(", ")}`,
    );
  }

  const baseCommit = resolveCommit(root, values.base);
  const work = mkdtempSync(path.join(tmpdir(), "causeway-diff-"));
  let tree: Worktree | undefined;
  const cleanup = () => {
    tree?.remove();
    rmSync(work, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    cleanup();
    process.kill(process.pid, signal);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const progress = progressReporter("plan:diff");
  let diffs: StackDiff[];
  let costs: CostChange[];
  try {
    progress.step("*", "base", `checking out ${values.base} (${baseCommit.slice(0, 7)})`);
    tree = addWorktree(root, baseCommit);
    const base = tree;
    const limit = Math.max(1, Math.min(4, availableParallelism()));
    /** A plan, or the error that stopped it: a failed plan becomes its stack's section. */
    const planned = async (
      stack: string,
      side: "base" | "head",
      dir: string,
    ): Promise<Plan | { error: string }> => {
      progress.step(stack, side, "planning");
      try {
        const plan = await planInTree(
          dir,
          stack,
          path.join(work, `${side}-${stack}.json`),
          projectArgs,
        );
        progress.step(stack, side, `planned, ${plan.resources.length} resources`);
        return plan;
      } catch (e) {
        progress.step(stack, side, "plan failed");
        const message = e instanceof PlanError ? e.message : String((e as Error)?.stack ?? e);
        return { error: side === "base" ? `the base revision: ${message}` : message };
      }
    };
    const tasks = stacks.flatMap((stack) => [
      () =>
        existsSync(path.join(base.dir, ...stacksPath, `Pulumi.${stack}.yaml`))
          ? planned(stack, "base", base.dir)
          : Promise.resolve(null),
      () => planned(stack, "head", root),
    ]);
    const plans = await pool(limit, tasks);
    diffs = stacks.map((stack, i) => {
      const basePlan = plans[2 * i] ?? null;
      const headPlan = plans[2 * i + 1]!;
      const failed = [headPlan, basePlan].find((p) => p !== null && "error" in p);
      const d =
        failed && "error" in failed
          ? failedStackDiff(stack, failed.error)
          : diffPlans(basePlan as Plan | null, headPlan as Plan);
      const verdict = d.error
        ? "plan failed"
        : `+${d.summary.create} ~${d.summary.update} -${d.summary.delete} ±${d.summary.replace}, ${wouldFailFlags([d]).length} would fail, ${d.danger.length} danger flags`;
      progress.step(stack, "diff", verdict);
      return d;
    });
    // The cost estimates, while the base worktree (and its stack files) still exists.
    costs = costChanges(
      stacks.map((stack, i): StackCost => {
        const estimate = (plan: Plan | { error: string } | null, dir: string) =>
          plan === null || "error" in plan
            ? null
            : estimateCost(
                plan,
                pricesFor(regionOf(path.join(dir, ...stacksPath, `Pulumi.${stack}.yaml`))),
              );
        try {
          const before: CostEstimate | null = estimate(plans[2 * i] ?? null, base.dir);
          const after: CostEstimate | null = estimate(plans[2 * i + 1]!, root);
          const failed = diffs[i]!.error !== undefined;
          return {
            stack,
            base: before,
            head: after,
            ...(failed ? { error: "the plan failed" } : {}),
          };
        } catch (e) {
          return { stack, base: null, head: null, error: (e as Error).message };
        }
      }),
    );
    for (const c of costs) {
      progress.step(
        c.stack,
        "cost",
        c.deltaCents === null
          ? "not estimated"
          : `${c.deltaCents >= 0 ? "+" : ""}${c.deltaCents / 100} USD/month`,
      );
    }
  } finally {
    progress.done();
    cleanup();
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }

  if (values.markdown) {
    const costSection = renderCostMarkdown(costs, projectLabel);
    const md = projectComment(
      renderMarkdown(diffs, {
        base: values.base,
        baseCommit,
        headCommit: headCommit(root),
        limit: GITHUB_COMMENT_LIMIT - projectCommentOverhead(project, projectLabel, costSection),
      }),
      project,
      projectLabel,
      costSection,
    );
    writeFileSync(path.resolve(process.cwd(), values.markdown), md);
  }
  if (values.json) {
    writeFileSync(
      path.resolve(process.cwd(), values.json),
      JSON.stringify(
        { base: values.base, baseCommit, project: projectName, stacks: diffs, cost: costs },
        null,
        2,
      ) + "\n",
    );
  }
  process.stdout.write(renderDiffText(diffs, `${values.base} (${baseCommit.slice(0, 7)})`));
  process.stdout.write(renderCostTextLines(costs));
  const code = diffExitCode(diffs, values["fail-on-danger"] === true);
  if (code === 1)
    process.stderr.write("error: a stack's plan failed (its section shows the error)\n");
  if (code === 2) {
    process.stderr.write(
      `error: --fail-on-danger: ${wouldFailFlags(diffs).length} changes would make the deploy fail (listed first above)\n`,
    );
  }
  return code;
}

function isUserError(e: unknown): e is Error {
  const code = (e as { code?: unknown })?.code;
  return e instanceof PlanError || (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_"));
}

cli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(
      isUserError(e)
        ? `error: ${e.message}\n`
        : `plan diff failed unexpectedly: ${(e as Error)?.stack ?? String(e)}\n`,
    );
    process.exit(1);
  },
);
