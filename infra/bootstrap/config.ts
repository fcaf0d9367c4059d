import * as pulumi from "@pulumi/pulumi";

/** The bootstrap project's name (Pulumi.yaml `name`): the namespace of its config keys. */
export const BOOTSTRAP_PROJECT = "causeway-bootstrap";

export interface BootstrapConfig {
  /** Undefined: derived from the account and region. */
  readonly bucketName?: string;
  readonly keyAlias: string;
  readonly noncurrentVersionDays: number;
}

export const BOOTSTRAP_DEFAULTS = {
  keyAlias: "alias/causeway-pulumi-state",
  noncurrentVersionDays: 90,
} as const;

/**
 * S3 general purpose bucket names: 3-63 characters, lower-case letters, digits, dots and
 * hyphens, starting and ending with a letter or digit, not an IP address.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * KMS aliases: `alias/` then letters, digits, `/_-`, at most 256 characters; `alias/aws/` is
 * reserved for AWS managed keys. https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html
 */
const KEY_ALIAS = /^alias\/[A-Za-z0-9/_-]{1,250}$/;

/** Checks the raw config; every problem at once, each naming its key and what is valid. */
export function parseBootstrapConfig(raw: {
  bucketName?: string | undefined;
  keyAlias?: string | undefined;
  noncurrentVersionDays?: number | undefined;
}): BootstrapConfig {
  const problems: string[] = [];
  const key = (k: string) => `${BOOTSTRAP_PROJECT}:${k}`;
  if (
    raw.bucketName !== undefined &&
    (!BUCKET_NAME.test(raw.bucketName) ||
      /^\d+\.\d+\.\d+\.\d+$/.test(raw.bucketName) ||
      raw.bucketName.includes(".."))
  ) {
    problems.push(
      `${key("bucketName")}: "${raw.bucketName}" is not a valid S3 bucket name (3-63 lower-case letters, digits, dots or hyphens, starting and ending with a letter or digit)`,
    );
  }
  const keyAlias = raw.keyAlias ?? BOOTSTRAP_DEFAULTS.keyAlias;
  if (!KEY_ALIAS.test(keyAlias) || keyAlias.startsWith("alias/aws/")) {
    problems.push(
      `${key("keyAlias")}: "${keyAlias}" is not a KMS alias you can create (alias/<letters, digits, /_->, not under alias/aws/)`,
    );
  }
  const days = raw.noncurrentVersionDays ?? BOOTSTRAP_DEFAULTS.noncurrentVersionDays;
  if (!Number.isInteger(days) || days < 1) {
    problems.push(
      `${key("noncurrentVersionDays")}: ${days} must be a whole number of days, 1 or more`,
    );
  }
  if (problems.length > 0) {
    throw new pulumi.RunError(`invalid ${BOOTSTRAP_PROJECT} config:\n- ${problems.join("\n- ")}`);
  }
  return {
    ...(raw.bucketName !== undefined ? { bucketName: raw.bucketName } : {}),
    keyAlias,
    noncurrentVersionDays: days,
  };
}

export function loadBootstrapConfig(): BootstrapConfig {
  const c = new pulumi.Config(BOOTSTRAP_PROJECT);
  return parseBootstrapConfig({
    bucketName: c.get("bucketName"),
    keyAlias: c.get("keyAlias"),
    noncurrentVersionDays: c.getNumber("noncurrentVersionDays"),
  });
}

/** The default bucket name: unique per account and region, as S3 names are global. */
export function defaultBucketName(accountId: string, region: string): string {
  return `causeway-pulumi-state-${accountId}-${region}`;
}

/** A bucket policy that refuses every request not made over TLS. */
export function tlsOnlyBucketPolicy(bucketArn: string): object {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

/** What `pulumi login` and `pulumi stack init --secrets-provider` take. */
export function backendUrls(bucket: string, keyAlias: string, region: string) {
  return {
    loginUrl: `s3://${bucket}?region=${region}&awssdk=v2`,
    secretsProvider: `awskms://${keyAlias}?region=${region}`,
  };
}
