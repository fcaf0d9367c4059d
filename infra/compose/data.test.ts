import { describe, expect, it } from "vitest";
import { fakeAwsId, renderJson, renderText, SECURE_PLACEHOLDER } from "@causeway/plan";
import { FIXTURE_STACKS as stacks, fixturePlans, planFixture } from "../test/fixtures";

const plan = fixturePlans();

describe("the data plane in each fixture stack", () => {
  it("holds one private broker and one private, encrypted database, with the tier settings", async () => {
    const table = [];
    for (const stack of stacks) {
      const p = await plan(stack);
      const [broker] = p.byType("aws:mq/broker:Broker");
      const [db] = p.byType("aws:rds/instance:Instance");
      expect(p.byType("aws:mq/broker:Broker")).toHaveLength(1);
      expect(p.byType("aws:rds/instance:Instance")).toHaveLength(1);
      const b = broker!.inputs;
      const d = db!.inputs;
      table.push([
        stack,
        b["engineVersion"],
        b["hostInstanceType"],
        b["deploymentMode"],
        (b["subnetIds"] as string[]).length,
        b["publiclyAccessible"],
        d["instanceClass"],
        d["multiAz"],
        d["storageEncrypted"],
        d["publiclyAccessible"],
        d["deletionProtection"],
        d["backupRetentionPeriod"],
        d["skipFinalSnapshot"],
        broker!.protect,
        db!.protect,
      ]);
    }
    expect(table).toEqual([
      [
        "dev",
        "4.2",
        "mq.m7g.medium",
        "SINGLE_INSTANCE",
        1,
        false,
        "db.t4g.micro",
        false,
        true,
        false,
        false,
        1,
        true,
        false,
        false,
      ],
      [
        "staging",
        "4.2",
        "mq.m7g.large",
        "CLUSTER_MULTI_AZ",
        2,
        false,
        "db.t4g.medium",
        false,
        true,
        false,
        true,
        7,
        false,
        false,
        false,
      ],
      [
        "prod",
        "4.2",
        "mq.m7g.large",
        "CLUSTER_MULTI_AZ",
        3,
        false,
        "db.m7g.large",
        true,
        true,
        false,
        true,
        14,
        false,
        true,
        true,
      ],
    ]);
  });

  it("retains the broker and the database on delete in prod only", async () => {
    const retained = [];
    for (const stack of stacks) {
      const p = await plan(stack);
      retained.push(
        p.resources.filter((r) => r.retainOnDelete).map((r) => `${stack} ${r.type} ${r.name}`),
      );
    }
    expect(retained.flat().filter((r) => /mq\/broker|rds\/instance/.test(r))).toEqual([
      "prod aws:rds/instance:Instance database",
      "prod aws:mq/broker:Broker broker",
    ]);
  });

  it("opens 5671 and 5432 only to the EKS cluster security group, each rule described", async () => {
    const p = await plan("prod");
    const clusterSg = fakeAwsId("sg", "fixture-prod/cluster");
    const rules = p
      .byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
      .filter((r) => /^(broker|database)-/.test(r.name))
      .map((r) => [
        r.name,
        r.inputs["fromPort"],
        r.inputs["toPort"],
        r.inputs["referencedSecurityGroupId"],
        typeof r.inputs["description"],
      ])
      .sort();
    expect(rules).toEqual([
      ["broker-amqps-from-cluster", 5671, 5671, clusterSg, "string"],
      ["database-postgres-from-cluster", 5432, 5432, clusterSg, "string"],
    ]);
    const ours = p.resources.filter((r) => /causeway:index:(MessageBroker|Database)/.test(r.urn));
    expect(ours.length).toBeGreaterThan(10);
    expect(JSON.stringify(ours)).not.toContain("0.0.0.0/0");
  });

  it("writes causeway-broker and one <service>-database Secret per service that uses the database", async () => {
    for (const stack of stacks) {
      const p = await plan(stack);
      const secrets = p
        .byType("kubernetes:core/v1:Secret")
        .filter((s) => /^(broker|database)-/.test(s.name))
        .map((s) => {
          const m = s.inputs["metadata"] as { name: string; namespace: string };
          return `${m.namespace}/${m.name}`;
        })
        .sort();
      expect(secrets, stack).toEqual([
        "causeway/causeway-broker",
        "causeway/orders-database",
        "causeway/payments-database",
      ]);
    }
  });

  it("gives no Secret to a service that does not use the database", async () => {
    const p = await planFixture("dev", { "causeway:services": { payments: { database: false } } });
    const names = p
      .byType("kubernetes:core/v1:Secret")
      .map((s) => (s.inputs["metadata"] as { name: string }).name)
      .filter((n) => n.endsWith("-database"));
    expect(names).toEqual(["orders-database"]);
  });
});

describe("credentials never reach the plan", () => {
  // A URL with user info: scheme://user:password@host.
  const credentialUrl = /(amqps?|postgres(ql)?):\/\/[^\s"/@]*:[^\s"@]*@/;

  it.each(stacks)(
    "%s: no password, placeholder or credential-bearing URL in JSON or text",
    async (stack) => {
      const p = await plan(stack);
      for (const out of [renderJson(p), renderText(p)]) {
        expect(out).not.toMatch(credentialUrl);
        expect(out).not.toContain(SECURE_PLACEHOLDER);
      }
      // Every credential-carrying input is masked: a secret, or an unknown that names its source.
      const masked = (v: unknown) =>
        v === "[secret]" || (typeof v === "string" && v.startsWith("(known after apply: "));
      const secrets = p
        .byType("kubernetes:core/v1:Secret")
        .filter((s) => /^(broker|database)-/.test(s.name));
      for (const s of secrets) expect(masked(s.inputs["stringData"]), s.name).toBe(true);
      // The password is a declared secret, so the whole users list prints as [secret].
      expect(p.byType("aws:mq/broker:Broker")[0]!.inputs["users"]).toBe("[secret]");
      expect(p.byType("aws:rds/instance:Instance")[0]!.inputs["password"]).toBe("[secret]");
    },
  );

  it.each(stacks)(
    "%s: the generated passwords' offline placeholders never print",
    async (stack) => {
      // The offline plan gives a generated password a secret placeholder naming its resource
      // (`<urn>.result`); only a lost secret flag would let that text reach the output.
      const p = await plan(stack);
      const passwords = p
        .byType("random:index/randomPassword:RandomPassword")
        .filter((r) => /^(broker|database)-/.test(r.name));
      expect(passwords.map((r) => r.name).sort()).toEqual([
        "broker-admin-password",
        "database-master-password",
      ]);
      for (const out of [renderJson(p), renderText(p)]) {
        for (const r of passwords) expect(out).not.toContain(`${r.urn}.result`);
      }
    },
  );

  it("the test's pattern does catch a credential-bearing URL", () => {
    expect("amqps://causeway-admin:s3cr3t@b-1.mq.eu-west-1.amazonaws.com:5671").toMatch(
      credentialUrl,
    );
    expect("postgres://causeway_admin:s3cr3t@db:5432/causeway").toMatch(credentialUrl);
    expect("amqps://b-1.mq.eu-west-1.amazonaws.com:5671").not.toMatch(credentialUrl);
  });
});
