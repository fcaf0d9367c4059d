import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { PlanError } from "../core/errors";
import type { Program } from "../core/run";
import type { ProjectFile } from "./project-file";

/**
 * The program's entry file, as the Pulumi CLI finds it: Pulumi.yaml `main` (a file, or a
 * folder), else the folder's package.json `main`, else its index.ts (or index.js).
 */
export function resolveEntry(project: ProjectFile): string {
  const base = path.resolve(project.dir, project.main ?? ".");
  if (!existsSync(base)) throw missingEntry(project, base);
  if (statSync(base).isFile()) return base;
  const candidates: string[] = [];
  const pkg = path.join(base, "package.json");
  if (existsSync(pkg)) {
    const main = (JSON.parse(readFileSync(pkg, "utf8")) as { main?: unknown }).main;
    if (typeof main === "string") candidates.push(path.resolve(base, main));
  }
  candidates.push(path.join(base, "index.ts"), path.join(base, "index.js"));
  const found = candidates.find((f) => existsSync(f) && statSync(f).isFile());
  if (!found) throw missingEntry(project, candidates[0]!);
  return found;
}

function missingEntry(project: ProjectFile, entry: string): PlanError {
  return new PlanError(
    `${project.file}: the program's entry ${path.relative(project.dir, entry)} does not exist. ` +
      `Set "main" in Pulumi.yaml to the program's entry file (for example "main: index.ts").`,
  );
}

/**
 * The program of a module, run as the Pulumi Node.js host runs it: loading it registers the
 * resources; a function exported (as the module or its default export) is called; the result,
 * or else the module's exports, become the stack outputs. TypeScript loads through tsx, which
 * the caller registers.
 */
export function moduleProgram(entry: string): Program {
  return async () => {
    const exported: unknown = createRequire(entry)(entry);
    if (typeof exported === "function") return outputs(await exported());
    if (isRecord(exported) && typeof exported["default"] === "function") {
      return outputs(await (exported["default"] as () => unknown)());
    }
    return outputs(exported);
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

function outputs(value: unknown): Record<string, unknown> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter(([key]) => key !== "__esModule" && key !== "default"),
  );
}
