/**
 * The baseline of benchmark (d), in its own process: the Pulumi SDK alone, with nothing of
 * Causeway. It imports @pulumi/pulumi, installs the SDK's mock runtime in preview mode as the
 * plan does, registers R trivial custom resources (one input each) in a stack, waits for the
 * registrations, and prints one JSON line { resources, ms, maxRssMb }. R is the resource count of
 * the plan it is compared with, so the ratio is the plan's cost per resource over the SDK's.
 * Run: node infra/plan/run.mjs bench/plan-floor.ts R
 */
import * as pulumi from "@pulumi/pulumi";
import { performance } from "node:perf_hooks";

/** A trivial custom resource: one input, no provider behind it but the mocks. */
class FloorResource extends pulumi.CustomResource {
  constructor(name: string, value: number) {
    super("floor:index:Resource", name, { value });
  }
}

async function main(): Promise<void> {
  const count = Number(process.argv[2]);
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`usage: plan-floor.ts R (got ${process.argv[2]})`);
  }
  // As the plan runs (packages/plan/src/core/run.ts): no stack traces.
  Error.stackTraceLimit = 0;
  const t0 = performance.now();
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: undefined, state: args.inputs }),
      call: (args) => args.inputs,
    },
    "floor",
    "dev",
    /* preview */ true,
  );
  await pulumi.runtime.runInPulumiStack(async () => {
    for (let i = 0; i < count; i++) {
      new FloorResource(`r-${i}`, i);
    }
  });
  // Exported by the SDK at runtime (settings.waitForRPCs) but missing from its typings.
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  const ms = performance.now() - t0;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ resources: count, ms, maxRssMb })}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
