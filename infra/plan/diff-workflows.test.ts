import { validateAction, validateWorkflow } from "@action-validator/core";
import { COMMENT_MARKER } from "@causeway/plan";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/**
 * The GitHub workflows, validated against SchemaStore's github-workflow.json (through
 * @action-validator/core), then checked for what the schema cannot see: the trust boundary of
 * the preview comment and the CI services. The deploy path, pins and drift check are in
 * workflows.test.ts; actionlint runs in workflows-lint.test.ts.
 */

const root = path.resolve(__dirname, "..", "..");
const read = (name: string) => readFileSync(path.join(root, ".github/workflows", name), "utf8");

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  if?: string;
  needs?: string | string[];
  environment?: string;
  permissions?: Record<string, string>;
  services?: Record<string, { image: string; env?: Record<string, string> }>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}
const workflow = (name: string) => parse(read(name)) as Workflow;

describe("GitHub workflows", () => {
  const names = readdirSync(path.join(root, ".github/workflows")).filter((n) => /\.ya?ml$/.test(n));

  it.each(names)("%s validates against the workflow schema", (name) => {
    expect(validateWorkflow(read(name)).errors).toEqual([]);
  });

  it("the pulumi-stack action validates against the action schema", () => {
    const source = readFileSync(path.join(root, ".github/actions/pulumi-stack/action.yml"), "utf8");
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
    const node = job.steps.find((s) => s.uses?.startsWith("actions/setup-node@"));
    expect(node?.with?.["node-version-file"]).toBe(".nvmrc");
    const runs = job.steps.map((s) => s.run ?? "");
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
    const run = diff.steps.map((s) => s.run ?? "").join("\n");
    expect(run).toContain('npm run plan:diff -- --base "origin/$BASE_REF" --markdown plan.md');
    expect(diff.steps.some((s) => s.uses?.startsWith("actions/upload-artifact@"))).toBe(true);

    const comment = preview.jobs["comment"]!;
    expect(comment.if).toContain("github.event_name == 'workflow_run'");
    expect(comment.permissions).toEqual({ actions: "read", "pull-requests": "write" });
    expect(comment.steps.some((s) => s.uses?.startsWith("actions/checkout@"))).toBe(false);
    expect(comment.steps.some((s) => s.run !== undefined)).toBe(false);
    const script = String(
      comment.steps.find((s) => s.uses?.startsWith("actions/github-script@"))?.with?.["script"],
    );
    expect(script).toContain(`const marker = "${COMMENT_MARKER}";`);
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
    const run = diff.steps.find((s) => s.run?.includes("npm run plan:diff"))!.run!;
    expect(run).toContain("--fail-on-danger");
    const upload = diff.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
    expect(upload.if).toBe("${{ !cancelled() }}");
  });
});
