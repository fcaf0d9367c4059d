import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { toRawConfig } from "./core/config";
import { PlanError, STACK_TRACES_ENV } from "./core/errors";
export { stalledMessage } from "./core/errors";
import { moduleProgram, resolveEntry } from "./project/entry";
import { loadPolicyPack, mandatoryCount } from "./project/policy-pack";
import { readProjectFile } from "./project/project-file";
import { stackConfig } from "./project/stack-file";
import { renderJson } from "./render/json";
import { renderText } from "./render/text";

/**
 * `causeway-plan <program dir> --stack <name> [--config-file FILE] [--json FILE]
 * [--policy-pack DIR|PACKAGE]`: the offline plan of any Pulumi Node.js program, with no cloud
 * calls and no Pulumi CLI, optionally checked by a policy pack. TypeScript programs load
 * through tsx, which the bin registers before it runs this.
 */

export const USAGE =
  "usage: causeway-plan <program dir> --stack <name> [--config-file FILE] [--json FILE] [--policy-pack DIR|PACKAGE]";

/**
 * Exit codes: 0 planned, 1 a problem with the program or its files (or a mandatory policy
 * violation), 2 a usage error.
 */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;

/**
 * What the error for an invoke without an answer tells a CLI user: the CLI answers only the
 * default table, so the fix is a plan script of their own with an answer for that token.
 */
export const CLI_INVOKE_HINT =
  "causeway-plan answers only the common AWS invokes (getCallerIdentity, getRegion, getPartition, " +
  "getAvailabilityZones, elb getServiceAccount); plan this program with runPlan from " +
  "@causeway/plan and an invoke table that answers this token from config " +
  '(invokes: { ...defaultInvokes(raw), "<token>": (inputs) => ({ ... }) }), ' +
  "or read the value from config instead of looking it up";

/** A command line the CLI cannot run. */
class UsageError extends Error {}

interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

const processIo: Io = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  cwd: process.cwd(),
  env: process.env,
};

function parse(argv: string[]) {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        stack: { type: "string", short: "s" },
        "config-file": { type: "string" },
        json: { type: "string" },
        "policy-pack": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) return { help: true as const };
    if (!values.stack) throw new UsageError("--stack is required");
    if (positionals.length > 1) throw new UsageError(`unexpected argument ${positionals[1]}`);
    return { ...values, stack: values.stack, dir: positionals[0] ?? "." };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError((e as Error).message);
  }
}

async function plan(argv: string[], io: Io): Promise<number> {
  const args = parse(argv);
  if ("help" in args) {
    io.stdout(`${USAGE}\n`);
    return ExitCode.ok;
  }
  const dir = path.resolve(io.cwd, args.dir);
  const project = readProjectFile(dir);
  const configFile = args["config-file"] && path.resolve(io.cwd, args["config-file"]);
  const { config } = stackConfig(project, args.stack, configFile);
  const entry = resolveEntry(project);
  // Loaded before the program runs, so a wrong pack fails fast.
  const pack = args["policy-pack"] && loadPolicyPack(args["policy-pack"], io.cwd, project.dir);
  const json = args.json && path.resolve(io.cwd, args.json);
  // The Pulumi CLI runs a program in its project folder; relative paths in it mean that.
  process.chdir(project.dir);
  // Loaded only now: the Pulumi SDK takes seconds to load, and usage or file errors need none of it.
  const { runPlan } = await import("./core/run.js");
  const raw = toRawConfig(config);
  let result;
  try {
    result = await runPlan({
      project: project.name,
      stack: args.stack,
      raw,
      program: moduleProgram(entry),
      invokeHint: CLI_INVOKE_HINT,
    });
  } catch (e) {
    throw new ProgramError(entry, args.stack, e);
  } finally {
    process.chdir(io.cwd);
  }
  const policy = pack ? await pack.evaluatePlan(result, { config: raw.values }) : undefined;
  if (json) {
    const report = policy && { rules: policy.rules, violations: policy.violations };
    writeFileSync(json, renderJson(report ? { ...result, policy: report } : result));
  }
  io.stdout(renderText(result));
  if (policy) io.stdout(policy.text);
  if (args.json) io.stdout(`\nPlan JSON written to ${args.json}\n`);
  const blocking = policy ? mandatoryCount(policy) : 0;
  if (pack && blocking > 0) {
    io.stderr(`error: ${blocking} mandatory violations of policy pack ${pack.name} (see above)\n`);
    return ExitCode.failed;
  }
  return ExitCode.ok;
}

/** The program failed while it was planned. */
class ProgramError extends Error {
  constructor(
    readonly entry: string,
    readonly stackName: string,
    readonly failure: unknown,
  ) {
    super(
      `${entry} failed while planning stack "${stackName}": ${(failure as Error)?.message ?? String(failure)}. ` +
        "Fix the program (it runs under the Pulumi mock runtime, which answers no cloud calls)",
    );
  }
}

/** Runs the CLI; prints the plan or one message that names the file to fix. */
export async function runCli(argv: string[], io: Io = processIo): Promise<number> {
  try {
    return await plan(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`error: ${e.message}\n${USAGE}\n`);
      return ExitCode.usage;
    }
    if (e instanceof PlanError) {
      io.stderr(`error: ${e.message}\n`);
      return ExitCode.failed;
    }
    const traces = io.env[STACK_TRACES_ENV] === "1";
    if (e instanceof ProgramError) {
      io.stderr(
        traces
          ? `error: ${e.message}.\n${(e.failure as Error)?.stack ?? String(e.failure)}\n`
          : `error: ${e.message}; rerun with ${STACK_TRACES_ENV}=1 to see where it failed.\n`,
      );
      return ExitCode.failed;
    }
    io.stderr(
      `causeway-plan failed unexpectedly: ${traces ? ((e as Error)?.stack ?? String(e)) : String((e as Error)?.message ?? e)}` +
        (traces ? "\n" : ` (rerun with ${STACK_TRACES_ENV}=1 for the stack trace)\n`),
    );
    return ExitCode.failed;
  }
}
