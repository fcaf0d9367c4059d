import { knownStacks, toRawConfig } from "@causeway/plan";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, expectTypeOf, it } from "vitest";
import { rawStackConfig, STACKS_DIR } from "../plan/harness";
import {
  parsePlatformConfig,
  type StackConfig,
  type RawConfig,
  type ServiceConfig,
  type ServicesConfig,
} from ".";
import type { DatabaseConfig } from "./sections/database";
import type { NetworkConfig } from "./sections/network";
import { configProblems } from "../test/config-problems";
import { FIXTURE_STACKS, fixtureConfig, rawFixtureConfig } from "../test/fixtures";

const problems = configProblems;

/** The dev fixture's network, which some rejected overlays below edit. */
const devNetwork = fixtureConfig("dev").network;

const secretValue = (o: pulumi.Output<string>) =>
  new Promise<{ value: string; secret: boolean }>((resolve) => {
    void pulumi.isSecret(o).then((secret) => o.apply((value) => resolve({ value, secret })));
  });

describe("parsePlatformConfig: the stacks in this repository", () => {
  it.each(knownStacks(STACKS_DIR))(
    "accepts stack %s, keeping every service of its graph",
    (stack) => {
      const raw = rawStackConfig(stack);
      const config = parsePlatformConfig(raw, stack);
      expect(config.environment).toBe(raw.values["causeway:environment"]);
      const declared = JSON.parse(raw.values["causeway:services"]!) as Record<string, unknown>;
      expect(Object.keys(config.services).sort()).toEqual(Object.keys(declared).sort());
    },
  );
});

describe("parsePlatformConfig: tier defaults", () => {
  it("fills tier defaults where the stack is silent, and lets the stack override them", () => {
    const table = FIXTURE_STACKS.map((stack) => {
      const s = parsePlatformConfig(rawFixtureConfig(stack), stack).services;
      return [stack, s.orders!.replicas, s.orders!.resources.memoryLimit, s.gateway!.replicas];
    });
    expect(table).toEqual([
      ["dev", 1, "256Mi", 1],
      ["staging", 2, "512Mi", 2],
      ["prod", 3, "512Mi", 4],
    ]);
  });
});

describe("parsePlatformConfig: bad config is reported all at once, with key paths", () => {
  it("names an unknown environment and a misspelt key together", () => {
    const raw = rawFixtureConfig("dev", {
      "causeway:environment": "qa",
      "causeway:servces": { gateway: {} },
    });
    expect(problems(raw)).toEqual([
      'causeway:servces: unknown key (did you mean "causeway:services"?); valid keys: causeway:environment, causeway:cluster, causeway:network, causeway:services, causeway:consul, causeway:edge, causeway:broker, causeway:database, causeway:cache, causeway:images, causeway:metrics, causeway:observability',
      'causeway:environment: must be one of dev, staging, prod (found "qa")',
    ]);
  });

  it("the ConfigError message lists every problem, one per line", () => {
    const raw = rawFixtureConfig("dev", { "causeway:environment": "qa", "causeway:servces": {} });
    expect(() => parsePlatformConfig(raw, "dev")).toThrow(
      'Invalid Causeway config for stack "dev": 2 problems.\n  - causeway:servces: unknown key',
    );
  });

  it("suggests the nearest key for a typo inside a section", () => {
    const raw = rawFixtureConfig("dev", { "causeway:services": { orders: { replcas: 2 } } });
    expect(problems(raw)).toEqual([
      'causeway:services.orders: unknown key "replcas" (did you mean "replicas"?); valid keys: port, replicas, autoscaling, resources, env, secretEnv, upstreams, expose, database, broker, cache, image',
    ]);
  });

  it("reports a missing required key with what it holds", () => {
    const raw = rawFixtureConfig("dev", {
      "causeway:network": null,
      "causeway:cluster": { stackReference: null, kubeconfig: { secure: "v1:AAAA" } },
    });
    expect(problems(raw)).toEqual([
      "causeway:network: is required: The cluster's VPC: vpcId, vpcCidr, publicSubnetIds, privateSubnetIds, publicSubnetCidrs, privateSubnetCidrs (and optionally availabilityZones). Leave it out to read it from the outputs of causeway:cluster.stackReference; given, it wins over them. Set it in stacks/Pulumi.<stack>.yaml, or set causeway:cluster.stackReference to the causeway-cluster stack, whose outputs supply it.",
    ]);
  });

  it("leaves the network, the cluster's name and its OIDC provider to a stack reference", () => {
    const raw = rawFixtureConfig("dev", {
      "causeway:network": null,
      "causeway:cluster": { name: null, oidcProviderArn: null },
    });
    const config = parsePlatformConfig(raw, "dev");
    expect(config.network).toBeUndefined();
    expect(config.cluster).toMatchObject({
      stackReference: { name: "fixture/causeway-cluster/dev" },
    });
    expect(config.cluster.name).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      "an invalid CIDR",
      { "causeway:network": { vpcCidr: "10.0.0.0/33" } },
      'causeway:network.vpcCidr: must be an IPv4 CIDR block such as 10.0.0.0/16 or 0.0.0.0/0 (found "10.0.0.0/33")',
    ],
    [
      "a single public subnet",
      { "causeway:network": { publicSubnetIds: [devNetwork.publicSubnetIds[0]] } },
      `causeway:network.publicSubnetIds: needs at least 2 public subnets in different Availability Zones (found ${JSON.stringify([devNetwork.publicSubnetIds[0]])})`,
    ],
    [
      "a malformed VPC id",
      { "causeway:network": { vpcId: "vpc-123" } },
      'causeway:network.vpcId: must be an AWS id of the form vpc-0123456789abcdef0 (found "vpc-123")',
    ],
    [
      "replicas of zero",
      { "causeway:services": { orders: { replicas: 0 } } },
      "causeway:services.orders.replicas: Too small: expected number to be >=1 (found 0)",
    ],
    [
      "a memory quantity in MB",
      { "causeway:services": { orders: { resources: { memory: "256MB" } } } },
      'causeway:services.orders.resources.memory: must be a memory quantity in Mi or Gi, such as 128Mi or 1Gi (found "256MB")',
    ],
    [
      "a service name that is not DNS-1035",
      { "causeway:services": { Orders_Svc: {} } },
      "causeway:services.Orders_Svc: must be a DNS-1035 label: 1-63 lowercase letters, digits or '-', starting with a letter and ending with a letter or digit (found \"Orders_Svc\")",
    ],
    [
      "a service name starting with a digit, which Kubernetes refuses for a Service",
      { "causeway:services": { "1orders": {} } },
      "causeway:services.1orders: must be a DNS-1035 label: 1-63 lowercase letters, digits or '-', starting with a letter and ending with a letter or digit (found \"1orders\")",
    ],
    [
      "an OIDC ARN that is not an OIDC provider",
      { "causeway:cluster": { oidcProviderArn: "arn:aws:iam::444455556666:role/x" } },
      'causeway:cluster.oidcProviderArn: must be an IAM OIDC provider ARN: arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<id> (found "arn:aws:iam::444455556666:role/x")',
    ],
    [
      "both a kubeconfig and a stack reference",
      { "causeway:cluster": { kubeconfig: { secure: "v1:AAAA" } } },
      "causeway:cluster: sets both kubeconfig and stackReference; keep exactly one",
    ],
    [
      "structured config that is not JSON",
      { "causeway:services": "{not json" },
      "causeway:services: is not valid structured config (Expected property name or '}' in JSON at position 1 (line 1 column 2))",
    ],
  ])("rejects %s", (_, overlay, expected) => {
    expect(problems(rawFixtureConfig("dev", overlay))).toEqual([expected]);
  });

  it("refuses a credential given in plaintext, without repeating it", () => {
    const raw = rawFixtureConfig("dev", {
      "causeway:cluster": { stackReference: null, kubeconfig: "apiVersion: v1" },
    });
    expect(problems(raw)).toEqual([
      "causeway:cluster.kubeconfig: holds a credential in plaintext; store it as a secret instead: pulumi config set --secret --path causeway:cluster.kubeconfig <value>",
    ]);
  });

  it("refuses a plaintext credential when the engine only says which keys are secret", () => {
    const values = { ...rawFixtureConfig("dev").values };
    const cluster = JSON.parse(values["causeway:cluster"]!) as Record<string, unknown>;
    delete cluster.stackReference;
    cluster.kubeconfig = "apiVersion: v1";
    values["causeway:cluster"] = JSON.stringify(cluster);
    expect(problems({ values, secretKeys: new Set() })).toEqual([
      "causeway:cluster.kubeconfig: holds a credential in plaintext; store it as a secret instead: pulumi config set --secret --path causeway:cluster.kubeconfig <value>",
    ]);
    const secret = { values, secretKeys: new Set(["causeway:cluster"]) };
    expect(parsePlatformConfig(secret, "dev").cluster.name).toBe(fixtureConfig("dev").cluster.name);
  });

  it("refuses a secret on a field that holds no credential, so it is never printed", () => {
    const raw = rawFixtureConfig("dev", { "causeway:network": { vpcId: { secure: "v1:abc" } } });
    expect(problems(raw)).toEqual([
      "causeway:network.vpcId: is stored as a secret, but no field of causeway:network holds a credential, so store it as plain config",
    ]);
  });

  it("refuses a secret key with no sensitive field when only the key is known to be secret", () => {
    const raw = rawFixtureConfig("dev");
    const engineView: RawConfig = {
      values: raw.values,
      secretKeys: new Set(["causeway:network"]),
    };
    expect(problems(engineView)).toEqual([
      "causeway:network: is stored as a secret, but no field of causeway:network holds a credential, so store it as plain config",
    ]);
  });
});

describe("parsePlatformConfig: secrets", () => {
  it("keeps a secure kubeconfig a Pulumi secret", async () => {
    const raw = toRawConfig({
      ...Object.fromEntries(Object.entries(rawFixtureConfig("dev").values).map(([k, v]) => [k, v])),
    });
    const values = { ...raw.values };
    const cluster = JSON.parse(values["causeway:cluster"]!) as Record<string, unknown>;
    delete cluster.stackReference;
    cluster.kubeconfig = "apiVersion: v1\nkind: Config";
    values["causeway:cluster"] = JSON.stringify(cluster);
    const config = parsePlatformConfig(
      {
        values,
        secretKeys: new Set(["causeway:cluster"]),
        securePaths: ["causeway:cluster.kubeconfig"],
      },
      "dev",
    );
    expect(await secretValue(config.cluster.kubeconfig!)).toEqual({
      value: "apiVersion: v1\nkind: Config",
      secret: true,
    });
  });
});

describe("parsePlatformConfig: each section's check", () => {
  it("runs once every section is parsed, in table order, after the sections' own problems", () => {
    const raw = rawFixtureConfig("dev", {
      "causeway:services": { orders: { upstreams: ["orders"] } },
      "causeway:consul": { servers: 2 },
      "causeway:database": { backupRetentionDays: 40 },
    });
    expect(problems(raw)).toEqual([
      "causeway:consul.servers: must be odd (1, 3, 5 or 7): Raft needs a majority of servers for quorum, so an even count tolerates no more failures than one server fewer (2 tolerate none, like 1; 4 tolerate one, like 3) and only adds cost (found 2)",
      'causeway:services.orders.upstreams[0]: service "orders" lists itself as an upstream; a service calls itself in-process, remove it',
      "causeway:database.backupRetentionDays: must be a whole number of days from 0 to 35 (found 40)",
    ]);
  });

  it("is skipped while a section it reads has problems of its own", () => {
    const services = fixtureConfig("dev").services;
    const exposed = Object.keys(services)
      .filter((name) => services[name]!.expose !== undefined)
      .sort()
      .join(", ");
    const checked = {
      "causeway:database": { backupRetentionDays: 40 },
      "causeway:edge": {
        certificateArn: null,
        certificateNames: null,
        domain: null,
        zoneId: null,
        zoneName: null,
      },
    };
    expect(problems(rawFixtureConfig("dev", checked))).toEqual([
      `causeway:edge: HTTPS is requested (exposed: ${exposed}) but there is no certificate: set certificateArn, or domain and zoneId for a DNS-validated ACM certificate`,
      "causeway:database.backupRetentionDays: must be a whole number of days from 0 to 35 (found 40)",
    ]);
    const raw = rawFixtureConfig("dev", {
      ...checked,
      "causeway:network": { vpcId: "vpc-123" },
      "causeway:services": { orders: { replicas: 0 } },
    });
    expect(problems(raw)).toEqual([
      'causeway:network.vpcId: must be an AWS id of the form vpc-0123456789abcdef0 (found "vpc-123")',
      "causeway:services.orders.replicas: Too small: expected number to be >=1 (found 0)",
    ]);
  });
});

describe("PlatformConfig", () => {
  it("types each field by its section's schema, with credentials as secrets", () => {
    const config = parsePlatformConfig(rawFixtureConfig("prod"), "prod");
    expectTypeOf(config).toEqualTypeOf<StackConfig>();
    expectTypeOf(config.services).toEqualTypeOf<ServicesConfig>();
    expectTypeOf(config.services.orders!).toEqualTypeOf<ServiceConfig>();
    expectTypeOf(config.database).toEqualTypeOf<DatabaseConfig>();
    expectTypeOf(config.environment).toEqualTypeOf<"dev" | "staging" | "prod">();
    expectTypeOf(config.cluster.kubeconfig).toEqualTypeOf<pulumi.Output<string> | undefined>();
    // Left out, they are read from the cluster stack (infra/cluster/app-reference.ts).
    expectTypeOf(config.cluster.name).toEqualTypeOf<string | undefined>();
    expectTypeOf(config.network).toEqualTypeOf<NetworkConfig | undefined>();
    expect(Object.keys(config)).toEqual([
      "environment",
      "cluster",
      "network",
      "services",
      "consul",
      "edge",
      "broker",
      "database",
      "cache",
      "images",
      "metrics",
      "observability",
    ]);
  });
});
