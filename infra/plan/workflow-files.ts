import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

/**
 * The GitHub workflows as the workflow tests read them (workflows.test.ts,
 * diff-workflows.test.ts, workflows-lint.test.ts): where they are, their files, and the parts of
 * a parsed workflow the tests look at.
 */

export const root = path.resolve(__dirname, "..", "..");
export const workflowsDir = path.join(root, ".github", "workflows");
/** The repository's own composite action, shared by the stack jobs. */
export const localAction = ".github/actions/pulumi-stack";

export interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  "continue-on-error"?: boolean;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
export interface Job {
  if?: string;
  needs?: string | string[];
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: unknown;
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  services?: Record<string, { image: string; env?: Record<string, string> }>;
  strategy?: { matrix?: Record<string, unknown> };
  outputs?: Record<string, string>;
  env?: Record<string, string>;
  steps?: Step[];
}
export interface Workflow {
  on: Record<string, unknown>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

/** The workflow file names (`ci.yml`, ...), sorted. */
export const workflowNames: readonly string[] = readdirSync(workflowsDir)
  .filter((n) => /\.ya?ml$/.test(n))
  .sort();

/** A file of the repository as text, by its path from the root. */
export const text = (file: string): string => readFileSync(path.join(root, file), "utf8");
/** A workflow's source, by file name. */
export const workflowSource = (name: string): string => text(`.github/workflows/${name}`);
/** A workflow, parsed. */
export const workflow = (name: string): Workflow => parse(workflowSource(name)) as Workflow;
/** A job's steps (none for a job that calls a reusable workflow). */
export const steps = (job: Job): Step[] => job.steps ?? [];
