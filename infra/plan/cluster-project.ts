import { awsInvokes, runPlan, toRawConfig, type Plan, type RawConfig } from "@causeway/plan";
import * as path from "node:path";
import { loadClusterConfig } from "../cluster/config";
import { main as clusterProgram } from "../cluster/program";
import { CLUSTER_PROJECT } from "../cluster/project";
import { INVOKE_HINT } from "./invokes";
import { readStackFile } from "./stack-file";

/** The offline plan of the causeway-cluster project (infra/cluster): its stacks and invokes. */

export const CLUSTER_STACKS_DIR = path.resolve(__dirname, "..", "cluster", "stacks");

/**
 * The Region and account the plan's ARNs name: `aws:region`, and the first admin principal's
 * account (else the default).
 */
export function clusterIdentity(raw: RawConfig): { region: string; accountId: string } {
  const admins = raw.values[`${CLUSTER_PROJECT}:adminPrincipalArns`] ?? "";
  return {
    region: raw.values["aws:region"] ?? "us-east-1",
    accountId: /arn:aws[-a-z]*:iam::(\d{12}):/.exec(admins)?.[1] ?? "123456789012",
  };
}

/** The invoke options of `runPlan` for a cluster stack's raw config. */
export function clusterPlanOptions(raw: RawConfig) {
  return {
    invokes: awsInvokes(clusterIdentity(raw)),
    invokeHint: INVOKE_HINT,
  };
}

/** Plans a cluster stack from `dir` (default infra/cluster/stacks), optionally with other config. */
export async function planClusterStack(
  stack: string,
  options: { dir?: string; config?: Readonly<Record<string, unknown>> } = {},
): Promise<Plan> {
  const file = readStackFile(options.dir ?? CLUSTER_STACKS_DIR, stack);
  const raw = options.config ? toRawConfig(options.config) : file.raw;
  return runPlan({
    project: CLUSTER_PROJECT,
    stack,
    raw,
    program: clusterProgram,
    preflight: () => void loadClusterConfig(),
    ...clusterPlanOptions(raw),
  });
}
