/**
 * IAM policy documents of the collector and of Fluent Bit, least privilege. Pure; no Pulumi.
 * Each role is assumed through IRSA by exactly one service account (the trust policy is
 * load-balancer-controller/iam.ts's `irsaTrustPolicy`).
 */

/**
 * The collector: remote-write to one AMP workspace, traces to X-Ray, and EMF log events to one
 * log group. Sources: AMP "Set up IAM roles for service accounts for ingestion" (aps:RemoteWrite
 * on the workspace ARN); X-Ray `AWSXRayDaemonWriteAccess` (PutTraceSegments and
 * PutTelemetryRecords support no resource-level permissions, so `*`); the awsemf exporter's
 * README (logs:PutLogEvents, CreateLogStream, DescribeLogStreams; the group is made by Pulumi, so
 * no CreateLogGroup).
 */
export function collectorPolicy(workspaceArn: string, emfLogGroupArn: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "RemoteWriteToTheWorkspace",
        Effect: "Allow",
        Action: ["aps:RemoteWrite"],
        Resource: workspaceArn,
      },
      {
        Sid: "TracesToXRay",
        Effect: "Allow",
        Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
        Resource: "*",
      },
      {
        Sid: "CuratedMetricsAsEmf",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        Resource: [emfLogGroupArn, `${emfLogGroupArn}:log-stream:*`],
      },
    ],
  };
}

/**
 * Fluent Bit: write log streams in one log group. Source: Fluent Bit's cloudwatch_logs output
 * ("Permissions": logs:CreateLogStream, logs:PutLogEvents; CreateLogGroup only with
 * auto_create_group, which stays off because Pulumi makes the group with its retention and key).
 */
export function fluentBitPolicy(logGroupArn: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ContainerLogsToOneGroup",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        Resource: [logGroupArn, `${logGroupArn}:log-stream:*`],
      },
    ],
  };
}

/** Strips the `:*` a log group ARN may end with (the provider's `arn` output has none). */
export function bareLogGroupArn(arn: string): string {
  return arn.endsWith(":*") ? arn.slice(0, -2) : arn;
}
