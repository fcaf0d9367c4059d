import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planProgram } from "../../plan/harness";
import { ServiceImage, serviceImageTag } from "./service-image";
import { lifecyclePolicy, lifecycleProblems } from "./lifecycle";
import { contextFiles, contextSources, dockerBuildInputs } from "./build-inputs";
import { admitOnly, providerContextDigest, providerContextFiles } from "./isolate";

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

  describe("the build inputs the Docker provider sees (its build.contextDigest)", () => {
    type Build = { context: string; dockerfile: string; args: Record<string, string> };
    /** Each service's Image build inputs from a plan of the copy, with the provider's digest. */
    const planned = async () => {
      const plan = await planProgram(async () => {
        for (const s of services) new ServiceImage(s, { build: { context } });
        return {};
      });
      return Object.fromEntries(
        services.map((s) => {
          const build = plan.get("docker:index/image:Image", s).inputs["build"] as Build;
          return [s, { ...build, digest: providerContextDigest(build.context, build.dockerfile) }];
        }),
      );
    };
    /** The services whose Image inputs or provider digest change when `rel` changes. */
    const rebuilt = async (rel: string): Promise<string[]> => {
      const file = path.join(context, rel);
      const before = await planned();
      const original = fs.readFileSync(file);
      fs.writeFileSync(file, Buffer.concat([original, Buffer.from("\n")]));
      try {
        const after = await planned();
        return services.filter((s) => JSON.stringify(after[s]) !== JSON.stringify(before[s]));
      } finally {
        fs.writeFileSync(file, original);
      }
    };

    it("each image's context holds exactly the files its COPY instructions take", async () => {
      const builds = await planned();
      for (const s of services) {
        const b = builds[s]!;
        expect(b.context).toBe(context);
        expect(b.dockerfile).toBe(path.join(context, `.causeway/images/${s}.Dockerfile`));
        // The recipe, byte for byte.
        expect(fs.readFileSync(b.dockerfile)).toEqual(
          fs.readFileSync(path.join(context, "services/Dockerfile")),
        );
        expect(providerContextFiles(b.context, b.dockerfile)).toEqual(
          dockerBuildInputs({ context, dockerfile: "services/Dockerfile", args: { SERVICE: s } }),
        );
      }
      // What the shared repository-root context sent instead: everything .dockerignore leaves.
      const shared = providerContextFiles(context, path.join(context, "services/Dockerfile"));
      expect(shared).toContain("packages/plan/src/index.ts");
      expect(providerContextFiles(context, builds["orders"]!.dockerfile)).not.toContain(
        "services/gateway/src/app.ts",
      );
    });

    it("changes for exactly the images that take a changed file: an unchanged image is not rebuilt", async () => {
      expect(await rebuilt("services/orders/src/app.ts")).toEqual(["orders"]);
      expect(await rebuilt("services/contracts/src/events.ts")).toEqual(services);
      expect(await rebuilt("services/kit/src/index.ts")).toEqual(services);
      // A file no image takes, which the shared context's digest did cover.
      const outside = "packages/plan/src/index.ts";
      const sharedDigest = () =>
        providerContextDigest(context, path.join(context, "services/Dockerfile"));
      const before = sharedDigest();
      expect(await rebuilt(outside)).toEqual([]);
      fs.appendFileSync(path.join(context, outside), "\n");
      try {
        expect(sharedDigest()).not.toBe(before);
      } finally {
        fs.writeFileSync(path.join(context, outside), fs.readFileSync(path.join(repo, outside)));
      }
    });
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

describe("admitOnly: the per-image ignore file", () => {
  it("excludes everything, then lets each file back in, sorted", () => {
    expect(admitOnly(["services/orders/src/main.ts", "package.json"])).toBe(
      "# Generated by ServiceImage from the Dockerfile's COPY sources; do not edit.\n**\n!package.json\n!services/orders/src/main.ts\n",
    );
  });

  it("refuses a file name that the ignore syntax would read as a pattern", () => {
    expect(() => admitOnly(["ok.ts", "src/[id].ts", "!bang.ts"])).toThrow(
      'cannot admit "src/[id].ts", "!bang.ts" in a Dockerfile-specific ignore file: rename it (no *, ?, [, ], \\ or surrounding spaces; not starting with ! or #)',
    );
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
      // Its own context: the recipe beside an ignore file that admits only its COPY sources.
      dockerfile: ".causeway/images/orders.Dockerfile",
      // The nodes' architecture: Graviton (arm64) unless the build says otherwise.
      platform: "linux/arm64",
      args: { SERVICE: "orders", VERSION: "src-0123456789ab" },
    });
    // No account but the owner's may pull unless pullAccountIds says so.
    expect(plan.byType("aws:ecr/repositoryPolicy:RepositoryPolicy")).toEqual([]);
    // The registry password comes from an ECR token and is never printed.
    expect((image.inputs["registry"] as Record<string, unknown>)["password"]).toMatch(
      /^\(known after apply|^\[secret\]$/,
    );
  });

  it("lets the listed accounts pull, and nothing more", async () => {
    const plan = await planProgram(async () => {
      new ServiceImage("orders", {
        build: { tag: "src-0123456789ab" },
        pullAccountIds: ["333344445555", "222233334444"],
      });
      return {};
    });
    const policy = plan.get("aws:ecr/repositoryPolicy:RepositoryPolicy", "orders");
    expect(policy.inputs["repository"]).toBe("causeway/orders");
    expect(JSON.parse(policy.inputs["policy"] as string)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "PullFromPromotedAccounts",
          Effect: "Allow",
          Principal: {
            AWS: ["arn:aws:iam::222233334444:root", "arn:aws:iam::333344445555:root"],
          },
          Action: [
            "ecr:BatchCheckLayerAvailability",
            "ecr:BatchGetImage",
            "ecr:GetDownloadUrlForLayer",
          ],
        },
      ],
    });
    expect(plan.get("aws:ecr/repository:Repository", "orders").inputs["imageTagMutability"]).toBe(
      "IMMUTABLE",
    );
  });

  it("a pinned digest creates no repository and no build", async () => {
    const plan = await planProgram(async () => {
      new ServiceImage("orders", { pinned: DIGEST });
      return {};
    });
    expect(plan.countByType()).toEqual({
      "pulumi:pulumi:Stack": 1,
      "causeway:index:ServiceImage": 1,
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
      "an account id that is not one",
      { build: { tag: "1" }, pullAccountIds: ["12345", "222233334444", "222233334444"] },
      '  - pullAccountIds: must be 12-digit AWS account ids (found "12345")\n  - pullAccountIds: lists 222233334444 twice',
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
    ).rejects.toThrow(
      `ServiceImage "orders": ${problem.split("\n").length} invalid argument${problem.includes("\n") ? "s" : ""}:\n${problem}`,
    );
  });
});
