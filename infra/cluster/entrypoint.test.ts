import { knownStacks, readProjectFile } from "@causeway/plan";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
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
    // ts-node finds the repository's tsconfig.json from infra/cluster, as under `pulumi up`.
    const script = [
      'require("ts-node").register({ transpileOnly: true });',
      'const entry = require("./index.ts");',
      'process.stdout.write(typeof entry + ":" + entry.name);',
    ].join("\n");
    const result = spawnSync(process.execPath, ["--conditions=causeway-source", "-e", script], {
      cwd: __dirname,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("function:main");
  });
});
