import * as pulumi from "@pulumi/pulumi";

/** One problem found in the stack config. */
export interface ConfigIssue {
  /** Key path, starting with the Pulumi config key, e.g. `causeway:services.gateway.replicas`. */
  readonly path: string;
  /** What is wrong and what would be valid. */
  readonly message: string;
}

/**
 * Every problem in the stack config, reported at once before any resource is registered.
 * The message lists one problem per line: `<key path>: <what was found>; <what would be valid>`.
 */
export class ConfigError extends pulumi.RunError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], stack?: string) {
    const where = stack ? ` for stack "${stack}"` : "";
    const noun = issues.length === 1 ? "problem" : "problems";
    super(
      [
        `Invalid Causeway config${where}: ${issues.length} ${noun}.`,
        ...issues.map((i) => `  - ${i.path}: ${i.message}`),
      ].join("\n"),
    );
    this.name = "ConfigError";
    this.issues = issues;
  }
}

/** A found value as a problem message quotes it: JSON, cut at 80 characters; `nothing` if absent. */
export function found(value: unknown): string {
  if (value === undefined) return "nothing";
  const s = JSON.stringify(value);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
