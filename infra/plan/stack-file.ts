import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import type { RawConfig } from "../config";

/** A problem the user fixes in their files; printed as one message, without a stack trace. */
export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanError";
  }
}

/** Stand-in for a `secure:` value, which only the stack's secrets provider can decrypt. */
export const SECURE_PLACEHOLDER = "offline-plan-secret-value";

export interface StackFile {
  readonly stack: string;
  readonly file: string;
  /** The parsed `config:` mapping, as written. */
  readonly config: Readonly<Record<string, unknown>>;
  /** All config keys, in the shape the Pulumi engine gives a program. */
  readonly raw: RawConfig;
}

/** Stacks that have a `Pulumi.<stack>.yaml` in `dir`, sorted. */
export function knownStacks(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => /^Pulumi\.([A-Za-z0-9_.-]+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/**
 * Reads `stacks/Pulumi.<stack>.yaml` the way the Pulumi CLI does: top-level values become
 * strings, structured values JSON, and `secure:` values secrets (here, placeholders).
 */
export function readStackFile(dir: string, stack: string): StackFile {
  const stacks = knownStacks(dir);
  if (!/^[A-Za-z0-9_.-]+$/.test(stack) || !stacks.includes(stack)) {
    throw new PlanError(
      `Unknown stack "${stack}": there is no ${path.join(path.basename(dir), `Pulumi.${stack}.yaml`)}. Known stacks: ${stacks.join(", ") || "none"}. ` +
        `Create the file (start from Pulumi.dev.yaml) or pick a known stack.`,
    );
  }
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new PlanError(`${file} is not valid YAML: ${(e as Error).message}`);
  }
  const config = (doc as { config?: unknown } | null)?.config ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new PlanError(`${file}: "config" must be a mapping of keys to values`);
  }
  const map = config as Record<string, unknown>;
  return { stack, file, config: map, raw: toRawConfig(map) };
}

/** Converts a parsed `config:` mapping to engine form. Exported for overlays in tests. */
export function toRawConfig(config: Record<string, unknown>): RawConfig {
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  const securePaths: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const found: string[] = [];
    const plain = replaceSecure(value, key, found);
    if (found.length > 0) secretKeys.add(key);
    securePaths.push(...found);
    values[key] = typeof plain === "string" ? plain : JSON.stringify(plain);
  }
  return { values, secretKeys, securePaths };
}

function isSecure(v: unknown): boolean {
  return (
    typeof v === "object" &&
    v !== null &&
    !Array.isArray(v) &&
    Object.keys(v).length === 1 &&
    "secure" in v
  );
}

function replaceSecure(value: unknown, at: string, found: string[]): unknown {
  if (isSecure(value)) {
    found.push(at);
    return SECURE_PLACEHOLDER;
  }
  if (Array.isArray(value)) return value.map((v, i) => replaceSecure(v, `${at}[${i}]`, found));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, replaceSecure(v, `${at}.${k}`, found)]),
    );
  }
  return value;
}
