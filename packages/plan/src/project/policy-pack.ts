import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { PlanError } from "../core/errors";
import type { Plan, PolicyReport } from "../core/model";

/**
 * A policy pack the offline plan can evaluate (`causeway-plan --policy-pack <dir|package>`).
 *
 * The Pulumi CLI runs a pack as a gRPC analyzer server (its `main`), which the offline plan
 * cannot host. So a pack opts in with a second entry, the `./offline` subpath of its package
 * `exports`, whose module exports `policyPack` in this shape. `@causeway/policies` ships one.
 */
export interface OfflinePolicyPack {
  /** The pack's name, as `pulumi preview --policy-pack` would print it. */
  readonly name: string;
  /**
   * Evaluates the pack on a plan. `config` is the stack's config (engine form: every value a
   * string, `namespace:key`), from which a pack may read its own settings.
   */
  evaluatePlan(plan: Plan, context: OfflinePolicyContext): Promise<OfflinePolicyResult>;
}

export interface OfflinePolicyContext {
  readonly config: Readonly<Record<string, string>>;
}

export interface OfflinePolicyResult extends PolicyReport {
  /** The report as printed after the plan text (rules, violations, checks left to the real preview). */
  readonly text: string;
}

interface PackageJson {
  readonly name?: string;
  readonly exports?: unknown;
}

/**
 * Loads the offline entry of the policy pack `spec`: a folder (relative to `cwd`) that holds a
 * PulumiPolicy.yaml, or the name of an installed package, looked up from the program folder.
 */
export function loadPolicyPack(spec: string, cwd: string, programDir: string): OfflinePolicyPack {
  const dir = packDir(spec, cwd, programDir);
  if (!existsSync(path.join(dir, "PulumiPolicy.yaml"))) {
    throw new PlanError(
      `--policy-pack ${spec}: ${dir} has no PulumiPolicy.yaml, so it is not a Pulumi policy pack. ` +
        "Pass the folder of a policy pack or the name of an installed one (for example @causeway/policies).",
    );
  }
  const pkgFile = path.join(dir, "package.json");
  const pkg = existsSync(pkgFile) ? (JSON.parse(readFileSync(pkgFile, "utf8")) as PackageJson) : {};
  const hasOffline =
    typeof pkg.exports === "object" && pkg.exports !== null && "./offline" in pkg.exports;
  if (!pkg.name || !hasOffline) {
    throw new PlanError(
      `--policy-pack ${spec}: ${pkgFile} has no "./offline" entry in "exports", so the pack can only run under the Pulumi CLI ` +
        "(pulumi preview --policy-pack). A pack evaluated offline exports `policyPack` (see OfflinePolicyPack in @causeway/plan) from that entry.",
    );
  }
  // The package's own name resolves to itself through "exports" (self-reference).
  const mod = createRequire(pkgFile)(`${pkg.name}/offline`) as { policyPack?: unknown };
  const pack = mod.policyPack as Partial<OfflinePolicyPack> | undefined;
  if (typeof pack?.evaluatePlan !== "function" || typeof pack.name !== "string") {
    throw new PlanError(
      `--policy-pack ${spec}: ${pkg.name}/offline does not export policyPack with a name and evaluatePlan(plan, context).`,
    );
  }
  return pack as OfflinePolicyPack;
}

function packDir(spec: string, cwd: string, programDir: string): string {
  const asPath = path.resolve(cwd, spec);
  if (existsSync(asPath) && statSync(asPath).isDirectory()) return asPath;
  for (const from of [programDir, cwd]) {
    try {
      return path.dirname(
        createRequire(path.join(from, "package.json")).resolve(`${spec}/package.json`),
      );
    } catch {
      // not installed there; try the next place
    }
  }
  throw new PlanError(
    `--policy-pack ${spec}: no such folder, and no installed package of that name under ${programDir}. ` +
      `Install it (npm install --save-dev ${spec}) or pass the pack's folder.`,
  );
}

/** Mandatory violations fail the plan, as they fail `pulumi preview --policy-pack`. */
export function mandatoryCount(report: PolicyReport): number {
  return report.violations.filter((v) => v.enforcementLevel === "mandatory").length;
}
