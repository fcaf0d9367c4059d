import * as pulumi from "@pulumi/pulumi";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { checkStack, type StackFacts } from "./stack";
import { serviceEnvSecretName } from "./sections/services";
import { Environment, environments } from "./environment";
import { ConfigError, found, type ConfigIssue } from "./errors";
import { didYouMean } from "./did-you-mean";
import {
  mergeDefaults,
  sectionKeys,
  sections,
  type Section,
  type SectionKey,
  type SectionValues,
} from "./sections";

export const NAMESPACE = "causeway";

/** The fields a section marks `sensitive`, which the loader wraps as Pulumi secrets. */
type SensitiveOf<K extends SectionKey> = (typeof sections)[K] extends {
  readonly sensitive: readonly (infer F)[];
}
  ? F
  : never;

/** `T` with the fields named `F` held as Pulumi secrets (optional fields stay optional). */
type WithSecrets<T, F> = [F] extends [never]
  ? T
  : { readonly [P in keyof T]: P extends F ? pulumi.Output<NonNullable<T[P]>> : T[P] };

/**
 * The stack's config as validated from its file: one field per section of the table, typed by
 * that section's schema, with its credentials as secrets. What it leaves to the cluster stack
 * (`causeway:cluster.stackReference`) is absent: the cluster's name, OIDC provider and
 * kubeconfig, and the whole network.
 */
export type StackConfig = {
  readonly [K in SectionKey]: K extends "network"
    ? SectionValues[K] | undefined
    : WithSecrets<SectionValues[K], SensitiveOf<K>>;
};

/**
 * The typed, validated platform config that the program hands to the components: the stack's
 * config completed from the cluster stack's outputs (infra/cluster/app-reference.ts), so every
 * value the components need is present (the kubeconfig too, when the program runs).
 */
export type PlatformConfig = Omit<StackConfig, "cluster" | "network"> & {
  readonly cluster: StackConfig["cluster"] & {
    readonly name: string;
    readonly oidcProviderArn: string;
  };
  readonly network: SectionValues["network"];
};

/**
 * Raw config as the Pulumi engine hands it to a program: `namespace:key` -> string (objects as
 * JSON), plus the keys that hold a secret.
 */
export interface RawConfig {
  readonly values: Readonly<Record<string, string>>;
  readonly secretKeys: ReadonlySet<string>;
  /**
   * Exact paths of `secure:` leaves (e.g. `causeway:cluster.kubeconfig`) where the reader knows
   * them (the offline plan reads the stack file itself; the engine only says which keys).
   */
  readonly securePaths?: readonly string[];
  /**
   * Keys written at the top level of the stack file, outside `config:` (Pulumi ignores them),
   * where the reader knows the file.
   */
  readonly outsideConfig?: readonly string[];
}

/** Top-level keys a Pulumi stack file may hold (ProjectStack in pulumi/sdk/go/common/workspace). */
const STACK_FILE_KEYS = [
  "config",
  "secretsprovider",
  "encryptedkey",
  "encryptionsalt",
  "environment",
];

/**
 * The keys of `stacks/Pulumi.<stack>.yaml` written outside `config:`, when the program runs in
 * the project directory (Pulumi.yaml sets stackConfigDir: stacks).
 */
export function keysOutsideConfig(file: string): string[] {
  if (!existsSync(file)) return [];
  try {
    const doc = parseYaml(readFileSync(file, "utf8")) as unknown;
    if (typeof doc !== "object" || doc === null) return [];
    return Object.keys(doc).filter((k) => !STACK_FILE_KEYS.includes(k));
  } catch {
    return []; // the engine has already refused a stack file that is not YAML
  }
}

/** The running stack's raw config, as the engine hands it to the program. */
export function loadRawConfig(): RawConfig {
  const values = pulumi.runtime.allConfig();
  // `isConfigSecret` is exported at runtime by every SDK since 3.x but missing from its typings.
  const runtime = pulumi.runtime as unknown as { isConfigSecret(key: string): boolean };
  const secretKeys = new Set(Object.keys(values).filter((k) => runtime.isConfigSecret(k)));
  const stack = pulumi.getStack();
  const outsideConfig = keysOutsideConfig(
    path.join(process.cwd(), "stacks", `Pulumi.${stack}.yaml`),
  );
  return { values, secretKeys, outsideConfig };
}

/** Reads and validates the `causeway` namespace of the current stack's config. */
export function loadPlatformConfig(): StackConfig {
  return parsePlatformConfig(loadRawConfig(), pulumi.getStack());
}

/**
 * Validates raw config against the schema, with tier defaults applied. Throws one ConfigError
 * that lists every problem; returns nothing partial.
 */
export function parsePlatformConfig(raw: RawConfig, stack?: string): StackConfig {
  const issues: ConfigIssue[] = [];
  const prefix = `${NAMESPACE}:`;
  const given = new Map<string, unknown>();
  const unreadable = new Set<string>();

  for (const [fullKey, text] of Object.entries(raw.values)) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    if (!(key in sections)) {
      const hint = didYouMean(key, sectionKeys);
      issues.push({
        path: fullKey,
        message: `unknown key${hint ? ` (did you mean "${prefix}${hint}"?)` : ""}; valid keys: ${sectionKeys.map((k) => prefix + k).join(", ")}`,
      });
      continue;
    }
    const parsed = parseValue(text);
    if (parsed.error) {
      issues.push({ path: fullKey, message: parsed.error });
      unreadable.add(key);
      continue;
    }
    given.set(key, parsed.value);
  }

  const envResult = sections.environment.schema.safeParse(given.get("environment"));
  const env: Environment = envResult.success ? envResult.data : Environment.dev;

  const facts: StackFacts = checkStack(raw, issues);
  const stackName = stack ?? env;
  if (
    envResult.success &&
    (environments as readonly string[]).includes(stackName) &&
    stackName !== env
  ) {
    issues.push({
      path: `${prefix}environment`,
      message: `is "${env}" but the stack is named "${stackName}", a tier's name: production rules key on causeway:environment, so a stack named after a tier must be that tier; set causeway:environment: ${stackName}, or give the stack another name (found "${env}")`,
    });
  }

  const out: Record<string, unknown> = {};
  for (const key of sectionKeys) {
    // Each section reads only the others it names in its CheckContext; `parsed` holds them all.
    const section: Section<unknown, Partial<SectionValues>> = sections[key];
    const fullKey = prefix + key;
    const value = given.get(key);
    if (unreadable.has(key)) continue;
    const misplacedSecrets = secretIssues(key, section, raw);
    if (misplacedSecrets.length > 0) {
      issues.push(...misplacedSecrets);
      continue;
    }
    if (value === undefined && section.required) {
      if (section.suppliedBy?.when(given)) continue;
      issues.push({
        path: fullKey,
        message: `is required: ${section.description} Set it in stacks/Pulumi.<stack>.yaml${section.suppliedBy ? `, ${section.suppliedBy.otherwise}` : ""}.`,
      });
      continue;
    }
    const merged = section.withDefaults
      ? section.withDefaults(value, env)
      : section.tierDefaults
        ? mergeDefaults(section.tierDefaults[env], value)
        : value;
    const result = section.schema.safeParse(merged, { reportInput: true });
    if (!result.success) {
      issues.push(...result.error.issues.map((i) => describeIssue(fullKey, section.schema, i)));
      continue;
    }
    out[key] = result.data;
    issues.push(...plaintextIssues(key, section, result.data, raw));
    if (key === "services") {
      issues.push(
        ...serviceSecretEnvPlaintext(result.data as Record<string, { secretEnv: object }>, raw),
      );
    }
  }

  const context = {
    env,
    stack: stackName,
    parsed: out as Partial<SectionValues>,
    region: facts.region,
    accountId: facts.accountId ?? accountOf(out),
  };
  for (const key of sectionKeys) {
    // Each section reads only the others it names in its CheckContext; `parsed` holds them all.
    const section: Section<unknown, Partial<SectionValues>> = sections[key];
    if (key in out && section.check) issues.push(...section.check(out[key], context));
  }

  if (issues.length > 0) throw new ConfigError(issues, stack);
  return markSecrets(out) as unknown as StackConfig;
}

/** The stack's account when config does not name one: the account of the cluster's OIDC provider. */
function accountOf(out: Record<string, unknown>): string | undefined {
  const oidc = (out.cluster as { oidcProviderArn?: string } | undefined)?.oidcProviderArn;
  return oidc ? /^arn:[^:]+:iam::(\d{12}):/.exec(oidc)?.[1] : undefined;
}

function parseValue(text: string): { value?: unknown; error?: string } {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return { value: text };
  try {
    return { value: JSON.parse(trimmed) };
  } catch (e) {
    return { error: `is not valid structured config (${(e as Error).message})` };
  }
}

/** A secret anywhere but a sensitive field would be printed in plaintext: refuse it. */
function secretIssues(key: SectionKey, section: Section, raw: RawConfig): ConfigIssue[] {
  const fullKey = `${NAMESPACE}:${key}`;
  const sensitive = section.sensitive ?? [];
  const where = sensitive.length
    ? `only ${sensitive.map((s) => `${fullKey}.${s}`).join(", ")} may be secure`
    : `no field of ${fullKey} holds a credential, so store it as plain config`;
  if (key === "services") return serviceSecretIssues(raw);
  if (raw.securePaths) {
    return raw.securePaths
      .filter((p) => p === fullKey || p.startsWith(`${fullKey}.`))
      .filter((p) => !sensitive.some((s) => p === `${fullKey}.${s}`))
      .map((p) => ({ path: p, message: `is stored as a secret, but ${where}` }));
  }
  if (raw.secretKeys.has(fullKey) && sensitive.length === 0) {
    return [{ path: fullKey, message: `is stored as a secret, but ${where}` }];
  }
  return [];
}

const SECRET_ENV_PATH = /^causeway:services\.([^.[\]]+)\.secretEnv\.([A-Za-z0-9_]+)$/;
const ENV_PATH = /^causeway:services\.([^.[\]]+)\.env\.([A-Za-z0-9_]+)$/;

/**
 * In causeway:services only `secretEnv.<VAR>` may be `secure:`; a secret in plaintext `env` is
 * moved there (never to plain config), and any other secret leaf is named exactly.
 */
function serviceSecretIssues(raw: RawConfig): ConfigIssue[] {
  return (raw.securePaths ?? [])
    .filter((p) => p === "causeway:services" || p.startsWith("causeway:services."))
    .filter((p) => !SECRET_ENV_PATH.test(p))
    .map((p) => {
      const env = ENV_PATH.exec(p);
      return {
        path: p,
        message: env
          ? `is a secret, but env is plaintext (in git and in the plan): move it to causeway:services.${env[1]}.secretEnv.${env[2]}, which the program stores in Secret ${serviceEnvSecretName(env[1]!)} for ${env[1]} only`
          : "is stored as a secret, but in causeway:services only <service>.secretEnv.<VAR> may be secure; store this field as plain config",
      };
    });
}

/** secretEnv values of causeway:services given in plaintext, each named with how to fix it. */
function serviceSecretEnvPlaintext(
  services: Record<string, { secretEnv: object }>,
  raw: RawConfig,
) {
  const issues: ConfigIssue[] = [];
  for (const [name, s] of Object.entries(services)) {
    for (const [key, value] of Object.entries(s.secretEnv)) {
      if (!pulumi.Output.isInstance(value)) continue; // a { secretName, key } reference
      const path = `causeway:services.${name}.secretEnv.${key}`;
      const secret = raw.securePaths
        ? raw.securePaths.includes(path)
        : raw.secretKeys.has("causeway:services");
      if (!secret) {
        issues.push({
          path,
          message: `holds a credential in plaintext; store it as a secret instead: pulumi config set --secret --path '${path}' <value>, or use { secretName, key } of an existing Kubernetes Secret`,
        });
      }
    }
  }
  return issues;
}

/**
 * A credential given as plain config is already in the stack file, in git, in plaintext:
 * refuse it and say how to store it as a secret.
 */
function plaintextIssues(
  key: SectionKey,
  section: Section,
  value: unknown,
  raw: RawConfig,
): ConfigIssue[] {
  const fullKey = `${NAMESPACE}:${key}`;
  return (section.sensitive ?? [])
    .filter((field) => (value as Record<string, unknown> | undefined)?.[field] !== undefined)
    .filter((field) =>
      raw.securePaths
        ? !raw.securePaths.includes(`${fullKey}.${field}`)
        : !raw.secretKeys.has(fullKey),
    )
    .map((field) => ({
      path: `${fullKey}.${field}`,
      message: `holds a credential in plaintext; store it as a secret instead: pulumi config set --secret --path ${fullKey}.${field} <value>`,
    }));
}

/** Wraps every sensitive field as a Pulumi secret. */
function markSecrets(config: Record<string, unknown>): Record<string, unknown> {
  const out = { ...config };
  for (const key of sectionKeys) {
    // Each section reads only the others it names in its CheckContext; `parsed` holds them all.
    const section: Section<unknown, Partial<SectionValues>> = sections[key];
    for (const field of section.sensitive ?? []) {
      const value = out[key] as Record<string, unknown> | undefined;
      if (value && value[field] !== undefined) {
        out[key] = { ...value, [field]: pulumi.secret(value[field]) };
      }
    }
  }
  return out;
}

/** Formats one zod issue as `<key path>: <problem> (found <value>)`, with a did-you-mean. */
function describeIssue(fullKey: string, schema: z.ZodType, issue: z.core.$ZodIssue): ConfigIssue {
  const path =
    fullKey + issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
  if (issue.code === "unrecognized_keys") {
    const known = knownKeysAt(schema, issue.path);
    return {
      path,
      message: issue.keys
        .map((k) => {
          const hint = didYouMean(k, known);
          return `unknown key "${k}"${hint ? ` (did you mean "${hint}"?)` : ""}`;
        })
        .concat(known.length ? [`valid keys: ${known.join(", ")}`] : [])
        .join("; "),
    };
  }
  // A bad record key carries the key's own issues: report those.
  const message =
    issue.code === "invalid_key" ? issue.issues.map((i) => i.message).join("; ") : issue.message;
  const input = (issue as { input?: unknown }).input;
  if (typeof input === "object" && input !== null && !Array.isArray(input)) {
    return { path, message }; // the path already says which object
  }
  return { path, message: `${message} (found ${found(input)})` };
}

/** The keys an object schema accepts at `path` (walking records, arrays and wrappers). */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: unknown = schema;
  const unwrap = (n: unknown): unknown => {
    let cur = n as { def?: Record<string, unknown> };
    for (;;) {
      const def = cur?.def;
      if (!def) return cur;
      if (def.innerType) cur = def.innerType as typeof cur;
      else if (def.type === "pipe") cur = def.in as typeof cur;
      else return cur;
    }
  };
  for (const segment of path) {
    const n = unwrap(node) as { def?: Record<string, unknown>; shape?: Record<string, unknown> };
    if (n?.def?.type === "object") node = n.shape?.[String(segment)];
    else if (n?.def?.type === "record") node = n.def.valueType;
    else if (n?.def?.type === "array") node = n.def.element;
    else return [];
  }
  const n = unwrap(node) as { def?: { type?: string }; shape?: Record<string, unknown> };
  return n?.def?.type === "object" ? Object.keys(n.shape ?? {}) : [];
}
