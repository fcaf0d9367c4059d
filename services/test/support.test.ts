import type { ChildProcess } from "node:child_process";
import { describe, expect, it } from "vitest";
import { fixtureConfig, WITH_FOURTH_SERVICE } from "../../infra/test/fixtures";
import { spawnService, startWaves, stopAllServices } from "./support";

const node = (script: string) => ({ command: process.execPath, args: ["-e", script] });

describe("spawnService", () => {
  it("stopAllServices stops a process whose sibling in a Promise.all failed to start", async () => {
    let survivor: ChildProcess | undefined;
    const listening = spawnService(
      "survivor",
      {},
      node(
        `console.log(JSON.stringify({ msg: "listening", address: "http://x" }));` +
          `process.on("SIGTERM", () => process.exit(0)); setInterval(() => {}, 1000);`,
      ),
    ).then((s) => {
      survivor = s.proc;
      return s;
    });
    const failing = spawnService("broken", {}, node("process.exit(3)"));
    await expect(Promise.all([listening, failing])).rejects.toThrow("broken exited 3");
    await listening;
    expect(survivor!.exitCode).toBeNull();
    await stopAllServices();
    expect(survivor!.exitCode).toBe(0);
  });
});

describe("startWaves", () => {
  it("starts upstreams first, in waves derived from the graph", () => {
    expect(startWaves(fixtureConfig("dev", WITH_FOURTH_SERVICE).services)).toEqual([
      ["orders", "payments"],
      ["inventory"],
      ["gateway"],
    ]);
  });

  it("names the services of a call cycle", () => {
    const cycle = { a: { upstreams: ["b"] }, b: { upstreams: ["a"] }, c: { upstreams: [] } };
    expect(() => startWaves(cycle)).toThrow("no start order for a, b: a call cycle");
  });
});
