import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

/**
 * Loads a Pulumi project's entry point the way the Pulumi nodejs runtime does under
 * `pulumi up`, without running the program: from the project's folder (where ts-node finds the
 * repository's tsconfig.json), with Pulumi.yaml's `runtime.options.nodeargs`, requiring its
 * `main` through ts-node. Returns what the child printed: `typeof` the module's export and its
 * name (`function:main` for our projects), and its stderr.
 */
export function loadEntrypoint(projectDir: string): { stdout: string; stderr: string } {
  const project = parse(readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as {
    main?: string;
    runtime?: { options?: { nodeargs?: string } };
  };
  const main = project.main ?? "index.ts";
  const nodeargs = (project.runtime?.options?.nodeargs ?? "").split(/\s+/).filter(Boolean);
  const script = [
    'require("ts-node").register({ transpileOnly: true });',
    `const entry = require(${JSON.stringify(`./${main}`)});`,
    'process.stdout.write(typeof entry + ":" + entry.name);',
  ].join("\n");
  const result = spawnSync(process.execPath, [...nodeargs, "-e", script], {
    cwd: projectDir,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { stdout: result.stdout, stderr: result.stderr };
}
