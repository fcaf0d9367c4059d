import { describe, expect, it } from "vitest";
import { renderConfigReference } from "./reference";
import { sectionKeys } from "./sections";

describe("config reference", () => {
  const reference = renderConfigReference();

  it("documents every causeway:* key", () => {
    for (const key of sectionKeys) expect(reference).toContain(`### \`causeway:${key}\``);
  });
});
