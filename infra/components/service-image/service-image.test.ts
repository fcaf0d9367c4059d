import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planProgram } from "../../plan/harness";
import { ServiceImage, serviceImageTag } from "./service-image";
import { lifecyclePolicy, lifecycleProblems } from "./lifecycle";
import { contextFiles, contextSources, dockerBuildInputs } from "./build-inputs";

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
  // A copy of this repository's committed files: the real Dockerfile, .dockerignore and sources.
  const repo = path.resolve(__dirname, "..", "..", "..");
  let context: string;
  let services: string[];
  beforeAll(() => {
    context = fs.mkdtempSync(path.join(os.tmpdir(), "causeway-tag-"));
    const tracked = execFileSync("git", ["ls-files", "-z"], { cwd: repo, encoding: "utf8" });
    for (const rel of tracked.split("\0").filter(Boolean)) {
      if (!fs.existsSync(path.join(repo, rel))) continue;
      fs.mkdirSync(path.dirname(path.join(context, rel)), { recursive: true });
      fs.copyFileSync(path.join(repo, rel), path.join(context, rel));
    }
    // The services that have an image: the packages under services/ with an entry point.
    services = fs
      .readdirSync(path.join(context, "services"))
      .filter((d) => fs.existsSync(path.join(context, "services", d, "src", "main.ts")))
      .sort();
  });
  afterAll(() => fs.rmSync(context, { recursive: true, force: true }));

  const tags = () => Object.fromEntries(services.map((s) => [s, serviceImageTag(s, {}, context)]));
  /** The services whose tag changes when `rel` changes (the file is restored afterwards). */
  const retagged = (rel: string): string[] => {
    const file = path.join(context, rel);
    const before = tags();
    const original = fs.readFileSync(file);
    fs.writeFileSync(file, Buffer.concat([original, Buffer.from("\n")]));
    try {
      const after = tags();
      return services.filter((s) => after[s] !== before[s]);
    } finally {
      fs.writeFileSync(file, original);
    }
  };

  it("is stable, and differs per service", () => {
    const first = tags();
    expect(Object.values(first).every((t) => /^src-[0-9a-f]{12}$/.test(t))).toBe(true);
    expect(tags()).toEqual(first);
    expect(new Set(Object.values(first)).size).toBe(services.length);
  });

  it("reads the context as Docker sends it: .dockerignore applies", () => {
    fs.mkdirSync(path.join(context, "services/kit/node_modules/x"), { recursive: true });
    fs.writeFileSync(path.join(context, "services/kit/node_modules/x/index.js"), "x");
    const files = contextFiles(context);
    expect(files).toContain("services/kit/src/index.ts");
    expect(files).toContain("services/kit/README.md");
    expect(files.filter((f) => /(^|\/)(node_modules|test|bench|dist)\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith(".test.ts") || f.startsWith("stacks/"))).toEqual([]);
    fs.rmSync(path.join(context, "services/kit/node_modules"), { recursive: true });
  });

  it("changes for every image that copies a changed file, and for no other", () => {
    // The cases below name files of these two services.
    expect(services).toEqual(expect.arrayContaining(["gateway", "orders"]));
    expect(retagged("services/orders/src/app.ts")).toEqual(["orders"]);
    expect(retagged("services/gateway/package.json")).toEqual(services);
    for (const shared of [
      "services/kit/src/index.ts",
      "services/contracts/src/events.ts",
      "tsconfig.json",
      "package-lock.json",
      "package.json",
      "infra/components/package.json",
      "services/Dockerfile",
    ]) {
      expect(retagged(shared), shared).toEqual(services);
    }
    // .dockerignore keeps tests, bench and infra sources out of the context; no COPY takes docs.
    for (const outside of [
      "services/orders/src/app.test.ts",
      "services/kit/test/helpers.ts",
      "infra/index.ts",
      "stacks/Pulumi.dev.yaml",
      "README.md",
    ]) {
      expect(retagged(outside), outside).toEqual([]);
    }
  });

  it("changes for each COPY source of the Dockerfile, derived from the Dockerfile itself", () => {
    const dockerfile = fs.readFileSync(path.join(context, "services/Dockerfile"), "utf8");
    for (const service of services) {
      const sources = contextSources(dockerfile, { SERVICE: service });
      expect(sources.length).toBeGreaterThan(0);
      for (const { source } of sources) {
        // One file the source takes (its first, for a folder or a wildcard).
        const taken = dockerBuildInputs({
          context,
          dockerfile: "services/Dockerfile",
          args: { SERVICE: service },
        }).filter((f) => matchesSource(source, f));
        expect(taken.length, `${service}: ${source}`).toBeGreaterThan(0);
        expect(retagged(taken[0]!), `${service}: ${source} (${taken[0]})`).toContain(service);
      }
    }
  });

  it("refuses a COPY source that the context does not hold, naming the line", () => {
    const dockerfile = path.join(context, "broken.Dockerfile");
    fs.writeFileSync(dockerfile, "FROM node:24\nARG SERVICE\nCOPY services/${SERVICE}/ ./\n");
    try {
      expect(() =>
        serviceImageTag("nowhere", { dockerfile: "broken.Dockerfile" }, context),
      ).toThrow(
        `broken.Dockerfile line 3: "services/nowhere/" is not in the build context ${context} (or .dockerignore excludes it); the build would fail`,
      );
      expect(() =>
        dockerBuildInputs({ context, dockerfile: "broken.Dockerfile", args: {} }),
      ).toThrow(
        'broken.Dockerfile line 3: COPY source "services/${SERVICE}/" uses SERVICE, which has no value; pass it in the build\'s args',
      );
    } finally {
      fs.rmSync(dockerfile);
    }
  });
});

/** Whether a context file lies under a COPY source (a file or folder path; wildcards by prefix). */
function matchesSource(source: string, file: string): boolean {
  const clean = source.replace(/^\.\//, "").replace(/\/$/, "");
  if (clean.includes("*")) return file.endsWith(clean.split("*").at(-1)!);
  return file === clean || file.startsWith(`${clean}/`);
}

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
      platform: "linux/arm64",
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
