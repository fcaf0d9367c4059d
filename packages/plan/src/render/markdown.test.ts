import { describe, expect, it } from "vitest";
import { plan, res } from "../../test/fixtures";
import { diffExitCode, diffPlans, failedStackDiff, type StackDiff } from "../diff/diff";
import { renderDiffText } from "./diff-text";
import { COMMENT_MARKER, GITHUB_COMMENT_LIMIT, renderMarkdown, summaryLine } from "./markdown";

const BROKER = "aws:mq/broker:Broker";
const rules: NonNullable<Parameters<typeof diffPlans>[2]> = [
  { type: BROKER, property: "deploymentMode", source: "https://example.test/mq" },
];

function sampleDiff(): StackDiff {
  const base = plan([
    res(BROKER, "broker", { deploymentMode: "SINGLE_INSTANCE", password: "[secret]" }),
    res("kubernetes:apps/v1:Deployment", "orders", { spec: { replicas: 1 } }),
    res("kubernetes:core/v1:ConfigMap", "old-cm", { data: { a: "`x` <b>" } }),
  ]);
  const head = {
    ...plan([
      res(BROKER, "broker", { deploymentMode: "CLUSTER_MULTI_AZ", password: "[secret]" }),
      res("kubernetes:apps/v1:Deployment", "orders", { spec: { replicas: 3 } }),
      res("kubernetes:core/v1:Service", "orders", { spec: { type: "ClusterIP" } }),
    ]),
    policy: {
      rules: 31,
      violations: [
        {
          policy: "k8s-no-latest-tag",
          enforcementLevel: "mandatory" as const,
          urn: "urn:pulumi:dev::causeway::x::y",
          message: "image uses the latest tag",
        },
      ],
    },
  };
  return diffPlans(base, head, rules);
}

describe("renderMarkdown", () => {
  it("renders the marker, a section per stack with summary, danger first, details, policy", () => {
    const d = sampleDiff();
    expect(summaryLine(d)).toBe("+1 ~1 -1 ±1");
    const md = renderMarkdown([d, { ...d, stack: "prod" }], {
      base: "origin/main",
      baseCommit: "0123456789abcdef",
      headCommit: "fedcba9876543210",
    });
    expect(md.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
    const dev = md.indexOf("### Stack `dev`: +1 ~1 -1 ±1");
    const danger = md.indexOf("**Danger (1)**", dev);
    const details = md.indexOf("<details><summary>Details (5)</summary>", dev);
    const policy = md.indexOf("**Policy:** 31 rules, 1 violation (1 mandatory)", dev);
    const prod = md.indexOf("### Stack `prod`: +1 ~1 -1 ±1");
    expect([dev, danger, details, policy, prod].every((i) => i >= 0)).toBe(true);
    expect(dev < danger && danger < details && details < policy && policy < prod).toBe(true);
    expect(md).not.toContain("not shown");
    expect(md).toMatchSnapshot();
  });

  it("says so when a stack has no changes and when it is new", () => {
    const empty = diffPlans(plan([]), plan([]), rules);
    const fresh = diffPlans(null, plan([res(BROKER, "b", {})], "staging"), rules);
    const md = renderMarkdown([empty, fresh], { base: "main" });
    expect(md).toContain("### Stack `dev`: +0 ~0 -0 ±0\n\nNo changes.");
    expect(md).toContain("_New stack: nothing exists at the base revision._");
    expect(md).toContain("**Policy:** not evaluated");
  });

  it("stays under GitHub's limit when the diff overflows, keeping every summary and danger flag", () => {
    const stacks = ["dev", "staging", "prod"];
    const big = stacks.map((stack) => {
      const n = 1500;
      const mk = (v: string) =>
        Array.from({ length: n }, (_, i) =>
          res("kubernetes:core/v1:ConfigMap", `cm-${i}`, {
            data: { value: v.repeat(40), other: `${v}-${i}` },
          }),
        );
      const brokers = (mode: string) =>
        Array.from({ length: 20 }, (_, i) => res(BROKER, `broker-${i}`, { deploymentMode: mode }));
      return diffPlans(
        plan([...mk("a"), ...brokers("SINGLE_INSTANCE")], stack),
        plan([...mk("b"), ...brokers("CLUSTER_MULTI_AZ")], stack),
        rules,
      );
    });
    const md = renderMarkdown(big, { base: "origin/main" });
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    // It fills the space rather than dropping everything.
    expect(md.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT - 2_000);
    for (const d of big) {
      expect(md).toContain(`### Stack \`${d.stack}\`: +0 ~1500 -0 ±20`);
      expect(md).toContain(`**Danger (20)**`);
      for (const f of d.danger) expect(md).toContain(f.message);
      expect(md).toContain(`entries not shown to fit GitHub's comment limit`);
      expect(md).toContain("**Policy:** not evaluated");
    }
    expect(md.match(/\*\*Danger \(20\)\*\*/g)).toHaveLength(3);
    expect(md.match(/- :warning:/g)).toHaveLength(60);
    // Every stack got a share of the details.
    const shown = (stack: string) =>
      md
        .slice(md.indexOf(`### Stack \`${stack}\``))
        .split("### Stack")[1]!
        .match(/^- `~` update/gm)?.length ?? 0;
    for (const s of stacks) expect(shown(s)).toBeGreaterThan(10);
  });

  it("trims to any smaller limit exactly", () => {
    const d = sampleDiff();
    const full = renderMarkdown([d], { base: "main" });
    const limit = full.length - 10;
    const trimmed = renderMarkdown([d], { base: "main", limit });
    expect(trimmed.length).toBeLessThanOrEqual(limit);
    expect(trimmed).toMatch(/\n_\d of 5 entries not shown to fit/);
    expect(trimmed).toContain("- **k8s-no-latest-tag**");
    expect(trimmed).toContain("**Danger (1)**");
  });

  it("shows what would fail first, before every stack's section, in Markdown and in text", () => {
    const sg = (description: string) =>
      res("aws:ec2/securityGroup:SecurityGroup", "db-sg", { name: "db", description, vpcId: "v" });
    const failing = diffPlans(plan([sg("a")]), plan([sg("b")], "staging"));
    const broken = failedStackDiff("prod", 'Invalid Causeway config for stack "prod": 1 problem.');
    const diffs = [sampleDiff(), failing, broken];
    const md = renderMarkdown(diffs, { base: "origin/main" });
    const top = md.indexOf("### :no_entry: This deploy would fail (2)");
    expect(top).toBeGreaterThan(0);
    expect(top).toBeLessThan(md.indexOf("### Stack `dev`"));
    expect(md.slice(top, md.indexOf("### Stack `dev`"))).toMatch(
      /- stack `prod`: the plan failed \(see its section\)\n- :no_entry: `±` `aws:ec2\/securityGroup:SecurityGroup` \*\*db-sg\*\* this deploy would fail: .*InvalidGroup\.Duplicate.* \(stack `staging`\)/,
    );
    expect(md).toContain(
      '### Stack `prod`: plan failed\n\n````text\nInvalid Causeway config for stack "prod": 1 problem.\n````',
    );
    const text = renderDiffText(diffs, "origin/main");
    expect(text.indexOf("THIS DEPLOY WOULD FAIL (2):")).toBeLessThan(text.indexOf('Stack "dev"'));
    expect(text).toContain('Stack "prod": plan failed\n  Invalid Causeway config');
  });

  it("exits 1 when a plan failed, 2 for would-fail flags under --fail-on-danger, else 0", () => {
    const sg = (description: string) =>
      res("aws:ec2/securityGroup:SecurityGroup", "db-sg", { name: "db", description, vpcId: "v" });
    const failing = diffPlans(plan([sg("a")]), plan([sg("b")]));
    const dataLoss = sampleDiff();
    expect(dataLoss.danger.map((f) => f.class)).toEqual(["data-loss"]);
    expect(diffExitCode([dataLoss], true)).toBe(0);
    expect(diffExitCode([failing], false)).toBe(0);
    expect(diffExitCode([failing], true)).toBe(2);
    expect(diffExitCode([failing, failedStackDiff("prod", "x")], true)).toBe(1);
  });
});
