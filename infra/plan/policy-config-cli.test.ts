import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { causewayPack } from "../policies/policies";
import { tierConfigSchema } from "../policies/rules/common";
import { policyPackConfig } from "./policy-config-cli";

const root = path.resolve(__dirname, "..", "..");
const tiered = causewayPack.policies
  .filter((p) => p.configSchema === tierConfigSchema)
  .map((p) => p.name);

describe("policy pack config for the CLI (--policy-pack-config)", () => {
  it.each(["dev", "staging", "prod"])(
    "%s: every tier-dependent rule gets the environment",
    (env) => {
      const config = policyPackConfig(env);
      expect(tiered.length).toBeGreaterThan(0);
      expect(Object.keys(config).sort()).toEqual([...tiered].sort());
      for (const value of Object.values(config)) expect(value).toEqual({ environment: env });
      // Each value passes the rule's own config schema (the CLI validates it the same way).
      const allowed = (tierConfigSchema.properties!["environment"] as { enum: string[] }).enum;
      expect(allowed).toContain(env);
    },
  );

  it("refuses an unknown environment, naming the valid ones", () => {
    expect(() => policyPackConfig("qa")).toThrow(
      'Unknown environment "qa": expected one of dev, staging, prod.',
    );
  });

  it("the CLI writes the JSON the workflows pass to pulumi, and exits 2 on bad usage", () => {
    const cli = ["--conditions=causeway-source", "infra/plan/policy-config-cli.ts"];
    const tsx = path.join(root, "node_modules", ".bin", "tsx");
    const out = execFileSync(tsx, [...cli, "staging"], { cwd: root, encoding: "utf8" });
    expect(JSON.parse(out)).toEqual(policyPackConfig("staging"));
    let status = 0;
    try {
      execFileSync(tsx, cli, { cwd: root, stdio: "pipe" });
    } catch (error) {
      status = (error as { status: number }).status;
    }
    expect(status).toBe(2);
  });
});
