import { existsSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { PlanError } from "../core/errors";
import { namespacedKey, type ProjectFile } from "./project-file";
import { readStackConfig } from "./yaml-file";

/** Stacks that have a `Pulumi.<stack>.yaml` in `dir`, sorted. */
export function knownStacks(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => /^Pulumi\.([A-Za-z0-9_.-]+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/**
 * A stack's config as the engine would give it: the project's defaults, overridden by the
 * stack file (`<stackConfigDir>/Pulumi.<stack>.yaml`, or `configFile`). Keys without a
 * namespace are the project's.
 */
export function stackConfig(
  project: ProjectFile,
  stack: string,
  configFile?: string,
): { readonly file: string; readonly config: Record<string, unknown> } {
  const file = configFile ?? path.join(project.stackConfigDir, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) {
    const known = knownStacks(project.stackConfigDir);
    throw new PlanError(
      configFile
        ? `${file} does not exist: pass the stack's config file to --config-file.`
        : `${file} does not exist, so stack "${stack}" has no config. Create it (a "config:" mapping, which may be empty), ` +
            `pass --config-file FILE, or pick a stack that has one (${known.join(", ") || "none here"}).`,
    );
  }
  const config: Record<string, unknown> = { ...project.configDefaults };
  for (const [key, value] of Object.entries(readStackConfig(file))) {
    config[namespacedKey(key, project.name)] = value;
  }
  return { file, config };
}
