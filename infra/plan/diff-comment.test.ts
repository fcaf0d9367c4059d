import {
  COMMENT_MARKER,
  diffPlans,
  failedStackDiff,
  GITHUB_COMMENT_LIMIT,
  renderMarkdown,
} from "@causeway/plan";
import { describe, expect, it } from "vitest";
import { plan, res } from "../../packages/plan/test/fixtures";
import { costChanges, renderCostMarkdown } from "../cost/change";
import {
  DIFF_PROJECTS,
  LEGACY_MARKER,
  projectComment,
  projectCommentOverhead,
  projectMarker,
} from "./diff-comment";

const label = "cluster project (`causeway-cluster`)";
const cost = renderCostMarkdown(
  costChanges([{ stack: "dev", base: null, head: null, error: "the plan failed" }]),
  label,
);

describe("one pull request comment per project", () => {
  it("gives each project its own marker, none a prefix of another or of the shared one", () => {
    const markers = [...DIFF_PROJECTS.map(projectMarker), LEGACY_MARKER];
    expect(markers).toEqual([
      "<!-- causeway:plan-diff:cluster -->",
      "<!-- causeway:plan-diff:app -->",
      "<!-- causeway:plan-diff -->",
    ]);
    for (const a of markers) {
      for (const b of markers) if (a !== b) expect(a.startsWith(b)).toBe(false);
    }
  });

  it("replaces the renderer's marker, names the project and puts the cost table before the first stack", () => {
    const md = renderMarkdown([failedStackDiff("dev", "boom")], { base: "origin/main" });
    expect(md.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
    const comment = projectComment(md, "cluster", label, cost);
    expect(comment.startsWith(`${projectMarker("cluster")}\n`)).toBe(true);
    expect(comment).not.toContain(COMMENT_MARKER);
    expect(comment).toContain(`\n## Offline plan diff: ${label}\n`);
    expect(comment).not.toContain("\n## Offline plan diff\n");
    const table = comment.indexOf(`### Monthly cost estimate (${label})`);
    expect(table).toBeGreaterThan(comment.indexOf(":no_entry: This deploy would fail"));
    expect(table).toBeLessThan(comment.indexOf("### Stack `dev`: plan failed"));
    // Nothing else moves: taking the additions out gives the renderer's Markdown back.
    expect(comment.length).toBe(md.length + projectCommentOverhead("cluster", label, cost));
  });

  it("fits GitHub's limit when the renderer is given the limit less the overhead", () => {
    const big = Array.from({ length: 1500 }, (_, i) =>
      res("kubernetes:core/v1:ConfigMap", `cm-${i}`, { data: { value: "v".repeat(80) } }),
    );
    const diff = diffPlans(plan([]), plan(big));
    const full = renderMarkdown([diff], { base: "origin/main", limit: 10 * GITHUB_COMMENT_LIMIT });
    expect(full.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT);
    const limit = GITHUB_COMMENT_LIMIT - projectCommentOverhead("app", label, cost);
    const comment = projectComment(
      renderMarkdown([diff], { base: "origin/main", limit }),
      "app",
      label,
      cost,
    );
    expect(comment.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(comment.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT - 2_000);
  });

  it("refuses Markdown whose layout it does not know, rather than post a comment without its marker", () => {
    expect(() =>
      projectComment("## Offline plan diff\n\n### Stack `dev`", "app", label, cost),
    ).toThrow(
      "plan:diff: the Markdown renderer's layout changed (marker, heading or stack section not found)",
    );
  });
});
