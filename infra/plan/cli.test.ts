import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..", "..");
const tsx = require.resolve("tsx/cli");
const work = mkdtempSync(path.join(tmpdir(), "causeway-plan-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the plan CLI as `npm run plan -- <args>` does. */
function plan(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    [tsx, "--conditions=causeway-source", path.join(root, "infra/plan/cli.ts"), ...args],
    { cwd: root, encoding: "utf8", timeout: 60_000 },
  );
  const lines = result.stderr.split(/(?<=\n)/);
  const isProgress = (l: string) => l.startsWith("plan: [");
  return {
    code: result.status,
    stdout: result.stdout,
    /** stderr less the progress lines. */
    stderr: lines.filter((l) => !isProgress(l)).join(""),
    progress: lines.filter(isProgress).map((l) => l.trimEnd()),
  };
}

// Each case starts the CLI (and two of them a full plan) in a child process: on a busy machine
// that takes longer than the default timeout.
describe("plan CLI", { timeout: 120_000 }, () => {
  it("writes the prod plan JSON, byte-identical across two runs", () => {
    const a = path.join(work, "a.json");
    const b = path.join(work, "b.json");
    const first = plan("prod", "--json", a);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    // Progress per phase on stderr, one line each (stderr is a pipe here); stdout is the plan.
    expect(first.progress).toEqual([
      "plan: [prod] config: reading stacks/Pulumi.prod.yaml",
      "plan: [prod] config: checking",
      "plan: [prod] program: running under the offline plan",
      expect.stringMatching(/^plan: \[prod\] policy: evaluating the policy pack on \d+ resources$/),
      expect.stringMatching(/^plan: \[prod\] done: \d+ resources, 0 policy violations$/),
    ]);
    expect(first.stdout.startsWith('Previewing causeway stack "prod"')).toBe(true);
    expect(first.stdout).toContain('Previewing causeway stack "prod"');
    expect(plan("prod", "--json", b).code).toBe(0);
    const text = readFileSync(a, "utf8");
    expect(readFileSync(b, "utf8")).toBe(text);
    const json = JSON.parse(text) as { project: string; stack: string; resources: unknown[] };
    expect(Object.keys(json)).toEqual(["project", "stack", "resources", "outputs", "policy"]);
    expect(json).toMatchObject({ project: "causeway", stack: "prod" });
    expect(json.resources[0]).toEqual(
      expect.objectContaining({
        urn: expect.any(String),
        type: expect.any(String),
        name: expect.any(String),
        inputs: expect.any(Object),
        dependencies: expect.any(Array),
        protect: expect.any(Boolean),
      }),
    );
  });

  it("rejects invalid config with every problem named, no stack trace and no plan", () => {
    writeFileSync(
      path.join(work, "Pulumi.bad.yaml"),
      readFileSync(path.join(root, "stacks/Pulumi.dev.yaml"), "utf8")
        .replace("causeway:environment: dev", "causeway:environment: qa")
        .replace("causeway:services:", "causeway:servces:"),
    );
    const result = plan("bad", "--stacks", work);
    expect(result.code).toBe(1);
    expect(result.progress.at(-1)).toBe("plan: [bad] config: checking");
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      [
        'error: Invalid Causeway config for stack "bad": 3 problems.',
        '  - causeway:servces: unknown key (did you mean "causeway:services"?); valid keys: causeway:environment, causeway:cluster, causeway:network, causeway:services, causeway:consul, causeway:edge, causeway:broker, causeway:database, causeway:cache, causeway:images, causeway:metrics, causeway:observability',
        '  - causeway:environment: must be one of dev, staging, prod (found "qa")',
        "  - causeway:services: is required: The service graph: name -> { port, replicas, autoscaling, resources, env, secretEnv, upstreams, expose, database, broker, cache, image }. Set it in stacks/Pulumi.<stack>.yaml.",
        "",
      ].join("\n"),
    );
  });

  it("names the known stacks when the stack file is missing", () => {
    const result = plan("qa");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      'error: Unknown stack "qa": there is no stacks/Pulumi.qa.yaml. Known stacks: dev, prod, staging. Create the file (start from Pulumi.dev.yaml) or pick a known stack.\n',
    );
  });

  it("explains its usage when the stack is missing", () => {
    const result = plan();
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "error: expected exactly one stack name\nusage: npm run plan -- <stack> [--json FILE] [--stacks DIR] [--project app|cluster]   (npm start plans the dev stack)\n",
    );
  });
});
