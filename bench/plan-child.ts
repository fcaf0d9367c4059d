/**
 * One size of benchmark (d), in its own process: plans the dev stack with a synthetic service
 * graph of N services and prints one JSON line { services, resources, ms, maxRssMb, baseRssMb }.
 * Run: node infra/plan/run.mjs bench/plan-child.ts N [--stack-traces=on]
 * The plan turns stack traces off while it runs (packages/plan/src/core/run.ts): the Pulumi SDK captures
 * `new Error().stack` for every promise it creates (debuggablePromise), and with source maps on
 * (tsx, or the launcher with CAUSEWAY_PLAN_STACK_TRACES=1) every captured stack is also mapped.
 * `--stack-traces=on` keeps them (without source maps), to show what that costs.
 */
import { STACK_TRACES_ENV } from "@causeway/plan";
import { performance } from "node:perf_hooks";
import { planStack } from "../infra/plan/harness";
import { syntheticServices } from "./graph";

async function main(): Promise<void> {
  const n = Number(process.argv[2]);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`usage: plan-child.ts N (got ${process.argv[2]})`);
  const baseRssMb = process.memoryUsage().rss / 2 ** 20;
  if (process.argv.includes("--stack-traces=on")) process.env[STACK_TRACES_ENV] = "1";
  const t0 = performance.now();
  const plan = await planStack("dev", { "causeway:services": syntheticServices(n) });
  const ms = performance.now() - t0;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(
    `${JSON.stringify({ services: n, resources: plan.resources.length, ms, maxRssMb, baseRssMb })}\n`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
