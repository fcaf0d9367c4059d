import { validateAction, validateWorkflow } from "@action-validator/core";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DIFF_PROJECTS, LEGACY_MARKER, projectMarker, type DiffProject } from "./diff-comment";
import {
  localAction,
  root,
  steps,
  workflow,
  workflowNames,
  workflowSource,
} from "./workflow-files";

/**
 * The GitHub workflows, validated against SchemaStore's github-workflow.json (through
 * @action-validator/core), then checked for what the schema cannot see: the trust boundary of
 * the preview comment and the CI services. The deploy path, pins and drift check are in
 * workflows.test.ts; actionlint runs in workflows-lint.test.ts.
 */

describe("GitHub workflows", () => {
  it.each(workflowNames)("%s validates against the workflow schema", (name) => {
    expect(validateWorkflow(workflowSource(name)).errors).toEqual([]);
  });

  it("the pulumi-stack action validates against the action schema", () => {
    const source = readFileSync(path.join(root, localAction, "action.yml"), "utf8");
    expect(validateAction(source).errors).toEqual([]);
    expect(validateAction("name: x\nruns:\n  using: composite\n").errors.length).toBeGreaterThan(0);
  });

  it("the validator rejects an invalid workflow", () => {
    const broken = "on: push\njobs:\n  test:\n    steps:\n      - run: npm test\n";
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
  });

  it("ci installs from the lockfile with the repo's Node and runs npm test against RabbitMQ, PostgreSQL and Redis", () => {
    const ci = workflow("ci.yml");
    const job = ci.jobs["test"]!;
    expect(Object.keys(job.services ?? {}).sort()).toEqual(["postgres", "rabbitmq", "redis"]);
    expect(job.services!["postgres"]!.env).toMatchObject({
      POSTGRES_DB: "test",
      POSTGRES_HOST_AUTH_METHOD: "trust",
    });
    const node = steps(job).find((s) => s.uses?.startsWith("actions/setup-node@"));
    expect(node?.with?.["node-version-file"]).toBe(".nvmrc");
    const runs = steps(job).map((s) => s.run ?? "");
    expect(runs.some((r) => r.startsWith("npm ci"))).toBe(true);
    expect(runs).toContain("npm test");
    expect(ci.permissions).toEqual({ contents: "read" });
    // Production's broker line (Amazon MQ for RabbitMQ 4.2); this machine runs 3.10 (README).
    expect(job.services!["rabbitmq"]!.image).toBe("rabbitmq:4.2-management");
  });

  it("preview computes the diff untrusted and comments from a separate, privileged job that runs no PR code", () => {
    const preview = workflow("preview.yml");
    expect(Object.keys(preview.on).sort()).toEqual(["pull_request", "workflow_run"]);
    expect(preview.permissions).toEqual({ contents: "read" });

    const diff = preview.jobs["plan-diff"]!;
    expect(diff.if).toBe("github.event_name == 'pull_request'");
    expect(diff.permissions).toEqual({ contents: "read" });
    expect(JSON.stringify(diff)).not.toContain("secrets.");
    // One plan:diff per project, in deploy order, each with its own Markdown and JSON.
    expect(diffRuns().map((s) => s.run)).toEqual(
      DIFF_PROJECTS.map(
        (p) =>
          `npm run plan:diff -- --project ${p} --base "origin/$BASE_REF" --markdown plan-${p}.md --json plan-diff-${p}.json --fail-on-danger`,
      ),
    );
    const upload = steps(diff).find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
    expect(String(upload.with?.["path"]).trim().split("\n")).toEqual(
      expect.arrayContaining(DIFF_PROJECTS.flatMap((p) => [`plan-${p}.md`, `plan-diff-${p}.json`])),
    );

    const comment = preview.jobs["comment"]!;
    expect(comment.if).toContain("github.event_name == 'workflow_run'");
    expect(comment.permissions).toEqual({ actions: "read", "pull-requests": "write" });
    expect(steps(comment).some((s) => s.uses?.startsWith("actions/checkout@"))).toBe(false);
    expect(steps(comment).some((s) => s.run !== undefined)).toBe(false);
    const script = String(
      steps(comment).find((s) => s.uses?.startsWith("actions/github-script@"))?.with?.["script"],
    );
    for (const p of DIFF_PROJECTS) {
      expect(script).toContain(`{ file: "plan-${p}.md", marker: "${projectMarker(p)}"`);
    }
    expect(script).toContain("updateComment");

    const real = preview.jobs["pulumi-preview"]!;
    expect(real.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    expect(real.permissions).toEqual({
      contents: "read",
      "id-token": "write",
      "pull-requests": "write",
    });
  });

  it("preview fails the check on a change that would fail the deploy, and still uploads the comment", () => {
    const diff = workflow("preview.yml").jobs["plan-diff"]!;
    const runs = diffRuns();
    expect(runs).toHaveLength(DIFF_PROJECTS.length);
    for (const step of runs) expect(step.run).toContain("--fail-on-danger");
    // A project's failure does not hide the next project's diff.
    expect(runs.slice(1).map((s) => s.if)).toEqual(runs.slice(1).map(() => "${{ !cancelled() }}"));
    const upload = steps(diff).find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
    expect(upload.if).toBe("${{ !cancelled() }}");
  });

  describe("the comment script, run against a fake GitHub API", () => {
    interface Comment {
      id: number;
      user: { login: string };
      body: string;
    }
    const bot = { login: "github-actions[bot]" };
    const script = String(
      steps(workflow("preview.yml").jobs["comment"]!).find((s) =>
        s.uses?.startsWith("actions/github-script@"),
      )?.with?.["script"],
    );
    const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
      ...args: string[]
    ) => (...args: unknown[]) => Promise<unknown>;

    /** Runs the script as actions/github-script would, with `files` as the artifact. */
    async function runScript(files: Record<string, string>, comments: Comment[]) {
      const calls: { op: "create" | "update"; id?: number; body: string }[] = [];
      const warnings: string[] = [];
      const pulls = { list: () => undefined };
      const issues = {
        listComments: () => undefined,
        updateComment: async (p: { comment_id: number; body: string }) => {
          calls.push({ op: "update", id: p.comment_id, body: p.body });
        },
        createComment: async (p: { issue_number: number; body: string }) => {
          expect(p.issue_number).toBe(7);
          calls.push({ op: "create", body: p.body });
        },
      };
      const github = {
        rest: { pulls, issues },
        paginate: async (fn: unknown, params: Record<string, unknown>) => {
          if (fn === pulls.list) {
            expect(params).toMatchObject({ state: "open", head: "someone:feature" });
            return [
              { number: 6, head: { sha: "0".repeat(40) } },
              { number: 7, head: { sha: "a".repeat(40) } },
            ];
          }
          expect(fn).toBe(issues.listComments);
          expect(params).toMatchObject({ issue_number: 7 });
          return comments;
        },
      };
      const fs = {
        existsSync: (f: string) => f in files,
        readFileSync: (f: string) => files[f]!,
      };
      const core = {
        notice: (m: string) => warnings.push(m),
        warning: (m: string) => warnings.push(m),
      };
      const context = { repo: { owner: "acme", repo: "causeway" } };
      const env = { HEAD_SHA: "a".repeat(40), HEAD_OWNER: "someone", HEAD_BRANCH: "feature" };
      const fn = new AsyncFunction("require", "github", "context", "core", "process", script);
      await fn(() => fs, github, context, core, { env });
      return { calls, warnings };
    }

    const md = (p: DiffProject, text: string) => `${projectMarker(p)}\n${text}\n`;

    it("posts one comment per project, in deploy order, and takes over the comment of the shared marker", async () => {
      const files = {
        "plan-cluster.md": md("cluster", "cluster diff"),
        "plan-app.md": md("app", "app diff"),
      };
      const { calls, warnings } = await runScript(files, [
        {
          id: 1,
          user: { login: "someone" },
          body: `${projectMarker("cluster")}\nquoted by a person`,
        },
        { id: 2, user: bot, body: `${LEGACY_MARKER}\nthe old app-only comment` },
      ]);
      expect(warnings).toEqual([]);
      expect(calls).toEqual([
        { op: "create", body: files["plan-cluster.md"] },
        { op: "update", id: 2, body: files["plan-app.md"] },
      ]);
    });

    it("updates each project's own comment on a rerun, never the other project's", async () => {
      const files = {
        "plan-cluster.md": md("cluster", "new cluster"),
        "plan-app.md": md("app", "new app"),
      };
      const { calls } = await runScript(files, [
        { id: 3, user: bot, body: md("app", "old app") },
        { id: 4, user: bot, body: md("cluster", "old cluster") },
      ]);
      expect(calls).toEqual([
        { op: "update", id: 4, body: files["plan-cluster.md"] },
        { op: "update", id: 3, body: files["plan-app.md"] },
      ]);
    });

    it("skips a project whose Markdown is missing, adds a missing marker, and truncates to GitHub's limit", async () => {
      const long = "x".repeat(70_000);
      const { calls, warnings } = await runScript({ "plan-app.md": long }, []);
      expect(warnings).toEqual([
        "plan-cluster.md is not in the artifact: that project's plan diff did not finish (see the plan-diff job's log).",
      ]);
      expect(calls).toHaveLength(1);
      const body = calls[0]!.body;
      expect(body.startsWith(`${projectMarker("app")}\nxxx`)).toBe(true);
      expect(body.endsWith("\n\n_(truncated)_\n")).toBe(true);
      expect(body.length).toBeLessThanOrEqual(65_536);
    });
  });
});

/** The plan:diff steps of the preview's plan-diff job, in order. */
function diffRuns() {
  return steps(workflow("preview.yml").jobs["plan-diff"]!).filter((s) =>
    s.run?.includes("npm run plan:diff"),
  );
}
