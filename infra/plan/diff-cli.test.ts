import type { StackDiff } from "@causeway/plan";
import { execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import type { CostChange } from "../cost/change";
import { formatUsd } from "../cost/estimate";
import { projectMarker } from "./diff-comment";
import { addWorktree } from "./diff-git";

const root = realpathSync(path.resolve(__dirname, "..", ".."));
const tsx = require.resolve("tsx/cli");
const DIFF_CLI = path.join(root, "infra/plan/diff-cli.ts");
const childTmp = mkdtempSync(path.join(tmpdir(), "causeway-difftest-"));
afterAll(() => rmSync(childTmp, { recursive: true, force: true }));

/**
 * Runs `npm run plan:diff -- <args>` in `cwd` (its git working tree is the head), with its own
 * temporary directory so that the test can check it leaves nothing behind.
 */
function planDiff(cwd: string, ...args: string[]) {
  const result = spawnSync(
    process.execPath,
    [tsx, "--conditions=causeway-source", DIFF_CLI, ...args],
    { cwd, encoding: "utf8", timeout: 240_000, env: { ...process.env, TMPDIR: childTmp } },
  );
  const lines = result.stderr.split(/(?<=\n)/);
  const isProgress = (l: string) => l.startsWith("plan:diff: [");
  return {
    code: result.status,
    stdout: result.stdout,
    /** stderr less the progress lines. */
    stderr: lines.filter((l) => !isProgress(l)).join(""),
    progress: lines.filter(isProgress).map((l) => l.trimEnd()),
  };
}

/**
 * Copies this working tree's files (tracked and untracked, not ignored) into `dir` and commits
 * them there, so the test diffs the code as it is now, whatever HEAD holds.
 */
function snapshotInto(dir: string): void {
  const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], {
    cwd: root,
    encoding: "utf8",
  })
    .split("\0")
    .filter((f) => f !== "" && existsSync(path.join(root, f)));
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    copyFileSync(path.join(root, f), path.join(dir, f));
  }
  execFileSync("git", ["add", "-A"], { cwd: dir });
  execFileSync(
    "git",
    [
      "-c",
      "user.name=plan-diff test",
      "-c",
      "user.email=test@example.invalid",
      "commit",
      "-q",
      "--no-verify",
      "--allow-empty",
      "-m",
      "base",
    ],
    { cwd: dir },
  );
}

function worktrees(): string {
  return execFileSync("git", ["worktree", "list", "--porcelain"], { cwd: root, encoding: "utf8" });
}

describe("plan:diff CLI", { timeout: 180_000 }, () => {
  it("explains its usage and rejects unknown refs and stacks", () => {
    expect(planDiff(root)).toMatchObject({
      code: 1,
      stderr:
        "error: --base is required\nusage: npm run plan:diff -- --base <git-ref> [--stacks dev,staging,prod] [--project app|cluster] [--markdown FILE] [--json FILE] [--fail-on-danger]\n",
    });
    expect(planDiff(root, "--base", "no-such-ref-xyz")).toMatchObject({
      code: 1,
      stderr: `error: --base no-such-ref-xyz: not a commit in ${root}. Fetch it first (for example \`git fetch origin main\`) or pass a branch, tag or SHA.\n`,
    });
    expect(planDiff(root, "--base", "HEAD", "--stacks", "dev,qa")).toMatchObject({
      code: 1,
      stderr: "error: --stacks: unknown stack qa; known stacks: dev, prod, staging\n",
    });
  });

  it("plans the base in a worktree whose workspace packages resolve to its own sources, then removes it", () => {
    const tree = addWorktree(root, "HEAD");
    try {
      const resolved = execFileSync(
        process.execPath,
        ["--conditions=causeway-source", "-p", 'require.resolve("@causeway/components")'],
        { cwd: tree.dir, encoding: "utf8" },
      ).trim();
      expect(realpathSync(resolved)).toBe(path.join(tree.dir, "infra/components/index.ts"));
      const pulumi = execFileSync(
        process.execPath,
        ["-p", 'require("node:fs").realpathSync(require.resolve("@pulumi/pulumi"))'],
        { cwd: tree.dir, encoding: "utf8" },
      ).trim();
      expect(pulumi.startsWith(path.join(root, "node_modules"))).toBe(true);
      expect(worktrees()).toContain(tree.dir);
    } finally {
      tree.remove();
    }
    expect(existsSync(tree.dir)).toBe(false);
    expect(worktrees()).not.toContain(tree.dir);
  });

  it("lists exactly the orders replicas update and flags the broker replacement, between a commit and a changed working tree", () => {
    // A temporary worktree holding this working tree as a commit (the base), whose dev stack
    // file then changes the orders replicas and the broker's deployment mode (the head).
    const head = addWorktree(root, "HEAD");
    try {
      snapshotInto(head.dir);
      const stackFile = path.join(head.dir, "stacks/Pulumi.dev.yaml");
      const doc = parseDocument(readFileSync(stackFile, "utf8"));
      expect(doc.getIn(["config", "causeway:services", "orders", "replicas"])).toBeUndefined();
      doc.setIn(["config", "causeway:services", "orders", "replicas"], 2);
      doc.setIn(["config", "causeway:broker", "deploymentMode"], "CLUSTER_MULTI_AZ");
      writeFileSync(stackFile, doc.toString());
      const md = path.join(head.dir, "plan.md");
      const json = path.join(head.dir, "diff.json");
      const result = planDiff(
        head.dir,
        "--base",
        "HEAD",
        "--stacks",
        "dev",
        "--markdown",
        md,
        "--json",
        json,
        "--fail-on-danger",
      );
      expect(result.stderr).toBe("");
      // A broker replacement loses data but is no refusal: --fail-on-danger lets it pass.
      expect(result.code).toBe(0);
      expect(result.progress).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^plan:diff: \[\*\] base: checking out HEAD \([0-9a-f]{7}\)$/),
          "plan:diff: [dev] base: planning",
          "plan:diff: [dev] head: planning",
          expect.stringMatching(/^plan:diff: \[dev\] head: planned, \d+ resources$/),
          expect.stringMatching(
            /^plan:diff: \[dev\] diff: \+0 ~1 -0 ±2, 0 would fail, 2 danger flags$/,
          ),
        ]),
      );
      const diff = JSON.parse(readFileSync(json, "utf8")) as { stacks: StackDiff[] };
      const [dev] = diff.stacks;
      // The broker is replaced, and so is the Secret that holds its endpoint (its data comes
      // from the broker's outputs, and a Secret's data change replaces it).
      expect(dev!.summary).toEqual({ create: 0, update: 1, delete: 0, replace: 2 });
      const [broker, secret, orders] = dev!.changes;
      expect(secret).toMatchObject({
        kind: "replace",
        type: "kubernetes:core/v1:Secret",
        name: "broker-connection",
      });
      expect(secret!.properties.map((p) => p.new)).toEqual([
        expect.stringMatching(
          /^\(known after apply: urn:.*aws:mq\/broker:Broker::broker is replaced\)$/,
        ),
      ]);
      expect(orders).toMatchObject({
        kind: "update",
        type: "kubernetes:apps/v1:Deployment",
        name: "orders",
      });
      expect(orders!.properties.map((p) => [p.path, p.old, p.new])).toEqual([
        ["spec.replicas", 1, 2],
      ]);
      expect(broker).toMatchObject({ kind: "replace", type: "aws:mq/broker:Broker" });
      expect(broker!.properties).toContainEqual(
        expect.objectContaining({
          path: "deploymentMode",
          old: "SINGLE_INSTANCE",
          new: "CLUSTER_MULTI_AZ",
        }),
      );
      expect(broker!.replacedBy.map((r) => r.path)).toContain("deploymentMode");
      expect(dev!.danger).toEqual([
        expect.objectContaining({
          urn: broker!.urn,
          kind: "replace",
          class: "data-loss",
          message: expect.stringMatching(/^replaces the RabbitMQ broker \(deploymentMode/),
        }),
        expect.objectContaining({
          urn: broker!.urn,
          class: "downtime",
          message: expect.stringMatching(/^deleteBeforeReplace deletes causeway-dev before/),
        }),
      ]);
      expect(dev!.policy).toMatchObject({ violations: [] });
      const comment = readFileSync(md, "utf8");
      // The app's own marker: the preview workflow keeps one comment per project.
      expect(comment.startsWith(`${projectMarker("app")}\n`)).toBe(true);
      expect(comment).toContain("\n## Offline plan diff: app project (`causeway`)\n");
      expect(comment).toContain("### Stack `dev`: +0 ~1 -0 ±2");
      // A three-node broker instead of one: the monthly cost rises by two nodes and their storage.
      const cost = (diff as unknown as { cost: CostChange[] }).cost;
      expect(cost).toHaveLength(1);
      expect(cost[0]!.deltaCents).toBeGreaterThan(0);
      expect(cost[0]!.deltaCents).toBe(cost[0]!.headCents! - cost[0]!.baseCents!);
      // The change cell may name the resources the price table does not cover.
      expect(comment).toContain(
        `| \`dev\` | ${formatUsd(cost[0]!.baseCents!)} | ${formatUsd(cost[0]!.headCents!)} | +${formatUsd(cost[0]!.deltaCents!)}`,
      );
      expect(comment.indexOf("### Monthly cost estimate (app project")).toBeLessThan(
        comment.indexOf("### Stack `dev`"),
      );
      expect(comment.indexOf("**Danger (2)**")).toBeLessThan(comment.indexOf("<details>"));
      expect(comment).not.toContain("This deploy would fail");
      expect(result.stdout).toContain('Stack "dev": +0 ~1 -0 ±2');
    } finally {
      head.remove();
    }
    // Both worktrees are gone: the test's own and the one plan:diff made for the base.
    expect(existsSync(head.dir)).toBe(false);
    // (tsx keeps its compile cache there too: only our directories count.)
    expect(readdirSync(childTmp).filter((d) => d.startsWith("causeway-"))).toEqual([]);
    expect(worktrees()).not.toContain(childTmp);
  });

  it("still writes the Markdown when the head plan of a stack fails, with the error as its section, first", () => {
    const head = addWorktree(root, "HEAD");
    try {
      snapshotInto(head.dir);
      const stackFile = path.join(head.dir, "stacks/Pulumi.dev.yaml");
      const doc = parseDocument(readFileSync(stackFile, "utf8"));
      doc.setIn(["config", "causeway:services", "orders", "replicas"], -1);
      writeFileSync(stackFile, doc.toString());
      const md = path.join(head.dir, "plan.md");
      const result = planDiff(head.dir, "--base", "HEAD", "--stacks", "dev", "--markdown", md);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe("error: a stack's plan failed (its section shows the error)\n");
      expect(result.progress).toContain("plan:diff: [dev] head: plan failed");
      expect(result.progress).toContain("plan:diff: [dev] diff: plan failed");
      const comment = readFileSync(md, "utf8");
      const first = comment.indexOf("### :no_entry: This deploy would fail (1)");
      expect(first).toBeGreaterThan(0);
      expect(comment).toContain("- stack `dev`: the plan failed (see its section)");
      const section = comment.indexOf("### Stack `dev`: plan failed");
      expect(section).toBeGreaterThan(first);
      expect(comment.slice(section)).toMatch(/causeway:services\.orders\.replicas/);
      expect(result.stdout).toContain('Stack "dev": plan failed');
    } finally {
      head.remove();
    }
  });

  it("names the cluster project and shows a positive cost change when a change adds resources", () => {
    // The cluster's dev stack gains a third AZ: a subnet pair, a route table and a node group more.
    const head = addWorktree(root, "HEAD");
    try {
      snapshotInto(head.dir);
      const stackFile = path.join(head.dir, "infra/cluster/stacks/Pulumi.dev.yaml");
      const doc = parseDocument(readFileSync(stackFile, "utf8"));
      doc.setIn(
        ["config", "causeway-cluster:availabilityZones"],
        ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
      );
      writeFileSync(stackFile, doc.toString());
      const md = path.join(head.dir, "plan.md");
      const json = path.join(head.dir, "diff.json");
      const result = planDiff(
        head.dir,
        "--base",
        "HEAD",
        "--project",
        "cluster",
        "--stacks",
        "dev",
        "--markdown",
        md,
        "--json",
        json,
      );
      expect(result.stderr).toBe("");
      const diff = JSON.parse(readFileSync(json, "utf8")) as {
        project: string;
        stacks: StackDiff[];
        cost: CostChange[];
      };
      expect(diff.project).toBe("causeway-cluster");
      const created = diff.stacks[0]!.changes.filter((c) => c.kind === "create").map((c) => c.type);
      expect(created).toContain("aws:eks/nodeGroup:NodeGroup");
      const [dev] = diff.cost;
      // At least the new node group's instance for 730 hours.
      expect(dev!.deltaCents).toBeGreaterThan(5000);
      expect(dev!.deltaCents).toBe(dev!.headCents! - dev!.baseCents!);
      const comment = readFileSync(md, "utf8");
      expect(comment.startsWith(`${projectMarker("cluster")}\n`)).toBe(true);
      expect(comment).toContain("\n## Offline plan diff: cluster project (`causeway-cluster`)\n");
      expect(comment).toContain("### Monthly cost estimate (cluster project (`causeway-cluster`))");
      expect(comment).toContain(`| +${formatUsd(dev!.deltaCents!)} |`);
      expect(result.stdout).toContain(
        `Monthly cost of stack "dev": ${formatUsd(dev!.baseCents!)} -> ${formatUsd(dev!.headCents!)} (+${formatUsd(dev!.deltaCents!)})`,
      );
      expect(result.progress).toContain(
        `plan:diff: [dev] cost: +${dev!.deltaCents! / 100} USD/month`,
      );
    } finally {
      head.remove();
    }
  });
});
