import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const repo = path.resolve(__dirname, "..", "..");
const config = path.join(repo, ".dependency-cruiser.cjs");
const depcruise = path.join(repo, "node_modules", ".bin", "depcruise");
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Runs `npm run deps`'s check, with the repository's rules, on a tree of its own. */
function cruise(files: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "causeway-cycles-"));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, "tsconfig.json"), "{}");
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  const run = spawnSync(depcruise, ["--config", config, "--output-type", "err", "infra"], {
    cwd: dir,
    encoding: "utf8",
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe("the import-cycle check that npm test runs (.dependency-cruiser.cjs)", () => {
  it("passes a tree without cycles", () => {
    const r = cruise({
      "infra/a/a.ts": 'import { b } from "./b";\nexport const a = b;\n',
      "infra/a/b.ts": "export const b = 1;\n",
    });
    expect(r.output).not.toContain("error");
    expect(r.status).toBe(0);
  });

  it("fails on two files that import each other, even through type-only imports", () => {
    const r = cruise({
      "infra/a/a.ts": 'import type { B } from "./b";\nexport type A = { b?: B };\n',
      "infra/a/b.ts": 'import type { A } from "./a";\nexport type B = { a?: A };\n',
    });
    expect(r.status).not.toBe(0);
    expect(r.output).toContain("error no-circular: infra/a/a.ts");
  });

  it("fails on two areas that import each other, though no file cycle exists", () => {
    const r = cruise({
      "infra/plan/cli.ts":
        'import { rules } from "../policies/rules";\nexport const cli = rules;\n',
      "infra/plan/model.ts": "export const model = 1;\n",
      "infra/policies/rules.ts":
        'import { model } from "../plan/model";\nexport const rules = model;\n',
    });
    expect(r.status).not.toBe(0);
    expect(r.output).toContain("error no-circular-between-areas: infra/p");
  });
});
