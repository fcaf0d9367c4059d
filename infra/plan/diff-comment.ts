import { COMMENT_MARKER } from "@causeway/plan";

/**
 * The pull request comment of one project's plan diff. Each project (the cluster project and the
 * app) gets its own comment, found by its own hidden marker, so that `.github/workflows/preview.yml`
 * updates each in place and neither overwrites the other. Pure: no I/O.
 */

/** The projects `plan:diff --project` takes, in deploy order (the cluster first). */
export const DIFF_PROJECTS = ["cluster", "app"] as const;
export type DiffProject = (typeof DIFF_PROJECTS)[number];

/** The hidden marker of a project's comment, e.g. `<!-- causeway:plan-diff:app -->`. */
export function projectMarker(project: DiffProject): string {
  return `<!-- causeway:plan-diff:${project} -->`;
}

/**
 * The marker of the one comment that covered only the app project, before each project had its
 * own: the workflow updates that comment with the app's diff rather than leave it stale.
 */
export const LEGACY_MARKER = "<!-- causeway:plan-diff -->";

const HEADING = "\n## Offline plan diff\n";
const namedHeading = (label: string) => `\n## Offline plan diff: ${label}\n`;

/**
 * How many characters {@link projectComment} adds to the renderer's Markdown: pass the renderer
 * `GITHUB_COMMENT_LIMIT` less this, and the comment still fits.
 */
export function projectCommentOverhead(
  project: DiffProject,
  label: string,
  costSection: string,
): number {
  return (
    projectMarker(project).length -
    COMMENT_MARKER.length +
    namedHeading(label).length -
    HEADING.length +
    `\n\n${costSection}`.length
  );
}

/**
 * The renderer's Markdown made one project's comment: its own marker instead of the shared one,
 * the project named in the heading (so the two comments cannot be taken for each other), and
 * the cost table before the first stack's section, after anything that would fail.
 */
export function projectComment(
  md: string,
  project: DiffProject,
  label: string,
  costSection: string,
): string {
  const at = md.indexOf("\n\n### Stack ");
  if (!md.startsWith(`${COMMENT_MARKER}\n`) || !md.includes(HEADING) || at < 0) {
    throw new Error(
      "plan:diff: the Markdown renderer's layout changed (marker, heading or stack section not found)",
    );
  }
  const withCost = md.slice(0, at) + `\n\n${costSection}` + md.slice(at);
  return (
    projectMarker(project) +
    withCost.slice(COMMENT_MARKER.length).replace(HEADING, namedHeading(label))
  );
}
