import { compareVersions } from "./rds";
import type { FactsTable, UpgradeContext, UpgradeVerdict } from "./types";

/**
 * Amazon MQ Developer Guide, "Managing Amazon MQ for RabbitMQ engine versions": a change of X in
 * X.Y.Z is a major upgrade; "RabbitMQ only allows incremental version updates ... You can't skip
 * minor versions"; single-instance brokers are offline while they restart. "In-place upgrade
 * from RabbitMQ 3 to 4": only from 3.13 to 4.2, and 4.2 needs the mq.m7g instance type.
 */
const MQ_VERSIONS =
  "https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-version-management.html";
const MQ_V3_TO_V4 =
  "https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/upgrading-rabbitmq-v3-to-v4-inplace.html";

/** The verdicts on an in-place change of a RabbitMQ broker's engineVersion. */
export function rabbitMqEngineUpgrade({ before, after }: UpgradeContext): UpgradeVerdict[] {
  if (after.inputs["engineType"] !== "RabbitMQ") return [];
  const from = String(before.inputs["engineVersion"] ?? "");
  const to = String(after.inputs["engineVersion"] ?? "");
  if (!/^\d+\.\d+/.test(from) || !/^\d+\.\d+/.test(to)) return [];
  const [fMajor, fMinor] = from.split(".").map(Number) as [number, number];
  const [tMajor, tMinor] = to.split(".").map(Number) as [number, number];
  if (compareVersions(to, from) < 0) {
    return [
      {
        fail: `engineVersion goes down from ${from} to ${to}; Amazon MQ upgrades a RabbitMQ broker, it does not downgrade it`,
        fix: `keep engineVersion ${from}, or create a new broker on ${to} and move the clients (blue-green)`,
      },
    ];
  }
  const out: UpgradeVerdict[] = [];
  if (tMajor !== fMajor) {
    if (!(fMajor === 3 && fMinor === 13 && tMajor === 4)) {
      out.push({
        fail: `engineVersion goes from ${from} to ${to}; Amazon MQ upgrades RabbitMQ 3 to 4 in place only from 3.13`,
        fix: "upgrade to 3.13 first (one deploy), then to 4.2",
      });
    }
    const instance = after.inputs["hostInstanceType"];
    if (typeof instance === "string" && !instance.startsWith("mq.m7g.")) {
      out.push({
        fail: `RabbitMQ ${to} runs only on the mq.m7g instance type, and the broker is ${instance}`,
        fix: "move the broker to mq.m7g in an earlier deploy (a reboot applies it), then upgrade",
      });
    }
  } else if (tMinor > fMinor + 1) {
    out.push({
      fail: `engineVersion skips minor versions (${from} to ${to}); RabbitMQ upgrades one minor version at a time`,
      fix: `upgrade through each minor version, ${fMajor}.${fMinor + 1} first`,
    });
  }
  if (out.length > 0) return out;
  return [
    {
      downtime: `upgrades RabbitMQ ${from} → ${to}: a single-instance broker is offline while it restarts, and a cluster's queues are unavailable while they synchronise; longer with more and deeper queues`,
    },
  ];
}

/**
 * Changes to Amazon MQ resources that AWS cannot apply in place. The plan diff flags a change to
 * any of these properties.
 */
// The Pulumi AWS provider is bridged from terraform-provider-aws; ForceNew there is a
// replacement here.
const TF_BROKER =
  "terraform-provider-aws internal/service/mq/broker.go (schema: ForceNew), bridged by @pulumi/aws";
const TF_CONFIGURATION =
  "terraform-provider-aws internal/service/mq/configuration.go (schema: ForceNew), bridged by @pulumi/aws";

/** Amazon MQ brokers and their configurations. */
export const amazonMqFacts: FactsTable = {
  family: "Amazon MQ",
  replacements: [
    { type: "aws:mq/broker:Broker", property: "brokerName", effect: "replace", source: TF_BROKER },
    {
      type: "aws:mq/broker:Broker",
      property: "deploymentMode",
      effect: "replace",
      source: TF_BROKER,
    },
    { type: "aws:mq/broker:Broker", property: "engineType", effect: "replace", source: TF_BROKER },
    {
      type: "aws:mq/broker:Broker",
      property: "publiclyAccessible",
      effect: "replace",
      source: TF_BROKER,
    },
    { type: "aws:mq/broker:Broker", property: "subnetIds", effect: "replace", source: TF_BROKER },
    {
      type: "aws:mq/broker:Broker",
      property: "encryptionOptions",
      effect: "replace",
      source: TF_BROKER,
    },
    {
      type: "aws:mq/broker:Broker",
      property: "securityGroups",
      effect: "replace",

      source:
        'AWS UpdateBroker answers "Changing security groups is not supported for RabbitMQ brokers." (hashicorp/terraform-provider-aws#33514)',
      note: "The provider would try an in-place update that AWS refuses; MessageBroker sets replaceOnChanges on securityGroups so the preview shows the replacement instead. Its own security group keeps a stable id: rules are separate resources.",
    },
    {
      type: "aws:mq/broker:Broker",
      property: "users",
      effect: "replace",

      source:
        "@pulumi/aws mq.Broker docs: 'For RabbitMQ brokers ... Any changes to the user block will trigger full broker recreation.'",
      note: "Amazon MQ does not return RabbitMQ users, so a changed admin password is not applied to a running broker; rotate it through the RabbitMQ management API instead.",
    },
    {
      type: "aws:mq/configuration:Configuration",
      property: "engineVersion",
      effect: "replace",

      source: TF_CONFIGURATION,
      note: "An engine upgrade (3.13 -> 4.2) makes a new configuration; Amazon MQ cannot delete the old one.",
    },
    {
      type: "aws:mq/configuration:Configuration",
      property: "engineType",
      effect: "replace",
      source: TF_CONFIGURATION,
    },
    {
      type: "aws:mq/configuration:Configuration",
      property: "name",
      effect: "replace",
      source: TF_CONFIGURATION,
    },
  ],
  stateful: [
    {
      type: "aws:mq/broker:Broker",
      label: "RabbitMQ broker",
      loss: "queued messages, the broker endpoint and its users",
    },
  ],
  storageChanges: [],
  uniqueNames: [
    {
      type: "aws:mq/broker:Broker",
      property: "brokerName",
      scope: "in the account and Region",
      refusal: "ConflictException (a broker with this name exists)",
      source: "https://docs.aws.amazon.com/amazon-mq/latest/api-reference/brokers.html",
    },
  ],
  upgrades: [
    {
      type: "aws:mq/broker:Broker",
      property: "engineVersion",
      source: `${MQ_VERSIONS}; ${MQ_V3_TO_V4}`,
      check: rabbitMqEngineUpgrade,
    },
  ],
};
