import { replacementRules } from "@causeway/plan";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { planProgram } from "../../plan/harness";
import { Database, type DatabaseArgs } from "./database";

const args: DatabaseArgs = {
  identifier: "shop-db",
  vpcId: "vpc-0123456789abcdef0",
  subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
  clientSecurityGroupIds: { nodes: "sg-0bbbbbbbbbbbbbbb1" },
};

const urn = (type: string, name: string) =>
  `urn:pulumi:test::causeway::causeway:data:Database$${type}::${name}`;

describe("Database from another program", () => {
  it("creates a private, encrypted, TLS-only PostgreSQL with safe defaults", async () => {
    const plan = await planProgram(async () => {
      new Database("db", args);
    });
    expect(plan.get("aws:rds/instance:Instance", "db").inputs).toEqual({
      allocatedStorage: 100,
      allowMajorVersionUpgrade: false,
      applyImmediately: false,
      autoMinorVersionUpgrade: true,
      backupRetentionPeriod: 7,
      caCertIdentifier: "rds-ca-rsa2048-g1",
      copyTagsToSnapshot: true,
      dbName: "causeway",
      dbSubnetGroupName: "shop-db",
      deletionProtection: true,
      enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
      engine: "postgres",
      engineLifecycleSupport: "open-source-rds-extended-support-disabled",
      engineVersion: "17",
      finalSnapshotIdentifier: "shop-db-final",
      iamDatabaseAuthenticationEnabled: false,
      identifier: "shop-db",
      instanceClass: "db.m7g.large",
      multiAz: true,
      parameterGroupName: "shop-db-postgres17",
      password: "[secret]",
      // Declared secret by the SDK's Instance class; the offline plan shows it as [secret].
      performanceInsightsEnabled: true,
      performanceInsightsRetentionPeriod: 7,
      port: 5432,
      publiclyAccessible: false,
      skipFinalSnapshot: false,
      storageEncrypted: true,
      storageType: "gp3",
      tags: {},
      username: "causeway_admin",
      vpcSecurityGroupIds: [
        `(known after apply: ${urn("aws:ec2/securityGroup:SecurityGroup", "db-sg")})`,
      ],
    });
    expect(plan.get("aws:rds/parameterGroup:ParameterGroup", "db-params").inputs).toEqual({
      description: "Causeway PostgreSQL 17: TLS only, slow query log",
      family: "postgres17",
      name: "shop-db-postgres17",
      parameters: [
        { applyMethod: "pending-reboot", name: "rds.force_ssl", value: "1" },
        { applyMethod: "pending-reboot", name: "log_min_duration_statement", value: "1000" },
      ],
      tags: {},
    });
    expect(
      plan
        .byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        .map((r) => [
          r.name,
          r.inputs["fromPort"],
          r.inputs["referencedSecurityGroupId"],
          r.inputs["description"],
        ]),
    ).toEqual([
      [
        "db-postgres-from-nodes",
        5432,
        "sg-0bbbbbbbbbbbbbbb1",
        "PostgreSQL (TLS enforced) from nodes",
      ],
    ]);
  });

  it("writes one DATABASE_URL Secret per service (a service listed twice gets one), protected instance when asked", async () => {
    const plan = await planProgram(async () => {
      const provider = new k8s.Provider("k8s", {});
      new Database("db", {
        ...args,
        protect: true,
        serviceSecrets: {
          provider,
          namespace: "shop",
          services: ["payments", "orders", "payments"],
        },
      });
    });
    const instance = plan.get("aws:rds/instance:Instance", "db");
    expect([instance.protect, instance.retainOnDelete]).toEqual([true, true]);
    // A fixed identifier: a replacement must delete the old instance first.
    expect(instance.deleteBeforeReplace).toBe(true);
    expect(
      plan
        .byType("kubernetes:core/v1:Secret")
        .map((s) => [s.name, (s.inputs["metadata"] as { name: string }).name]),
    ).toEqual([
      ["db-orders-connection", "orders-database"],
      ["db-payments-connection", "payments-database"],
    ]);
  });

  it("checks every argument before creating anything", async () => {
    await expect(
      planProgram(async () => {
        new Database("db", {
          ...args,
          identifier: "shop--db",
          engineVersion: "12",
          subnetIds: ["subnet-0aaaaaaaaaaaaaaa1"],
          clientSecurityGroupIds: {},
        });
      }),
    ).rejects.toThrow(
      [
        'Database "db": 4 invalid arguments:',
        '  - identifier: must be 1-63 letters, digits or hyphens, start with a letter, and have no trailing hyphen or two consecutive hyphens (found "shop--db")',
        '  - engineVersion: must be a PostgreSQL major version under RDS standard support: 14, 15, 16, 17, 18 (found "12")',
        '  - subnetIds: a DB subnet group needs subnets in at least two Availability Zones, found 1 (found ["subnet-0aaaaaaaaaaaaaaa1"])',
        "  - clientSecurityGroupIds: give at least one security group allowed to connect on 5432 (e.g. the EKS cluster security group)",
      ].join("\n"),
    );
  });

  it("keeps DATABASE_URL a Pulumi secret after apply", async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (a) => {
          const state: Record<string, unknown> = { ...a.inputs };
          if (a.type === "random:index/randomPassword:RandomPassword")
            state["result"] = "Canary-pw_0.~X";
          if (a.type === "aws:rds/instance:Instance")
            state["address"] = "shop-db.abc.eu-west-1.rds.amazonaws.com";
          return { id: `${a.name}-id`, state };
        },
        call: () => ({}),
      },
      "p",
      "s",
      false,
    );
    const db = new Database("db", args);
    const url = await new Promise<string>((resolve) => db.connectionUrl.apply(resolve));
    expect(url).toBe(
      "postgres://causeway_admin:Canary-pw_0.~X@shop-db.abc.eu-west-1.rds.amazonaws.com:5432/causeway?sslmode=verify-full",
    );
    expect(await pulumi.isSecret(db.connectionUrl)).toBe(true);
  });
});

describe("replacement tables", () => {
  it("cover the broker's and the database's resources, each with a source", () => {
    const ours = replacementRules.filter((r) => /^aws:(mq|rds)\//.test(r.type));
    expect([...new Set(ours.map((r) => r.type))].sort()).toEqual([
      "aws:mq/broker:Broker",
      "aws:mq/configuration:Configuration",
      "aws:rds/instance:Instance",
      "aws:rds/parameterGroup:ParameterGroup",
      "aws:rds/subnetGroup:SubnetGroup",
    ]);
    const has = (type: string, property: string) =>
      replacementRules.some((r) => r.type === type && r.property === property);
    expect([
      has("aws:mq/broker:Broker", "securityGroups"),
      has("aws:mq/broker:Broker", "users"),
      has("aws:mq/broker:Broker", "deploymentMode"),
      has("aws:rds/instance:Instance", "identifier"),
      has("aws:rds/instance:Instance", "engine"),
    ]).toEqual([true, true, true, true, true]);
    for (const r of ours) expect(r.source.length, `${r.type} ${r.property}`).toBeGreaterThan(10);
  });
});
