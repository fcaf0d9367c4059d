/**
 * Policies of the alarm topic and its KMS key. Pure; no Pulumi.
 * Sources: CloudWatch User Guide, "Using Amazon CloudWatch alarms" > encrypted SNS topics (the key
 * must let cloudwatch.amazonaws.com call kms:Decrypt and kms:GenerateDataKey*); AMP User Guide,
 * "Permission to send alert messages to your Amazon SNS topic" (aps.amazonaws.com: sns:Publish and
 * sns:GetTopicAttributes, and the same KMS actions for an encrypted topic), each conditioned on the
 * stack's account (aws:SourceAccount) against the confused deputy.
 */

const PUBLISHERS = ["cloudwatch.amazonaws.com", "aps.amazonaws.com"];

export function snsKeyPolicy(account: string, partition = "aws") {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountAdministers",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${account}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "AlarmPublishersEncrypt",
        Effect: "Allow",
        Principal: { Service: PUBLISHERS },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": account } },
      },
    ],
  };
}

export function snsTopicPolicy(topicArn: string, account: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AlarmPublishers",
        Effect: "Allow",
        Principal: { Service: PUBLISHERS },
        Action: ["sns:Publish", "sns:GetTopicAttributes"],
        Resource: topicArn,
        Condition: { StringEquals: { "aws:SourceAccount": account } },
      },
      {
        Sid: "TlsOnly",
        Effect: "Deny",
        Principal: "*",
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}
