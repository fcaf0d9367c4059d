import { describe, expect, it } from "vitest";
import { costChanges, renderCostMarkdown, renderCostTextLines } from "./change";
import type { CostEstimate } from "./estimate";

function estimate(totalCents: number, notPriced = 0): CostEstimate {
  return {
    project: "causeway",
    stack: "s",
    region: "eu-west-1",
    assumptions: {} as CostEstimate["assumptions"],
    lines: [],
    components: [],
    totalCents,
    notPriced: Array.from({ length: notPriced }, (_, i) => ({
      component: "c",
      type: "aws:x/y:Z",
      name: `n${i}`,
      reason: "no price in the table for this type",
    })),
    free: {},
    pricesUsed: {},
  };
}

describe("cost changes", () => {
  it("computes head - base, marks a new stack and a failed plan, and counts unpriced resources", () => {
    const changes = costChanges([
      { stack: "dev", base: estimate(10_000), head: estimate(12_550, 2) },
      { stack: "staging", base: estimate(5_000), head: estimate(4_000) },
      { stack: "qa", base: null, head: estimate(700) },
      { stack: "prod", base: estimate(1), head: null, error: "the plan failed" },
    ]);
    expect(changes.map((c) => [c.stack, c.baseCents, c.headCents, c.deltaCents])).toEqual([
      ["dev", 10_000, 12_550, 2_550],
      ["staging", 5_000, 4_000, -1_000],
      ["qa", null, 700, 700],
      ["prod", 1, null, null],
    ]);
    expect(renderCostMarkdown(changes, "app project (`causeway`)").split("\n")).toEqual([
      "### Monthly cost estimate (app project (`causeway`))",
      "",
      "| stack | base | head | change |",
      "| --- | ---: | ---: | ---: |",
      "| `dev` | $100.00 | $125.50 | +$25.50 (2 resources not priced) |",
      "| `staging` | $50.00 | $40.00 | -$10.00 |",
      "| `qa` | new stack | $7.00 | +$7.00 |",
      "| `prod` | $0.01 | — | not estimated: the plan failed |",
      "",
      "_On-demand list prices for eu-west-1, 730 hours a month and the usage assumptions of `npm run cost -- <stack>`, which prints every line, price and source._",
    ]);
    expect(renderCostTextLines(changes)).toBe(
      [
        'Monthly cost of stack "dev": $100.00 -> $125.50 (+$25.50)',
        'Monthly cost of stack "staging": $50.00 -> $40.00 (-$10.00)',
        'Monthly cost of stack "qa": new -> $7.00 (+$7.00)',
        'Monthly cost of stack "prod": not estimated (the plan failed)',
        "",
      ].join("\n"),
    );
  });
});
