import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { planProgram } from "../../plan/harness";
import { ServiceImage } from "./service-image";
import { lifecyclePolicy, lifecycleProblems } from "./lifecycle";
import { contentTag } from "./tag";

const DIGEST = `111122223333.dkr.ecr.eu-west-1.amazonaws.com/causeway/orders@sha256:${"b".repeat(64)}`;

describe("ECR lifecycle policy", () => {
  it("expires untagged images first, then keeps the newest N (the 'any' rule last)", () => {
    expect(lifecyclePolicy({ untaggedExpiryDays: 7, maxImages: 100 })).toEqual({
      rules: [
        {
          rulePriority: 1,
          description: "Expire untagged images 7 days after push",
          selection: {
            tagStatus: "untagged",
            countType: "sinceImagePushed",
            countUnit: "days",
            countNumber: 7,
          },
          action: { type: "expire" },
        },
        {
          rulePriority: 2,
          description: "Keep the newest 100 images",
          selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 100 },
          action: { type: "expire" },
        },
      ],
    });
  });

  it("rejects counts ECR would reject", () => {
    expect(lifecycleProblems({ untaggedExpiryDays: 0, maxImages: 1.5 })).toEqual([
      "lifecycle.untaggedExpiryDays: must be a whole number of days, at least 1 (found 0)",
      "lifecycle.maxImages: must be a whole number, at least 1 (found 1.5)",
    ]);
  });
});

describe("content tag", () => {
  const roots: string[] = [];
  afterAll(() => {
    for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
  });
  const tree = (files: Record<string, string>) => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "causeway-tag-"));
    roots.push(root);
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    }
    return root;
  };
  const inputs = ["services/Dockerfile", "services/kit", "services/orders"];

  it("is stable for the same sources, changes with any of them, ignores node_modules and others", () => {
    const base = {
      "services/Dockerfile": "FROM x",
      "services/kit/a.ts": "a",
      "services/orders/b.ts": "b",
    };
    const tag = contentTag(tree(base), inputs);
    expect(tag).toMatch(/^src-[0-9a-f]{12}$/);
    expect(contentTag(tree(base), inputs)).toBe(tag);
    expect(contentTag(tree({ ...base, "services/kit/node_modules/x.js": "x" }), inputs)).toBe(tag);
    expect(contentTag(tree({ ...base, "services/payments/c.ts": "c" }), inputs)).toBe(tag);
    expect(contentTag(tree({ ...base, "services/kit/a.ts": "a2" }), inputs)).not.toBe(tag);
    expect(contentTag(tree({ ...base, "services/Dockerfile": "FROM y" }), inputs)).not.toBe(tag);
    // A rename is a change too.
    const { "services/orders/b.ts": b, ...rest } = base;
    expect(contentTag(tree({ ...rest, "services/orders/c.ts": b }), inputs)).not.toBe(tag);
  });
});

describe("ServiceImage", () => {
  it("builds services/Dockerfile for the service into an immutable, scanned ECR repository", async () => {
    const plan = await planProgram(async () => {
      new ServiceImage("orders", { build: { tag: "src-0123456789ab" } });
      return {};
    });
    expect(plan.get("aws:ecr/repository:Repository", "orders").inputs).toEqual({
      name: "causeway/orders",
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfigurations: [{ encryptionType: "AES256" }],
      forceDelete: false,
    });
    const policy = plan.get("aws:ecr/lifecyclePolicy:LifecyclePolicy", "orders").inputs;
    expect(JSON.parse(policy["policy"] as string)).toEqual(
      lifecyclePolicy({ untaggedExpiryDays: 7, maxImages: 100 }),
    );
    const image = plan.get("docker:index/image:Image", "orders");
    expect(image.inputs["build"]).toEqual({
      context: ".",
      dockerfile: "services/Dockerfile",
      platform: "linux/amd64",
      args: { SERVICE: "orders", VERSION: "src-0123456789ab" },
    });
    // The registry password comes from an ECR token and is never printed.
    expect((image.inputs["registry"] as Record<string, unknown>)["password"]).toMatch(
      /^\(known after apply|^\[secret\]$/,
    );
  });

  it("a pinned digest creates no repository and no build", async () => {
    const plan = await planProgram(async () => {
      new ServiceImage("orders", { pinned: DIGEST });
      return {};
    });
    expect(plan.countByType()).toEqual({
      "pulumi:pulumi:Stack": 1,
      "causeway:ecr:ServiceImage": 1,
    });
  });

  it.each<[string, ConstructorParameters<typeof ServiceImage>[1], string]>([
    ["neither pinned nor build", {}, "  - build: is required unless pinned is given"],
    ["both", { pinned: DIGEST, build: { tag: "1" } }, "  - pinned and build: give one, not both"],
    [
      "a tag instead of a digest",
      { pinned: "r.example/orders:1.0" },
      '  - pinned: must be an image pinned by digest, <repository>@sha256:<64 hex digits> (found "r.example/orders:1.0")',
    ],
    [
      "the latest tag",
      { build: { tag: "latest" } },
      `  - build.tag: must be an immutable Docker tag (1-128 letters, digits, '_', '.', '-'), not "latest" (found "latest")`,
    ],
  ])("rejects %s", async (_, args, problem) => {
    await expect(
      planProgram(async () => {
        new ServiceImage("orders", args);
        return {};
      }),
    ).rejects.toThrow(`ServiceImage "orders": 1 invalid argument:\n${problem}`);
  });
});
