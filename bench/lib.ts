import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { format } from "prettier";

/** One row of bench-results.json. `ratio` = value / baseline (what "of its baseline" means). */
export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline: number | null;
  readonly ratio: number | null;
  /** Free text for the Markdown table (target, rounds, what bounds it). */
  readonly note?: string;
}

export const DB = process.env.KIT_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const AMQP = process.env.KIT_TEST_AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** A pair measured side by side: `candidate / baseline` of the medians. */
export function pair(
  name: string,
  unit: string,
  candidate: readonly number[],
  baseline: readonly number[],
  note?: string,
): BenchResult {
  const v = median(candidate);
  const b = median(baseline);
  return {
    name,
    value: round(v),
    unit,
    baseline: round(b),
    ratio: round(v / b, 3),
    ...(note ? { note } : {}),
  };
}

export function machine(): Record<string, string | number> {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? "unknown",
    cores: cpu.length,
    memoryGb: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** Alternates `a` and `b` for `rounds` rounds (a b, b a, a b, ...) and returns both samples. */
export async function sideBySide(
  rounds: number,
  a: () => Promise<number>,
  b: () => Promise<number>,
  log: (line: string) => void,
): Promise<{ a: number[]; b: number[] }> {
  const out = { a: [] as number[], b: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? (["a", "b"] as const) : (["b", "a"] as const);
    for (const which of order) {
      const v = await (which === "a" ? a() : b());
      out[which].push(v);
      log(`  round ${r + 1} ${which}: ${round(v)}`);
    }
  }
  return out;
}

/** The suite of a row: "a" for "(a) ..." and "(a') ...". */
export function suiteOf(name: string): string | undefined {
  return /^\((\w)/.exec(name)?.[1];
}

/**
 * The rows of the suites that did not run this time, from the previous bench-results.json
 * (notes from the previous bench-results.md), so `--only=a` does not erase (c) and (d).
 */
export function previousRows(dir: string, ran: ReadonlySet<string>): BenchResult[] {
  const json = join(dir, "bench-results.json");
  const md = join(dir, "bench-results.md");
  if (!existsSync(json)) return [];
  const notes = new Map<string, string>();
  if (existsSync(md)) {
    for (const line of readFileSync(md, "utf8").split("\n")) {
      const cells = line.split("|").map((c) => c.trim());
      if (cells.length >= 7 && cells[1]) notes.set(cells[1], cells[5] ?? "");
    }
  }
  const rows = JSON.parse(readFileSync(json, "utf8")) as BenchResult[];
  return rows
    .filter((r) => !ran.has(suiteOf(r.name) ?? ""))
    .map((r) => {
      const note = r.note ?? notes.get(r.name);
      return note ? { ...r, note } : r;
    });
}

export async function writeResults(
  dir: string,
  results: readonly BenchResult[],
  meta: Record<string, unknown>,
): Promise<{ json: string; md: string }> {
  const json = join(dir, "bench-results.json");
  const md = join(dir, "bench-results.md");
  // Formatted as the repository's `prettier --check .` expects.
  const rows0 = results.map(({ name, value, unit, baseline, ratio, note }) => ({
    name,
    value,
    unit,
    baseline,
    ratio,
    ...(note ? { note } : {}),
  }));
  writeFileSync(json, await format(JSON.stringify(rows0), { parser: "json" }));
  const m = machine();
  const rows = results.map(
    (r) =>
      `| ${r.name} | ${r.value} ${r.unit} | ${r.baseline ?? "–"}${r.baseline === null ? "" : ` ${r.unit}`} | ${r.ratio ?? "–"} | ${r.note ?? ""} |`,
  );
  const text = [
    "| Benchmark | Value | Baseline | Ratio | Notes |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    "",
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB RAM, Node ${m.node} (${m.platform}); ` +
      `local RabbitMQ and PostgreSQL. ${Object.entries(meta)
        .map(([k, v]) => `${k}: ${String(v)}`)
        .join("; ")}.`,
    "",
  ].join("\n");
  writeFileSync(md, await format(text, { parser: "markdown" }));
  return { json, md };
}
