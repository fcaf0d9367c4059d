import * as pulumi from "@pulumi/pulumi";
import type { RawConfig } from "../config";
import { PlanCapture } from "./capture";
import type { InvokeContext } from "./invokes";
import type { Plan } from "./model";

export const PROJECT = "causeway";

/** Set to 1 to keep stack traces during a plan (slower; for debugging the program). */
export const STACK_TRACES_ENV = "CAUSEWAY_PLAN_STACK_TRACES";

/** A Pulumi program: registers resources and returns the stack outputs. */
export type Program = () => Promise<Record<string, unknown> | void>;

export interface RunPlanOptions {
  readonly stack: string;
  readonly raw: RawConfig;
  readonly program: Program;
  readonly project?: string;
  /**
   * Runs with the stack's config installed, before the stack resource is registered: the place
   * to validate config, so that invalid config fails with nothing planned.
   */
  readonly preflight?: () => void;
}

/**
 * Runs `program` for a stack under the SDK's mock runtime, in preview mode, with the stack's
 * config installed as the engine would, and returns every registration it made.
 * Runs are sequential: the SDK's runtime state is process-global.
 */
export async function runPlan(options: RunPlanOptions): Promise<Plan> {
  const project = options.project ?? PROJECT;
  const capture = new PlanCapture(invokeContext(options.raw));
  await capture.install(project, options.stack);
  pulumi.runtime.setAllConfig({ ...options.raw.values }, [...options.raw.secretKeys]);
  let failure: { error: unknown } | undefined;
  // The SDK captures `new Error().stack` for every promise it makes (debuggablePromise) and
  // every resource; under tsx each one is source-mapped. That is most of a plan's time (bench
  // (d): 100 services in 3.4 s with stacks, 1.3 s without), so stacks are off during a plan
  // unless CAUSEWAY_PLAN_STACK_TRACES=1 asks for them to debug the program.
  const stackTraceLimit = Error.stackTraceLimit;
  if (process.env[STACK_TRACES_ENV] !== "1") Error.stackTraceLimit = 0;
  try {
    options.preflight?.();
    // A program error is kept and rethrown after the run: thrown inside the stack, the SDK
    // would also reject promises nobody awaits.
    await pulumi.runtime.runInPulumiStack(async () => {
      try {
        return await options.program();
      } catch (error) {
        failure = { error };
        return {};
      }
    });
    // Exported by the SDK at runtime (settings.waitForRPCs) but missing from its typings.
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    pulumi.runtime.setAllConfig({}, []);
  }
  if (failure) throw failure.error;
  if (capture.duplicates.length > 0) {
    throw new Error(
      `Duplicate resource URN ${[...new Set(capture.duplicates)].join(", ")}: Pulumi refuses two resources with one URN; give each a unique name`,
    );
  }
  return {
    project,
    stack: options.stack,
    resources: capture.resources(),
    outputs: capture.stackOutputs(),
  };
}

/** What invokes may answer with, derived from the raw stack config only. */
export function invokeContext(raw: RawConfig): InvokeContext {
  const json = (key: string): Record<string, unknown> => {
    try {
      const value: unknown = JSON.parse(raw.values[key] ?? "{}");
      return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  };
  const cluster = json("causeway:cluster");
  const network = json("causeway:network");
  const oidcArn = typeof cluster["oidcProviderArn"] === "string" ? cluster["oidcProviderArn"] : "";
  const stackRef = cluster["stackReference"] as { output?: unknown } | undefined;
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
  return {
    region: raw.values["aws:region"] ?? "us-east-1",
    accountId: /^arn:aws[-a-z]*:iam::(\d{12}):/.exec(oidcArn)?.[1] ?? "123456789012",
    clusterName: typeof cluster["name"] === "string" ? cluster["name"] : "cluster",
    vpcId: typeof network["vpcId"] === "string" ? network["vpcId"] : "vpc-00000000",
    vpcCidr: typeof network["vpcCidr"] === "string" ? network["vpcCidr"] : "10.0.0.0/16",
    subnetIds: [strings(network["publicSubnetIds"]), strings(network["privateSubnetIds"])],
    stackReferenceOutputs: [typeof stackRef?.output === "string" ? stackRef.output : "kubeconfig"],
  };
}
