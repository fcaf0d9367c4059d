import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { backendUrls, defaultBucketName, loadBootstrapConfig, tlsOnlyBucketPolicy } from "./config";

/**
 * The causeway-bootstrap program: the S3 bucket that holds the Pulumi state of the cluster and
 * app projects, and the KMS key that encrypts their secrets. Both are protected: deleting
 * either loses every stack's state or secrets.
 */
export async function main() {
  const config = loadBootstrapConfig();
  const tags = { "causeway:project": "causeway-bootstrap" };
  const protect = { protect: true };
  const region = aws.getRegionOutput().region;
  const account = aws.getCallerIdentityOutput().accountId;
  const partition = aws.getPartitionOutput().partition;
  const bucketName: pulumi.Input<string> =
    config.bucketName ?? pulumi.all([account, region]).apply(([a, r]) => defaultBucketName(a, r));

  const key = new aws.kms.Key(
    "secrets",
    {
      description: "Pulumi secrets provider of the Causeway stacks",
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      tags,
    },
    protect,
  );
  new aws.kms.Alias("secrets", { name: config.keyAlias, targetKeyId: key.keyId });

  const bucket = new aws.s3.Bucket(
    "state",
    {
      bucket: bucketName,
      forceDestroy: false,
      tags,
    },
    protect,
  );
  const publicAccess = new aws.s3.BucketPublicAccessBlock("state", {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new aws.s3.BucketOwnershipControls("state", {
    bucket: bucket.id,
    rule: { objectOwnership: "BucketOwnerEnforced" },
  });
  const versioning = new aws.s3.BucketVersioning("state", {
    bucket: bucket.id,
    versioningConfiguration: { status: "Enabled" },
  });
  new aws.s3.BucketServerSideEncryptionConfiguration("state", {
    bucket: bucket.id,
    rules: [
      {
        applyServerSideEncryptionByDefault: {
          sseAlgorithm: "aws:kms",
          kmsMasterKeyId: key.arn,
        },
        bucketKeyEnabled: true,
      },
    ],
  });
  new aws.s3.BucketLifecycleConfiguration(
    "state",
    {
      bucket: bucket.id,
      rules: [
        {
          id: "expire-noncurrent-state",
          status: "Enabled",
          filter: {},
          noncurrentVersionExpiration: { noncurrentDays: config.noncurrentVersionDays },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        },
      ],
    },
    // Lifecycle rules on noncurrent versions need versioning first.
    { dependsOn: [versioning] },
  );
  // After the public access block, so S3 never sees a policy on an unprotected bucket.
  new aws.s3.BucketPolicy(
    "state",
    {
      bucket: bucket.id,
      // From the name, not the bucket's `arn` output, so that the plan shows the policy.
      policy: pulumi
        .all([partition, bucketName])
        .apply(([p, b]) => JSON.stringify(tlsOnlyBucketPolicy(`arn:${p}:s3:::${b}`))),
    },
    { dependsOn: [publicAccess] },
  );

  const urls = pulumi
    .all([bucket.bucket, region])
    .apply(([b, r]) => backendUrls(b, config.keyAlias, r));
  return {
    bucketName: bucket.bucket,
    keyArn: key.arn,
    loginUrl: urls.loginUrl,
    secretsProvider: urls.secretsProvider,
  };
}
