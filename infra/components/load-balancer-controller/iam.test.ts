import { describe, expect, it } from "vitest";
import {
  CONTROLLER_IAM_POLICY_VERSION,
  CONTROLLER_SERVICE_ACCOUNT,
  controllerIamPolicy,
  irsaTrustPolicy,
  oidcIssuerOf,
} from "./iam";

const providerArn =
  "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0A1B2C3D";

describe("IRSA trust policy", () => {
  it("lets only kube-system/aws-load-balancer-controller assume the role, for STS", () => {
    expect(irsaTrustPolicy(providerArn, CONTROLLER_SERVICE_ACCOUNT)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: providerArn },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              "oidc.eks.eu-west-1.amazonaws.com/id/0A1B2C3D:sub":
                "system:serviceaccount:kube-system:aws-load-balancer-controller",
              "oidc.eks.eu-west-1.amazonaws.com/id/0A1B2C3D:aud": "sts.amazonaws.com",
            },
          },
        },
      ],
    });
  });

  it("rejects an ARN that is not an OIDC provider", () => {
    expect(() => oidcIssuerOf("arn:aws:iam::111122223333:role/x")).toThrow(
      '"arn:aws:iam::111122223333:role/x" is not an IAM OIDC provider ARN',
    );
  });
});

describe("the published controller policy", () => {
  const policy = controllerIamPolicy();
  const actions = policy.Statement.flatMap((s) => s.Action as string | string[]);

  it("is the v3.5.0 document, within the managed policy size quota", () => {
    expect(CONTROLLER_IAM_POLICY_VERSION).toBe("v3.5.0");
    expect(policy.Version).toBe("2012-10-17");
    // IAM quota: 6,144 characters per managed policy, whitespace not counted.
    expect(JSON.stringify(policy).length).toBeLessThanOrEqual(6144);
  });

  it("allows what TargetGroupBindings need: register targets, open the pods' security group", () => {
    for (const action of [
      "elasticloadbalancing:RegisterTargets",
      "elasticloadbalancing:DeregisterTargets",
      "elasticloadbalancing:DescribeTargetHealth",
      "ec2:AuthorizeSecurityGroupIngress",
      "ec2:RevokeSecurityGroupIngress",
    ]) {
      expect(actions).toContain(action);
    }
  });
});
