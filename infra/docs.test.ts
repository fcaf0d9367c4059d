import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formattedConfigReference, REFERENCE_END, REFERENCE_START } from "./config/reference";
import {
  EXAMPLE_END,
  EXAMPLE_START,
  nodeServiceExampleBlock,
  PLAN_END,
  PLAN_START,
  planOutputBlock,
  README,
} from "./docs";

/** The text between two markers of README.md. */
function block(start: string, end: string): string {
  const readme = readFileSync(README, "utf8");
  return readme.slice(readme.indexOf(start) + start.length, readme.indexOf(end)).trim();
}

describe("README.md is true to the code (regenerate with `npm run docs`)", () => {
  it("shows the config reference generated from the schema", async () => {
    expect(block(REFERENCE_START, REFERENCE_END)).toBe((await formattedConfigReference()).trim());
  });

  it("shows the NodeService example that infra/components/node-service/example.test.ts plans", () => {
    expect(block(EXAMPLE_START, EXAMPLE_END)).toBe(nodeServiceExampleBlock());
  });

  it("shows what `npm start` prints", async () => {
    expect(block(PLAN_START, PLAN_END)).toBe(await planOutputBlock());
  });
});
