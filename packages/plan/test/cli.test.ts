import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../src/core/model";

/**
 * `causeway-plan` as a user runs it: a Pulumi TypeScript program in its own folder outside this
 * repository, whose node_modules holds @causeway/plan, @pulumi/pulumi and @pulumi/aws. Here that
 * node_modules is a link to the repository's (where npm installed this workspace), which is what
 * `npm install` gives a user: packages found by walking up from the program's folder.
 */

const repoModules = realpathSync(path.resolve(__dirname, "..", "..", "..", "node_modules"));
let work: string;
let program: string;

const PROGRAM = `import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const site = new aws.s3.Bucket("site", {
  bucket: \`\${config.require("prefix")}-site\`,
  tags: { team: config.require("team") },
});

export const bucketName = site.bucket;
`;

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
}

/** Runs `node <program>/node_modules/.bin/causeway-plan <args>` in `cwd`. */
function causewayPlan(cwd: string, args: string[], env: Record<string, string> = {}) {
  const bin = path.join(program, "node_modules", ".bin", "causeway-plan");
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  work = realpathSync(mkdtempSync(path.join(tmpdir(), "causeway-plan-cli-")));
  program = path.join(work, "site");
  mkdirSync(program);
  symlinkSync(repoModules, path.join(program, "node_modules"), "dir");
  write(program, {
    "Pulumi.yaml": [
      "name: site",
      "runtime:",
      "  name: nodejs",
      "  options:",
      "    typescript: true",
      "config:",
      "  prefix:",
      "    type: string",
      "    default: acme",
      "",
    ].join("\n"),
    "Pulumi.dev.yaml": "config:\n  aws:region: eu-west-1\n  site:team: web\n",
    "index.ts": PROGRAM,
  });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe(
  "causeway-plan, run from a program folder outside the repository",
  { timeout: 120_000 },
  () => {
    it("prints the text plan of the program's stack and writes its JSON plan", () => {
      expect(PROGRAM.trimEnd().split("\n")).toHaveLength(10);
      const result = causewayPlan(program, [".", "--stack", "dev", "--json", "plan.json"]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(
        [
          'Previewing site stack "dev" (offline plan: no cloud calls)',
          "",
          "     Type                     Name      Info",
          " +   pulumi:pulumi:Stack      site-dev",
          " +   └─ aws:s3/bucket:Bucket  site",
          "",
          "Outputs:",
          '    bucketName: "acme-site"',
          "",
          "Resources by type:",
          "    1  aws:s3/bucket:Bucket",
          "    1  pulumi:pulumi:Stack",
          "",
          "Resources:",
          "    + 2 to create",
          "    2 total",
          "",
          "Plan JSON written to plan.json",
          "",
        ].join("\n"),
      );
      const plan = JSON.parse(readFileSync(path.join(program, "plan.json"), "utf8")) as Plan;
      expect(plan).toMatchObject({
        project: "site",
        stack: "dev",
        outputs: { bucketName: "acme-site" },
      });
      expect(plan.resources.find((r) => r.type === "aws:s3/bucket:Bucket")).toMatchObject({
        urn: "urn:pulumi:dev::site::pulumi:pulumi:Stack$aws:s3/bucket:Bucket::site",
        name: "site",
        parent: "urn:pulumi:dev::site::pulumi:pulumi:Stack::site-dev",
        inputs: { bucket: "acme-site", tags: { team: "web" } },
      });
    });

    it("reads the stack file from stackConfigDir, or from --config-file", () => {
      const dir = path.join(work, "stacked");
      write(dir, {
        "Pulumi.yaml": "name: site\nruntime: nodejs\nmain: src/main.ts\nstackConfigDir: stacks\n",
        "stacks/Pulumi.prod.yaml": "config:\n  site:prefix: prod\n  site:team: ops\n",
        "other.yaml": "config:\n  prefix: qa\n  team: qa\n",
        "src/main.ts": PROGRAM,
      });
      symlinkSync(repoModules, path.join(dir, "node_modules"), "dir");
      const prod = causewayPlan(work, ["stacked", "--stack", "prod"]);
      expect(prod.stderr).toBe("");
      expect(prod.stdout).toContain('    bucketName: "prod-site"');
      const other = causewayPlan(work, [
        "stacked",
        "-s",
        "qa",
        "--config-file",
        "stacked/other.yaml",
      ]);
      expect(other.stderr).toBe("");
      expect(other.stdout).toContain('Previewing site stack "qa"');
      expect(other.stdout).toContain('    bucketName: "qa-site"');
    });

    it("names the missing Pulumi.yaml or stack file and the fix, with no stack trace", () => {
      expect(causewayPlan(work, [".", "--stack", "dev"])).toEqual({
        code: 1,
        stdout: "",
        stderr: `error: ${work}/Pulumi.yaml does not exist: causeway-plan plans a Pulumi program folder. Pass the folder that holds the program's Pulumi.yaml, or create one there with "name: <project>" and "runtime: nodejs".\n`,
      });
      expect(causewayPlan(program, [".", "--stack", "prod"])).toEqual({
        code: 1,
        stdout: "",
        stderr: `error: ${program}/Pulumi.prod.yaml does not exist, so stack "prod" has no config. Create it (a "config:" mapping, which may be empty), pass --config-file FILE, or pick a stack that has one (dev).\n`,
      });
    });

    it("reports a program that throws in one paragraph, with the trace only when asked", () => {
      const dir = path.join(work, "broken");
      write(dir, {
        "Pulumi.yaml": "name: broken\nruntime: nodejs\n",
        "Pulumi.dev.yaml": "config: {}\n",
        "index.ts": 'throw new Error("no region configured");\n',
      });
      const message = `error: ${dir}/index.ts failed while planning stack "dev": no region configured. Fix the program (it runs under the Pulumi mock runtime, which answers no cloud calls)`;
      expect(causewayPlan(dir, [".", "--stack", "dev"])).toEqual({
        code: 1,
        stdout: "",
        stderr: `${message}; rerun with CAUSEWAY_PLAN_STACK_TRACES=1 to see where it failed.\n`,
      });
      const traced = causewayPlan(dir, [".", "--stack", "dev"], {
        CAUSEWAY_PLAN_STACK_TRACES: "1",
      });
      expect(traced.code).toBe(1);
      expect(traced.stderr).toContain(`${message}.\nError: no region configured\n    at `);
      expect(traced.stderr).toContain(`${dir}/index.ts:1:`);
    });

    it("names an invoke without an answer that runs inside an apply, and the fix", () => {
      const dir = path.join(work, "lookup");
      write(dir, {
        "Pulumi.yaml": "name: lookup\nruntime: nodejs\n",
        "Pulumi.dev.yaml": "config:\n  lookup:vpc: vpc-1\n",
        "index.ts": [
          'import * as aws from "@pulumi/aws";',
          'import * as pulumi from "@pulumi/pulumi";',
          'const vpcId = new pulumi.Config().require("vpc");',
          "const vpc = pulumi.output(vpcId).apply((id) => aws.ec2.getVpc({ id }));",
          'new aws.ec2.SecurityGroup("web", { vpcId: vpc.id });',
          "",
        ].join("\n"),
      });
      symlinkSync(repoModules, path.join(dir, "node_modules"), "dir");
      expect(causewayPlan(dir, [".", "--stack", "dev"])).toEqual({
        code: 1,
        stdout: "",
        stderr:
          `error: ${dir}/index.ts failed while planning stack "dev": error serializing property "vpcId": ` +
          'offline plan: no deterministic answer for invoke "aws:ec2/getVpc:getVpc"; ' +
          "causeway-plan answers only the common AWS invokes (getCallerIdentity, getRegion, getPartition, " +
          "getAvailabilityZones, elb getServiceAccount); plan this program with runPlan from " +
          "@causeway/plan and an invoke table that answers this token from config " +
          '(invokes: { ...defaultInvokes(raw), "<token>": (inputs) => ({ ... }) }), ' +
          "or read the value from config instead of looking it up. Fix the program (it runs under " +
          "the Pulumi mock runtime, which answers no cloud calls); rerun with " +
          "CAUSEWAY_PLAN_STACK_TRACES=1 to see where it failed.\n",
      });
    });

    it("says so when the program waits on a promise that never settles, instead of exit 13", () => {
      const dir = path.join(work, "stalled");
      write(dir, {
        "Pulumi.yaml": "name: stalled\nruntime: nodejs\n",
        "Pulumi.dev.yaml": "config: {}\n",
        "index.ts": "export = async () => {\n  await new Promise(() => {});\n};\n",
      });
      expect(causewayPlan(dir, [".", "--stack", "dev"])).toEqual({
        code: 1,
        stdout: "",
        stderr:
          "error: the program stopped before the plan finished: it waits on a promise that never settles " +
          "(under the offline plan: an Output or a promise the program creates and never resolves, or a " +
          "registration that waits on one). Fix the program; rerun with CAUSEWAY_PLAN_STACK_TRACES=1 " +
          "and PULUMI_DEBUG_PROMISE_LEAKS=1 to see the pending promises.\n",
      });
    });

    it("names a --policy-pack it cannot evaluate offline, and the fix", () => {
      const notPack = path.join(work, "not-a-pack");
      mkdirSync(notPack);
      expect(causewayPlan(program, [".", "--stack", "dev", "--policy-pack", notPack])).toEqual({
        code: 1,
        stdout: "",
        stderr: `error: --policy-pack ${notPack}: ${notPack} has no PulumiPolicy.yaml, so it is not a Pulumi policy pack. Pass the folder of a policy pack or the name of an installed one (for example @causeway/policies).\n`,
      });
      const cliOnly = path.join(work, "cli-only-pack");
      write(cliOnly, {
        "PulumiPolicy.yaml": "runtime: nodejs\n",
        "package.json": '{ "name": "cli-only-pack", "version": "1.0.0", "main": "index.js" }\n',
      });
      const noOffline = causewayPlan(program, [".", "--stack", "dev", "--policy-pack", cliOnly]);
      expect(noOffline.code).toBe(1);
      expect(noOffline.stderr).toBe(
        `error: --policy-pack ${cliOnly}: ${cliOnly}/package.json has no "./offline" entry in "exports", so the pack can only run under the Pulumi CLI (pulumi preview --policy-pack). A pack evaluated offline exports \`policyPack\` (see OfflinePolicyPack in @causeway/plan) from that entry.\n`,
      );
      const missing = causewayPlan(program, [
        ".",
        "--stack",
        "dev",
        "--policy-pack",
        "@acme/no-such-pack",
      ]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe(
        `error: --policy-pack @acme/no-such-pack: no such folder, and no installed package of that name under ${program}. Install it (npm install --save-dev @acme/no-such-pack) or pass the pack's folder.\n`,
      );
    });

    it("explains its usage with exit code 2", () => {
      expect(causewayPlan(program, ["."])).toEqual({
        code: 2,
        stdout: "",
        stderr:
          "error: --stack is required\nusage: causeway-plan <program dir> --stack <name> [--config-file FILE] [--json FILE] [--policy-pack DIR|PACKAGE]\n",
      });
    });
  },
);
