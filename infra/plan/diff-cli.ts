import {
  diffPlans,
  knownStacks,
  PlanError,
  renderDiffText,
  renderMarkdown,
  type StackDiff,
} from "@causeway/plan";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { addWorktree, headCommit, repoRoot, resolveCommit, type Worktree } from "./diff-git";
import { planInTree, pool } from "./diff-plans";

/**
 * `npm run plan:diff -- --base <git-ref> [--stacks dev,staging,prod] [--project app|cluster] [--markdown FILE] [--json FILE]`
 *
 * Plans every stack at the base revision (in a temporary git worktree, with that revision's
 * own code) and in the working tree of the current directory, and prints what changes.
 */

const USAGE =
  "usage: npm run plan:diff -- --base <git-ref> [--stacks dev,staging,prod] [--project app|cluster] [--markdown FILE] [--json FILE]";

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

  if (values.project !== "app" && values.project !== "cluster") {
    throw new PlanError(`--project must be app or cluster (found "${values.project}")\n${USAGE}`);
  }
  // The cluster project (infra/cluster) keeps its stack files in its own folder.
  const stacksPath = values.project === "cluster" ? ["infra", "cluster", "stacks"] : ["stacks"];
  const projectArgs = values.project === "cluster" ? ["--project", "cluster"] : [];
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
  let diffs: StackDiff[];
  try {
    tree = addWorktree(root, baseCommit);
    const base = tree;
    const limit = Math.max(1, Math.min(4, availableParallelism()));
    const tasks = stacks.flatMap((stack) => [
      () =>
        existsSync(path.join(base.dir, ...stacksPath, `Pulumi.${stack}.yaml`))
          ? planInTree(base.dir, stack, path.join(work, `base-${stack}.json`), projectArgs)
          : Promise.resolve(null),
      () => planInTree(root, stack, path.join(work, `head-${stack}.json`), projectArgs),
    ]);
    const plans = await pool(limit, tasks);
    diffs = stacks.map((_, i) => diffPlans(plans[2 * i] ?? null, plans[2 * i + 1]!));
  } finally {
    cleanup();
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }

  if (values.markdown) {
    const md = renderMarkdown(diffs, {
      base: values.base,
      baseCommit,
      headCommit: headCommit(root),
    });
    writeFileSync(path.resolve(process.cwd(), values.markdown), md);
  }
  if (values.json) {
    writeFileSync(
      path.resolve(process.cwd(), values.json),
      JSON.stringify({ base: values.base, baseCommit, stacks: diffs }, null, 2) + "\n",
    );
  }
  process.stdout.write(renderDiffText(diffs, `${values.base} (${baseCommit.slice(0, 7)})`));
  return 0;
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
