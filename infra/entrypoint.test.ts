import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadEntrypoint } from "./test/entrypoint";

const root = path.resolve(__dirname, "..");

describe("Pulumi entry point", () => {
  it("loads under ts-node as the Pulumi nodejs runtime loads it, exporting the program", () => {
    // Pulumi.yaml's `main` (infra/index.ts) with its runtime `nodeargs`, from the repository root.
    const result = loadEntrypoint(root);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("function:main");
  });
});
