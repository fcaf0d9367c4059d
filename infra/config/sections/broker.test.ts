import { describe, expect, it } from "vitest";
import type { ConfigOverlay } from "../../plan/harness";
import { parsePlatformConfig } from "..";
import { configProblems } from "../../test/config-problems";
import {
  FIXTURE_STACKS,
  fixtureConfig,
  rawFixtureConfig,
  type FixtureStack,
} from "../../test/fixtures";
import { brokerSubnets, brokerTierDefaults } from "./broker";

/** The `causeway:broker` problems parsing `stack` with `overlay` reports. */
function brokerProblems(stack: FixtureStack, overlay: ConfigOverlay): string[] {
  return configProblems(rawFixtureConfig(stack, overlay), stack).filter((line) =>
    line.startsWith("causeway:broker"),
  );
}

/** The fixture stacks' networks, whose subnets the overlays below pick from. */
const network = (stack: FixtureStack) => fixtureConfig(stack).network;
const dev = network("dev");
const staging = network("staging");
const prod = network("prod");

const broker = (b: Record<string, unknown>) => ({ "causeway:broker": b });

describe("causeway:broker tier defaults", () => {
  it("fills every tier, with a private cluster in staging and prod", () => {
    const table = FIXTURE_STACKS.map((stack) => {
      const c = parsePlatformConfig(rawFixtureConfig(stack), stack);
      return [
        stack,
        c.broker.engineVersion,
        c.broker.instanceType,
        c.broker.deploymentMode,
        c.broker.maintenanceWindow.dayOfWeek,
        brokerSubnets(c.broker, c.network!).length,
      ];
    });
    expect(table).toEqual([
      ["dev", "4.2", "mq.m7g.medium", "SINGLE_INSTANCE", "SATURDAY", 1],
      ["staging", "4.2", "mq.m7g.large", "CLUSTER_MULTI_AZ", "SATURDAY", 2],
      ["prod", "4.2", "mq.m7g.large", "CLUSTER_MULTI_AZ", "SUNDAY", 3],
    ]);
  });

  it("lets a stack override one key and keeps the others", () => {
    const c = parsePlatformConfig(
      rawFixtureConfig("dev", broker({ consoleAllowedCidrs: [dev.vpcCidr] })),
      "dev",
    );
    expect(c.broker).toEqual({ ...brokerTierDefaults.dev, consoleAllowedCidrs: [dev.vpcCidr] });
  });
});

describe("causeway:broker: what Amazon MQ would reject at apply time, at plan time", () => {
  it.each<[string, FixtureStack, Record<string, unknown>, string]>([
    [
      "a patch version",
      "dev",
      broker({ engineVersion: "3.13.7" }),
      'causeway:broker.engineVersion: must be major.minor only, such as 4.2: Amazon MQ picks and upgrades the patch version (found "3.13.7")',
    ],
    [
      "an unsupported engine version",
      "dev",
      broker({ engineVersion: "3.12" }),
      'causeway:broker.engineVersion: must be an engine version Amazon MQ for RabbitMQ supports: 3.13, 4.2 (found "3.12")',
    ],
    [
      "RabbitMQ 4.2 on mq.m5",
      "dev",
      broker({ instanceType: "mq.m5.large" }),
      'causeway:broker.instanceType: RabbitMQ 4.2 runs only on mq.m7g.* instance types (found "mq.m5.large")',
    ],
    [
      "an instance type RabbitMQ does not offer",
      "dev",
      broker({ instanceType: "mq.m4.large" }),
      'causeway:broker.instanceType: must be an Amazon MQ for RabbitMQ instance type: mq.t3.micro, mq.m5.large, mq.m5.xlarge, mq.m5.2xlarge, mq.m5.4xlarge, mq.m7g.medium, mq.m7g.large, mq.m7g.xlarge, mq.m7g.2xlarge, mq.m7g.4xlarge, mq.m7g.8xlarge, mq.m7g.12xlarge, mq.m7g.16xlarge (found "mq.m4.large")',
    ],
    [
      "a cluster of mq.t3.micro",
      "staging",
      broker({ engineVersion: "3.13", instanceType: "mq.t3.micro" }),
      'causeway:broker.deploymentMode: CLUSTER_MULTI_AZ needs three nodes of a cluster-capable instance type; mq.t3.micro runs SINGLE_INSTANCE only (found "CLUSTER_MULTI_AZ")',
    ],
    [
      "a single instance given two subnets",
      "dev",
      broker({ subnetIds: [dev.privateSubnetIds[0]!, dev.privateSubnetIds[1]!] }),
      `causeway:broker.subnetIds: a SINGLE_INSTANCE broker takes exactly one subnet, found 2 (found ${JSON.stringify([dev.privateSubnetIds[0]!, dev.privateSubnetIds[1]!])})`,
    ],
    [
      "a cluster given one subnet",
      "staging",
      broker({ subnetIds: [staging.privateSubnetIds[0]!] }),
      `causeway:broker.subnetIds: a CLUSTER_MULTI_AZ broker needs private subnets in at least two Availability Zones, found 1 (found ${JSON.stringify([staging.privateSubnetIds[0]!])})`,
    ],
    [
      "a subnet listed twice",
      "staging",
      broker({ subnetIds: [staging.privateSubnetIds[0]!, staging.privateSubnetIds[0]!] }),
      `causeway:broker.subnetIds: lists a subnet more than once (found ${JSON.stringify([staging.privateSubnetIds[0]!, staging.privateSubnetIds[0]!])})`,
    ],
    [
      "a public subnet",
      "dev",
      broker({ subnetIds: [dev.publicSubnetIds[0]!] }),
      `causeway:broker.subnetIds: must be private subnets listed in causeway:network.privateSubnetIds (found ${JSON.stringify([dev.publicSubnetIds[0]!])})`,
    ],
    [
      "a username with a tilde",
      "dev",
      broker({ adminUsername: "ops~admin" }),
      "causeway:broker.adminUsername: must be 2-100 characters of letters, digits, '-', '.' or '_' (no '~') (found \"ops~admin\")",
    ],
    [
      "a one-character username",
      "dev",
      broker({ adminUsername: "a" }),
      "causeway:broker.adminUsername: must be 2-100 characters of letters, digits, '-', '.' or '_' (no '~') (found \"a\")",
    ],
    [
      "the username guest",
      "dev",
      broker({ adminUsername: "guest" }),
      'causeway:broker.adminUsername: must not be "guest": Amazon MQ deletes any user named guest (found "guest")',
    ],
    [
      "a broker name with a dot (e.g. from the stack name)",
      "dev",
      broker({ name: "causeway.dev" }),
      "causeway:broker.name: must be 1-50 letters, digits, '-' or '_' (no spaces, brackets or wildcards) (found \"causeway.dev\")",
    ],
    [
      "mq.m7g.medium in prod",
      "prod",
      broker({ instanceType: "mq.m7g.medium" }),
      'causeway:broker.instanceType: is for evaluation and testing only (AWS); prod needs mq.m7g.large or larger (found "mq.m7g.medium")',
    ],
    [
      "a console open to the internet",
      "dev",
      broker({ consoleAllowedCidrs: ["0.0.0.0/0"] }),
      'causeway:broker.consoleAllowedCidrs[0]: must not be 0.0.0.0/0: that opens the management console to the internet; list your operators\' networks (found "0.0.0.0/0")',
    ],
    [
      "a maintenance time that is not HH:MM",
      "dev",
      broker({ maintenanceWindow: { timeOfDay: "3am" } }),
      'causeway:broker.maintenanceWindow.timeOfDay: must be a 24-hour time HH:MM such as 03:00 (found "3am")',
    ],
    [
      "an unknown deployment mode",
      "dev",
      broker({ deploymentMode: "ACTIVE_STANDBY_MULTI_AZ" }),
      'causeway:broker.deploymentMode: must be one of SINGLE_INSTANCE, CLUSTER_MULTI_AZ (found "ACTIVE_STANDBY_MULTI_AZ")',
    ],
  ])("rejects %s", (_, stack, overlay, expected) => {
    expect(brokerProblems(stack, overlay)).toEqual([expected]);
  });

  it("refuses a single instance in prod", () => {
    expect(
      brokerProblems(
        "prod",
        broker({ deploymentMode: "SINGLE_INSTANCE", subnetIds: [prod.privateSubnetIds[0]!] }),
      ),
    ).toEqual([
      'causeway:broker.deploymentMode: must be CLUSTER_MULTI_AZ in prod: a single instance is a single point of failure (found "SINGLE_INSTANCE")',
    ]);
  });

  it("refuses an mq.t3 single instance in prod for both reasons", () => {
    expect(
      brokerProblems(
        "prod",
        broker({
          engineVersion: "3.13",
          instanceType: "mq.t3.micro",
          deploymentMode: "SINGLE_INSTANCE",
          subnetIds: [prod.privateSubnetIds[0]!],
        }),
      ),
    ).toEqual([
      'causeway:broker.instanceType: is for evaluation and testing only (AWS); prod needs mq.m7g.large or larger (found "mq.t3.micro")',
      'causeway:broker.deploymentMode: must be CLUSTER_MULTI_AZ in prod: a single instance is a single point of failure (found "SINGLE_INSTANCE")',
    ]);
  });

  it("reports every broken rule at once", () => {
    expect(
      brokerProblems(
        "prod",
        broker({ engineVersion: "4.2", instanceType: "mq.t3.micro", adminUsername: "guest" }),
      ),
    ).toEqual([
      'causeway:broker.instanceType: RabbitMQ 4.2 runs only on mq.m7g.* instance types (found "mq.t3.micro")',
      'causeway:broker.deploymentMode: CLUSTER_MULTI_AZ needs three nodes of a cluster-capable instance type; mq.t3.micro runs SINGLE_INSTANCE only (found "CLUSTER_MULTI_AZ")',
      'causeway:broker.adminUsername: must not be "guest": Amazon MQ deletes any user named guest (found "guest")',
      'causeway:broker.instanceType: is for evaluation and testing only (AWS); prod needs mq.m7g.large or larger (found "mq.t3.micro")',
    ]);
  });
});
