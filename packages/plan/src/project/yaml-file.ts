import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { PlanError } from "../core/errors";

/** Parses a YAML file, failing with the file's name and the parser's message. */
export function readYamlFile(file: string): unknown {
  try {
    return parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new PlanError(`${file} is not valid YAML: ${(e as Error).message}`);
  }
}

/**
 * The `config:` mapping of a stack file (`Pulumi.<stack>.yaml`), as written; an absent
 * `config:` is an empty mapping.
 */
export function readStackConfig(file: string): Record<string, unknown> {
  const doc = readYamlFile(file);
  const config = (doc as { config?: unknown } | null)?.config ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new PlanError(`${file}: "config" must be a mapping of keys to values`);
  }
  return config as Record<string, unknown>;
}
