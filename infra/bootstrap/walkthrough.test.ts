import { awsInvokes, PROGRESS_ENV, runPlan, type Plan } from "@causeway/plan";
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { readStackFile } from "../plan/stack-file";
import { BOOTSTRAP_PROJECT, backendUrls } from "./config";
import { main as bootstrap } from "./program";

/**
 * The files the README's "From an empty AWS account" steps write, planned as they stand after
 * each step: the bootstrap's stack file after `pulumi stack init state` on a local backend, and
 * the cluster and app stack files after `pulumi stack init dev --secrets-provider awskms://...`
 * and the self-managed stack reference name.
 */

const root = path.resolve(__dirname, "..", "..");
const work = mkdtempSync(path.join(tmpdir(), "causeway-walkthrough-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const README = readFileSync(path.join(root, "README.md"), "utf8");
const section = README.slice(
  README.indexOf("## From an empty AWS account"),
  README.indexOf("\n## ", README.indexOf("## From an empty AWS account") + 3),
);
const { secretsProvider } = backendUrls(
  "causeway-pulumi-state-444455556666-eu-west-1",
  "alias/causeway-pulumi-state",
  "eu-west-1",
);

/** Copies a stack file into `dir` and edits it as the step's CLI commands do. */
function written(from: string, dir: string, edit: (doc: ReturnType<typeof parseDocument>) => void) {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, path.basename(from));
  copyFileSync(from, file);
  const doc = parseDocument(readFileSync(file, "utf8"));
  edit(doc);
  writeFileSync(file, doc.toString());
  return dir;
}

/** `pulumi stack init <stack> --secrets-provider awskms://...` adds these two top-level keys. */
function kmsStackInit(doc: ReturnType<typeof parseDocument>) {
  doc.set("secretsprovider", secretsProvider);
  doc.set("encryptedkey", Buffer.from("a data key encrypted by KMS").toString("base64"));
}

function planCli(
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [require.resolve("tsx/cli"), "--conditions=causeway-source", "infra/plan/cli.ts", ...args],
      {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, [PROGRESS_ENV]: "off" },
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("the README walk-through from an empty AWS account", { timeout: 120_000 }, () => {
  it("gives the commands whose results are planned below", () => {
    expect(section).toContain("pulumi login file://");
    expect(section).toContain(
      'pulumi -C infra/cluster stack init dev --secrets-provider "$SECRETS"',
    );
    expect(section).toContain('pulumi stack init dev --secrets-provider "$SECRETS"');
    expect(section).toContain(
      "causeway:cluster.stackReference.name organization/causeway-cluster/dev",
    );
    expect(section).toContain("npm run smoke -- ");
  });

  it("the bootstrap stack file, after `pulumi stack init state` on a local backend, plans cleanly", async () => {
    const dir = written(
      path.join(__dirname, "stacks", "Pulumi.state.yaml"),
      path.join(work, "bootstrap"),
      (doc) => doc.set("encryptionsalt", "v1:c2FsdA==:v1:aXY=:Y2lwaGVy"),
    );
    const raw = readStackFile(dir, "state").raw;
    const plan = await runPlan({
      project: BOOTSTRAP_PROJECT,
      stack: "state",
      raw,
      program: bootstrap,
      invokes: awsInvokes({ region: "eu-west-1", accountId: "444455556666" }),
    });
    expect(plan.outputs).toMatchObject({ secretsProvider });
  });

  it("the cluster stack file, after `stack init --secrets-provider`, plans with 0 policy violations", async () => {
    const dir = written(
      path.join(root, "infra", "cluster", "stacks", "Pulumi.dev.yaml"),
      path.join(work, "cluster"),
      kmsStackInit,
    );
    const r = await planCli("dev", "--project", "cluster", "--stacks", dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Policies \(infra\/policies\): \d+ rules, 0 violations/m);
  });

  it("the app stack file, with the KMS provider and the self-managed stack reference, plans with 0 policy violations", async () => {
    const dir = written(
      path.join(root, "stacks", "Pulumi.dev.yaml"),
      path.join(work, "app"),
      (doc) => {
        kmsStackInit(doc);
        doc.setIn(
          ["config", "causeway:cluster", "stackReference", "name"],
          "organization/causeway-cluster/dev",
        );
      },
    );
    const json = path.join(work, "app-plan.json");
    const r = await planCli("dev", "--stacks", dir, "--json", json);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const plan = JSON.parse(readFileSync(json, "utf8")) as Plan;
    const ref = plan.resources.find((x) => x.type === "pulumi:pulumi:StackReference");
    expect(ref?.inputs["name"]).toBe("organization/causeway-cluster/dev");
    expect(r.stdout).toMatch(/^Policies \(infra\/policies\): \d+ rules, 0 violations/m);
  });
});
