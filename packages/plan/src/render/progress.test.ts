import { describe, expect, it } from "vitest";
import { progressReporter } from "./progress";

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { isTTY, chunks, write: (t: string) => chunks.push(t) };
}

describe("progress", () => {
  it("writes one line per step when the stream is not a terminal", () => {
    const s = sink(false);
    const p = progressReporter("plan:diff", s, {});
    p.step("dev", "base", "planning");
    p.step("dev", "head");
    p.done();
    expect(s.chunks).toEqual(["plan:diff: [dev] base: planning\n", "plan:diff: [dev] head\n"]);
  });

  it("rewrites one status line on a terminal, and ends it", () => {
    const s = sink(true);
    const p = progressReporter("plan", s, {});
    p.step("prod", "program", "running");
    p.step("prod", "policy");
    p.done();
    expect(s.chunks).toEqual([
      "\r\x1b[Kplan: [prod] program: running",
      "\r\x1b[Kplan: [prod] policy",
      "\n",
    ]);
  });

  it("is silent when CAUSEWAY_PLAN_PROGRESS=off", () => {
    const s = sink(false);
    const p = progressReporter("plan", s, { CAUSEWAY_PLAN_PROGRESS: "off" });
    p.step("dev", "program");
    p.done();
    expect(s.chunks).toEqual([]);
  });
});
