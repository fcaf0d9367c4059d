import { describe, expect, it } from "vitest";
import type { ByTier } from "./environment";
import { onOff, tierNote } from "./tier-note";

interface Row {
  size: number;
  name: string;
  on: boolean;
  cidrs: string[];
  logs: { days: number };
}

const defaults: ByTier<Row> = {
  dev: { size: 20, name: "causeway", on: false, cidrs: ["10.0.0.0/8"], logs: { days: 7 } },
  staging: { size: 50, name: "causeway", on: true, cidrs: [], logs: { days: 30 } },
  prod: { size: 100, name: "causeway", on: false, cidrs: [], logs: { days: 30 } },
};

describe("tierNote", () => {
  it.each<[string, (t: Row) => unknown, string]>([
    ["a value per tier", (t) => t.size, "Tier default: 20 dev, 50 staging, 100 prod"],
    ["one value for every tier", (t) => t.name, "Default causeway"],
    ["tiers that share a value", (t) => t.on, "Tier default: false dev and prod, true staging"],
    ["a list, as JSON", (t) => t.cidrs, 'Tier default: ["10.0.0.0/8"] dev, [] staging and prod'],
    ["a nested field", (t) => t.logs.days, "Tier default: 7 dev, 30 staging and prod"],
  ])("states %s", (_, pick, note) => {
    expect(tierNote(defaults, pick)).toBe(note);
  });

  it("words values with the given show", () => {
    expect(tierNote(defaults, (t) => t.on, onOff)).toBe(
      "Tier default: off dev and prod, on staging",
    );
  });
});
