import { validateWorkflow } from "@action-validator/core";
import { COMMENT_MARKER } from "@causeway/plan";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/**
 * The GitHub workflows, validated against SchemaStore's github-workflow.json (through
 * @action-validator/core), then checked for what the schema cannot see: the trust boundary of
 * the preview comment, the deploy approvals and the CI services.
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
  it.each(["ci.yml", "preview.yml", "deploy.yml"])(
    "%s validates against the workflow schema",
    (name) => {
      expect(validateWorkflow(read(name)).errors).toEqual([]);
    },
  );

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
    const pulumi = real.steps.find((s) => s.uses?.startsWith("pulumi/actions@"));
    expect(pulumi?.with).toMatchObject({
      command: "preview",
      policyPacks: "infra/policies",
      "comment-on-pr": true,
    });
  });

  it("deploy runs pulumi up on dev for main, then staging and prod behind environments", () => {
    const deploy = workflow("deploy.yml");
    expect(deploy.on).toMatchObject({ push: { branches: ["main"] } });
    expect(
      Object.entries(deploy.jobs).map(([k, j]) => [k, j.environment, j.needs ?? null]),
    ).toEqual([
      ["dev", "dev", null],
      ["staging", "staging", "dev"],
      ["prod", "prod", ["dev", "staging"]],
    ]);
    for (const job of Object.values(deploy.jobs)) {
      // workflow_dispatch can be run from any branch: only main's code may be deployed.
      expect(job.if).toBe("github.ref == 'refs/heads/main'");
      const pulumi = job.steps.filter(
        (s) => s.uses?.startsWith("pulumi/actions@") && s.with?.["command"] !== undefined,
      );
      expect(pulumi.map((s) => s.with)).toEqual([
        expect.objectContaining({ command: "up", policyPacks: "infra/policies" }),
      ]);
    }
  });

  it("deploy promotes: dev exports the digests it deployed, staging and prod pin exactly those before up", () => {
    const deploy = workflow("deploy.yml");
    const dev = deploy.jobs["dev"]! as Job & { outputs?: Record<string, string> };
    expect(dev.outputs).toEqual({ "image-refs": "${{ steps.images.outputs.refs }}" });
    const read = dev.steps.find((s) => s.run?.includes("pulumi stack output imageRefs"));
    expect(read).toBeDefined();
    // Read after dev's up, and refused unless every image is pinned by digest.
    const upAt = dev.steps.findIndex((s) => s.with?.["command"] === "up");
    expect(dev.steps.indexOf(read!)).toBeGreaterThan(upAt);
    expect(read!.run).toContain("@sha256:[0-9a-f]{64}$");
    for (const name of ["staging", "prod"]) {
      const job = deploy.jobs[name]!;
      const pin = job.steps.findIndex((s) => s.env?.["IMAGE_REFS"] !== undefined);
      const up = job.steps.findIndex((s) => s.with?.["command"] === "up");
      expect(pin, name).toBeGreaterThan(-1);
      expect(pin, name).toBeLessThan(up);
      expect(job.steps[pin]!.env!["IMAGE_REFS"]).toBe("${{ needs.dev.outputs.image-refs }}");
      expect(job.steps[pin]!.run).toContain(
        'pulumi config set --path "causeway:services.$name.image" "$ref"',
      );
    }
  });

  it("preview fails the check on a change that would fail the deploy, and still uploads the comment", () => {
    const diff = workflow("preview.yml").jobs["plan-diff"]!;
    const run = diff.steps.find((s) => s.run?.includes("npm run plan:diff"))!.run!;
    expect(run).toContain("--fail-on-danger");
    const upload = diff.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
    expect(upload.if).toBe("${{ !cancelled() }}");
  });
});
