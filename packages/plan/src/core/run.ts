import * as pulumi from "@pulumi/pulumi";
import { createRequire } from "node:module";
import { PlanCapture, type StackOutputs } from "./capture";
import type { RawConfig } from "./config";
import { STACK_TRACES_ENV } from "./errors";
import { defaultInvokes, type InvokeAnswers } from "./invokes";
import type { Plan } from "./model";
import { UnhandledRejections } from "./unhandled";

/**
 * The SDK's promise tagging module (no typings: it is internal), or undefined if this SDK
 * version has no such module or export: the plan then runs with the SDK's own tagging, slower
 * but the same plan.
 */
function sdkDebuggable():
  { debuggablePromise: (p: Promise<unknown>, ctx?: unknown) => unknown } | undefined {
  try {
    const mod = createRequire(__filename)("@pulumi/pulumi/runtime/debuggable") as {
      debuggablePromise?: unknown;
    };
    return typeof mod.debuggablePromise === "function" ? (mod as never) : undefined;
  } catch {
    return undefined;
  }
}

/** A Pulumi program: registers resources and returns the stack outputs. */
export type Program = () => Promise<Record<string, unknown> | void>;

export interface RunPlanOptions {
  /** The Pulumi project name (Pulumi.yaml `name`), the second part of every URN. */
  readonly project: string;
  readonly stack: string;
  readonly raw: RawConfig;
  readonly program: Program;
  /**
   * Runs with the stack's config installed, before the stack resource is registered: the place
   * to validate config, so that invalid config fails with nothing planned.
   */
  readonly preflight?: () => void;
  /** Answers for the program's invokes. Default: {@link defaultInvokes} of `raw`. */
  readonly invokes?: InvokeAnswers;
  /** What the error for an invoke without an answer tells the user to do. */
  readonly invokeHint?: string;
  /** Output names a StackReference offers, as secrets known after apply. Default: none. */
  readonly stackReferenceOutputs?: readonly string[];
  /** Referenced stacks' outputs, by stack name (e.g. another plan's outputs). Default: none. */
  readonly stackReferences?: Readonly<Record<string, StackOutputs>>;
}

/**
 * Runs `program` for a stack under the SDK's mock runtime, in preview mode, with the stack's
 * config installed as the engine would, and returns every registration it made.
 * Runs are sequential: the SDK's runtime state is process-global.
 */
export async function runPlan(options: RunPlanOptions): Promise<Plan> {
  const { project } = options;
  const capture = new PlanCapture({
    invokes: options.invokes ?? defaultInvokes(options.raw),
    ...(options.invokeHint ? { invokeHint: options.invokeHint } : {}),
    stackReferenceOutputs: options.stackReferenceOutputs ?? [],
    ...(options.stackReferences ? { stackReferences: options.stackReferences } : {}),
  });
  await capture.install(project, options.stack);
  pulumi.runtime.setAllConfig({ ...options.raw.values }, [...options.raw.secretKeys]);
  let failure: { error: unknown } | undefined;
  // The SDK captures `new Error().stack` for every promise it makes (debuggablePromise) and
  // every resource; under tsx each one is source-mapped. That is most of a plan's time (bench
  // (d): 100 services in 3.4 s with stacks, 1.3 s without), so stacks are off during a plan
  // unless CAUSEWAY_PLAN_STACK_TRACES=1 asks for them to debug the program.
  const stackTraceLimit = Error.stackTraceLimit;
  const traces = process.env[STACK_TRACES_ENV] === "1";
  if (!traces) Error.stackTraceLimit = 0;
  // Each resource's constructor also takes a whole stack (limit raised to Infinity), parses it and
  // turns every frame into a file URL, for the source position of its registration, which only
  // the engine reads: the mock monitor drops it. With stack traces off, the plan skips that (bench
  // (d): about 0.25 ms per resource of the in-process time, and the garbage of the stacks).
  const resourceClass = pulumi.Resource as unknown as { callsites: () => unknown[] };
  const callsites = resourceClass.callsites;
  if (!traces) resourceClass.callsites = () => [];
  // Every promise the SDK makes for a registration also goes through debuggablePromise, which
  // tags it (three defineProperty), adds it to a leak list and chains two more promises to take
  // it off again (@pulumi/pulumi 3.248, runtime/debuggable.js; the SDK calls it through the
  // module's exports, so replacing the export takes effect). The list only feeds the message
  // the SDK prints at exit when a program leaves promises behind, which the plan reports
  // itself (it waits for every RPC); with stack traces off, the plan hands the promise back as
  // it is (bench (d): about a tenth of a big plan's time, with the garbage of the extra promises).
  const debuggable = sdkDebuggable();
  const debuggablePromise = debuggable?.debuggablePromise;
  if (!traces && debuggable) debuggable.debuggablePromise = (p) => p;
  const unhandled = new UnhandledRejections();
  unhandled.capture();
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
    await unhandled.race(
      (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs(),
    );
  } finally {
    await unhandled.release();
    Error.stackTraceLimit = stackTraceLimit;
    resourceClass.callsites = callsites;
    if (debuggable && debuggablePromise) debuggable.debuggablePromise = debuggablePromise;
    pulumi.runtime.setAllConfig({}, []);
  }
  if (failure) throw failure.error;
  if (unhandled.error) throw unhandled.error.error;
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
