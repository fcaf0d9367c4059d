import { wouldFailFlags, type StackDiff } from "../diff/diff";
import { formatValue, MARK, summaryLine } from "./markdown";

/** The diff for a terminal: per stack, the summary, danger flags, then each change. */
export function renderDiffText(diffs: readonly StackDiff[], base: string): string {
  const out: string[] = [`Offline plan diff against ${base}`];
  const failing = wouldFailFlags(diffs);
  const broken = diffs.filter((d) => d.error !== undefined);
  if (failing.length + broken.length > 0) {
    out.push("", `THIS DEPLOY WOULD FAIL (${failing.length + broken.length}):`);
    for (const d of broken) out.push(`  stack "${d.stack}": the plan failed (see below)`);
    for (const { stack, flag } of failing) {
      out.push(`  [${stack}] ${MARK[flag.kind]} ${flag.type} ${flag.name}: ${flag.message}`);
    }
  }
  for (const d of diffs) {
    if (d.error !== undefined) {
      out.push("", `Stack "${d.stack}": plan failed`, ...d.error.split("\n").map((l) => `  ${l}`));
      continue;
    }
    out.push("", `Stack "${d.stack}": ${summaryLine(d)}${d.newStack ? " (new stack)" : ""}`);
    for (const f of d.danger)
      out.push(`  DANGER (${f.class}) ${MARK[f.kind]} ${f.type} ${f.name}: ${f.message}`);
    for (const c of d.changes) {
      const note = c.renamePair ? `  (renamed without alias: ${c.renamePair})` : "";
      out.push(`  ${MARK[c.kind]} ${c.type} ${c.name}${note}`);
      for (const r of c.replacedBy) out.push(`      replacement forced by ${r.path} (${r.source})`);
      for (const p of c.properties) {
        const text =
          p.kind === "add"
            ? `added ${formatValue(p.new)}`
            : p.kind === "delete"
              ? `removed (was ${formatValue(p.old)})`
              : `${formatValue(p.old)} -> ${formatValue(p.new)}`;
        out.push(`      ${p.path}: ${text}`);
      }
    }
    for (const m of d.moved) out.push(`  = ${m.from} -> ${m.to} (aliased, no change)`);
    if (d.policy) {
      out.push(`  policy: ${d.policy.rules} rules, ${d.policy.violations.length} violations`);
      for (const v of d.policy.violations) {
        out.push(
          `    [${v.enforcementLevel}] ${v.policy}: ${v.message}${v.urn ? ` (${v.urn})` : ""}`,
        );
      }
    }
  }
  return out.join("\n") + "\n";
}
