import { awsInvokes, runPlan, type Plan, type PlannedResource } from "@causeway/plan";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { evaluatePack } from "../policies/evaluate";
import { causewayPack } from "../policies/policies";
import { readStackFile } from "../plan/stack-file";
import { BOOTSTRAP_PROJECT, parseBootstrapConfig } from "./config";
import { main } from "./program";

const STACKS = path.join(__dirname, "stacks");

/** Plans the shipped bootstrap stack file (what `pulumi stack init state` and the README write). */
async function planBootstrap(extra: Record<string, string> = {}): Promise<Plan> {
  const file = readStackFile(STACKS, "state");
  const raw = { ...file.raw, values: { ...file.raw.values, ...extra } };
  return runPlan({
    project: BOOTSTRAP_PROJECT,
    stack: "state",
    raw,
    program: main,
    invokes: awsInvokes({ region: raw.values["aws:region"]!, accountId: "444455556666" }),
  });
}

function only(plan: Plan, type: string): PlannedResource {
  const found = plan.resources.filter((r) => r.type === type);
  expect(found.map((r) => r.name)).toHaveLength(1);
  return found[0]!;
}

describe("the state backend bootstrap", () => {
  it("plans the shipped stack: a versioned, KMS-encrypted, private, TLS-only bucket and the secrets key", async () => {
    const plan = await planBootstrap();
    const bucket = only(plan, "aws:s3/bucket:Bucket");
    expect(bucket.inputs).toMatchObject({
      bucket: "causeway-pulumi-state-444455556666-eu-west-1",
      forceDestroy: false,
    });
    expect(bucket.protect).toBe(true);
    const key = only(plan, "aws:kms/key:Key");
    expect(key.protect).toBe(true);
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    expect(only(plan, "aws:kms/alias:Alias").inputs).toMatchObject({
      name: "alias/causeway-pulumi-state",
    });
    expect(only(plan, "aws:s3/bucketVersioning:BucketVersioning").inputs).toMatchObject({
      versioningConfiguration: { status: "Enabled" },
    });
    expect(
      only(
        plan,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      ).inputs.rules,
    ).toEqual([
      {
        applyServerSideEncryptionByDefault: {
          sseAlgorithm: "aws:kms",
          kmsMasterKeyId: `(known after apply: ${key.urn})`,
        },
        bucketKeyEnabled: true,
      },
    ]);
    expect(
      only(plan, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs,
    ).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(
      only(plan, "aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs,
    ).toMatchObject({ rule: { objectOwnership: "BucketOwnerEnforced" } });
    const lifecycle = only(
      plan,
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    );
    expect(lifecycle.inputs.rules).toEqual([
      expect.objectContaining({
        status: "Enabled",
        noncurrentVersionExpiration: { noncurrentDays: 90 },
      }),
    ]);
    const policy = only(plan, "aws:s3/bucketPolicy:BucketPolicy");
    expect(policy.dependencies).toContain(
      only(plan, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").urn,
    );
    expect(JSON.parse(policy.inputs.policy as string)).toMatchObject({
      Statement: [
        {
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [
            "arn:aws:s3:::causeway-pulumi-state-444455556666-eu-west-1",
            "arn:aws:s3:::causeway-pulumi-state-444455556666-eu-west-1/*",
          ],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    });
    expect(plan.outputs).toMatchObject({
      loginUrl: "s3://causeway-pulumi-state-444455556666-eu-west-1?region=eu-west-1&awssdk=v2",
      secretsProvider: "awskms://alias/causeway-pulumi-state?region=eu-west-1",
    });
    const evaluation = await evaluatePack(plan, causewayPack);
    expect(evaluation.violations).toEqual([]);
  });

  it("takes a bucket name and alias from config", async () => {
    const plan = await planBootstrap({
      [`${BOOTSTRAP_PROJECT}:bucketName`]: "acme-pulumi-state",
      [`${BOOTSTRAP_PROJECT}:keyAlias`]: "alias/acme/pulumi",
    });
    expect(plan.outputs).toMatchObject({
      loginUrl: "s3://acme-pulumi-state?region=eu-west-1&awssdk=v2",
      secretsProvider: "awskms://alias/acme/pulumi?region=eu-west-1",
    });
  });

  it("names every bad config value at once", () => {
    expect(() =>
      parseBootstrapConfig({
        bucketName: "Acme_State",
        keyAlias: "alias/aws/s3",
        noncurrentVersionDays: 0,
      }),
    ).toThrow(
      [
        "invalid causeway-bootstrap config:",
        '- causeway-bootstrap:bucketName: "Acme_State" is not a valid S3 bucket name (3-63 lower-case letters, digits, dots or hyphens, starting and ending with a letter or digit)',
        '- causeway-bootstrap:keyAlias: "alias/aws/s3" is not a KMS alias you can create (alias/<letters, digits, /_->, not under alias/aws/)',
        "- causeway-bootstrap:noncurrentVersionDays: 0 must be a whole number of days, 1 or more",
      ].join("\n"),
    );
  });
});
