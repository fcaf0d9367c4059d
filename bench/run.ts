/**
 * `npm run bench`: runs benchmarks (a)-(d) on this machine's RabbitMQ and PostgreSQL and writes
 * bench/bench-results.json ([{ name, value, unit, baseline, ratio, note }]) and
 * bench/bench-results.md; rows of suites left out by --only are kept from the previous files.
 * Options: --only=a,b,c,d  --rounds=N (default 5)  --messages=N (default 5000).
 * Not a test: numbers depend on the machine and on what else runs on it.
 */
import { benchHttp } from "./http";
import type { BenchResult } from "./lib";
import { machine, previousRows, suiteOf, writeResults } from "./lib";
import { benchMessaging } from "./messaging";
import { benchPlan } from "./plan";

function arg(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
}

async function main(): Promise<void> {
  const only = new Set((arg("only") ?? "a,b,c,d").split(","));
  const rounds = Number(arg("rounds") ?? 5);
  const messages = Number(arg("messages") ?? 5000);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`machine: ${JSON.stringify(machine())}`);
  const results: BenchResult[] = [];
  let failed = false;
  // A suite that fails is reported and the others still run and are written.
  const suite = async (name: string, fn: () => Promise<BenchResult[]>) => {
    try {
      results.push(...(await fn()));
    } catch (err) {
      failed = true;
      log(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  };
  if (only.has("a") || only.has("b")) {
    await suite("(a)(b)", () => benchMessaging({ rounds, messages, prefetch: 10, only, log }));
  }
  if (only.has("c")) {
    await suite("(c)", () =>
      benchHttp({ rounds: Math.min(rounds, 3), seconds: 10, connections: 10, log }),
    );
  }
  if (only.has("d")) {
    await suite("(d)", () => benchPlan({ sizes: [1, 10, 100, 300], rounds: 3, bigRounds: 1, log }));
  }
  // Rows of the suites not run this time are kept from the previous files, in suite order.
  const kept = previousRows(__dirname, only);
  const all = ["a", "b", "c", "d"].flatMap((suite) =>
    (only.has(suite) ? results : kept).filter((r) => suiteOf(r.name) === suite),
  );
  const files = await writeResults(__dirname, all, {
    rounds,
    ...(kept.length ? { "rows kept from an earlier run": kept.length } : {}),
  });
  for (const r of results) {
    log(`${r.name}: ${r.value} ${r.unit} (baseline ${r.baseline ?? "-"}, ratio ${r.ratio ?? "-"})`);
  }
  log(`wrote ${files.json} and ${files.md}`);
  if (failed) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
