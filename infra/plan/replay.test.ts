import {
  diffPlans,
  factsTables,
  type DangerFlag,
  type Plan,
  type PlannedResource,
  type StackDiff,
} from "@causeway/plan";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerBuildInputs, serviceImageTag, ServiceImageDefaults } from "@causeway/components";
import { REPO_ROOT } from "../compose/services";
import { fixturePlans, planFixture } from "../test/fixtures";

/**
 * Realistic changes replayed against the fixture stacks: each is either clean or flagged with
 * the reason a real `pulumi up` would refuse it. The components are fixed in parallel, so each
 * case reads the head plan to see whether the fix is in (replaceOnChanges, deleteBeforeReplace,
 * allowMajorVersionUpgrade, an auto-name) and asserts the verdict that state deserves. The
 * rules themselves are proven on synthetic resources in packages/plan (would-fail.test.ts).
 */

const plans = fixturePlans();
const failing = (d: StackDiff): DangerFlag[] => d.danger.filter((f) => f.class === "would-fail");

/** A copy of `plan` whose resource `type`/`name` has its inputs changed by `edit`. */
function edited(
  plan: Plan,
  type: string,
  name: string,
  edit: (inputs: Record<string, unknown>) => void,
): Plan {
  let found = 0;
  const resources = plan.resources.map((r): PlannedResource => {
    if (r.type !== type || r.name !== name) return r;
    found++;
    const inputs = structuredClone(r.inputs);
    edit(inputs);
    return { ...r, inputs };
  });
  expect(found, `${type} ${name} in the plan`).toBe(1);
  return { ...plan, resources };
}

function one(plan: Plan, type: string, name?: string): PlannedResource {
  const found = plan.resources.filter((r) => r.type === type && (!name || r.name === name));
  expect(found, `${type} ${name ?? ""}`).toHaveLength(1);
  return found[0]!;
}

describe("replayed changes on the fixture stacks", { timeout: 120_000 }, () => {
  it("an exposed service's port changes: clean, or the binding or target group name is flagged", async () => {
    const base = await plans("dev");
    const head = await planFixture("dev", { "causeway:services": { gateway: { port: 9090 } } });
    const d = diffPlans(base, head);
    const tg = d.changes.find((c) => c.type === "aws:lb/targetGroup:TargetGroup");
    expect(tg, "the target group of the exposed service changes").toBeDefined();
    const tgb = one(head, "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding");
    const group = one(head, "aws:lb/targetGroup:TargetGroup");
    const expected: RegExp[] = [];
    if (tg!.kind === "replace") {
      const bindingFollows = tgb.replaceOnChanges.some((p) =>
        ["*", "spec", "spec.targetGroupARN"].includes(p),
      );
      if (!bindingFollows)
        expected.push(/spec\.targetGroupARN changes.*targetgroupbinding_validator\.go/);
      const oldGroup = one(base, "aws:lb/targetGroup:TargetGroup");
      if (
        typeof group.inputs["name"] === "string" &&
        group.inputs["name"] === oldGroup.inputs["name"] &&
        !group.deleteBeforeReplace
      ) {
        expected.push(/DuplicateTargetGroupName/);
      }
    }
    const messages = failing(d).map((f) => f.message);
    expect(messages).toHaveLength(expected.length);
    for (const e of expected)
      expect(
        messages.some((m) => e.test(m)),
        String(e),
      ).toBe(true);
  });

  it("a fixed-name security group's description changes: clean, or flagged as a name collision", async () => {
    const base = await plans("dev");
    const head = edited(base, "aws:ec2/securityGroup:SecurityGroup", "database-sg", (i) => {
      i["description"] = `${String(i["description"])} (edited)`;
    });
    const d = diffPlans(base, head);
    const sg = one(head, "aws:ec2/securityGroup:SecurityGroup", "database-sg");
    expect(d.changes.find((c) => c.name === "database-sg")).toMatchObject({ kind: "replace" });
    const flags = d.danger.filter((f) => f.name === "database-sg");
    if (typeof sg.inputs["name"] === "string" && !sg.deleteBeforeReplace) {
      expect(flags.map((f) => [f.class, f.message])).toEqual([
        ["would-fail", expect.stringContaining("(InvalidGroup.Duplicate)")],
      ]);
    } else if (sg.deleteBeforeReplace) {
      expect(flags.map((f) => f.class)).toEqual(["downtime"]);
    } else {
      expect(flags).toEqual([]);
    }
  });

  it("PostgreSQL goes from 17 to 18: an upgrade with downtime, or refused for the reason missing", async () => {
    const base = await plans("dev");
    const head = await planFixture("dev", { "causeway:database": { engineVersion: "18" } });
    const d = diffPlans(base, head);
    const db = one(head, "aws:rds/instance:Instance");
    expect(d.changes.find((c) => c.urn === db.urn)).toMatchObject({ kind: "update" });
    const group = head.resources.find(
      (r) =>
        r.type === "aws:rds/parameterGroup:ParameterGroup" &&
        r.inputs["name"] === db.inputs["parameterGroupName"],
    );
    const flags = d.danger.filter((f) => f.urn === db.urn);
    const expected: RegExp[] = [];
    if (db.inputs["allowMajorVersionUpgrade"] !== true)
      expected.push(/ModifyDBInstance refuses it unless AllowMajorVersionUpgrade is set/);
    if (group && group.inputs["family"] !== "postgres18")
      expected.push(/needs a parameter group of family postgres18/);
    if (expected.length === 0) {
      expect(flags.map((f) => [f.class, f.message])).toEqual([
        ["downtime", expect.stringMatching(/^upgrades postgres 17 → 18 in place/)],
      ]);
    } else {
      const messages = flags.filter((f) => f.class === "would-fail").map((f) => f.message);
      expect(messages).toHaveLength(expected.length);
      for (const e of expected)
        expect(
          messages.some((m) => e.test(m)),
          String(e),
        ).toBe(true);
    }
    // The parameter group of the new family is a new name: no collision.
    expect(failing(d).filter((f) => f.type === "aws:rds/parameterGroup:ParameterGroup")).toEqual(
      [],
    );
  });

  it("a Deployment's selector changes: replaced by the provider, delete first, with downtime", async () => {
    const base = await plans("dev");
    const head = edited(base, "kubernetes:apps/v1:Deployment", "orders", (i) => {
      const spec = i["spec"] as { selector: { matchLabels: Record<string, string> } };
      spec.selector.matchLabels["app.kubernetes.io/version"] = "2";
    });
    const d = diffPlans(base, head);
    const dep = d.changes.find((c) => c.type === "kubernetes:apps/v1:Deployment");
    expect(dep).toMatchObject({ kind: "replace", name: "orders" });
    expect(failing(d)).toEqual([]);
    expect(d.danger.map((f) => [f.class, f.name])).toContainEqual(["downtime", "orders"]);
  });

  it("a stack that built its images switches to promotion: each repository's deletion is refused while it holds images, unless retained", async () => {
    const base = await plans("dev");
    const head = await planFixture("dev", {
      "causeway:images": { promoteFrom: "fixture/causeway/builder" },
    });
    const d = diffPlans(base, head);
    const repos = base.resources.filter((r) => r.type === "aws:ecr/repository:Repository");
    expect(repos.length).toBeGreaterThan(0);
    const deleted = d.changes.filter(
      (c) => c.type === "aws:ecr/repository:Repository" && c.kind === "delete",
    );
    expect(deleted.map((c) => c.name).sort()).toEqual(repos.map((r) => r.name).sort());
    // No image build is left in the promoted stack.
    expect(head.resources.filter((r) => r.type === "docker:index/image:Image")).toEqual([]);
    for (const repo of repos) {
      const flags = failing(d).filter((f) => f.urn === repo.urn);
      if (repo.retainOnDelete || repo.inputs["forceDelete"] === true) {
        expect(flags, repo.name).toEqual([]);
      } else {
        expect(
          flags.map((f) => f.message),
          repo.name,
        ).toEqual([
          `this deploy would fail: the image repository causeway/${repo.name} is deleted without forceDelete, and ECR refuses to delete a repository that still holds images (RepositoryNotEmptyException): the deploy stops at the delete, after the rest ran [https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepository.html]. Fix: to keep the images (the digests other stacks run), drop the repository from the state instead of deleting it: set retainOnDelete on it for one deploy, or run \`pulumi state delete '${repo.urn}'\` before this deploy; to delete the images too, set forceDelete: true in a deploy before this one`,
        ]);
      }
    }
    // Retained, the same deletion only leaves the repository (and its images) behind.
    const retained: Plan = {
      ...base,
      resources: base.resources.map((r) =>
        r.type === "aws:ecr/repository:Repository" ? { ...r, retainOnDelete: true } : r,
      ),
    };
    expect(
      failing(diffPlans(retained, head)).filter((f) => f.type === "aws:ecr/repository:Repository"),
    ).toEqual([]);
  });

  it("the Consul servers' storage class changes: the Helm upgrade is refused (immutable volumeClaimTemplates)", async () => {
    const base = await plans("prod");
    const head = await planFixture("prod", { "causeway:consul": { storageClass: "gp3-other" } });
    const d = diffPlans(base, head);
    const release = one(head, "kubernetes:helm.sh/v3:Release", "consul-chart");
    const change = d.changes.find((c) => c.urn === release.urn);
    expect(change).toMatchObject({ kind: "update" });
    expect(change!.properties.map((p) => p.path)).toContain("values.server.storageClass");
    expect(
      failing(d)
        .filter((f) => f.urn === release.urn)
        .map((f) => f.message),
    ).toEqual([
      expect.stringMatching(
        /^this deploy would fail: the Consul release's values\.server\.storageClass changes: the chart renders it into the server StatefulSet's volumeClaimTemplates, .* so the Helm upgrade fails \[https:\/\/github\.com\/kubernetes\/kubernetes\/blob\/v1\.32\.2\/pkg\/apis\/apps\/validation\/validation\.go \(ValidateStatefulSetUpdate\)\]\. Fix: before this deploy, delete only the server StatefulSet, keeping its pods and volumes \(kubectl .* --cascade=orphan\)/,
      ),
    ]);
    // An unrelated Consul change (the server resources) is a plain update.
    const resized = await planFixture("prod", {
      "causeway:consul": { resources: { memory: "2Gi", memoryLimit: "2Gi" } },
    });
    expect(failing(diffPlans(base, resized))).toEqual([]);
  });

  describe("a file under services/contracts changes", () => {
    let context: string;
    beforeAll(() => {
      context = fs.mkdtempSync(path.join(os.tmpdir(), "causeway-replay-"));
      const tracked = execFileSync("git", ["ls-files", "-z"], { cwd: REPO_ROOT, encoding: "utf8" });
      for (const rel of tracked.split("\0").filter(Boolean)) {
        if (!fs.existsSync(path.join(REPO_ROOT, rel))) continue;
        fs.mkdirSync(path.dirname(path.join(context, rel)), { recursive: true });
        fs.copyFileSync(path.join(REPO_ROOT, rel), path.join(context, rel));
      }
    });
    afterAll(() => fs.rmSync(context, { recursive: true, force: true }));

    it("gives new tags to exactly the images that copy it, and the rebuilds push new tags", async () => {
      const base = await plans("dev");
      const images = base.resources.filter((r) => r.type === "docker:index/image:Image");
      expect(images.length).toBeGreaterThan(0);
      const before = Object.fromEntries(
        images.map((i) => [i.name, serviceImageTag(i.name, {}, context)]),
      );
      // The fixture plan's tags are the repository's own.
      for (const i of images)
        expect((i.inputs["build"] as { args: { VERSION: string } }).args.VERSION).toBe(
          before[i.name],
        );
      fs.appendFileSync(path.join(context, "services/contracts/src/events.ts"), "\n// edited\n");
      const after = Object.fromEntries(
        images.map((i) => [i.name, serviceImageTag(i.name, {}, context)]),
      );
      // The images whose build takes the file (the Dockerfile's COPY sources, as Docker reads them).
      const file = "services/contracts/src/events.ts";
      const contains = images
        .filter((i) =>
          dockerBuildInputs({
            context,
            dockerfile: ServiceImageDefaults.dockerfile,
            args: { SERVICE: i.name },
          }).includes(file),
        )
        .map((i) => i.name);
      expect(contains.length).toBeGreaterThan(0);
      const retagged = images.filter((i) => after[i.name] !== before[i.name]).map((i) => i.name);
      expect(retagged.sort()).toEqual(contains.sort());
      // The head plan as the program would register it with the new tags.
      let head: Plan = base;
      for (const name of retagged) {
        head = edited(head, "docker:index/image:Image", name, (inputs) => {
          (inputs["build"] as { args: { VERSION: string } }).args.VERSION = after[name]!;
        });
      }
      const d = diffPlans(base, head);
      expect(
        d.changes
          .filter((c) => c.type === "docker:index/image:Image")
          .map((c) => c.name)
          .sort(),
      ).toEqual(retagged.sort());
      expect(failing(d)).toEqual([]);
    });
  });

  it("every resource type the blueprint creates has facts, or is listed here as needing none", async () => {
    // Types with no replacement-forcing field, unique name or version rule the diff needs:
    // the reason for each.
    const none: Record<string, string> = {
      "aws:acm/certificateValidation:CertificateValidation":
        "waits for validation; no cloud object",
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "updated in place",
      "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "updated in place",
      "aws:s3/bucketPolicy:BucketPolicy": "updated in place",
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "updated in place",
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
        "updated in place",
      "random:index/randomBytes:RandomBytes": "replaced on any change, stored in state only",
      "random:index/randomPassword:RandomPassword": "replaced on any change, stored in state only",
      "pulumi:providers:kubernetes": "replaced only when clusterIdentifier changes (a new cluster)",
    };
    const covers = (type: string) =>
      factsTables.some((t) =>
        [...t.replacements, ...t.stateful, ...(t.uniqueNames ?? []), ...(t.upgrades ?? [])].some(
          (r) => (r.type.endsWith("*") ? type.startsWith(r.type.slice(0, -1)) : r.type === type),
        ),
      );
    const types = new Set<string>();
    for (const stack of ["dev", "staging", "prod"] as const) {
      for (const r of (await plans(stack)).resources) if (r.custom && !r.read) types.add(r.type);
    }
    const missing = [...types].filter((t) => !covers(t) && !(t in none)).sort();
    expect(missing).toEqual([]);
    // The list names only types the blueprint creates and the tables do not cover.
    for (const t of Object.keys(none)) {
      expect(covers(t), t).toBe(false);
      expect(types.has(t), t).toBe(true);
    }
  });
});
