import { knownStacks, readProjectFile } from "@causeway/plan";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadEntrypoint } from "../test/entrypoint";
import { CLUSTER_STACKS_DIR } from "../plan/cluster-project";
import { CLUSTER_PROJECT } from "./project";

describe("the causeway-cluster project", () => {
  it("is the Pulumi.yaml of infra/cluster, whose stacks the offline plan reads", () => {
    const project = readProjectFile(__dirname);
    expect(project.name).toBe(CLUSTER_PROJECT);
    expect(project.main).toBe("index.ts");
    expect(path.resolve(__dirname, project.stackConfigDir)).toBe(CLUSTER_STACKS_DIR);
    expect(knownStacks(CLUSTER_STACKS_DIR)).toEqual(["dev", "prod", "staging"]);
  });

  it("loads under ts-node from its folder, as the Pulumi nodejs runtime loads it", () => {
    // ts-node finds the repository's tsconfig.json from the project folder, as under `pulumi up`.
    const result = loadEntrypoint(__dirname);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("function:main");
  });
});
