import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");

describe("Pulumi entry point", () => {
  it("loads under ts-node as the Pulumi nodejs runtime loads it, exporting the program", () => {
    // The Pulumi CLI requires Pulumi.yaml's `main` through ts-node, with the project tsconfig
    // and the runtime `nodeargs` from Pulumi.yaml; do the same, without running the program.
    const script = [
      'require("ts-node").register({ project: "tsconfig.json", transpileOnly: true });',
      'const entry = require("./infra/index.ts");',
      'process.stdout.write(typeof entry + ":" + entry.name);',
    ].join("\n");
    const result = spawnSync(process.execPath, ["--conditions=causeway-source", "-e", script], {
      cwd: root,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("function:main");
  });
});
