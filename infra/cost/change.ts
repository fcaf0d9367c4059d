import { formatUsd, type CostEstimate } from "./estimate";

/**
 * The monthly cost change of each stack between two revisions, for the plan diff's pull request
 * comment and its text output. Pure: the estimates come from the plans the diff already made.
 */

export interface StackCost {
  readonly stack: string;
  /** null: the stack does not exist at the base (a new stack) or its plan failed. */
  readonly base: CostEstimate | null;
  readonly head: CostEstimate | null;
  /** Why an estimate is missing, when it is not simply a new stack. */
  readonly error?: string;
}

export interface CostChange {
  readonly stack: string;
  readonly region?: string;
  readonly baseCents: number | null;
  readonly headCents: number | null;
  /** head - base; null when either side is missing. */
  readonly deltaCents: number | null;
  /** Resources of the head plan the table does not price (counted as $0). */
  readonly notPriced: number;
  readonly error?: string;
}

export function costChanges(rows: readonly StackCost[]): CostChange[] {
  return rows.map((r) => {
    const baseCents = r.base?.totalCents ?? null;
    const headCents = r.head?.totalCents ?? null;
    return {
      stack: r.stack,
      ...((r.head ?? r.base) ? { region: (r.head ?? r.base)!.region } : {}),
      baseCents,
      headCents,
      deltaCents:
        r.head && r.base ? headCents! - baseCents! : r.head && !r.error ? headCents : null,
      notPriced: r.head?.notPriced.length ?? 0,
      ...(r.error ? { error: r.error } : {}),
    };
  });
}

/** `+$12.00`, `-$3.50`, `$0.00`. */
export function formatDelta(cents: number): string {
  return cents > 0 ? `+${formatUsd(cents)}` : formatUsd(cents);
}

/** The comment's cost table: one row per stack, base, head and change. */
export function renderCostMarkdown(changes: readonly CostChange[], project: string): string {
  const lines = [
    `### Monthly cost estimate (${project})`,
    "",
    "| stack | base | head | change |",
    "| --- | ---: | ---: | ---: |",
  ];
  for (const c of changes) {
    const base = c.baseCents === null ? (c.error ? "—" : "new stack") : formatUsd(c.baseCents);
    const head = c.headCents === null ? "—" : formatUsd(c.headCents);
    const delta =
      c.deltaCents === null
        ? c.error
          ? `not estimated: ${c.error}`
          : "—"
        : formatDelta(c.deltaCents);
    const unpriced = c.notPriced > 0 ? ` (${c.notPriced} resources not priced)` : "";
    lines.push(`| \`${c.stack}\` | ${base} | ${head} | ${delta}${unpriced} |`);
  }
  const regions = [...new Set(changes.flatMap((c) => (c.region ? [c.region] : [])))];
  lines.push(
    "",
    `_On-demand list prices${regions.length ? ` for ${regions.join(", ")}` : ""}, 730 hours a month and the usage assumptions of \`npm run cost -- <stack>\`, which prints every line, price and source._`,
  );
  return lines.join("\n");
}

/** One line per stack for the text output. */
export function renderCostTextLines(changes: readonly CostChange[]): string {
  return (
    changes
      .map((c) =>
        c.deltaCents === null
          ? `Monthly cost of stack "${c.stack}": not estimated${c.error ? ` (${c.error})` : ""}`
          : `Monthly cost of stack "${c.stack}": ${c.baseCents === null ? "new" : formatUsd(c.baseCents)} -> ${formatUsd(c.headCents!)} (${formatDelta(c.deltaCents)})`,
      )
      .join("\n") + "\n"
  );
}
