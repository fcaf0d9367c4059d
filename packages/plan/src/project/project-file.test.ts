import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveEntry } from "./entry";
import { readProjectFile } from "./project-file";
import { stackConfig } from "./stack-file";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "causeway-plan-project-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
}

describe("readProjectFile", () => {
  it("reads the name, stackConfigDir and config defaults, namespacing the project's keys", () => {
    write({
      "Pulumi.yaml": [
        "name: shop",
        "runtime: { name: nodejs, options: { typescript: true } }",
        "stackConfigDir: stacks",
        "config:",
        "  aws:region: eu-west-1",
        "  size: { type: integer, default: 3 }",
        "  tier: { value: gold }",
        "  zones: [a, b]",
        "  owner: { type: string, description: no default }",
        "",
      ].join("\n"),
    });
    expect(readProjectFile(dir)).toEqual({
      dir,
      file: path.join(dir, "Pulumi.yaml"),
      name: "shop",
      stackConfigDir: path.join(dir, "stacks"),
      configDefaults: {
        "aws:region": "eu-west-1",
        "shop:size": 3,
        "shop:tier": "gold",
        "shop:zones": ["a", "b"],
      },
    });
  });

  it("refuses a project without a name or with another runtime, naming the fix", () => {
    write({ "Pulumi.yaml": "runtime: nodejs\n" });
    expect(() => readProjectFile(dir)).toThrow(
      `${dir}/Pulumi.yaml: "name" is required: add the project name, for example "name: my-project".`,
    );
    write({ "Pulumi.yaml": "name: x\nruntime: python\n" });
    expect(() => readProjectFile(dir)).toThrow(
      `${dir}/Pulumi.yaml: runtime "python" is not supported: causeway-plan runs Node.js programs. Set "runtime: nodejs".`,
    );
  });
});

describe("stackConfig", () => {
  it("lays the stack file over the project's defaults", () => {
    write({
      "Pulumi.yaml": "name: shop\nruntime: nodejs\nconfig:\n  size: 3\n  tier: silver\n",
      "Pulumi.dev.yaml": "config:\n  shop:size: 1\n  region: here\n  db:\n    secure: v1:abc\n",
    });
    expect(stackConfig(readProjectFile(dir), "dev")).toEqual({
      file: path.join(dir, "Pulumi.dev.yaml"),
      config: {
        "shop:size": 1,
        "shop:tier": "silver",
        "shop:region": "here",
        "shop:db": { secure: "v1:abc" },
      },
    });
  });
});

describe("resolveEntry", () => {
  it("takes Pulumi.yaml main, else package.json main, else index.ts", () => {
    write({ "Pulumi.yaml": "name: a\nruntime: nodejs\n", "index.ts": "", "src/app.ts": "" });
    expect(resolveEntry(readProjectFile(dir))).toBe(path.join(dir, "index.ts"));
    write({ "package.json": JSON.stringify({ main: "src/app.ts" }) });
    expect(resolveEntry(readProjectFile(dir))).toBe(path.join(dir, "src/app.ts"));
    write({ "Pulumi.yaml": "name: a\nruntime: nodejs\nmain: src/\n", "src/index.ts": "" });
    expect(resolveEntry(readProjectFile(dir))).toBe(path.join(dir, "src/index.ts"));
  });

  it("names Pulumi.yaml's main as the fix when the entry is missing", () => {
    write({ "Pulumi.yaml": "name: a\nruntime: nodejs\nmain: app.ts\n" });
    expect(() => resolveEntry(readProjectFile(dir))).toThrow(
      `${dir}/Pulumi.yaml: the program's entry app.ts does not exist. Set "main" in Pulumi.yaml to the program's entry file (for example "main: index.ts").`,
    );
  });
});
