import { spawnSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "@causeway/plan";

/**
 * The published packages as a user gets them: `npm pack` of @causeway/components,
 * @causeway/plan and @causeway/policies (once, into a temporary folder outside the
 * repository), then `npm install` of those tarballs into
 * - temporary copies of examples/ (one npm workspace, so one install serves the three), each
 *   typechecked with its own tsconfig and planned offline with `causeway-plan`;
 * - a fresh program made from Pulumi's default TypeScript template (package.json, tsconfig.json,
 *   index.ts and Pulumi.yaml as pulumi/templates `typescript/` has them), typechecked with plain
 *   `tsc`, planned with `npx causeway-plan`, and reported on by @causeway/policies.
 * Installs use the npm cache first (`--prefer-offline`); the repository's own install filled it.
 */

const repo = path.resolve(__dirname, "..");
const PACKAGES = {
  components: "infra/components",
  plan: "packages/plan",
  policies: "infra/policies",
} as const;
type PackageKey = keyof typeof PACKAGES;
const EXAMPLES = ["service-stack", "database", "policy-pack"] as const;
/** pulumi/templates typescript/ (commit 65db26bf, 2026-08-04), with ${PROJECT} filled in. */
const TEMPLATE = {
  "package.json": {
    name: "fresh",
    main: "index.ts",
    devDependencies: { "@types/node": "^18", typescript: "^5.0.0" },
    dependencies: { "@pulumi/pulumi": "^3.113.0" },
  },
  "tsconfig.json": {
    compilerOptions: {
      strict: true,
      outDir: "bin",
      target: "es2020",
      module: "nodenext",
      moduleResolution: "nodenext",
      sourceMap: true,
      experimentalDecorators: true,
      pretty: true,
      noFallthroughCasesInSwitch: true,
      noImplicitReturns: true,
      forceConsistentCasingInFileNames: true,
    },
    files: ["index.ts"],
  },
  "index.ts": 'import * as pulumi from "@pulumi/pulumi";\n',
  "Pulumi.yaml":
    "name: fresh\ndescription: A fresh program\nruntime: nodejs\ntemplate:\n  description: A minimal TypeScript Pulumi program\n",
} as const;
const NPM_FLAGS = ["--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];

interface Packed {
  readonly tarball: string;
  readonly files: readonly string[];
}

let work: string;
const packed = {} as Record<PackageKey, Packed>;
const seconds: Record<string, number> = {};

function run(cmd: string, args: string[], cwd: string, timeout = 300_000) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    timeout,
    env: { ...process.env, npm_config_update_notifier: "false", CAUSEWAY_PLAN_PROGRESS: "0" },
  });
  return { code: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "", error: r.error };
}

function mustRun(cmd: string, args: string[], cwd: string, timeout?: number): string {
  const r = run(cmd, args, cwd, timeout);
  if (r.code !== 0) {
    throw new Error(
      `${cmd} ${args.join(" ")} in ${cwd} exited ${r.code}${r.error ? ` (${r.error.message})` : ""}\n${r.stdout}\n${r.stderr}`,
    );
  }
  return r.stdout;
}

function timed<T>(label: string, f: () => T): T {
  const start = performance.now();
  try {
    return f();
  } finally {
    seconds[label] = Math.round((performance.now() - start) / 100) / 10;
  }
}

function bin(dir: string, name: string): string {
  return path.join(dir, "node_modules", ".bin", name);
}

/** Runs the installed causeway-plan (hoisted to the examples' workspace root) in `dir`. */
function causewayPlan(dir: string, args: string[]) {
  return run(process.execPath, [bin(path.dirname(dir), "causeway-plan"), ...args], dir);
}

function readPlan(file: string): Plan {
  return JSON.parse(readFileSync(file, "utf8")) as Plan;
}

function types(plan: Plan): string[] {
  return [...new Set(plan.resources.map((r) => r.type))].sort();
}

beforeAll(() => {
  work = realpathSync(mkdtempSync(path.join(tmpdir(), "causeway-packages-")));
  const tarballs = path.join(work, "tarballs");
  mkdirSync(tarballs);
  timed("npm pack (3 packages, with their builds)", () => {
    for (const [key, dir] of Object.entries(PACKAGES) as [PackageKey, string][]) {
      const out = mustRun(
        "npm",
        ["pack", "--json", "--pack-destination", tarballs, "--loglevel=error"],
        path.join(repo, dir),
      );
      // npm prints the prepack build's output before the JSON report.
      const report = JSON.parse(out.slice(out.indexOf("[\n"))) as {
        filename: string;
        files: { path: string }[];
      }[];
      packed[key] = {
        tarball: path.join(tarballs, report[0]!.filename),
        files: report[0]!.files.map((f) => f.path).sort(),
      };
    }
  });
  const ref = (key: PackageKey) => `file:${packed[key].tarball}`;
  const pin = (deps: Record<string, string> | undefined) => {
    for (const key of Object.keys(PACKAGES) as PackageKey[]) {
      if (deps?.[`@causeway/${key}`]) deps[`@causeway/${key}`] = ref(key);
    }
  };

  // The examples, copied without tests or installs, as one npm workspace.
  const examples = path.join(work, "examples");
  for (const name of EXAMPLES) {
    cpSync(path.join(__dirname, name), path.join(examples, name), {
      recursive: true,
      filter: (src) => !/node_modules|\.test\.ts$/.test(src),
    });
    const file = path.join(examples, name, "package.json");
    const pkg = JSON.parse(readFileSync(file, "utf8")) as Record<string, Record<string, string>>;
    pin(pkg["dependencies"]);
    pin(pkg["devDependencies"]);
    writeFileSync(file, JSON.stringify(pkg, null, 2));
  }
  writeFileSync(
    path.join(examples, "package.json"),
    JSON.stringify({ name: "examples", private: true, workspaces: [...EXAMPLES] }),
  );
  timed("npm install (examples)", () =>
    mustRun("npm", ["install", ...NPM_FLAGS], examples, 600_000),
  );

  // A fresh program from Pulumi's default TypeScript template.
  const fresh = path.join(work, "fresh");
  mkdirSync(fresh);
  for (const [name, content] of Object.entries(TEMPLATE)) {
    writeFileSync(
      path.join(fresh, name),
      typeof content === "string" ? content : JSON.stringify(content, null, 4),
    );
  }
  timed("npm install (fresh template program)", () =>
    mustRun(
      "npm",
      [
        "install",
        ...NPM_FLAGS,
        packed.components.tarball,
        packed.policies.tarball,
        "--save-dev",
        packed.plan.tarball,
      ],
      fresh,
      600_000,
    ),
  );
}, 1_200_000);

// Removing the installed programs' node_modules took over vitest's default 30 s hook timeout on
// a loaded machine (every test had passed): allow two minutes.
afterAll(() => {
  console.log(`packages.test.ts timings (s): ${JSON.stringify(seconds)}`);
  if (work) rmSync(work, { recursive: true, force: true });
}, 120_000);

const LICENSE = readFileSync(path.join(repo, "LICENSE"), "utf8");

describe("npm pack contents", () => {
  it("ships compiled code, types, the full README, LICENSE and CHANGELOG; no tests, sources or examples", () => {
    const components = packed.components.files;
    // Not the component provider (infra/components/provider): `pulumi package add` takes it
    // from the repository, with its sources.
    expect(components.filter((f) => f.includes("provider/") || f.includes("PulumiPlugin"))).toEqual(
      [],
    );
    expect(components.filter((f) => !f.startsWith("dist/"))).toEqual([
      "CHANGELOG.md",
      "LICENSE",
      "README.md",
      "package.json",
    ]);
    expect(
      components.filter((f) => /\.test\.|example|docs\.|\.map$|(?<!\.d)\.ts$/.test(f)),
    ).toEqual([]);
    // Every component folder ships its code and its types.
    const folders = [
      ...readFileSync(path.join(repo, PACKAGES.components, "index.ts"), "utf8").matchAll(
        /^export \* from "\.\/([\w-]+)";$/gm,
      ),
    ].map((m) => m[1]!);
    expect(folders.length).toBeGreaterThanOrEqual(10);
    for (const folder of [".", ...folders]) {
      expect(components).toContain(path.posix.join("dist", folder, "index.js"));
      expect(components).toContain(path.posix.join("dist", folder, "index.d.ts"));
    }
    expect(components).toContain("dist/load-balancer-controller/iam-policy.json");

    const plan = packed.plan.files;
    expect(plan).toContain("bin/causeway-plan.mjs");
    expect(plan).toContain("src/cli.ts");
    expect(plan).toContain("dist/index.d.ts");
    expect(plan.filter((f) => /\.test\.|__snapshots__|^test\//.test(f))).toEqual([]);

    const policies = packed.policies.files;
    expect(policies).toEqual(
      expect.arrayContaining([
        "PulumiPolicy.yaml",
        "dist/index.js",
        "dist/offline.js",
        "dist/offline.d.ts",
        "LICENSE",
        "README.md",
        "CHANGELOG.md",
      ]),
    );
    expect(policies.filter((f) => /\.test\.|^test\/|dist\/test\/|(?<!\.d)\.ts$/.test(f))).toEqual(
      [],
    );
  });

  it("packs the generated README and the repository's LICENSE as they are", () => {
    const installed = path.join(work, "fresh", "node_modules", "@causeway");
    const readme = readFileSync(path.join(installed, "components", "README.md"), "utf8");
    expect(readme).toBe(readFileSync(path.join(repo, PACKAGES.components, "README.md"), "utf8"));
    for (const heading of [
      "## NodeService",
      "## PublicLoadBalancer",
      "## MessageBroker",
      "## Database",
    ]) {
      expect(readme).toContain(`\n${heading}\n`);
    }
    for (const key of Object.keys(PACKAGES)) {
      expect(readFileSync(path.join(installed, key, "LICENSE"), "utf8")).toBe(LICENSE);
    }
    expect(LICENSE).toContain(
      "Apache License\n                           Version 2.0, January 2004",
    );
  });

  it("declares every package the compiled code loads: @pulumi/* as peers, the rest as dependencies", () => {
    for (const key of ["components", "policies"] as const) {
      const dir = path.join(work, "fresh", "node_modules", "@causeway", key);
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
        dependencies?: Record<string, string>;
        peerDependencies?: Record<string, string>;
      };
      const loaded = new Set<string>();
      for (const file of packed[key].files.filter(
        (f) => f.endsWith(".js") || f.endsWith(".d.ts"),
      )) {
        const text = readFileSync(path.join(dir, file), "utf8");
        for (const m of text.matchAll(/(?:require\(|from |import\()"([^."][^"]*)"/g)) {
          if (m[1]!.startsWith("node:")) continue;
          const name = m[1]!
            .split("/")
            .slice(0, m[1]!.startsWith("@") ? 2 : 1)
            .join("/");
          loaded.add(name);
        }
      }
      for (const name of loaded) {
        if (name.startsWith("@pulumi/") && name !== "@pulumi/policy") {
          expect(pkg.peerDependencies, `${key} loads ${name}`).toHaveProperty([name]);
        } else {
          expect(
            { ...pkg.dependencies, ...pkg.peerDependencies },
            `${key} loads ${name}`,
          ).toHaveProperty([name]);
        }
      }
    }
  });
});

describe("examples/, installed from the packed tarballs", { timeout: 300_000 }, () => {
  const dir = (name: string) => path.join(work, "examples", name);

  it("typecheck with their tsconfig (Pulumi's template: strict, skipLibCheck off)", () => {
    // One tsc run for the three: their tsconfig.json files are the same (the template's), and
    // checking @pulumi/aws's declarations once instead of three times saves minutes.
    const root = path.join(work, "examples");
    const options = readFileSync(path.join(dir(EXAMPLES[0]), "tsconfig.json"), "utf8");
    for (const name of EXAMPLES) {
      expect(readFileSync(path.join(dir(name), "tsconfig.json"), "utf8")).toBe(options);
    }
    writeFileSync(
      path.join(root, "tsconfig.json"),
      JSON.stringify({
        extends: `./${EXAMPLES[0]}/tsconfig.json`,
        files: EXAMPLES.map((name) => `./${name}/index.ts`),
      }),
    );
    const r = run(process.execPath, [bin(root, "tsc"), "-p", "tsconfig.json", "--noEmit"], root);
    expect(r.stdout + r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("service-stack plans NodeService, PublicLoadBalancer and MessageBroker on Outputs of its own network", () => {
    const r = causewayPlan(dir("service-stack"), [".", "--stack", "dev", "--json", "plan.json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const plan = readPlan(path.join(dir("service-stack"), "plan.json"));
    expect(types(plan)).toEqual(
      expect.arrayContaining([
        "aws:ec2/vpc:Vpc",
        "aws:ec2/subnet:Subnet",
        "aws:mq/broker:Broker",
        "aws:lb/loadBalancer:LoadBalancer",
        "causeway:index:PublicLoadBalancer",
        "causeway:index:NodeService",
        "causeway:index:MessageBroker",
        "kubernetes:apps/v1:Deployment",
      ]),
    );
    // The subnets' ids are only known after apply: they flowed into the broker and the ALB.
    const subnets = plan.resources.filter((r) => r.type === "aws:ec2/subnet:Subnet");
    const fromSubnets = /^\(known after apply: .*Subnet::shop-a, .*Subnet::shop-b\)$/;
    const broker = plan.resources.find((r) => r.type === "aws:mq/broker:Broker")!;
    expect(broker.inputs["subnetIds"]).toMatch(fromSubnets);
    const alb = plan.resources.find((r) => r.type === "aws:lb/loadBalancer:LoadBalancer")!;
    expect(alb.inputs["subnets"]).toEqual([
      expect.stringMatching(fromSubnets),
      expect.stringMatching(fromSubnets),
    ]);
    for (const r of [broker, alb]) {
      expect(r.dependencies).toEqual(expect.arrayContaining(subnets.map((s) => s.urn)));
    }
  });

  it("database plans a Database and nothing else of Causeway's", () => {
    const r = causewayPlan(dir("database"), [".", "--stack", "dev", "--json", "plan.json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const plan = readPlan(path.join(dir("database"), "plan.json"));
    expect(types(plan).filter((t) => t.startsWith("causeway:"))).toEqual([
      "causeway:index:Database",
    ]);
    const db = plan.resources.find((r) => r.type === "aws:rds/instance:Instance")!;
    expect(db.inputs).toMatchObject({
      identifier: "orders-db",
      storageEncrypted: true,
      publiclyAccessible: false,
    });
  });

  it("policy-pack runs @causeway/policies on itself: clean on dev, a mandatory violation on open", () => {
    const clean = causewayPlan(dir("policy-pack"), [
      ".",
      "--stack",
      "dev",
      "--policy-pack",
      "@causeway/policies",
    ]);
    expect(clean.stderr).toBe("");
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/\nPolicies \(infra\/policies\): \d+ rules, 0 violations/);

    const open = causewayPlan(dir("policy-pack"), [
      ".",
      "--stack",
      "open",
      "--policy-pack",
      "@causeway/policies",
      "--json",
      "plan.json",
    ]);
    expect(open.code).toBe(1);
    expect(open.stderr).toMatch(
      /^error: \d+ mandatory violations of policy pack causeway \(see above\)\n$/,
    );
    expect(open.stdout).toContain("[mandatory] sg-world-ingress-web-ports-only");
    const plan = readPlan(path.join(dir("policy-pack"), "plan.json"));
    expect(plan.policy?.violations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          policy: "sg-world-ingress-web-ports-only",
          urn: expect.stringContaining("SecurityGroupIngressRule::web-admin"),
        }),
      ]),
    );
  });
});

describe(
  "a fresh program from Pulumi's TypeScript template, outside the repository",
  { timeout: 300_000 },
  () => {
    const fresh = () => path.join(work, "fresh");
    const PROGRAM = `${TEMPLATE["index.ts"]}import { Database } from "@causeway/components";

const config = new pulumi.Config();
const db = new Database("db", {
  identifier: "fresh-db",
  vpcId: config.require("vpcId"),
  subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
  clientSecurityGroupIds: { nodes: "sg-0bbbbbbbbbbbbbbb1" },
});
export const address = db.address;
`;

    it("typechecks with plain tsc, plans with npx causeway-plan, and @causeway/policies reports on it", () => {
      expect(fresh().startsWith(repo)).toBe(false);
      writeFileSync(path.join(fresh(), "index.ts"), PROGRAM);
      writeFileSync(
        path.join(fresh(), "Pulumi.dev.yaml"),
        "config:\n  aws:region: eu-west-1\n  fresh:vpcId: vpc-0123456789abcdef0\n",
      );
      const tsc = run(process.execPath, [bin(fresh(), "tsc")], fresh());
      expect(tsc.stdout + tsc.stderr).toBe("");
      expect(tsc.code).toBe(0);

      const planned = run("npx", ["--no-install", "causeway-plan", ".", "--stack", "dev"], fresh());
      expect(planned.stderr).toBe("");
      expect(planned.code).toBe(0);
      expect(planned.stdout).toContain(
        'Previewing fresh stack "dev" (offline plan: no cloud calls)',
      );
      expect(planned.stdout).toContain("causeway:index:Database");

      // No causeway:environment in the stack: production rules apply (the secure default).
      const checked = run(
        "npx",
        [
          "--no-install",
          "causeway-plan",
          ".",
          "--stack",
          "dev",
          "--policy-pack",
          "@causeway/policies",
        ],
        fresh(),
      );
      // The stack names no causeway:environment, so production rules apply; the Database's
      // defaults pass them.
      expect(checked.stderr).toBe("");
      expect(checked.code).toBe(0);
      expect(checked.stdout).toMatch(
        /\nPolicies \(infra\/policies\): [1-9]\d+ rules, 0 violations/,
      );
    });
  },
);
