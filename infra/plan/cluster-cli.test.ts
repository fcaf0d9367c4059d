import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..", "..");
const tsx = require.resolve("tsx/cli");
const work = mkdtempSync(path.join(tmpdir(), "causeway-cluster-plan-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function plan(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    [tsx, "--conditions=causeway-source", path.join(root, "infra/plan/cli.ts"), ...args],
    { cwd: root, encoding: "utf8", timeout: 90_000 },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("npm run plan -- <stack> --project cluster", { timeout: 120_000 }, () => {
  it("prints the cluster project's plan as text and writes it as JSON, with 0 violations", () => {
    const file = path.join(work, "dev.json");
    const out = plan("dev", "--project", "cluster", "--json", file);
    // stderr carries progress lines only (one per step when not a TTY).
    expect(out.stderr).toMatch(/done: \d+ resources, 0 policy violations/);
    expect(out.stderr).not.toMatch(/error/i);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Previewing causeway-cluster stack "dev"');
    expect(out.stdout).toMatch(/aws:eks\/cluster:Cluster\s+causeway-dev-eks/);
    expect(out.stdout).toContain("0 violations");
    const json = JSON.parse(readFileSync(file, "utf8")) as {
      project: string;
      resources: { type: string }[];
      policy: { violations: unknown[] };
    };
    expect(json.project).toBe("causeway-cluster");
    expect(json.policy.violations).toEqual([]);
    expect(json.resources.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup")).toHaveLength(2);
  });

  it("refuses an unknown project and an unknown cluster stack", () => {
    expect(plan("dev", "--project", "mesh").stderr).toContain(
      'error: --project must be app or cluster (found "mesh")',
    );
    const missing = plan("qa", "--project", "cluster");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Unknown stack "qa": there is no stacks/Pulumi.qa.yaml');
  });
});
