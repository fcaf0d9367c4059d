import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * A KMS key (rotation on) that CloudWatch Logs may use for one log group, and the account
 * administers. Source: CloudWatch Logs User Guide, "Encrypt log data in CloudWatch Logs using
 * AWS KMS" (key policy for the logs.<region>.amazonaws.com principal, scoped by the
 * `kms:EncryptionContext:aws:logs:arn` condition).
 */
export function logGroupKey(
  name: string,
  logGroupName: string,
  description: string,
  tags: Readonly<Record<string, string>>,
  parent: pulumi.Resource,
): aws.kms.Key {
  const opts = { parent };
  const account = aws.getCallerIdentityOutput({}, opts).accountId;
  const region = aws.getRegionOutput({}, opts).region;
  const partition = aws.getPartitionOutput({}, opts).partition;
  return new aws.kms.Key(
    name,
    {
      description,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AccountAdministers",
            Effect: "Allow",
            Principal: { AWS: pulumi.interpolate`arn:${partition}:iam::${account}:root` },
            Action: "kms:*",
            Resource: "*",
          },
          {
            Sid: "CloudWatchLogsEncrypts",
            Effect: "Allow",
            Principal: { Service: pulumi.interpolate`logs.${region}.amazonaws.com` },
            Action: [
              "kms:Encrypt*",
              "kms:Decrypt*",
              "kms:ReEncrypt*",
              "kms:GenerateDataKey*",
              "kms:Describe*",
            ],
            Resource: "*",
            Condition: {
              ArnEquals: {
                "kms:EncryptionContext:aws:logs:arn": pulumi.interpolate`arn:${partition}:logs:${region}:${account}:log-group:${logGroupName}`,
              },
            },
          },
        ],
      }),
      tags: { ...tags },
    },
    opts,
  );
}
