import { wouldFailFlags, type DangerFlag, type ResourceChange, type StackDiff } from "../diff/diff";
import type { PropertyChange } from "../diff/values";

/**
 * The pull request comment for a plan diff. One section per stack: the summary line, the
 * danger flags, the changes in a collapsible block, then the policy results. The comment always
 * fits GitHub's limit: details are trimmed, never the summaries or the danger flags.
 */

/** Hidden marker by which the workflow finds the comment to update in place. */
export const COMMENT_MARKER = "<!-- causeway:plan-diff -->";

/** GitHub rejects issue comments longer than 65,536 characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface MarkdownOptions {
  /** The base revision as given (`origin/main`) and its commit. */
  readonly base: string;
  readonly baseCommit?: string;
  readonly headCommit?: string;
  /** Maximum length in UTF-16 code units (what JavaScript and GitHub count). */
  readonly limit?: number;
}

const MAX_VALUE = 120;
const MAX_PROPERTIES = 40;

/** The mark of each kind of change, as in `pulumi preview` (and the text diff). */
export const MARK: Record<ResourceChange["kind"], string> = {
  create: "+",
  update: "~",
  delete: "-",
  replace: "±",
};

/** `+N ~N -N ±N`. */
export function summaryLine(d: StackDiff): string {
  const s = d.summary;
  return `+${s.create} ~${s.update} -${s.delete} ±${s.replace}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Text that is safe inside Markdown and inline HTML. */
function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** An inline code span that survives any content. */
function code(text: string): string {
  const clean = text.replace(/\r?\n/g, " ");
  const fence = clean.includes("`") ? "``" : "`";
  return `${fence}${fence === "``" ? ` ${clean} ` : clean}${fence}`;
}

export function formatValue(v: unknown): string {
  const text = v === undefined ? "(none)" : typeof v === "string" ? v : JSON.stringify(v);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

function propertyLine(p: PropertyChange): string {
  if (p.kind === "add") return `  - ${code(p.path)}: added ${code(formatValue(p.new))}`;
  if (p.kind === "delete") return `  - ${code(p.path)}: removed (was ${code(formatValue(p.old))})`;
  return `  - ${code(p.path)}: ${code(formatValue(p.old))} → ${code(formatValue(p.new))}`;
}

function changeBlock(c: ResourceChange): string {
  const lines = [`- ${code(MARK[c.kind])} ${c.kind} ${code(c.type)} **${escape(c.name)}**`];
  if (c.aliasedFrom) lines.push(`  - kept through an alias from ${code(c.aliasedFrom)}`);
  if (c.renamePair) {
    lines.push(
      c.kind === "delete"
        ? `  - looks renamed to ${code(c.renamePair)} without an alias: add \`aliases\` to keep it`
        : `  - looks renamed from ${code(c.renamePair)} without an alias`,
    );
  }
  for (const r of c.replacedBy) {
    lines.push(`  - replacement forced by ${code(r.path)} (${escape(r.source)})`);
  }
  for (const e of c.applyErrors) {
    lines.push(`  - ${code(e.path)} cannot be changed in place: apply fails (${escape(e.source)})`);
  }
  const shown = c.properties.slice(0, MAX_PROPERTIES);
  for (const p of shown) lines.push(propertyLine(p));
  if (c.properties.length > shown.length) {
    lines.push(`  - … and ${c.properties.length - shown.length} more properties`);
  }
  return lines.join("\n");
}

function dangerLine(f: DangerFlag): string {
  const mark = f.class === "would-fail" ? ":no_entry:" : ":warning:";
  return `- ${mark} ${code(MARK[f.kind])} ${code(f.type)} **${escape(f.name)}** ${escape(f.message)}`;
}

/**
 * The first section of the comment: every change a real deploy would refuse, across stacks,
 * and every stack whose plan failed.
 */
function wouldFailSection(diffs: readonly StackDiff[]): string | undefined {
  const failing = wouldFailFlags(diffs);
  const broken = diffs.filter((d) => d.error !== undefined);
  if (failing.length === 0 && broken.length === 0) return undefined;
  const lines = [`### :no_entry: This deploy would fail (${failing.length + broken.length})`, ""];
  for (const d of broken) lines.push(`- stack ${code(d.stack)}: the plan failed (see its section)`);
  for (const { stack, flag } of failing) lines.push(`${dangerLine(flag)} (stack ${code(stack)})`);
  return lines.join("\n");
}

interface Section {
  /** Never trimmed: heading, summary, danger flags. */
  readonly head: string;
  /** Trimmed from the end, in order: policy violations, then changes. */
  readonly details: string[];
  /** Never trimmed: the policy summary line. */
  readonly policyLine: string;
}

function section(d: StackDiff): Section {
  if (d.error !== undefined) {
    return {
      head: `### Stack ${code(d.stack)}: plan failed\n\n\`\`\`\`text\n${d.error.replace(/`{4,}/g, "```")}\n\`\`\`\``,
      details: [],
      policyLine: "**Policy:** not evaluated (the plan failed)",
    };
  }
  const head: string[] = [`### Stack ${code(d.stack)}: ${summaryLine(d)}`];
  if (d.newStack) head.push("", "_New stack: nothing exists at the base revision._");
  if (d.danger.length > 0) {
    head.push("", `**Danger (${d.danger.length})**`, "", ...d.danger.map(dangerLine));
  }
  if (d.changes.length === 0 && d.moved.length === 0) head.push("", "No changes.");
  const details: string[] = [];
  const violations = d.policy?.violations ?? [];
  for (const v of violations) {
    const where = v.urn ? ` on ${code(v.urn)}` : "";
    details.push(`- **${escape(v.policy)}** (${v.enforcementLevel})${where}: ${escape(v.message)}`);
  }
  for (const m of d.moved) details.push(`- moved ${code(m.from)} → ${code(m.to)} (aliased)`);
  for (const c of d.changes) details.push(changeBlock(c));
  const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
  const policyLine = !d.policy
    ? "**Policy:** not evaluated"
    : violations.length === 0
      ? `**Policy:** ${d.policy.rules} rules, no violations`
      : `**Policy:** ${d.policy.rules} rules, ${plural(violations.length, "violation")} (${mandatory} mandatory)`;
  return { head: head.join("\n"), details, policyLine };
}

/** Renders the comment body, trimmed to `limit`. */
export function renderMarkdown(diffs: readonly StackDiff[], options: MarkdownOptions): string {
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  const commits =
    options.baseCommit || options.headCommit
      ? ` (${options.baseCommit?.slice(0, 7) ?? "?"} → ${options.headCommit?.slice(0, 7) ?? "working tree"})`
      : "";
  const failing = wouldFailSection(diffs);
  const intro = [
    COMMENT_MARKER,
    "## Offline plan diff",
    "",
    `Base ${code(options.base)}${commits}. Computed by the offline plan (no cloud credentials): ` +
      "values only the cloud knows show as `(known after apply)`, secrets as `[secret]`.",
    ...(failing ? ["", failing] : []),
  ].join("\n");
  const sections = diffs.map(section);

  // Each stack's details go in one <details> block; entries are admitted round-robin so every
  // stack gets a fair share of what fits. Lengths are computed from prefix sums, not re-rendered.
  const admitted = sections.map(() => 0);
  const prefix = sections.map((s) => {
    const sums = [0];
    for (const d of s.details) sums.push(sums[sums.length - 1]! + d.length);
    return sums;
  });
  const bodyLength = (i: number, n: number) => prefix[i]![n]! + Math.max(n - 1, 0);
  const sectionText = (i: number, n: number, body?: string): string => {
    const s = sections[i]!;
    const parts = [s.head];
    if (s.details.length > 0) {
      const omitted = s.details.length - n;
      const more =
        omitted > 0
          ? `\n\n_${omitted} of ${s.details.length} entries not shown to fit GitHub's comment limit; run \`npm run plan:diff\` or download the workflow artifact for all of them._`
          : "";
      parts.push(
        `<details><summary>Details (${s.details.length})</summary>\n\n${body ?? s.details.slice(0, n).join("\n")}${more}\n\n</details>`,
      );
    }
    parts.push(s.policyLine);
    return parts.join("\n\n");
  };
  const sectionLength = (i: number, n: number) => sectionText(i, n, "").length + bodyLength(i, n);
  const lengths = sections.map((_, i) => sectionLength(i, 0));
  const total = () => intro.length + lengths.reduce((a, b) => a + b, 0) + 2 * sections.length + 1;

  let progress = true;
  while (progress) {
    progress = false;
    for (let i = 0; i < sections.length; i++) {
      const n = admitted[i]!;
      if (n >= sections[i]!.details.length) continue;
      const before = lengths[i]!;
      lengths[i] = sectionLength(i, n + 1);
      if (total() <= limit) {
        admitted[i] = n + 1;
        progress = true;
      } else {
        lengths[i] = before;
      }
    }
  }
  return [intro, ...sections.map((_, i) => sectionText(i, admitted[i]!))].join("\n\n") + "\n";
}
