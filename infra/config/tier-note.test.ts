import { describe, expect, it } from "vitest";
import type { ByTier } from "./environment";
import { tierNote } from "./tier-note";

interface Row {
  size: number;
  name: string;
  on: boolean;
  cidrs: string[];
}

const defaults: ByTier<Row> = {
  dev: { size: 20, name: "causeway", on: false, cidrs: ["10.0.0.0/8"] },
  staging: { size: 50, name: "causeway", on: true, cidrs: [] },
  prod: { size: 100, name: "causeway", on: false, cidrs: [] },
};

describe("tierNote", () => {
  it.each<[keyof Row, string]>([
    ["size", "Tier default: 20 dev, 50 staging, 100 prod"],
    ["name", "Default causeway"],
    ["on", "Tier default: false dev and prod, true staging"],
    ["cidrs", 'Tier default: ["10.0.0.0/8"] dev, [] staging and prod'],
  ])("states the tier defaults of %s", (field, note) => {
    expect(tierNote(defaults, field)).toBe(note);
  });
});
