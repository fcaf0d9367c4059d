import { describe, expect, it } from "vitest";
import type { ByTier } from "./environment";
import { renderConfigReference } from "./reference";
import { sectionKeys, sections, type SectionKey } from "./sections";
import { tierNote } from "./tier-note";

/** The reference row of `field` in the section `key`. */
function row(reference: string, key: SectionKey, field: string): string | undefined {
  const section = reference.slice(reference.indexOf(`### \`causeway:${key}\``));
  return section.split("\n").find((line) => line.startsWith(`| \`${field}\` |`));
}

describe("config reference", () => {
  const reference = renderConfigReference();

  it("documents every causeway:* key", () => {
    for (const key of sectionKeys) expect(reference).toContain(`### \`causeway:${key}\``);
  });

  it.each<[SectionKey, string[]]>([
    ["database", Object.keys(sections.database.tierDefaults.dev)],
    ["consul", ["servers", "storageSize"]],
    ["broker", ["instanceType", "consoleAllowedCidrs", "adminUsername"]],
  ])(
    "states the %s tier defaults on their fields' rows, as the table holds them",
    (key, fields) => {
      const table = sections[key] as { tierDefaults: ByTier<Record<string, unknown>> };
      const stated = fields.map((f) => [
        f,
        row(reference, key, f)?.includes(tierNote(table.tierDefaults, (t) => t[f])),
      ]);
      expect(stated).toEqual(fields.map((f) => [f, true]));
    },
  );

  it("states a tier default in words a reader can check", () => {
    expect(row(reference, "database", "instanceClass")).toBe(
      "| `instanceClass` | string | required; Tier default: db.t4g.micro dev, db.t4g.medium staging, db.m7g.large prod |",
    );
    expect(row(reference, "edge", "waf.enabled")).toBe(
      "| `waf.enabled` | boolean | required; WAFv2 web ACL with the AWS common and known-bad-inputs rule groups. Tier default: off dev, on staging and prod |",
    );
    expect(row(reference, "edge", "accessLogs.retentionDays")).toBe(
      "| `accessLogs.retentionDays` | integer | required; Days before log objects expire. Tier default: 7 dev, 30 staging, 90 prod |",
    );
    expect(row(reference, "consul", "storageClass")).toBe(
      "| `storageClass` | string | optional; an existing StorageClass for the server volumes; unset, the stack creates an encrypted gp3 one. A running datacenter keeps its class: set gp2 on stacks first deployed with it |",
    );
  });
});
