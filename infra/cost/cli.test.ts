import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatUsd, type CostEstimate } from "./estimate";

const root = path.resolve(__dirname, "..", "..");
const work = mkdtempSync(path.join(tmpdir(), "causeway-costtest-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function cost(...args: string[]) {
  const r = spawnSync(
    process.execPath,
    [require.resolve("tsx/cli"), "--conditions=causeway-source", "infra/cost/cli.ts", ...args],
    { cwd: root, encoding: "utf8", timeout: 120_000 },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The README's "Cost estimate" table row of a stack: [app, cluster, together]. */
function readmeRow(stack: string): string[] {
  const readme = readFileSync(path.join(root, "README.md"), "utf8");
  const row = readme.split("\n").find((l) => new RegExp(`^\\| ${stack} +\\| \\$`).test(l));
  return (row ?? "")
    .split("|")
    .slice(2, 5)
    .map((c) => c.trim());
}

/** `$1,234.56` -> 123456. */
const cents = (s: string) => Number(s.replace(/[$,.]/g, ""));

describe("npm run cost", { timeout: 120_000 }, () => {
  it("prints prod's cost per component and a total that is their sum", () => {
    const json = path.join(work, "prod.json");
    const r = cost("prod", "--json", json);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const e = JSON.parse(readFileSync(json, "utf8")) as CostEstimate;
    expect(e.region).toBe("eu-west-1");
    // The data plane is what prod's app stack pays for: the Multi-AZ database and the broker.
    const components = e.components.map((c) => c.component);
    expect(components).toEqual(
      expect.arrayContaining([
        "causeway:index:Database database",
        "causeway:index:MessageBroker broker",
        "causeway:index:PublicLoadBalancer edge",
      ]),
    );
    const total = /^Total +(\$[\d,]+\.\d\d)$/m.exec(r.stdout)?.[1];
    expect(total).toBeDefined();
    expect(cents(total!)).toBe(e.totalCents);
    expect(e.totalCents).toBeGreaterThan(0);
    const printed = e.components.map((c) => {
      const line = r.stdout.split("\n").find((l) => l.startsWith(`${c.component} `));
      return cents(/(\$[\d,]+\.\d\d)$/.exec(line ?? "")![1]!);
    });
    expect(printed.reduce((a, b) => a + b, 0)).toBe(cents(total!));
    expect(r.stdout).toContain("730 hours a month");
    // The README's table shows this total: rerun npm run cost and update it when this fails.
    expect(readmeRow("prod")[0]).toBe(formatUsd(e.totalCents));
    expect(r.stdout).toMatch(
      /RDS db\.m7g\.large: \$[\d.]+ per hour \[UNVERIFIED, read \d{4}-\d{2}-\d{2}\] https:/,
    );
  });

  it("prices the cluster project's prod stack: EKS, nodes, NAT per AZ and endpoints", () => {
    const json = path.join(work, "cluster.json");
    const r = cost("prod", "--project", "cluster", "--json", json);
    expect(r.code).toBe(0);
    const e = JSON.parse(readFileSync(json, "utf8")) as CostEstimate;
    const types = (t: string) => e.lines.filter((l) => l.type === t).length;
    expect(types("aws:eks/cluster:Cluster")).toBe(1);
    expect(types("aws:ec2/natGateway:NatGateway")).toBe(6); // 3 gateways: hours and data
    expect(types("aws:eks/nodeGroup:NodeGroup")).toBe(6); // 3 groups: instances and volumes
    expect(e.notPriced).toEqual([]);
    const [app, cluster, together] = readmeRow("prod");
    expect(cluster).toBe(formatUsd(e.totalCents));
    expect(together).toBe(formatUsd(cents(app!) + e.totalCents));
  });

  it("names the problem with a bad project or an unknown stack", () => {
    expect(cost("prod", "--project", "db")).toMatchObject({
      code: 1,
      stderr:
        'error: --project must be app or cluster (found "db")\nusage: npm run cost -- <stack> [--project app|cluster] [--stacks DIR] [--json FILE]\n',
    });
    const r = cost("qa");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error: the offline plan of stack "qa" failed:\n.*Unknown stack "qa"/,
    );
  });
});
