/**
 * Benchmark (d): the offline plan's time, as a whole process (start-up included) and in process,
 * for synthetic graphs of 1, 10, 100 and 300 services, with peak memory. Each measurement is its
 * own child process, run in interleaved rounds:
 * - the plan: `node infra/plan/run.mjs bench/plan-child.ts N` (the launcher `npm start` uses);
 * - its baseline, the SDK floor: `bench/plan-floor.ts R`, the Pulumi SDK alone registering as
 *   many trivial resources under the same mock runtime, through the same launcher;
 * - `npm start`'s command against the tsx command it replaced, both planning the dev stack.
 * Targets (issue 20) are in the notes, never asserted.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { BenchResult } from "./lib";
import { median, round } from "./lib";

const ROOT = join(__dirname, "..");
const LAUNCHER = join(ROOT, "infra", "plan", "run.mjs");
const tsxCli = createRequire(__filename).resolve("tsx/cli");

interface Timed {
  /** Whole process: from spawn to exit, as seen by this process. */
  wallMs: number;
  /** The child's JSON line, when it prints one. */
  report: Record<string, number> | undefined;
}

function timed(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.once("close", (code) => {
      const wallMs = performance.now() - t0;
      if (code !== 0) {
        reject(new Error(`${args.join(" ")} exited ${code}: ${err.slice(-2000)}`));
        return;
      }
      const line = out.trim().split("\n").pop() ?? "";
      resolve({
        wallMs,
        report: line.startsWith("{") ? (JSON.parse(line) as Record<string, number>) : undefined,
      });
    });
  });
}

export interface PlanBenchOptions {
  readonly sizes: readonly number[];
  readonly rounds: number;
  /** Rounds for sizes above 100 (each takes seconds). */
  readonly bigRounds: number;
  readonly log: (line: string) => void;
}

interface SizeSamples {
  resources: number;
  plan: { wall: number[]; ms: number[]; rss: number[]; msTraces: number[] };
  floor: { wall: number[]; ms: number[]; rss: number[] };
}

const TARGETS: Readonly<Record<number, string>> = {
  100: "target <= 2000 ms whole process",
  300: "target <= 4000 ms whole process, <= 700 MB, linear",
};

export async function benchPlan(o: PlanBenchOptions): Promise<BenchResult[]> {
  const s = new Map<number, SizeSamples>();
  const start = { now: [] as number[], before: [] as number[] };
  const noTraces = { ...process.env, CAUSEWAY_PLAN_STACK_TRACES: "0" };
  // A first run builds the launcher's bundles; none of the rounds below pays for it.
  await timed([LAUNCHER, "infra/plan/cli.ts", "--help"]);
  await timed([LAUNCHER, "bench/plan-child.ts", "1"]);
  await timed([LAUNCHER, "bench/plan-floor.ts", "1"]);
  const maxRounds = Math.max(o.rounds, o.bigRounds);
  for (let r = 0; r < maxRounds; r++) {
    if (r < o.rounds) {
      const now = await timed([LAUNCHER, "infra/plan/cli.ts", "dev"], noTraces);
      const before = await timed(
        [tsxCli, "--conditions=causeway-source", "infra/plan/cli.ts", "dev"],
        noTraces,
      );
      start.now.push(now.wallMs);
      start.before.push(before.wallMs);
      o.log(`  npm start: ${round(now.wallMs)} ms (tsx path ${round(before.wallMs)} ms)`);
    }
    for (const n of o.sizes) {
      if (r >= (n > 100 ? o.bigRounds : o.rounds)) continue;
      const plan = await timed([LAUNCHER, "bench/plan-child.ts", String(n)], noTraces);
      const p = plan.report!;
      const resources = p["resources"]!;
      const floor = await timed([LAUNCHER, "bench/plan-floor.ts", String(resources)]);
      const f = floor.report!;
      const traces = await timed([LAUNCHER, "bench/plan-child.ts", String(n), "--stack-traces=on"]);
      const size = s.get(n) ?? {
        resources,
        plan: { wall: [], ms: [], rss: [], msTraces: [] },
        floor: { wall: [], ms: [], rss: [] },
      };
      size.plan.wall.push(plan.wallMs);
      size.plan.ms.push(p["ms"]!);
      size.plan.rss.push(p["maxRssMb"]!);
      size.plan.msTraces.push(traces.report!["ms"]!);
      size.floor.wall.push(floor.wallMs);
      size.floor.ms.push(f["ms"]!);
      size.floor.rss.push(f["maxRssMb"]!);
      s.set(n, size);
      o.log(
        `  plan ${n} services (${resources} resources): whole ${round(plan.wallMs)} ms ` +
          `(SDK floor ${round(floor.wallMs)} ms), in process ${round(p["ms"]!)} ms ` +
          `(floor ${round(f["ms"]!)} ms, stack traces on ${round(traces.report!["ms"]!)} ms), ` +
          `peak RSS ${round(p["maxRssMb"]!)} MB (floor ${round(f["maxRssMb"]!)} MB)`,
      );
    }
  }
  const results: BenchResult[] = [];
  const row = (
    name: string,
    value: number,
    unit: string,
    baseline: number,
    note: string,
  ): BenchResult => ({
    name,
    value: round(value, 0),
    unit,
    baseline: round(baseline, 0),
    ratio: round(value / baseline, 2),
    note,
  });
  const nowMs = median(start.now);
  results.push(
    row(
      "(d) npm start (dev plan), whole process",
      nowMs,
      "ms",
      median(start.before),
      "the launcher's cached bundle (node infra/plan/run.mjs) vs the tsx command it replaced, " +
        "both planning and policy-checking the dev stack; npm's own start-up (about 0.2 s) comes " +
        `on top; bounded by importing the SDK and providers and the program's registrations; target <= 1000 ms; ${start.now.length} round(s)`,
    ),
  );
  for (const n of o.sizes) {
    const size = s.get(n)!;
    const label = `(d) plan ${n} service${n === 1 ? "" : "s"}`;
    const rounds = `${size.plan.ms.length} round(s)`;
    const target = TARGETS[n] ? `; ${TARGETS[n]}` : "";
    const wall = median(size.plan.wall);
    const ms = median(size.plan.ms);
    const rss = median(size.plan.rss);
    results.push(
      row(
        `${label}, whole process`,
        wall,
        "ms",
        median(size.floor.wall),
        `${size.resources} resources; baseline = the Pulumi SDK alone registering as many trivial ` +
          `resources under the same mock runtime, start-up included${target}; ${rounds}`,
      ),
      row(
        `${label}, in process`,
        ms,
        "ms",
        median(size.floor.ms),
        `${round(ms / size.resources, 2)} ms/resource (SDK floor ${round(median(size.floor.ms) / size.resources, 2)}); ` +
          `bounded by the components' per-resource work and the SDK's Output plumbing; ${rounds}`,
      ),
      row(
        `${label}, peak RSS`,
        rss,
        "MB",
        median(size.floor.rss),
        `maxRSS of the plan's process; baseline = the SDK floor's${n === 300 ? "; target <= 700 MB" : ""}; ${rounds}`,
      ),
      row(
        `${label} (SDK stack traces on), in process`,
        median(size.plan.msTraces),
        "ms",
        ms,
        `CAUSEWAY_PLAN_STACK_TRACES=1 (the SDK captures a stack per promise); baseline = the same plan with them off; ${rounds}`,
      ),
    );
  }
  return results;
}
