/**
 * The access-log bucket's policy and lifecycle, as data.
 *
 * Who may write: Elastic Load Balancing delivers the logs. In Regions available before August
 * 2022 it writes as the Region's ELB account (`aws.elb.getServiceAccount`); in Regions opened
 * since, as the service principal `logdelivery.elasticloadbalancing.amazonaws.com`. The policy
 * grants the account where one is given and always the service principal, both only on this
 * load balancer's prefix, and denies any request that does not use TLS.
 * Source: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
 * ("Step 2: Attach a policy to your S3 bucket"). The same page states that SSE-S3 (AES256) is
 * the only supported server-side encryption for the bucket.
 */

/** The service principal that delivers ALB access logs in newer Regions. */
export const LOG_DELIVERY_PRINCIPAL = "logdelivery.elasticloadbalancing.amazonaws.com";

/** Key prefix the load balancer writes under (`<prefix>/AWSLogs/<account>/...`). */
export const ACCESS_LOG_PREFIX = "alb";

export interface AccessLogPolicyInput {
  readonly bucketArn: string;
  /** The account that owns the load balancer (the `AWSLogs/<account>` path segment). */
  readonly accountId: string;
  readonly prefix: string;
  /** The Region's Elastic Load Balancing account ARN, for Regions available before August 2022. */
  readonly elbAccountArn?: string | undefined;
}

/** The bucket policy document (IAM JSON, as an object). */
export function accessLogBucketPolicy(input: AccessLogPolicyInput) {
  const objects = `${input.bucketArn}/${input.prefix}/AWSLogs/${input.accountId}/*`;
  return {
    Version: "2012-10-17",
    Statement: [
      ...(input.elbAccountArn
        ? [
            {
              Sid: "ElbAccountWritesAccessLogs",
              Effect: "Allow",
              Principal: { AWS: input.elbAccountArn },
              Action: "s3:PutObject",
              Resource: objects,
            },
          ]
        : []),
      {
        Sid: "ElbLogDeliveryWritesAccessLogs",
        Effect: "Allow",
        Principal: { Service: LOG_DELIVERY_PRINCIPAL },
        Action: "s3:PutObject",
        Resource: objects,
      },
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [input.bucketArn, `${input.bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

/** Lifecycle rule: expire logs after `retentionDays`, clean up unfinished uploads. */
export function accessLogLifecycleRule(retentionDays: number) {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new Error(
      `access log retention must be a whole number of days >= 1, got ${retentionDays}`,
    );
  }
  return {
    id: "expire-access-logs",
    status: "Enabled",
    filter: { prefix: "" },
    expiration: { days: retentionDays },
    abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
  };
}
