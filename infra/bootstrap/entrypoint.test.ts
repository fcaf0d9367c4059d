import { knownStacks, readProjectFile } from "@causeway/plan";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
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
