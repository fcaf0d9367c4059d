import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { drainRpcs, planProgram } from "../../plan/harness";
import { renderJson, renderText } from "@causeway/plan";
import { MessageBroker, type MessageBrokerArgs } from "./message-broker";

/** Plain args, as a program with no stack of ours would give them. */
const args: MessageBrokerArgs = {
  brokerName: "shop-events",
  vpcId: "vpc-0123456789abcdef0",
  subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
  clientSecurityGroupIds: { nodes: "sg-0bbbbbbbbbbbbbbb1" },
  consoleAllowedCidrs: ["10.0.0.0/16"],
};

const urn = (type: string, name: string) =>
  `urn:pulumi:test::causeway::causeway:index:MessageBroker$${type}::${name}`;

describe("MessageBroker from another program", () => {
  it("creates a private RabbitMQ cluster with exact inputs and secure defaults", async () => {
    const plan = await planProgram(async () => {
      new MessageBroker("events", args);
    });
    const broker = plan.get("aws:mq/broker:Broker", "events");
    expect(broker.inputs).toEqual({
      authenticationStrategy: "simple",
      autoMinorVersionUpgrade: true,
      brokerName: "shop-events",
      configuration: {
        id: `(known after apply: ${urn("aws:mq/configuration:Configuration", "events-config")})`,
        revision: `(known after apply: ${urn("aws:mq/configuration:Configuration", "events-config")})`,
      },
      deploymentMode: "CLUSTER_MULTI_AZ",
      engineType: "RabbitMQ",
      engineVersion: "4.2",
      hostInstanceType: "mq.m7g.large",
      logs: { general: true },
      maintenanceWindowStartTime: { dayOfWeek: "SUNDAY", timeOfDay: "03:00", timeZone: "UTC" },
      publiclyAccessible: false,
      securityGroups: [
        `(known after apply: ${urn("aws:ec2/securityGroup:SecurityGroup", "events-sg")})`,
      ],
      subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
      tags: {},
      // The admin password is a declared secret: the whole list prints as [secret].
      users: "[secret]",
    });
    expect(broker.replaceOnChanges).toEqual(["securityGroups"]);
    expect([broker.protect, broker.retainOnDelete]).toEqual([false, false]);
    // A fixed brokerName: a replacement must delete the old broker first.
    expect(broker.deleteBeforeReplace).toBe(true);
    expect(plan.byType("kubernetes:core/v1:Secret")).toEqual([]);
  });

  it("opens AMQPS to the client security groups and the console to the allowlist, nothing else", async () => {
    const plan = await planProgram(async () => {
      new MessageBroker("events", args);
    });
    const rules = plan
      .byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
      .map((r) => [
        r.name,
        r.inputs["fromPort"],
        r.inputs["toPort"],
        r.inputs["referencedSecurityGroupId"] ?? r.inputs["cidrIpv4"],
        r.inputs["description"],
      ]);
    expect(rules).toEqual([
      [
        "events-amqps-from-nodes",
        5671,
        5671,
        "sg-0bbbbbbbbbbbbbbb1",
        "AMQPS (RabbitMQ over TLS) from nodes",
      ],
      [
        "events-console-from-10-0-0-0-16",
        443,
        443,
        "10.0.0.0/16",
        "RabbitMQ management console (HTTPS) from 10.0.0.0/16",
      ],
    ]);
    expect(plan.byType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")).toEqual([]);
    expect(plan.get("aws:ec2/securityGroup:SecurityGroup", "events-sg").inputs).toEqual({
      description:
        "Amazon MQ broker shop-events: AMQPS from the cluster, console from an allowlist",
      name: "shop-events-mq",
      tags: { Name: "shop-events-mq" },
      vpcId: "vpc-0123456789abcdef0",
    });
  });

  it("opens the console once per CIDR, however often a CIDR is listed", async () => {
    const plan = await planProgram(async () => {
      new MessageBroker("events", {
        ...args,
        consoleAllowedCidrs: ["10.0.0.0/16", "192.168.0.0/24", "10.0.0.0/16"],
      });
    });
    expect(
      plan
        .byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        .filter((r) => r.inputs["fromPort"] === 443)
        .map((r) => [r.name, r.inputs["cidrIpv4"]]),
    ).toEqual([
      ["events-console-from-10-0-0-0-16", "10.0.0.0/16"],
      ["events-console-from-192-168-0-0-24", "192.168.0.0/24"],
    ]);
  });

  it("protects and retains the broker and its password when asked, and writes the Secret", async () => {
    const plan = await planProgram(async () => {
      const provider = new k8s.Provider("k8s", {});
      new MessageBroker("events", {
        ...args,
        protect: true,
        connectionSecret: { provider, namespace: "shop" },
      });
    });
    const broker = plan.get("aws:mq/broker:Broker", "events");
    const password = plan.get(
      "random:index/randomPassword:RandomPassword",
      "events-admin-password",
    );
    expect([broker.protect, broker.retainOnDelete, password.protect]).toEqual([true, true, true]);
    const secret = plan.get("kubernetes:core/v1:Secret", "events-connection");
    expect(secret.provider).toBe(
      "urn:pulumi:test::causeway::pulumi:pulumi:Stack$pulumi:providers:kubernetes::k8s",
    );
    expect(secret.inputs["metadata"]).toEqual({
      name: "causeway-broker",
      namespace: "shop",
      labels: {
        "app.kubernetes.io/component": "message-broker",
        "app.kubernetes.io/part-of": "causeway",
      },
    });
    expect(secret.dependencies).toEqual([broker.urn, password.urn].sort());
    expect(renderJson(plan)).not.toMatch(/amqps:\/\/[^"\s]*@/);
    expect(renderText(plan)).not.toMatch(/amqps:\/\/[^"\s]*@/);
  });

  it("checks every argument before creating anything, and names each problem", async () => {
    await expect(
      planProgram(async () => {
        new MessageBroker("events", {
          ...args,
          engineVersion: "4.2",
          instanceType: "mq.m5.large",
          deploymentMode: "SINGLE_INSTANCE",
          adminUsername: "guest",
          clientSecurityGroupIds: {},
          consoleAllowedCidrs: ["0.0.0.0/0"],
        });
      }),
    ).rejects.toThrow(
      [
        'MessageBroker "events": 5 invalid arguments:',
        '  - instanceType: RabbitMQ 4.2 runs only on mq.m7g.* instance types (found "mq.m5.large")',
        '  - subnetIds: a SINGLE_INSTANCE broker takes exactly one subnet, found 2 (found ["subnet-0aaaaaaaaaaaaaaa1","subnet-0aaaaaaaaaaaaaaa2"])',
        '  - adminUsername: must not be "guest": Amazon MQ deletes any user named guest (found "guest")',
        "  - clientSecurityGroupIds: give at least one security group allowed to connect over AMQPS (e.g. the EKS cluster security group)",
        "  - consoleAllowedCidrs: 0.0.0.0/0 would open the management console to the internet; list your operators' networks",
      ].join("\n"),
    );
  });

  it("creates nothing when the arguments are invalid", async () => {
    const registered: string[] = [];
    await pulumi.runtime.setMocks(
      {
        newResource: (a) => {
          registered.push(a.type);
          return { id: `${a.name}-id`, state: a.inputs };
        },
        call: () => ({}),
      },
      "p",
      "s",
      false,
    );
    expect(() => new MessageBroker("events", { ...args, engineVersion: "3.12" })).toThrow(
      'engineVersion: must be an engine version Amazon MQ for RabbitMQ supports: 3.13, 4.2 (found "3.12")',
    );
    expect(registered.filter((t) => t !== "causeway:index:MessageBroker")).toEqual([]);
    // The component registered before it threw; its registration (and the outputs every
    // ComponentResource registers after it) finishes asynchronously, and must reach this test's
    // mocks, not the next test's.
    await drainRpcs();
  });
});

describe("MessageBroker replacements and ids from the same program", () => {
  it("deletes its fixed-name security group and broker before replacing them", async () => {
    const plan = await planProgram(async () => {
      new MessageBroker("events", args);
    });
    const sg = plan.get("aws:ec2/securityGroup:SecurityGroup", "events-sg");
    const broker = plan.get("aws:mq/broker:Broker", "events");
    // A description edit replaces the group, and with it the broker (securityGroups cannot
    // change): both are deleted first, so the fixed names never collide.
    expect([sg.inputs["name"], sg.deleteBeforeReplace]).toEqual(["shop-events-mq", true]);
    expect([
      broker.inputs["brokerName"],
      broker.deleteBeforeReplace,
      broker.replaceOnChanges,
    ]).toEqual(["shop-events", true, ["securityGroups"]]);
  });

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
      new MessageBroker("events", { ...args, vpcId: vpc.id, subnetIds: subnets.map((s) => s.id) });
    });
    const subnet = (az: string) =>
      `urn:pulumi:test::causeway::pulumi:pulumi:Stack$aws:ec2/subnet:Subnet::private-${az}`;
    expect(plan.get("aws:mq/broker:Broker", "events").inputs["subnetIds"]).toBe(
      `(known after apply: ${subnet("a")}, ${subnet("b")})`,
    );
  });

  it("checks Output subnet ids once known, with the same message, and fails the plan", async () => {
    await expect(
      planProgram(async () => {
        new MessageBroker("events", {
          ...args,
          deploymentMode: "SINGLE_INSTANCE",
          instanceType: "mq.m7g.medium",
          subnetIds: pulumi.output(["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"]),
        });
      }),
    ).rejects.toThrow(
      [
        'MessageBroker "events": 1 invalid argument:',
        '  - subnetIds: a SINGLE_INSTANCE broker takes exactly one subnet, found 2 (found ["subnet-0aaaaaaaaaaaaaaa1","subnet-0aaaaaaaaaaaaaaa2"])',
      ].join("\n"),
    );
  });
});

describe("MessageBroker credentials after apply", () => {
  it("keeps AMQP_URL a Pulumi secret, with the generated password percent-encoded", async () => {
    const password = "Xy7~canary-PASSWORD.value_0";
    await pulumi.runtime.setMocks(
      {
        newResource: (a) => {
          const state: Record<string, unknown> = { ...a.inputs };
          if (a.type === "random:index/randomPassword:RandomPassword") state["result"] = password;
          if (a.type === "aws:mq/broker:Broker") {
            state["instances"] = [
              { endpoints: ["amqps://b-1234.mq.eu-west-1.amazonaws.com:5671"] },
            ];
          }
          return { id: `${a.name}-id`, state };
        },
        call: () => ({}),
      },
      "p",
      "s",
      false,
    );
    const broker = new MessageBroker("events", args);
    const value = (o: pulumi.Output<string>) =>
      new Promise<string>((resolve) => o.apply((v) => resolve(v)));
    expect(await value(broker.endpoint)).toBe("amqps://b-1234.mq.eu-west-1.amazonaws.com:5671");
    expect(await pulumi.isSecret(broker.endpoint)).toBe(false);
    expect(await value(broker.connectionUrl)).toBe(
      `amqps://causeway-admin:${encodeURIComponent(password)}@b-1234.mq.eu-west-1.amazonaws.com:5671`,
    );
    expect(await pulumi.isSecret(broker.connectionUrl)).toBe(true);
    await drainRpcs();
  });
});
