import { replaces, TF } from "./replaces";
import type { FactsTable } from "./types";

/**
 * Monitoring and alerting: Amazon Managed Service for Prometheus, CloudWatch (log groups, alarms,
 * dashboards), KMS keys and SNS topics. ForceNew fields from the
 * Terraform AWS provider's schemas, which @pulumi/aws bridges.
 */
const AMP = `${TF}/amp`;
const LOGS = `${TF}/logs/group.go`;
const ALARM = `${TF}/cloudwatch/metric_alarm.go`;
const DASHBOARD = `${TF}/cloudwatch/dashboard.go`;
const KMS = `${TF}/kms/key.go`;
const SNS = `${TF}/sns`;

export const observabilityFacts: FactsTable = {
  family: "Monitoring and alerting",
  replacements: [
    ...replaces("aws:amp/workspace:Workspace", `${AMP}/workspace.go`, ["kmsKeyArn"]),
    ...replaces("aws:amp/ruleGroupNamespace:RuleGroupNamespace", `${AMP}/rule_group_namespace.go`, [
      "name",
      "workspaceId",
    ]),
    ...replaces(
      "aws:amp/alertManagerDefinition:AlertManagerDefinition",
      `${AMP}/alert_manager_definition.go`,
      ["workspaceId"],
    ),
    ...replaces("aws:cloudwatch/logGroup:LogGroup", LOGS, ["name", "namePrefix", "logGroupClass"]),
    ...replaces("aws:cloudwatch/metricAlarm:MetricAlarm", ALARM, ["name"]),
    ...replaces("aws:cloudwatch/dashboard:Dashboard", DASHBOARD, ["dashboardName"]),
    ...replaces("aws:kms/key:Key", KMS, ["customerMasterKeySpec", "keyUsage", "multiRegion"]),
    ...replaces("aws:sns/topic:Topic", `${SNS}/topic.go`, ["name", "namePrefix", "fifoTopic"]),
    ...replaces("aws:sns/topicPolicy:TopicPolicy", `${SNS}/topic_policy.go`, ["arn"]),
    ...replaces("aws:sns/topicSubscription:TopicSubscription", `${SNS}/topic_subscription.go`, [
      "topic",
      "protocol",
      "endpoint",
    ]),
  ],
  stateful: [
    {
      type: "aws:cloudwatch/logGroup:LogGroup",
      label: "CloudWatch Logs group",
      loss: "every log event it holds",
    },
    {
      type: "aws:kms/key:Key",
      label: "KMS key",
      loss: "the data it encrypts becomes unreadable once the key's deletion window ends",
    },
    {
      type: "aws:amp/workspace:Workspace",
      label: "Prometheus workspace",
      loss: "every metric series it stores",
    },
  ],
  storageChanges: [],
  uniqueNames: [
    {
      type: "aws:cloudwatch/logGroup:LogGroup",
      property: "name",
      scope: "in the account and Region",
      refusal: "ResourceAlreadyExistsException",
      prefixProperty: "namePrefix",
      source:
        "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
    },
  ],
};
