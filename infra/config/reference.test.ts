import { describe, expect, it } from "vitest";
import { renderConfigReference } from "./reference";
import { sectionKeys } from "./sections";
import { databaseTierDefaults } from "./sections/database";
import { tierNote } from "./tier-note";

describe("config reference", () => {
  const reference = renderConfigReference();

  it("documents every causeway:* key", () => {
    for (const key of sectionKeys) expect(reference).toContain(`### \`causeway:${key}\``);
  });

  it("states every database tier default on its field's row, as the table holds it", () => {
    const database = reference.slice(reference.indexOf("### `causeway:database`"));
    const fields = Object.keys(
      databaseTierDefaults.dev,
    ) as (keyof typeof databaseTierDefaults.dev)[];
    const rows = fields.map((field) => {
      const row = database.split("\n").find((line) => line.startsWith(`| \`${field}\` |`));
      return [field, row?.includes(tierNote(databaseTierDefaults, field))];
    });
    expect(rows).toEqual(fields.map((field) => [field, true]));
    expect(database).toContain(
      "| `instanceClass` | string | required; Tier default: db.t4g.micro dev, db.t4g.medium staging, db.m7g.large prod |",
    );
  });
});
