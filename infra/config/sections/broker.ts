import {
  BrokerDeploymentMode,
  brokerDeploymentModes,
  checkBrokerSettings,
  EVALUATION_INSTANCE_TYPES,
  MESSAGE_BROKER_DEFAULTS,
  WeekDay,
} from "@causeway/components";
import { z } from "zod";
import { isTimeZone, TIME_ZONES } from "../catalogue";
import { didYouMean } from "../did-you-mean";
import { Environment, type ByTier } from "../environment";
import { found, type ConfigIssue } from "../errors";
import { allowListCidr, awsId } from "../primitives";
import { tierNote } from "../tier-note";
import type { NetworkConfig } from "./network";
import type { CheckContext, Section } from "./section";

const KEY = "causeway:broker";

// The MessageBroker component's defaults are production defaults: every tier takes its engine
// and admin name, and prod its instance, cluster and window, from that one table.
const common = {
  engineVersion: MESSAGE_BROKER_DEFAULTS.engineVersion,
  consoleAllowedCidrs: [],
  adminUsername: MESSAGE_BROKER_DEFAULTS.adminUsername,
};

/**
 * Tier defaults. Every tier runs RabbitMQ 4.2 (dev and prod behave alike); dev on the smallest
 * mq.m7g type, staging and prod on a three-node cluster of the smallest type AWS recommends for
 * production. Staging's window is a day before prod's, so an automatic upgrade reaches it first.
 * The schema's field notes read them from here.
 */
const tierDefaults = {
  dev: {
    ...common,
    instanceType: "mq.m7g.medium",
    deploymentMode: BrokerDeploymentMode.singleInstance,
    maintenanceWindow: { dayOfWeek: WeekDay.saturday, timeOfDay: "03:00", timeZone: "UTC" },
  },
  staging: {
    ...common,
    instanceType: "mq.m7g.large",
    deploymentMode: BrokerDeploymentMode.clusterMultiAz,
    maintenanceWindow: { dayOfWeek: WeekDay.saturday, timeOfDay: "03:00", timeZone: "UTC" },
  },
  prod: {
    ...common,
    instanceType: MESSAGE_BROKER_DEFAULTS.instanceType,
    deploymentMode: MESSAGE_BROKER_DEFAULTS.deploymentMode,
    maintenanceWindow: { ...MESSAGE_BROKER_DEFAULTS.maintenanceWindow },
  },
};

const note = (field: keyof typeof tierDefaults.dev) => tierNote(tierDefaults, (t) => t[field]);

/** `causeway:broker`: the Amazon MQ for RabbitMQ broker the services publish to and consume from. */
export const brokerSchema = z.strictObject({
  name: z.string().optional().describe("Amazon MQ broker name. Default causeway-<stack>"),
  engineVersion: z
    .string()
    .describe("RabbitMQ engine version, major.minor only (3.13 or 4.2; 4.2 needs mq.m7g.*)"),
  instanceType: z.string().describe(`Host instance type. ${note("instanceType")}`),
  deploymentMode: z
    .enum(brokerDeploymentModes as [BrokerDeploymentMode, ...BrokerDeploymentMode[]], {
      error: () => `must be one of ${brokerDeploymentModes.join(", ")}`,
    })
    .describe("SINGLE_INSTANCE (dev) or CLUSTER_MULTI_AZ (three nodes; staging and prod)"),
  maintenanceWindow: z
    .strictObject({
      dayOfWeek: z.enum(Object.values(WeekDay) as [WeekDay, ...WeekDay[]], {
        error: () => `must be one of ${Object.values(WeekDay).join(", ")}`,
      }),
      timeOfDay: z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a 24-hour time HH:MM such as 03:00"),
      timeZone: z.string().superRefine((zone, ctx) => {
        if (/^[+-](0\d|1[0-4]):[0-5]\d$/.test(zone) || isTimeZone(zone)) return;
        const hint = didYouMean(zone, TIME_ZONES);
        ctx.addIssue({
          code: "custom",
          input: zone,
          message: `must be an IANA time zone such as UTC or Europe/Dublin${hint ? ` (did you mean "${hint}"?)` : ""}, or a UTC offset such as +01:00`,
        });
      }),
    })
    .describe("Weekly window for automatic minor upgrades: { dayOfWeek, timeOfDay, timeZone }"),
  consoleAllowedCidrs: z
    .array(
      allowListCidr.refine(
        (c) => c !== "0.0.0.0/0",
        "must not be 0.0.0.0/0: that opens the management console to the internet; list your operators' networks",
      ),
    )
    .describe(
      `IPv4 CIDRs that may reach the management console (443). ${note("consoleAllowedCidrs")}: none`,
    ),
  adminUsername: z
    .string()
    .describe(`The broker's admin user (its password is generated). ${note("adminUsername")}`),
  subnetIds: z
    .array(awsId("subnet"))
    .optional()
    .describe(
      "Private subnets of the broker. Default: the first of network.privateSubnetIds for SINGLE_INSTANCE, all of them for a cluster",
    ),
});

export type BrokerConfig = z.infer<typeof brokerSchema>;

/** The tier defaults, checked against the schema's type. */
export const brokerTierDefaults: ByTier<BrokerConfig> = tierDefaults;

/** The broker's subnets: as configured, else derived from the network by deployment mode. */
export function brokerSubnets(broker: BrokerConfig, network: NetworkConfig): string[] {
  if (broker.subnetIds) return [...broker.subnetIds];
  return broker.deploymentMode === BrokerDeploymentMode.singleInstance
    ? network.privateSubnetIds.slice(0, 1)
    : [...network.privateSubnetIds];
}

/** The Amazon MQ broker name: as configured, else `causeway-<stack>`. */
export function brokerName(broker: BrokerConfig, stack: string): string {
  return broker.name ?? `causeway-${stack}`;
}

/**
 * What Amazon MQ would reject at apply time (the MessageBroker rule table), plus the tier
 * policy: prod runs a cluster, on an instance type AWS recommends for production. Needs the
 * network (for subnets): skipped while causeway:network has problems of its own.
 */
export function checkBroker(
  broker: BrokerConfig,
  { parsed: { network }, env, stack }: CheckContext<{ network: NetworkConfig }>,
): ConfigIssue[] {
  if (!network) return [];
  const subnetIds = brokerSubnets(broker, network);
  const settings = {
    brokerName: brokerName(broker, stack),
    engineVersion: broker.engineVersion,
    instanceType: broker.instanceType,
    deploymentMode: broker.deploymentMode,
    subnetIds,
    adminUsername: broker.adminUsername,
    publiclyAccessible: false,
    securityGroupCount: 1,
  };
  const issues: ConfigIssue[] = checkBrokerSettings(settings).map((v) => ({
    path: `${KEY}.${v.field === "brokerName" ? "name" : v.field}`,
    message: `${v.message} (found ${found(settings[v.field as keyof typeof settings])})`,
  }));

  const privateSubnets = new Set(network.privateSubnetIds);
  const outside = subnetIds.filter((s) => !privateSubnets.has(s));
  if (outside.length > 0) {
    issues.push({
      path: `${KEY}.subnetIds`,
      message: `must be private subnets listed in causeway:network.privateSubnetIds (found ${found(outside)})`,
    });
  }

  if (env === Environment.prod) {
    // Source: https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-sizing-guidelines.html
    if (EVALUATION_INSTANCE_TYPES.includes(broker.instanceType)) {
      issues.push({
        path: `${KEY}.instanceType`,
        message: `is for evaluation and testing only (AWS); prod needs mq.m7g.large or larger (found ${found(broker.instanceType)})`,
      });
    }
    // Source: https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/best-practices-broker-setup.html
    // ("For production workloads, we recommend using cluster deployments").
    if (broker.deploymentMode !== BrokerDeploymentMode.clusterMultiAz) {
      issues.push({
        path: `${KEY}.deploymentMode`,
        message: `must be CLUSTER_MULTI_AZ in prod: a single instance is a single point of failure (found ${found(broker.deploymentMode)})`,
      });
    }
  }
  return issues;
}

/** `causeway:broker`, as the loader reads it. */
export const brokerSection = {
  schema: brokerSchema,
  required: false,
  description:
    "The Amazon MQ for RabbitMQ broker: engineVersion, instanceType, deploymentMode, maintenanceWindow, consoleAllowedCidrs, adminUsername, subnetIds, name.",
  tierDefaults: brokerTierDefaults,
  check: checkBroker,
} satisfies Section<BrokerConfig, { network: NetworkConfig }>;
