import { replacementRules } from "@causeway/plan";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { drainRpcs, planProgram } from "../../plan/harness";
import { Database, type DatabaseArgs } from "./database";

const args: DatabaseArgs = {
  identifier: "shop-db",
  vpcId: "vpc-0123456789abcdef0",
  subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
  clientSecurityGroupIds: { nodes: "sg-0bbbbbbbbbbbbbbb1" },
};

const urn = (type: string, name: string) =>
  `urn:pulumi:test::causeway::causeway:index:Database$${type}::${name}`;

describe("Database from another program", () => {
  it("creates a private, encrypted, TLS-only PostgreSQL with safe defaults", async () => {
    const plan = await planProgram(async () => {
      new Database("db", args);
    });
    expect(plan.get("aws:rds/instance:Instance", "db").inputs).toEqual({
      allocatedStorage: 100,
      allowMajorVersionUpgrade: true,
      applyImmediately: true,
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
      parameterGroupName: `(known after apply: ${urn("aws:rds/parameterGroup:ParameterGroup", "db-params")})`,
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
      namePrefix: "shop-db-postgres17-",
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
    await drainRpcs();
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

describe("Database replacements and upgrades", () => {
  it("names nothing that a create-before-delete replacement could collide on", async () => {
    const plan = await planProgram(async () => {
      new Database("db", args);
    });
    // Auto-named from a prefix: a replacement (a description edit) gets a new unique name.
    const sg = plan.get("aws:ec2/securityGroup:SecurityGroup", "db-sg");
    expect([sg.inputs["name"], sg.inputs["namePrefix"], sg.deleteBeforeReplace]).toEqual([
      undefined,
      "shop-db-postgres-",
      false,
    ]);
    expect(sg.inputs["tags"]).toEqual({ Name: "shop-db-postgres" });
    const params = plan.get("aws:rds/parameterGroup:ParameterGroup", "db-params");
    expect([
      params.inputs["name"],
      params.inputs["namePrefix"],
      params.deleteBeforeReplace,
    ]).toEqual([undefined, "shop-db-postgres17-", false]);
    // Fixed names, deleted before they are replaced.
    const subnets = plan.get("aws:rds/subnetGroup:SubnetGroup", "db-subnets");
    expect([subnets.inputs["name"], subnets.deleteBeforeReplace]).toEqual(["shop-db", true]);
    const instance = plan.get("aws:rds/instance:Instance", "db");
    expect([instance.inputs["identifier"], instance.deleteBeforeReplace]).toEqual([
      "shop-db",
      true,
    ]);
    // The instance moves to a replaced security group only once its rules exist.
    expect(instance.dependencies).toContain(
      plan.get(
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "db-postgres-from-nodes",
      ).urn,
    );
  });

  it("upgrades 17 -> 18 in place: allowed, applied at deploy, on a new parameter group of the new family", async () => {
    const at = async (engineVersion: string) => {
      const plan = await planProgram(async () => {
        new Database("db", { ...args, engineVersion });
      });
      const instance = plan.get("aws:rds/instance:Instance", "db");
      const params = plan.get("aws:rds/parameterGroup:ParameterGroup", "db-params");
      return {
        instance: {
          urn: instance.urn,
          engineVersion: instance.inputs["engineVersion"],
          allowMajorVersionUpgrade: instance.inputs["allowMajorVersionUpgrade"],
          applyImmediately: instance.inputs["applyImmediately"],
          parameterGroupName: instance.inputs["parameterGroupName"],
          dependsOnParams: instance.dependencies.includes(params.urn),
        },
        params: {
          urn: params.urn,
          family: params.inputs["family"],
          namePrefix: params.inputs["namePrefix"],
          description: params.inputs["description"],
        },
      };
    };
    const [v17, v18] = [await at("17"), await at("18")];
    const paramsUrn = urn("aws:rds/parameterGroup:ParameterGroup", "db-params");
    expect(v17).toEqual({
      instance: {
        urn: "urn:pulumi:test::causeway::causeway:index:Database$aws:rds/instance:Instance::db",
        engineVersion: "17",
        allowMajorVersionUpgrade: true,
        applyImmediately: true,
        parameterGroupName: `(known after apply: ${paramsUrn})`,
        dependsOnParams: true,
      },
      params: {
        urn: paramsUrn,
        family: "postgres17",
        namePrefix: "shop-db-postgres17-",
        description: "Causeway PostgreSQL 17: TLS only, slow query log",
      },
    });
    // Same URNs: the instance is updated in place; the parameter group's family (ForceNew) makes
    // it a create-before-delete replacement whose new name is only known after apply, so the
    // instance switches to it in the same modification as the engine version.
    expect(v18).toEqual({
      instance: { ...v17.instance, engineVersion: "18" },
      params: {
        urn: paramsUrn,
        family: "postgres18",
        namePrefix: "shop-db-postgres18-",
        description: "Causeway PostgreSQL 18: TLS only, slow query log",
      },
    });
  });

  it("defers modifications to the maintenance window when asked", async () => {
    const plan = await planProgram(async () => {
      new Database("db", { ...args, applyImmediately: false });
    });
    expect(plan.get("aws:rds/instance:Instance", "db").inputs["applyImmediately"]).toBe(false);
  });
});

describe("Database with ids from the same program", () => {
  it("takes subnet ids that are Outputs of subnets created beside it", async () => {
    const plan = await planProgram(async () => {
      const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
      const subnets = ["a", "b"].map(
        (az, i) =>
          new aws.ec2.Subnet(`private-${az}`, {
            vpcId: vpc.id,
            cidrBlock: `10.0.${i}.0/24`,
            availabilityZone: `eu-west-1${az}`,
          }),
      );
      new Database("db", { ...args, vpcId: vpc.id, subnetIds: subnets.map((s) => s.id) });
    });
    const subnet = (az: string) =>
      `urn:pulumi:test::causeway::pulumi:pulumi:Stack$aws:ec2/subnet:Subnet::private-${az}`;
    // The ids (and the check on them) wait for the subnets: known after apply, in a preview.
    expect(plan.get("aws:rds/subnetGroup:SubnetGroup", "db-subnets").inputs["subnetIds"]).toBe(
      `(known after apply: ${subnet("a")}, ${subnet("b")})`,
    );
    expect(plan.get("aws:ec2/securityGroup:SecurityGroup", "db-sg").inputs["vpcId"]).toBe(
      "(known after apply: urn:pulumi:test::causeway::pulumi:pulumi:Stack$aws:ec2/vpc:Vpc::vpc)",
    );
  });

  it("checks Output subnet ids once known, with the same message, and fails the plan", async () => {
    await expect(
      planProgram(async () => {
        new Database("db", { ...args, subnetIds: pulumi.output(["subnet-0aaaaaaaaaaaaaaa1"]) });
      }),
    ).rejects.toThrow(
      [
        'Database "db": 1 invalid argument:',
        '  - subnetIds: a DB subnet group needs subnets in at least two Availability Zones, found 1 (found ["subnet-0aaaaaaaaaaaaaaa1"])',
      ].join("\n"),
    );
  });
});
