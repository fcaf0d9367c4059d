import { execFileSync } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bundledEntry } from "./bundle.mjs";

/** The launcher's cache (`npm start`): a bundle is reused only while every input is unchanged. */
const root = realpathSync(mkdtempSync(path.join(tmpdir(), "causeway-bundle-")));
const cacheDir = path.join(root, "cache");
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(root, name), text);
}

const run = (bundle: string) => execFileSync(process.execPath, [bundle], { encoding: "utf8" });

describe("the plan launcher's bundle cache", { timeout: 60_000 }, () => {
  it("reuses the bundle while its inputs are unchanged and rebuilds when one changes", async () => {
    write({
      "main.ts": 'import { word } from "./word";\nconsole.log(`${word} ${__dirname}`);\n',
      "word.ts": 'export const word: string = "first";\n',
    });
    const first = await bundledEntry("main.ts", { root, cacheDir });
    expect(run(first)).toBe(`first ${root}\n`);
    expect(await bundledEntry("main.ts", { root, cacheDir })).toBe(first);

    // An imported file changes (an edit, a git pull): a new bundle, never the stale one.
    write({ "word.ts": 'export const word: string = "second";\n' });
    const second = await bundledEntry("main.ts", { root, cacheDir });
    expect(second).not.toBe(first);
    expect(run(second)).toBe(`second ${root}\n`);

    // A package.json above an input (module resolution) is part of the key too.
    write({ "package.json": '{ "name": "fixture" }\n' });
    expect(await bundledEntry("main.ts", { root, cacheDir })).not.toBe(second);
  });
});
