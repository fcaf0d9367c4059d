import type { Plan, PlannedResource } from "../core/model";

/**
 * Renders a plan like `pulumi preview`: the resource tree by parent with `+` (create) and
 * `>-` (read) marks, the stack outputs, then counts per type and totals.
 */
export function renderText(plan: Plan): string {
  const byParent = new Map<string | null, PlannedResource[]>();
  for (const r of plan.resources) {
    const list = byParent.get(r.parent) ?? [];
    list.push(r);
    byParent.set(r.parent, list);
  }
  for (const list of byParent.values()) {
    list.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
  }

  const rows: [string, string, string, string][] = [];
  const walk = (parent: string | null, prefix: string) => {
    const children = byParent.get(parent) ?? [];
    children.forEach((r, i) => {
      const last = i === children.length - 1;
      const branch = parent === null ? "" : last ? "└─ " : "├─ ";
      const flags = [r.protect ? "protected" : "", r.retainOnDelete ? "retain-on-delete" : ""]
        .filter(Boolean)
        .join(", ");
      rows.push([r.read ? ">-" : "+", prefix + branch + r.type, r.name, flags]);
      walk(r.urn, parent === null ? prefix : prefix + (last ? "   " : "│  "));
    });
  };
  walk(null, "");

  const typeWidth = Math.max(4, ...rows.map(([, t]) => t.length));
  const nameWidth = Math.max(4, ...rows.map(([, , n]) => n.length));
  const line = (mark: string, type: string, name: string, flags: string) =>
    ` ${mark.padEnd(3)} ${type.padEnd(typeWidth)}  ${name.padEnd(nameWidth)}  ${flags}`.trimEnd();

  const out: string[] = [];
  out.push(`Previewing ${plan.project} stack "${plan.stack}" (offline plan: no cloud calls)`);
  out.push("");
  out.push(line("", "Type", "Name", "Info"));
  for (const [mark, type, name, flags] of rows) out.push(line(mark, type, name, flags));

  const outputKeys = Object.keys(plan.outputs).sort();
  if (outputKeys.length > 0) {
    out.push("", "Outputs:");
    const width = Math.max(...outputKeys.map((k) => k.length));
    for (const key of outputKeys) {
      out.push(`    ${`${key}:`.padEnd(width + 1)} ${JSON.stringify(plan.outputs[key])}`);
    }
  }

  const creates = plan.resources.filter((r) => !r.read).length;
  const reads = plan.resources.length - creates;
  const byType = new Map<string, number>();
  for (const r of plan.resources) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
  const types = [...byType.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  const countWidth = Math.max(...types.map(([, n]) => String(n).length));

  out.push("", "Resources by type:");
  for (const [type, n] of types) out.push(`    ${String(n).padStart(countWidth)}  ${type}`);
  out.push("", "Resources:");
  out.push(`    + ${creates} to create`);
  if (reads > 0) out.push(`    > ${reads} to read`);
  const protectedCount = plan.resources.filter((r) => r.protect).length;
  if (protectedCount > 0) out.push(`    ${protectedCount} protected`);
  out.push(`    ${plan.resources.length} total`);
  return out.join("\n") + "\n";
}
