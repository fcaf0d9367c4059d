import { existsSync } from "node:fs";
import * as path from "node:path";
import { PlanError } from "../core/errors";
import { readYamlFile } from "./yaml-file";

/** What the plan reads from a program's Pulumi.yaml. */
export interface ProjectFile {
  /** The folder that holds Pulumi.yaml. */
  readonly dir: string;
  readonly file: string;
  /** The project name (`name:`). */
  readonly name: string;
  /** `main:`, the program's entry file or folder, relative to `dir`. */
  readonly main?: string;
  /** Where the stack files are (`stackConfigDir:`, default `dir`). */
  readonly stackConfigDir: string;
  /** Project-level config defaults (`config:`), with namespaced keys. */
  readonly configDefaults: Readonly<Record<string, unknown>>;
}

/** Keys of a Pulumi.yaml `config:` entry that declare a key rather than give its value. */
const DECLARATION_KEYS = new Set(["type", "description", "default", "value", "secret", "items"]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Reads `<dir>/Pulumi.yaml` (or `.yml`) the way the Pulumi CLI does, for a Node.js program. */
export function readProjectFile(dir: string): ProjectFile {
  const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(dir, f)).find(existsSync);
  if (!file) {
    throw new PlanError(
      `${path.join(dir, "Pulumi.yaml")} does not exist: causeway-plan plans a Pulumi program folder. ` +
        `Pass the folder that holds the program's Pulumi.yaml, or create one there with "name: <project>" and "runtime: nodejs".`,
    );
  }
  const doc = readYamlFile(file);
  if (!isRecord(doc) || typeof doc["name"] !== "string" || doc["name"] === "") {
    throw new PlanError(
      `${file}: "name" is required: add the project name, for example "name: my-project".`,
    );
  }
  const name = doc["name"];
  const runtime = isRecord(doc["runtime"]) ? doc["runtime"]["name"] : doc["runtime"];
  if (runtime !== "nodejs") {
    throw new PlanError(
      `${file}: runtime ${JSON.stringify(runtime ?? null)} is not supported: causeway-plan runs Node.js programs. Set "runtime: nodejs".`,
    );
  }
  const main = typeof doc["main"] === "string" ? doc["main"] : undefined;
  const stackConfigDir =
    typeof doc["stackConfigDir"] === "string" ? path.resolve(dir, doc["stackConfigDir"]) : dir;
  return {
    dir,
    file,
    name,
    ...(main ? { main } : {}),
    stackConfigDir,
    configDefaults: configDefaults(doc["config"], name),
  };
}

/**
 * The values a Pulumi.yaml `config:` block gives: a plain value, or a declaration's `value` or
 * `default`; a declaration with neither gives nothing. Keys without a namespace are the
 * project's.
 */
function configDefaults(config: unknown, project: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isRecord(config)) return out;
  for (const [key, entry] of Object.entries(config)) {
    const declared = isRecord(entry) && Object.keys(entry).every((k) => DECLARATION_KEYS.has(k));
    const value = declared ? (entry["value"] ?? entry["default"]) : entry;
    if (value !== undefined && value !== null) out[namespacedKey(key, project)] = value;
  }
  return out;
}

/** `key` in the project's namespace unless it names one (`aws:region`). */
export function namespacedKey(key: string, project: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}
