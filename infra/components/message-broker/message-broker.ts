import * as aws from "../shared/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Ports } from "../shared/contract";
import { rabbitMqConfigurationDocument } from "./configuration";
import { amqpUrl, BROKER_PASSWORD_SPEC } from "./connection";
import {
  BrokerDeploymentMode,
  checkBrokerPassword,
  checkBrokerSettings,
  type BrokerSettings,
} from "./rules";
import { ComponentArgsError } from "../shared/errors";
import { checkedWhenKnown, plainStrings } from "../shared/inputs";
import { formerType } from "../shared/type-token";

/** Day names Amazon MQ accepts for the maintenance window. */
export const WeekDay = {
  monday: "MONDAY",
  tuesday: "TUESDAY",
  wednesday: "WEDNESDAY",
  thursday: "THURSDAY",
  friday: "FRIDAY",
  saturday: "SATURDAY",
  sunday: "SUNDAY",
} as const;
export type WeekDay = (typeof WeekDay)[keyof typeof WeekDay];

export interface BrokerMaintenanceWindow {
  readonly dayOfWeek: WeekDay;
  /** 24-hour `HH:MM`. */
  readonly timeOfDay: string;
  /** `UTC`, a `Country/City` zone or a UTC offset. */
  readonly timeZone: string;
}

/** Where to write the `AMQP_URL` Secret the services read. */
export interface BrokerConnectionSecret {
  /** The provider of the cluster the services run in (never the ambient kubeconfig). */
  readonly provider: k8s.Provider;
  readonly namespace: pulumi.Input<string>;
  /** Secret name. Default `causeway-broker`. */
  readonly name?: string;
}

/**
 * Arguments of MessageBroker. The settings AWS validates only at apply time are plain values,
 * so the component can check them against Amazon MQ's rules before creating anything.
 */
export interface MessageBrokerArgs {
  /** The VPC of `subnetIds`. */
  readonly vpcId: pulumi.Input<string>;
  /**
   * Private subnets: exactly one for SINGLE_INSTANCE, two or more (distinct AZs) for a cluster.
   * Outputs are accepted (a network made in the same program); they are checked once known.
   */
  readonly subnetIds: pulumi.Input<readonly pulumi.Input<string>[]>;
  /**
   * Security groups allowed to connect over AMQPS (5671), by a stable key used in the rule's
   * name, e.g. `{ cluster: <EKS cluster security group> }`. Required: nothing else may connect.
   */
  readonly clientSecurityGroupIds: Readonly<Record<string, pulumi.Input<string>>>;
  /** IPv4 CIDRs allowed to reach the management console (443). Default `[]`: no console access. */
  readonly consoleAllowedCidrs?: readonly string[];
  /** Amazon MQ broker name (1-50 letters, digits, `-`, `_`). Default: the component name. */
  readonly brokerName?: string;
  /** RabbitMQ engine version, major.minor only. Default `MESSAGE_BROKER_DEFAULTS.engineVersion`. */
  readonly engineVersion?: string;
  /** Host instance type. Default `MESSAGE_BROKER_DEFAULTS.instanceType` (the smallest AWS recommends for production). */
  readonly instanceType?: string;
  /** Default `MESSAGE_BROKER_DEFAULTS.deploymentMode` (three nodes across AZs). */
  readonly deploymentMode?: BrokerDeploymentMode;
  /** Weekly window for minor version upgrades and patches. Default Sunday 03:00 UTC. */
  readonly maintenanceWindow?: BrokerMaintenanceWindow;
  /** The admin user's name. Default `MESSAGE_BROKER_DEFAULTS.adminUsername`. Its password is always generated. */
  readonly adminUsername?: string;
  /** Write `AMQP_URL` to a Kubernetes Secret. Default: no Secret. */
  readonly connectionSecret?: BrokerConnectionSecret;
  /**
   * Protect the broker and its password, and keep the broker when it leaves the program.
   * Default false. Production stacks set true.
   */
  readonly protect?: boolean;
  /** Tags for every AWS resource. Default `{}`. */
  readonly tags?: Readonly<Record<string, string>>;
}

export const MESSAGE_BROKER_DEFAULTS = {
  engineVersion: "4.2",
  instanceType: "mq.m7g.large",
  deploymentMode: BrokerDeploymentMode.clusterMultiAz,
  maintenanceWindow: { dayOfWeek: WeekDay.sunday, timeOfDay: "03:00", timeZone: "UTC" },
  adminUsername: "causeway-admin",
  connectionSecretName: "causeway-broker",
  /** The key of the connection Secret: the environment variable the services read. */
  connectionSecretKey: "AMQP_URL",
} as const;

/**
 * Amazon MQ for RabbitMQ: a private broker reachable over AMQPS only from the given security
 * groups, with general logs, automatic minor upgrades in a maintenance window, a configuration
 * for the settings the service kit relies on, and a generated admin password that reaches the
 * services only as a Kubernetes Secret.
 */
export class MessageBroker extends pulumi.ComponentResource {
  /** The AMQPS endpoint, `amqps://<host>:5671` (no credentials). */
  readonly endpoint: pulumi.Output<string>;
  /** The connection URL with credentials; a Pulumi secret. */
  readonly connectionUrl: pulumi.Output<string>;
  readonly brokerId: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  readonly adminUsername: string;
  /** Name of the Secret holding `AMQP_URL`, if one was asked for. */
  readonly secretName?: pulumi.Output<string>;

  constructor(name: string, args: MessageBrokerArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(
      "causeway:index:MessageBroker",
      name,
      {},
      formerType("causeway:messaging:MessageBroker", opts),
    );

    const brokerName = args.brokerName ?? name;
    const engineVersion = args.engineVersion ?? MESSAGE_BROKER_DEFAULTS.engineVersion;
    const deploymentMode = args.deploymentMode ?? MESSAGE_BROKER_DEFAULTS.deploymentMode;
    const adminUsername = args.adminUsername ?? MESSAGE_BROKER_DEFAULTS.adminUsername;
    // Plain subnet ids are checked now with every other argument; Outputs once known (below).
    const plainSubnetIds = plainStrings(args.subnetIds);
    const settings: BrokerSettings = {
      brokerName,
      engineVersion,
      instanceType: args.instanceType ?? MESSAGE_BROKER_DEFAULTS.instanceType,
      deploymentMode,
      subnetIds: plainSubnetIds ?? [],
      adminUsername,
      publiclyAccessible: false,
      securityGroupCount: 1,
    };
    const described = (s: BrokerSettings) => (v: { field: string; message: string }) =>
      `${v.field}: ${v.message} (found ${JSON.stringify(s[v.field as keyof BrokerSettings])})`;
    const problems = checkBrokerSettings(settings)
      .filter((v) => plainSubnetIds !== undefined || v.field !== "subnetIds")
      .map(described(settings));
    const clients = Object.keys(args.clientSecurityGroupIds);
    if (clients.length === 0) {
      problems.push(
        "clientSecurityGroupIds: give at least one security group allowed to connect over AMQPS (e.g. the EKS cluster security group)",
      );
    }
    for (const cidr of args.consoleAllowedCidrs ?? []) {
      if (cidr === "0.0.0.0/0") {
        problems.push(
          "consoleAllowedCidrs: 0.0.0.0/0 would open the management console to the internet; list your operators' networks",
        );
      }
    }
    if (problems.length > 0) throw new ComponentArgsError("MessageBroker", name, problems, this);

    const tags = { ...args.tags };
    const protection = { protect: args.protect === true };
    const subnetIds: pulumi.Input<string[]> = plainSubnetIds
      ? [...plainSubnetIds]
      : checkedWhenKnown(
          args.subnetIds as pulumi.Input<string[]>,
          (ids) => {
            const known = { ...settings, subnetIds: ids };
            return checkBrokerSettings(known)
              .filter((v) => v.field === "subnetIds")
              .map(described(known));
          },
          { type: "MessageBroker", name, resource: this },
        );

    // The security group keeps its fixed name (names are unique per VPC) and is deleted before
    // it is replaced. It lives and dies with the broker: AWS refuses to change a RabbitMQ
    // broker's security groups (replaceOnChanges below), so replacing the group replaces the
    // broker too, and the engine deletes the broker (deleteBeforeReplace) before the group.
    // Creating the new group first would buy no uptime, and the old group could not be deleted
    // while the broker used it anyway. Existing stacks keep the name: nothing is replaced.
    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        name: `${brokerName}-mq`,
        description: `Amazon MQ broker ${brokerName}: AMQPS from the cluster, console from an allowlist`,
        vpcId: args.vpcId,
        tags: { ...tags, Name: `${brokerName}-mq` },
      },
      { parent: this, deleteBeforeReplace: true },
    );
    for (const key of clients.sort()) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-amqps-from-${key}`,
        {
          securityGroupId: securityGroup.id,
          description: `AMQPS (RabbitMQ over TLS) from ${key}`,
          ipProtocol: "tcp",
          fromPort: Ports.amqps,
          toPort: Ports.amqps,
          referencedSecurityGroupId: args.clientSecurityGroupIds[key],
          tags,
        },
        { parent: this },
      );
    }
    // Deduplicated: the CIDR names the rule, and two rules of one name would fail the program.
    for (const cidr of [...new Set(args.consoleAllowedCidrs ?? [])].sort()) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-console-from-${cidr.replace(/[./]/g, "-")}`,
        {
          securityGroupId: securityGroup.id,
          description: `RabbitMQ management console (HTTPS) from ${cidr}`,
          ipProtocol: "tcp",
          fromPort: Ports.rabbitmqConsole,
          toPort: Ports.rabbitmqConsole,
          cidrIpv4: cidr,
          tags,
        },
        { parent: this },
      );
    }

    const password = new random.RandomPassword(
      `${name}-admin-password`,
      { ...BROKER_PASSWORD_SPEC },
      { parent: this, ...protection },
    );

    // The configuration keeps the broker's name. Amazon MQ tells configurations apart by id,
    // and the current CreateConfiguration reference states no uniqueness rule for the name, so
    // a replacement (an engine upgrade, 3.13 -> 4.2) creates the new one first; it cannot be
    // deleted first, as the broker uses it. (An older SDK note, amazonka-mq 1.6, read "If the
    // configuration name already exists, Amazon MQ doesn't create a configuration"; if that
    // still held, the engine upgrade would need a new name: the plan diff flags the change.)
    // Source: https://docs.aws.amazon.com/amazon-mq/latest/api-reference/configurations.html
    const configuration = new aws.mq.Configuration(
      `${name}-config`,
      {
        name: brokerName,
        description: "Causeway: RabbitMQ settings the service kit relies on",
        engineType: "RabbitMQ",
        engineVersion,
        data: rabbitMqConfigurationDocument(),
        tags,
      },
      { parent: this },
    );

    const window = args.maintenanceWindow ?? MESSAGE_BROKER_DEFAULTS.maintenanceWindow;
    const broker = new aws.mq.Broker(
      name,
      {
        brokerName,
        engineType: "RabbitMQ",
        engineVersion,
        hostInstanceType: settings.instanceType,
        deploymentMode,
        publiclyAccessible: false,
        subnetIds,
        securityGroups: [securityGroup.id],
        authenticationStrategy: "simple",
        autoMinorVersionUpgrade: true,
        maintenanceWindowStartTime: { ...window },
        logs: { general: true },
        configuration: { id: configuration.id, revision: configuration.latestRevision },
        users: [{ username: adminUsername, password: pulumi.secret(password.result) }],
        tags,
      },
      {
        parent: this,
        ...protection,
        retainOnDelete: args.protect === true,
        // AWS refuses to change a RabbitMQ broker's security groups; show a replacement in the
        // preview instead of an error during `pulumi up`.
        replaceOnChanges: ["securityGroups"],
        // The broker name is fixed (brokerName), so a replacement created before the old broker
        // is deleted would collide on it; a replacement loses the broker's state either way.
        // Protected (prod) brokers are never replaced: protect blocks the delete.
        deleteBeforeReplace: true,
        additionalSecretOutputs: ["users"],
      },
    );

    const endpoint = broker.instances.apply((instances) => {
      const first = instances[0]?.endpoints?.find((e) => e.startsWith("amqps://"));
      return first ?? "";
    });
    this.endpoint = endpoint;
    this.connectionUrl = pulumi.secret(
      pulumi
        .all([endpoint, password.result])
        .apply(([e, p]) => amqpUrl(e, adminUsername, checkedPassword(p))),
    );
    this.brokerId = broker.id;
    this.arn = broker.arn;
    this.securityGroupId = securityGroup.id;
    this.adminUsername = adminUsername;

    if (args.connectionSecret) {
      const secret = new k8s.core.v1.Secret(
        `${name}-connection`,
        {
          metadata: {
            name: args.connectionSecret.name ?? MESSAGE_BROKER_DEFAULTS.connectionSecretName,
            namespace: args.connectionSecret.namespace,
            labels: {
              "app.kubernetes.io/part-of": "causeway",
              "app.kubernetes.io/component": "message-broker",
            },
          },
          type: "Opaque",
          stringData: { [MESSAGE_BROKER_DEFAULTS.connectionSecretKey]: this.connectionUrl },
        },
        { parent: this, provider: args.connectionSecret.provider },
      );
      this.secretName = secret.metadata.name;
    }

    this.registerOutputs({
      endpoint: this.endpoint,
      connectionUrl: this.connectionUrl,
      brokerId: this.brokerId,
      arn: this.arn,
      securityGroupId: this.securityGroupId,
      adminUsername: this.adminUsername,
      secretName: this.secretName,
    });
  }
}

/** The generated password always satisfies Amazon MQ; fail loudly if the spec ever drifts. */
function checkedPassword(password: string): string {
  const problems = checkBrokerPassword(password);
  if (problems.length > 0) {
    throw new Error(`generated broker password breaks Amazon MQ's rules: ${problems.join("; ")}`);
  }
  return password;
}
