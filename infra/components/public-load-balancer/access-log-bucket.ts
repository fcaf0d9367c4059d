import * as aws from "../shared/aws";
import * as pulumi from "@pulumi/pulumi";
import { ACCESS_LOG_PREFIX, accessLogBucketPolicy, accessLogLifecycleRule } from "./access-logs";

export interface AccessLogBucketArgs {
  /** Days before log objects expire. Required. */
  readonly retentionDays: number;
  /** Grant the Region's ELB account (Regions available before August 2022). Default true. */
  readonly grantElbAccount?: boolean;
  /** Delete the bucket with its objects when the component is deleted. Default false. */
  readonly forceDestroy?: boolean;
  /** Tags for every resource. Default none. */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The S3 bucket an Application Load Balancer writes its access logs to: SSE-S3 encryption (the
 * only kind ALB log delivery supports), all public access blocked, ACLs disabled (bucket owner
 * enforced), objects expiring after the retention, and a policy that lets only Elastic Load
 * Balancing write, under this load balancer's prefix, over TLS.
 */
export class AccessLogBucket extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  readonly bucketName: pulumi.Output<string>;
  /** The key prefix to give the load balancer. */
  readonly prefix = ACCESS_LOG_PREFIX;

  constructor(name: string, args: AccessLogBucketArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("causeway:edge:AccessLogBucket", name, {}, opts);
    const lifecycleRule = accessLogLifecycleRule(args.retentionDays);
    const parent = { parent: this };

    this.bucket = new aws.s3.Bucket(
      name,
      { forceDestroy: args.forceDestroy ?? false, tags: args.tags },
      parent,
    );
    this.bucketName = this.bucket.bucket;
    const bucket = this.bucket.id;

    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      name,
      {
        bucket,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      parent,
    );
    new aws.s3.BucketOwnershipControls(
      name,
      { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
      parent,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      name,
      { bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
      parent,
    );
    new aws.s3.BucketLifecycleConfiguration(name, { bucket, rules: [lifecycleRule] }, parent);

    const account = aws.getCallerIdentityOutput({}, parent);
    const elbAccountArn =
      (args.grantElbAccount ?? true)
        ? aws.elb.getServiceAccountOutput({}, parent).arn
        : pulumi.output(undefined);
    const policy = pulumi
      .all([this.bucket.arn, account.accountId, elbAccountArn])
      .apply(([bucketArn, accountId, elbArn]) =>
        JSON.stringify(
          accessLogBucketPolicy({
            bucketArn,
            accountId,
            prefix: ACCESS_LOG_PREFIX,
            elbAccountArn: elbArn,
          }),
        ),
      );
    // After the public access block, so S3 never sees a policy on an unprotected bucket.
    new aws.s3.BucketPolicy(name, { bucket, policy }, { ...parent, dependsOn: [publicAccess] });

    this.registerOutputs({ bucketName: this.bucketName, prefix: this.prefix });
  }
}
