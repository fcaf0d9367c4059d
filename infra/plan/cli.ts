import {
  PlanError,
  progressReporter,
  renderJson,
  renderText,
  runPlan,
  STACK_TRACES_ENV,
  stalledMessage,
} from "@causeway/plan";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, loadPlatformConfig } from "../config";
import { main as program } from "../program";
import { evaluatePack } from "../policies/evaluate";
import { tierPolicyConfig } from "../policies/rules/common";
import { causewayPack } from "../policies/policies";
import { mandatoryViolations, policyReport, renderPolicyText } from "../policies/report";
import { clusterReferenceAnswers } from "./cluster-outputs";
import { planClusterStack } from "./cluster-project";
import { causewayPlanOptions } from "./invokes";
import { PROJECT } from "./project";
import { readStackFile } from "./stack-file";

const USAGE =
  "usage: npm run plan -- <stack> [--json FILE] [--stacks DIR] [--project app|cluster]   (npm start plans the dev stack)";
const root = path.resolve(__dirname, "..", "..");

async function cli(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "string" },
      stacks: { type: "string" },
      project: { type: "string", default: "app" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new PlanError(`expected exactly one stack name\n${USAGE}`);
  const stack = positionals[0]!;
  if (values.project !== "app" && values.project !== "cluster") {
    throw new PlanError(`--project must be app or cluster (found "${values.project}")\n${USAGE}`);
  }
  const stacksDir = values.stacks ? path.resolve(process.cwd(), values.stacks) : undefined;
  const progress = progressReporter("plan");
  let planned;
  try {
    planned =
      values.project === "cluster"
        ? { plan: await planClusterStack(stack, stacksDir ? { dir: stacksDir } : {}) }
        : await planApp(stack, stacksDir ?? path.join(root, "stacks"), progress);
    progress.step(
      stack,
      "policy",
      `evaluating the policy pack on ${planned.plan.resources.length} resources`,
    );
  } finally {
    progress.done();
  }
  const { plan } = planned;
  // Production rules key on causeway:environment, in the pack as in the config.
  const evaluation =
    "environment" in planned
      ? await evaluatePack(
          plan,
          causewayPack,
          tierPolicyConfig(causewayPack.policies, planned.environment),
        )
      : await evaluatePack(plan, causewayPack);
  const policy = policyReport(evaluation);
  progress.step(
    stack,
    "done",
    `${plan.resources.length} resources, ${policy.violations.length} policy violations`,
  );
  progress.done();
  if (values.json) {
    writeFileSync(path.resolve(process.cwd(), values.json), renderJson({ ...plan, policy }));
  }
  process.stdout.write(renderText(plan));
  process.stdout.write(renderPolicyText(evaluation));
  if (values.json) process.stdout.write(`\nPlan JSON written to ${values.json}\n`);
  const blocking = mandatoryViolations(policy);
  if (blocking > 0) {
    process.stderr.write(`error: ${blocking} mandatory policy violations (see above)\n`);
    return 1;
  }
  return 0;
}

async function planApp(
  stack: string,
  stacksDir: string,
  progress: ReturnType<typeof progressReporter>,
) {
  progress.step(
    stack,
    "config",
    `reading ${path.relative(process.cwd(), stacksDir) || "."}/Pulumi.${stack}.yaml`,
  );
  const stackFile = readStackFile(stacksDir, stack);
  // What the stack leaves to its cluster stack is read from that stack's plan.
  const cluster = await clusterReferenceAnswers(stackFile.raw);
  const plan = await runPlan({
    project: PROJECT,
    stack,
    raw: stackFile.raw,
    program,
    preflight: () => {
      progress.step(stack, "config", "checking");
      loadPlatformConfig();
      progress.step(stack, "program", "running under the offline plan");
    },
    ...causewayPlanOptions(cluster.raw),
    stackReferences: cluster.stackReferences,
  });
  const environment = stackFile.raw.values["causeway:environment"];
  return { plan, environment: typeof environment === "string" ? environment : undefined };
}

/** Errors the user fixes in their own files print as one message, without a stack trace. */
function isUserError(e: unknown): e is Error {
  const code = (e as { code?: unknown })?.code;
  return (
    e instanceof ConfigError ||
    e instanceof PlanError ||
    (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_"))
  );
}

// The event loop empties when the program waits on a promise nothing will settle: say so, and
// fail, instead of exiting 0 with no plan.
process.once("beforeExit", () => {
  process.stderr.write(stalledMessage());
  process.exit(1);
});
cli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (isUserError(e)) {
      process.stderr.write(`error: ${e.message}\n`);
    } else {
      const trace = (e as Error)?.stack ?? String(e);
      const hint =
        process.env[STACK_TRACES_ENV] === "1"
          ? ""
          : `\n(stack traces are off during a plan for speed; rerun with ${STACK_TRACES_ENV}=1 for the full trace)`;
      process.stderr.write(`offline plan failed unexpectedly: ${trace}${hint}\n`);
    }
    process.exit(1);
  },
);
