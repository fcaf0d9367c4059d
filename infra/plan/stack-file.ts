import {
  knownStacks,
  PlanError,
  readStackConfig,
  toRawConfig,
  type RawConfig,
} from "@causeway/plan";
import * as path from "node:path";

export interface StackFile {
  readonly stack: string;
  readonly file: string;
  /** The parsed `config:` mapping, as written. */
  readonly config: Readonly<Record<string, unknown>>;
  /** All config keys, in the shape the Pulumi engine gives a program. */
  readonly raw: RawConfig;
}

/**
 * Reads `stacks/Pulumi.<stack>.yaml` the way the Pulumi CLI does: top-level values become
 * strings, structured values JSON, and `secure:` values secrets (here, placeholders). An unknown
 * stack fails with the stacks that do exist.
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
  const config = readStackConfig(file);
  return { stack, file, config, raw: toRawConfig(config) };
}
