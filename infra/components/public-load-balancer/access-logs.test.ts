import { describe, expect, it } from "vitest";
import { accessLogBucketPolicy, accessLogLifecycleRule } from "./access-logs";

const bucketArn = "arn:aws:s3:::edge-access-logs-1234567";
const objects = `${bucketArn}/alb/AWSLogs/111122223333/*`;
const logDelivery = {
  Sid: "ElbLogDeliveryWritesAccessLogs",
  Effect: "Allow",
  Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
  Action: "s3:PutObject",
  Resource: objects,
};
const denyInsecure = {
  Sid: "DenyInsecureTransport",
  Effect: "Deny",
  Principal: "*",
  Action: "s3:*",
  Resource: [bucketArn, `${bucketArn}/*`],
  Condition: { Bool: { "aws:SecureTransport": "false" } },
};

describe("accessLogBucketPolicy", () => {
  it("grants the Region's ELB account and the log-delivery principal, on this prefix only", () => {
    expect(
      accessLogBucketPolicy({
        bucketArn,
        accountId: "111122223333",
        prefix: "alb",
        elbAccountArn: "arn:aws:iam::156460612806:root",
      }),
    ).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ElbAccountWritesAccessLogs",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::156460612806:root" },
          Action: "s3:PutObject",
          Resource: objects,
        },
        logDelivery,
        denyInsecure,
      ],
    });
  });

  it("grants only the service principal in Regions without an ELB account", () => {
    expect(accessLogBucketPolicy({ bucketArn, accountId: "111122223333", prefix: "alb" })).toEqual({
      Version: "2012-10-17",
      Statement: [logDelivery, denyInsecure],
    });
  });
});

describe("accessLogLifecycleRule", () => {
  it("expires logs after the retention and aborts stale uploads", () => {
    expect(accessLogLifecycleRule(90)).toEqual({
      id: "expire-access-logs",
      status: "Enabled",
      filter: { prefix: "" },
      expiration: { days: 90 },
      abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
    });
  });

  it.each([0, -1, 1.5])("rejects %s days", (days) => {
    expect(() => accessLogLifecycleRule(days)).toThrow(
      `access log retention must be a whole number of days >= 1, got ${days}`,
    );
  });
});
