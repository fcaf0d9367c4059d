import type { FactsTable } from "./types";

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
};
