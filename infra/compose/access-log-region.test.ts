import { describe, expect, it } from "vitest";
import { accessLogsGrantElbAccount, awsRegions } from "../config/catalogue";
import { planFixture } from "../test/fixtures";

const oidc = (region: string) =>
  `arn:aws:iam::555566667777:oidc-provider/oidc.eks.${region}.amazonaws.com/id/2A1B2C3D4E5F60718293A4B5C6D7E8F9`;

/**
 * The ALB access-log bucket in a Region opened since August 2022 has no ELB account to grant:
 * the program grants only the log-delivery service principal there, so the stack plans without
 * looking one up (the lookup fails for such a Region), and no one is told to edit project files.
 */
describe("access logs by Region", () => {
  it("grants an ELB account only in the Regions that have one", () => {
    const newer = awsRegions.filter((r) => !accessLogsGrantElbAccount(r));
    expect(newer).toEqual([
      "ap-east-2",
      "ap-south-2",
      "ap-southeast-4",
      "ap-southeast-5",
      "ap-southeast-7",
      "ca-west-1",
      "eu-central-2",
      "eu-south-2",
      "il-central-1",
      "me-central-1",
      "mx-central-1",
    ]);
  });

  it.each(["eu-central-1", "eu-central-2", "il-central-1"])(
    "plans a staging stack with access logs in %s",
    async (region) => {
      const p = await planFixture("staging", {
        "aws:region": region,
        "causeway:cluster": { oidcProviderArn: oidc(region) },
      });
      expect(p.byType("aws:s3/bucketPolicy:BucketPolicy")).toHaveLength(1);
    },
  );
});
