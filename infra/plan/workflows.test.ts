import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  localAction,
  root,
  steps,
  text,
  workflow,
  workflowNames,
  type Job,
  type Step,
} from "./workflow-files";

/**
 * What actionlint and the workflow schema cannot see: the deploy path's order and gates, the
 * reviewed plan, the per-environment roles, the drift check's coverage, and supply-chain pins.
 */

interface InputSpec {
  required?: boolean;
  default?: unknown;
}

const action = parse(text(`${localAction}/action.yml`)) as {
  inputs: Record<string, InputSpec>;
  outputs: Record<string, unknown>;
  runs: { steps: Step[] };
};
/** Every YAML file under .github that can hold `uses:`. */
const ymlFiles = [
  ...workflowNames.map((n) => `.github/workflows/${n}`),
  `${localAction}/action.yml`,
];
const needsOf = (job: Job) => (job.needs === undefined ? [] : [job.needs].flat());
const envName = (job: Job) =>
  typeof job.environment === "string" ? job.environment : job.environment?.name;

/** The stacks of both projects, from their stack files (never a hard-coded list). */
function stacksIn(dir: string): string[] {
  return readdirSync(path.join(root, dir))
    .map((n) => /^Pulumi\.([\w-]+)\.yaml$/.exec(n)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}
const allStacks = [
  ...stacksIn("infra/cluster/stacks").map((environment) => ({ project: "cluster", environment })),
  ...stacksIn("stacks").map((environment) => ({ project: "app", environment })),
];
const key = (s: { project: unknown; environment: unknown }) => `${s.project}/${s.environment}`;

// -- Pins ----------------------------------------------------------------------------------------

/** Every `uses:` value in a parsed YAML document (steps and reusable-workflow jobs). */
function usesIn(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(usesIn);
  if (node === null || typeof node !== "object") return [];
  return Object.entries(node).flatMap(([k, v]) =>
    k === "uses" && typeof v === "string" ? [v] : usesIn(v),
  );
}

/** Why a file's third-party `uses:` are not pinned: by a full commit SHA, with a `# vX.Y.Z` comment. */
function pinProblems(source: string): string[] {
  const problems: string[] = [];
  for (const ref of usesIn(parse(source))) {
    if (ref.startsWith("./")) continue; // this repository's own action or workflow
    if (!/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(ref)) {
      problems.push(`${ref}: not pinned by a 40-hex commit SHA`);
      continue;
    }
    const line = new RegExp(
      `uses: ${ref.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} # v\\d+\\.\\d+\\.\\d+\\s*$`,
      "m",
    );
    if (!line.test(source)) problems.push(`${ref}: no "# vX.Y.Z" comment naming the version`);
  }
  return problems;
}

/**
 * The inputs of each pinned action, read from its action.yml at that commit (the tag in the
 * comment): a `with:` key the action does not declare is ignored by the runner with only a
 * warning, so a typo (`role-to-asume`) would silently drop a setting. actionlint knows popular
 * actions' inputs only by tag (actions/checkout@v4), not by SHA. Bumping a pin fails here until
 * this table is read again from the new commit.
 */
const PINNED_INPUTS: Record<string, { sha: string; inputs: readonly string[] }> = {
  // https://github.com/actions/checkout/blob/v7.0.1/action.yml
  "actions/checkout": {
    sha: "3d3c42e5aac5ba805825da76410c181273ba90b1",
    inputs: [
      "repository",
      "ref",
      "token",
      "ssh-key",
      "ssh-known-hosts",
      "ssh-strict",
      "ssh-user",
      "persist-credentials",
      "path",
      "clean",
      "filter",
      "sparse-checkout",
      "sparse-checkout-cone-mode",
      "fetch-depth",
      "fetch-tags",
      "show-progress",
      "lfs",
      "submodules",
      "set-safe-directory",
      "github-server-url",
      "allow-unsafe-pr-checkout",
    ],
  },
  // https://github.com/actions/setup-node/blob/v7.0.0/action.yml
  "actions/setup-node": {
    sha: "820762786026740c76f36085b0efc47a31fe5020",
    inputs: [
      "node-version",
      "node-version-file",
      "architecture",
      "check-latest",
      "registry-url",
      "scope",
      "token",
      "cache",
      "package-manager-cache",
      "cache-dependency-path",
      "mirror",
      "mirror-token",
    ],
  },
  // https://github.com/actions/upload-artifact/blob/v7.0.0/action.yml
  "actions/upload-artifact": {
    sha: "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f",
    inputs: [
      "name",
      "path",
      "if-no-files-found",
      "retention-days",
      "compression-level",
      "overwrite",
      "include-hidden-files",
      "archive",
    ],
  },
  // https://github.com/actions/download-artifact/blob/v8.0.1/action.yml
  "actions/download-artifact": {
    sha: "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c",
    inputs: [
      "name",
      "artifact-ids",
      "path",
      "pattern",
      "merge-multiple",
      "github-token",
      "repository",
      "run-id",
      "skip-decompress",
      "digest-mismatch",
    ],
  },
  // https://github.com/actions/github-script/blob/v8.0.0/action.yml
  "actions/github-script": {
    sha: "ed597411d8f924073f98dfc5c65a23a2325f34cd",
    inputs: [
      "script",
      "github-token",
      "debug",
      "user-agent",
      "previews",
      "result-encoding",
      "retries",
      "retry-exempt-status-codes",
      "base-url",
    ],
  },
  // https://github.com/aws-actions/configure-aws-credentials/blob/v6.2.3/action.yml
  "aws-actions/configure-aws-credentials": {
    sha: "e6de054238d6b7531b4efff3b6587d9aade6a06c",
    inputs: [
      "aws-region",
      "aws-profile",
      "overwrite-aws-profile",
      "role-to-assume",
      "aws-access-key-id",
      "aws-secret-access-key",
      "aws-session-token",
      "web-identity-token-file",
      "role-chaining",
      "audience",
      "http-proxy",
      "no-proxy",
      "mask-aws-account-id",
      "role-duration-seconds",
      "role-external-id",
      "role-session-name",
      "role-skip-session-tagging",
      "transitive-tag-keys",
      "inline-session-policy",
      "managed-session-policies",
      "output-credentials",
      "output-env-credentials",
      "unset-current-credentials",
      "disable-retry",
      "retry-max-attempts",
      "special-characters-workaround",
      "use-existing-credentials",
      "allowed-account-ids",
      "force-skip-oidc",
      "action-timeout-s",
      "custom-tags",
      "sts-endpoint",
    ],
  },
  // https://github.com/pulumi/actions/blob/v7.0.0/action.yml
  "pulumi/actions": {
    sha: "8e5e406f4007fca908480587cb9893c07090f58d",
    inputs: [
      "command",
      "stack-name",
      "pulumi-version",
      "pulumi-version-file",
      "work-dir",
      "comment-on-pr",
      "comment-on-pr-number",
      "comment-on-summary",
      "github-token",
      "cloud-url",
      "secrets-provider",
      "parallel",
      "message",
      "config-map",
      "expect-no-changes",
      "diff",
      "replace",
      "exclude",
      "exclude-dependents",
      "target",
      "target-dependents",
      "policyPacks",
      "policyPackConfigs",
      "refresh",
      "upsert",
      "remove",
      "edit-pr-comment",
      "color",
      "exclude-protected",
      "plan",
      "suppress-outputs",
      "suppress-progress",
      "always-include-summary",
      "continue-on-error",
      "log-verbosity",
      "log-flow",
      "debug",
    ],
  },
};

/** Every step of every job of every file (the local action's steps included). */
function allSteps(): { file: string; step: Step }[] {
  const out: { file: string; step: Step }[] = [];
  for (const name of workflowNames) {
    for (const job of Object.values(workflow(name).jobs)) {
      for (const step of steps(job)) out.push({ file: name, step });
    }
  }
  for (const step of action.runs.steps) out.push({ file: `${localAction}/action.yml`, step });
  return out;
}

describe("supply chain: pinned actions and CLI", () => {
  it.each(ymlFiles)("%s pins every third-party action by commit SHA with its version", (file) => {
    const source = text(file);
    expect(usesIn(parse(source)).length).toBeGreaterThan(0);
    expect(pinProblems(source)).toEqual([]);
  });

  it("the pin check refuses a tag, a branch, a short SHA and a SHA without its version comment", () => {
    const src = [
      "steps:",
      "  - uses: actions/checkout@v4",
      "  - uses: actions/setup-node@main",
      "  - uses: actions/upload-artifact@bbbca2d",
      "  - uses: actions/github-script@ed597411d8f924073f98dfc5c65a23a2325f34cd",
      "  - uses: ./.github/actions/pulumi-stack",
    ].join("\n");
    expect(pinProblems(src)).toEqual([
      "actions/checkout@v4: not pinned by a 40-hex commit SHA",
      "actions/setup-node@main: not pinned by a 40-hex commit SHA",
      "actions/upload-artifact@bbbca2d: not pinned by a 40-hex commit SHA",
      'actions/github-script@ed597411d8f924073f98dfc5c65a23a2325f34cd: no "# vX.Y.Z" comment naming the version',
    ]);
  });

  it("each action has one pin across all files, and its inputs are the ones it declares at that commit", () => {
    const seen = new Map<string, Set<string>>();
    for (const { file, step } of allSteps()) {
      if (step.uses === undefined || step.uses.startsWith("./")) continue;
      const [name, sha] = step.uses.split("@") as [string, string];
      seen.set(name, (seen.get(name) ?? new Set()).add(sha));
      const known = PINNED_INPUTS[name];
      expect(known, `${file}: ${name} has no entry in PINNED_INPUTS`).toBeDefined();
      expect(sha, `${file}: ${name} pin moved; re-read its action.yml`).toBe(known!.sha);
      const unknown = Object.keys(step.with ?? {}).filter((k) => !known!.inputs.includes(k));
      expect(unknown, `${file}: ${name}`).toEqual([]);
    }
    for (const [name, shas] of seen) expect([...shas], name).toHaveLength(1);
  });

  it("the Pulumi CLI is pinned in .pulumi-version, every install reads it, and it is not older than the SDK", () => {
    const version = text(".pulumi-version").trim();
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    const installs = allSteps().filter((s) => s.step.uses?.startsWith("pulumi/actions@"));
    expect(installs.length).toBeGreaterThan(0);
    for (const { file, step } of installs) {
      expect(step.with?.["pulumi-version-file"], file).toBe(".pulumi-version");
      expect(step.with?.["pulumi-version"], file).toBeUndefined();
    }
    // The CLI runs the program's @pulumi/pulumi: an engine older than the SDK may not speak its
    // protocol (they are released together, same version number).
    const sdk = (
      JSON.parse(text("node_modules/@pulumi/pulumi/package.json")) as { version: string }
    ).version;
    const num = (v: string) => v.split(".").map(Number) as [number, number, number];
    const [cli, lib] = [num(version), num(sdk)];
    expect(cli[0]).toBe(lib[0]);
    expect(
      cli[1] * 1e6 + cli[2],
      `.pulumi-version ${version} < @pulumi/pulumi ${sdk}`,
    ).toBeGreaterThanOrEqual(lib[1] * 1e6 + lib[2]);
  });
});

// -- The local action and the reusable workflow: inputs actionlint cannot read -------------------

/** Problems of a `with:` block against declared inputs: unknown keys, missing required ones. */
function inputProblems(
  given: Record<string, unknown>,
  declared: Record<string, InputSpec>,
): string[] {
  const unknown = Object.keys(given)
    .filter((k) => !(k in declared))
    .map((k) => `unknown input ${k}`);
  const missing = Object.entries(declared)
    .filter(([k, spec]) => spec.required === true && spec.default === undefined && !(k in given))
    .map(([k]) => `missing required input ${k}`);
  return [...unknown, ...missing];
}

describe("local action and reusable workflow inputs", () => {
  it("every use of the pulumi-stack action passes its declared inputs, the role from the job's environment", () => {
    const uses = allSteps().filter((s) => s.step.uses === `./${localAction}`);
    expect(uses.map((u) => u.file).sort()).toEqual([
      "deploy-stack.yml",
      "deploy-stack.yml",
      "drift.yml",
      "preview.yml",
    ]);
    for (const { file, step } of uses) {
      expect(inputProblems(step.with ?? {}, action.inputs), file).toEqual([]);
      // An environment-scoped variable: each GitHub environment holds its own role.
      expect(step.with?.["role-to-assume"], file).toBe("${{ vars.AWS_ROLE_ARN }}");
      expect(step.with?.["backend-url"], file).toBe("${{ vars.PULUMI_BACKEND_URL }}");
    }
    expect(inputProblems({ project: "app", environmnt: "dev" }, action.inputs)).toEqual([
      "unknown input environmnt",
      "missing required input environment",
      "missing required input role-to-assume",
      "missing required input aws-region",
    ]);
  });

  it("every call of deploy-stack.yml passes its declared inputs", () => {
    const callee = workflow("deploy-stack.yml").on["workflow_call"] as {
      inputs: Record<string, InputSpec>;
    };
    const calls = Object.entries(workflow("deploy.yml").jobs);
    expect(calls.length).toBeGreaterThan(0);
    for (const [name, job] of calls) {
      expect(job.uses, name).toBe("./.github/workflows/deploy-stack.yml");
      expect(inputProblems(job.with ?? {}, callee.inputs), name).toEqual([]);
      expect(job.secrets, name).toBe("inherit");
    }
  });

  it("jobs that hold credentials install without the npm cache (setup-node: cache poisoning)", () => {
    const node = action.runs.steps.find((s) => s.uses?.startsWith("actions/setup-node@"))!;
    expect(node.with).toMatchObject({
      "node-version-file": ".nvmrc",
      "package-manager-cache": false,
    });
    expect(node.with?.["cache"]).toBeUndefined();
  });
});

// -- Deploy --------------------------------------------------------------------------------------

describe("deploy: cluster before app, each stack previewed, approved, then applied from its plan", () => {
  const deploy = workflow("deploy.yml");
  const stack = workflow("deploy-stack.yml");

  /** Every job `name` waits for, directly or not. */
  const upstream = (name: string, seen = new Set<string>()): Set<string> => {
    for (const n of needsOf(deploy.jobs[name]!)) {
      if (!seen.has(n)) {
        seen.add(n);
        upstream(n, seen);
      }
    }
    return seen;
  };

  it("deploys every stack of both projects: per environment the cluster, then the app; dev, staging, prod", () => {
    const jobs = Object.entries(deploy.jobs).map(([name, job]) => ({
      name,
      project: job.with?.["project"],
      environment: job.with?.["environment"],
    }));
    expect(jobs.map(key).sort()).toEqual(allStacks.map(key).sort());
    const order = ["dev", "staging", "prod"].flatMap((env) =>
      ["cluster", "app"].map(
        (project) => jobs.find((j) => j.project === project && j.environment === env)!.name,
      ),
    );
    expect(order).toEqual([
      "cluster-dev",
      "app-dev",
      "cluster-staging",
      "app-staging",
      "cluster-prod",
      "app-prod",
    ]);
    // Each job waits for every job before it in that order, and for none after it.
    order.forEach((name, i) => {
      expect([...upstream(name)].sort(), name).toEqual(order.slice(0, i).sort());
    });
  });

  it("deploys main only, one run at a time, never cancelled half-way", () => {
    expect(deploy.on).toMatchObject({ push: { branches: ["main"] } });
    expect(deploy.concurrency).toEqual({ group: "deploy", "cancel-in-progress": false });
    for (const [name, job] of Object.entries(deploy.jobs)) {
      expect(job.if, name).toBe("github.ref == 'refs/heads/main'");
    }
  });

  it("the preview job saves the plan and shows it; the gated up job applies that plan file", () => {
    const { preview, up } = stack.jobs as { preview: Job; up: Job };
    expect(envName(preview)).toBe("${{ inputs.environment }}-preview");
    expect(envName(up)).toBe("${{ inputs.environment }}");
    expect(needsOf(up)).toEqual(["preview"]);

    const runs = (job: Job) => steps(job).map((s) => s.run ?? "");
    const previewAt = runs(preview).findIndex((r) => /pulumi preview /.test(r));
    const previewRun = runs(preview)[previewAt]!;
    expect(previewRun).toContain('--save-plan "$RUNNER_TEMP/plan/plan.json"');
    expect(previewRun).toContain(
      '--policy-pack "$GITHUB_WORKSPACE/infra/policies" --policy-pack-config "$POLICY_CONFIG"',
    );
    expect(previewRun).toContain('tee "$RUNNER_TEMP/plan/preview.txt"');
    const summary = steps(preview).find((s) => s.run?.includes("$GITHUB_STEP_SUMMARY"))!;
    expect(summary.run).toContain('"$RUNNER_TEMP/plan/preview.txt"');
    expect(summary.if).toBe("${{ !cancelled() }}");
    const upload = steps(preview).find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
    expect(steps(preview).indexOf(upload)).toBeGreaterThan(previewAt);
    expect(upload.with?.["path"]).toContain("${{ runner.temp }}/plan/plan.json");

    const download = steps(up).findIndex((s) => s.uses?.startsWith("actions/download-artifact@"));
    expect(steps(up)[download]!.with).toEqual({
      name: upload.with?.["name"],
      path: "${{ runner.temp }}/plan",
    });
    const upAt = runs(up).findIndex((r) => /pulumi up /.test(r));
    expect(upAt).toBeGreaterThan(download);
    expect(runs(up)[upAt]).toContain('--plan "$RUNNER_TEMP/plan/plan.json"');
    expect(runs(up)[upAt]).toContain("--yes");
    // No other way to change the stack in the gated job.
    expect(runs(up).filter((r) => /pulumi (up|update|destroy|refresh)\b/.test(r))).toHaveLength(1);
  });

  it("each job takes its environment's own OIDC role, and only jobs in an environment get an OIDC token", () => {
    for (const name of workflowNames) {
      for (const [jobName, job] of Object.entries(workflow(name).jobs)) {
        if (job.permissions?.["id-token"] !== "write") continue;
        expect(envName(job), `${name} ${jobName}`).toMatch(
          /^\$\{\{ (inputs|matrix)\.environment \}\}(-preview)?$/,
        );
        const setup = steps(job).find((s) => s.uses === `./${localAction}`);
        expect(setup, `${name} ${jobName}`).toBeDefined();
      }
    }
    // Workflow-level id-token only where every job is a call of deploy-stack.yml (whose jobs
    // each name their environment).
    expect(deploy.permissions).toEqual({ contents: "read", "id-token": "write" });
    for (const name of workflowNames.filter((n) => n !== "deploy.yml")) {
      expect(workflow(name).permissions?.["id-token"], name).toBeUndefined();
    }
  });

  it("promotes: the dev app returns its digests, the staging and prod apps pin them before preview and up", () => {
    expect(deploy.jobs["app-dev"]!.with?.["export-image-refs"]).toBe(true);
    for (const name of ["app-staging", "app-prod"]) {
      expect(deploy.jobs[name]!.with?.["image-refs"], name).toBe(
        "${{ needs.app-dev.outputs.image-refs }}",
      );
      expect(needsOf(deploy.jobs[name]!), name).toContain("app-dev");
    }
    const { preview, up } = stack.jobs as { preview: Job; up: Job };
    const pins = [preview, up].map((job) => {
      const at = steps(job).findIndex((s) => s.env?.["IMAGE_REFS"] !== undefined);
      const run = steps(job).findIndex((s) => /pulumi (preview|up) /.test(s.run ?? ""));
      expect(at).toBeGreaterThan(-1);
      expect(at).toBeLessThan(run);
      return steps(job)[at]!;
    });
    // The plan records the config it was made with: both jobs pin identically.
    expect(pins[0]).toEqual(pins[1]);
    expect(pins[0]!.run).toContain(
      'pulumi config set --path "causeway:services.$name.image" "$ref"',
    );
    const exportStep = steps(up).find((s) => s.id === "images")!;
    expect(steps(up).indexOf(exportStep)).toBeGreaterThan(
      steps(up).findIndex((s) => /pulumi up /.test(s.run ?? "")),
    );
    expect(exportStep.run).toContain("@sha256:[0-9a-f]{64}$");
    expect(up.outputs).toEqual({ "image-refs": "${{ steps.images.outputs.refs }}" });
  });
});

// -- Stack name and backend ----------------------------------------------------------------------

describe("the pulumi-stack action's login and stack name", () => {
  const script = action.runs.steps.find((s) => s.id === "stack")!.run!;

  /** Runs the action's own login script with a fake `pulumi` that records its arguments. */
  function resolve(env: Record<string, string>): { stack: string; dir: string; calls: string } {
    const dir = execFileSync("mktemp", ["-d"], { encoding: "utf8" }).trim();
    const fake = `#!/bin/sh\necho "$@" >> "${dir}/calls"\n`;
    execFileSync("sh", [
      "-c",
      `printf '%s' "$0" > "${dir}/pulumi" && chmod +x "${dir}/pulumi"`,
      fake,
    ]);
    execFileSync("bash", ["-e", "-c", script], {
      env: { PATH: `${dir}:${process.env["PATH"]}`, GITHUB_OUTPUT: `${dir}/out`, ...env },
    });
    const out = Object.fromEntries(
      readFileSync(`${dir}/out`, "utf8")
        .trim()
        .split("\n")
        .map((l) => l.split("=") as [string, string]),
    );
    const calls = readFileSync(`${dir}/calls`, "utf8");
    execFileSync("rm", ["-rf", dir]);
    return { stack: out["stack"]!, dir: out["work-dir"]!, calls };
  }

  it("self-managed backend: logs in to PULUMI_BACKEND_URL, stacks are organization/<project>/<env>", () => {
    const r = resolve({
      PROJECT: "cluster",
      ENVIRONMENT: "staging",
      BACKEND_URL: "s3://state?region=eu-west-1",
      PULUMI_ORG: "",
    });
    expect(r).toEqual({
      stack: "organization/causeway-cluster/staging",
      dir: "infra/cluster",
      calls:
        "login s3://state?region=eu-west-1\nstack select organization/causeway-cluster/staging --cwd infra/cluster\n",
    });
  });

  it("Pulumi Cloud: logs in with the token, stacks are <PULUMI_ORG>/<project>/<env>", () => {
    const r = resolve({ PROJECT: "app", ENVIRONMENT: "prod", BACKEND_URL: "", PULUMI_ORG: "acme" });
    expect(r).toEqual({
      stack: "acme/causeway/prod",
      dir: ".",
      calls: "login\nstack select acme/causeway/prod --cwd .\n",
    });
  });

  it("refuses a job with no role or no backend, saying which setting to add", () => {
    const check = action.runs.steps.find((s) => s.name === "Check the inputs")!.run!;
    const run = (env: Record<string, string>) => {
      try {
        execFileSync("bash", ["-e", "-c", check], {
          env: { PATH: process.env["PATH"], ...env },
          encoding: "utf8",
        });
        return "ok";
      } catch (error) {
        return String((error as { stdout: string }).stdout).trim();
      }
    };
    const good = { PROJECT: "app", ENVIRONMENT: "dev", ROLE: "arn:aws:iam::1:role/r" };
    expect(run({ ...good, BACKEND_URL: "s3://state" })).toBe("ok");
    expect(run({ ...good, PULUMI_ORG: "acme", PULUMI_ACCESS_TOKEN: "t" })).toBe("ok");
    expect(run({ ...good, ROLE: "", BACKEND_URL: "s3://state" })).toBe(
      "::error::No AWS role for dev: set the AWS_ROLE_ARN variable of this job's GitHub environment (README, Deploying for real).",
    );
    expect(run({ ...good, PULUMI_ACCESS_TOKEN: "t" })).toBe(
      "::error::Pulumi Cloud needs the PULUMI_ORG variable (or set PULUMI_BACKEND_URL for a self-managed backend).",
    );
    expect(run({ ...good, PULUMI_ORG: "acme" })).toBe(
      "::error::Pulumi Cloud needs the PULUMI_ACCESS_TOKEN secret (or set PULUMI_BACKEND_URL for a self-managed backend).",
    );
    expect(run({ ...good, ENVIRONMENT: "qa", BACKEND_URL: "s3://state" })).toBe(
      "::error::environment must be dev, staging or prod, got 'qa'",
    );
  });

  it("the project names match the projects' Pulumi.yaml", () => {
    expect((parse(text("Pulumi.yaml")) as { name: string }).name).toBe("causeway");
    expect((parse(text("infra/cluster/Pulumi.yaml")) as { name: string }).name).toBe(
      "causeway-cluster",
    );
  });
});

// -- Drift and PR preview coverage ---------------------------------------------------------------

describe("drift check", () => {
  const drift = workflow("drift.yml");
  const job = drift.jobs["check"]!;
  const check = steps(job).find((s) => s.id === "drift")!;

  it("runs on a schedule over every stack file of both projects, with the read-only preview role", () => {
    expect(drift.on["schedule"]).toEqual([
      { cron: expect.stringMatching(/^\S+ \S+ \S+ \S+ \S+$/) },
    ]);
    const include = (job.strategy?.matrix?.["include"] ?? []) as {
      project: string;
      environment: string;
    }[];
    expect(include.map(key).sort()).toEqual(allStacks.map(key).sort());
    expect(envName(job)).toBe("${{ matrix.environment }}-preview");
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write", issues: "write" });
    expect(check.run).toContain("pulumi preview --refresh --expect-no-changes");
  });

  it("tells drift from a failure by the CLI's own --expect-no-changes message", () => {
    const pattern = /grep -Eq '([^']+)'/.exec(check.run!)![1]!;
    const re = new RegExp(pattern);
    // Both forms the CLI prints (pulumi/pulumi pkg/cmd/pulumi preview.go; sdk NoChangesExpectedError).
    expect(re.test("error: no changes were expected but changes were proposed")).toBe(true);
    expect(re.test("no changes were expected for preview but changes were proposed")).toBe(true);
    expect(re.test("error: failed to load checkpoint: AccessDenied")).toBe(false);
  });

  it("keeps one issue per stack: found by fixed title and label, updated or created on drift, closed when clean", () => {
    const report = steps(job).find((s) => s.uses?.startsWith("actions/github-script@"))!;
    expect(report.env?.["TITLE"]).toBe("Drift: ${{ matrix.project }}/${{ matrix.environment }}");
    const script = String(report.with?.["script"]);
    expect(script).toContain('state: "open", labels: label');
    expect(script).toContain("i.title === TITLE");
    for (const call of [
      "issues.create(",
      "issues.update({ owner, repo, issue_number: issue.number, body })",
      'state: "closed"',
      "createComment",
    ]) {
      expect(script).toContain(call);
    }
  });
});

describe("pull request preview", () => {
  it("previews every stack of both projects, each with its environment's read-only role", () => {
    const job = workflow("preview.yml").jobs["pulumi-preview"]!;
    const matrix = job.strategy!.matrix as { project: string[]; environment: string[] };
    const combos = matrix.project.flatMap((project) =>
      matrix.environment.map((environment) => ({ project, environment })),
    );
    expect(combos.map(key).sort()).toEqual(allStacks.map(key).sort());
    expect(envName(job)).toBe("${{ matrix.environment }}-preview");
    const pulumi = steps(job).find((s) => s.uses?.startsWith("pulumi/actions@"))!;
    expect(pulumi.with).toMatchObject({
      command: "preview",
      "stack-name": "${{ steps.stack.outputs.stack }}",
      "work-dir": "${{ steps.stack.outputs.work-dir }}",
      policyPacks: "${{ github.workspace }}/infra/policies",
      policyPackConfigs: "${{ steps.stack.outputs.policy-config }}",
      "cloud-url": "${{ vars.PULUMI_BACKEND_URL }}",
      "comment-on-pr": true,
    });
  });
});
