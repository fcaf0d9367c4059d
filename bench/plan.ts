/**
 * Benchmark (d): offline plan time and peak memory for synthetic graphs of 1, 10, 100 and 300
 * services, each size in its own child process (`plan-child.ts`), run in interleaved rounds.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { BenchResult } from "./lib";
import { median, round } from "./lib";

const ROOT = join(__dirname, "..");
const tsxLoader = pathToFileURL(createRequire(__filename).resolve("tsx")).href;

interface PlanSample {
  services: number;
  resources: number;
  ms: number;
  maxRssMb: number;
  baseRssMb: number;
}

function planOnce(n: number, extra: string[]): Promise<PlanSample> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        tsxLoader,
        "--conditions=causeway-source",
        "bench/plan-child.ts",
        String(n),
        ...extra,
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.once("close", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line.startsWith("{")) {
        reject(new Error(`plan-child ${n} exited ${code}: ${err.slice(-2000)}`));
      } else resolve(JSON.parse(line) as PlanSample);
    });
  });
}

export interface PlanBenchOptions {
  readonly sizes: readonly number[];
  readonly rounds: number;
  /** Rounds for sizes above 100 (each takes tens of seconds). */
  readonly bigRounds: number;
  readonly log: (line: string) => void;
}

export async function benchPlan(o: PlanBenchOptions): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const variants = [
    { label: "", extra: [] as string[] },
    { label: " (SDK stack traces on)", extra: ["--stack-traces=on"] },
  ];
  for (const v of variants) {
    const samples = new Map<number, PlanSample[]>(o.sizes.map((n) => [n, []]));
    const maxRounds = Math.max(o.rounds, o.bigRounds);
    for (let r = 0; r < maxRounds; r++) {
      for (const n of o.sizes) {
        if (r >= (n > 100 ? o.bigRounds : o.rounds)) continue;
        const s = await planOnce(n, v.extra);
        samples.get(n)!.push(s);
        o.log(
          `  plan${v.label} ${n} services: ${s.resources} resources, ${round(s.ms)} ms, peak RSS ${round(s.maxRssMb)} MB`,
        );
      }
    }
    const one = median(samples.get(o.sizes[0]!)!.map((s) => s.ms));
    for (const n of o.sizes) {
      const ss = samples.get(n)!;
      const ms = median(ss.map((s) => s.ms));
      const rss = median(ss.map((s) => s.maxRssMb));
      const resources = ss[0]!.resources;
      results.push({
        name: `(d) plan ${n} service${n === 1 ? "" : "s"}${v.label}`,
        value: round(ms, 0),
        unit: "ms",
        baseline: round(one, 0),
        ratio: round(ms / one, 2),
        note:
          `${resources} resources; ${round(ms / resources, 2)} ms/resource; peak RSS ${round(rss, 0)} MB; ` +
          `baseline = ${o.sizes[0]} service${n === 100 ? "; target <= 3000 ms" : ""}; ${ss.length} round(s)`,
      });
    }
  }
  return results;
}
