import { knownStacks, readProjectFile } from "@causeway/plan";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadEntrypoint } from "../test/entrypoint";
import { BOOTSTRAP_PROJECT } from "./config";

describe("the causeway-bootstrap project", () => {
  it("is the Pulumi.yaml of infra/bootstrap, with its one stack file", () => {
    const project = readProjectFile(__dirname);
    expect(project.name).toBe(BOOTSTRAP_PROJECT);
    expect(project.main).toBe("index.ts");
    expect(path.resolve(__dirname, project.stackConfigDir)).toBe(path.join(__dirname, "stacks"));
    expect(knownStacks(path.join(__dirname, "stacks"))).toEqual(["state"]);
  });

  it("loads under ts-node from its folder, as the Pulumi nodejs runtime loads it", () => {
    // ts-node finds the repository's tsconfig.json from the project folder, as under `pulumi up`.
    const result = loadEntrypoint(__dirname);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("function:main");
  });
});
