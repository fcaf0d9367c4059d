import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { planProgram } from "../../plan/harness";
import {
  LoadBalancerController,
  type LoadBalancerControllerArgs,
} from "./load-balancer-controller";
import { controllerIamPolicy } from "./iam";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const ROLE = "aws:iam/role:Role";
const oidcProviderArn =
  "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0A1B2C3D";

/** Someone else's program: plain args, its own provider, no Causeway stack or config. */
async function plan(args: Partial<LoadBalancerControllerArgs> = {}) {
  return planProgram(async () => {
    const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1\nkind: Config" });
    new LoadBalancerController("lbc", {
      clusterName: "shop",
      oidcProviderArn,
      vpcId: "vpc-0a1b2c3d4e5f60718",
      region: "eu-west-1",
      provider,
      ...args,
    });
    return {};
  });
}

describe("LoadBalancerController", () => {
  it("installs the pinned chart with the cluster's provider, under an IRSA role", async () => {
    const p = await plan();
    const release = p.get(RELEASE, "lbc");
    const role = p.get(ROLE, "lbc-irsa");
    expect(release.provider).toBe(p.get("pulumi:providers:kubernetes", "k8s").urn);
    expect(release.inputs).toEqual({
      compat: "true", // set by @pulumi/kubernetes on every Release
      name: "aws-load-balancer-controller",
      chart: "aws-load-balancer-controller",
      version: "3.5.0",
      repositoryOpts: { repo: "https://aws.github.io/eks-charts" },
      namespace: "kube-system",
      atomic: true,
      cleanupOnFail: true,
      values: {
        clusterName: "shop",
        region: "eu-west-1",
        vpcId: "vpc-0a1b2c3d4e5f60718",
        replicaCount: 2,
        serviceAccount: {
          create: true,
          name: "aws-load-balancer-controller",
          annotations: {
            "eks.amazonaws.com/role-arn": expect.stringContaining(role.urn),
          },
        },
        enableServiceMutatorWebhook: false,
        podDisruptionBudget: { maxUnavailable: 1 },
      },
    });
    // The role carries its policy before the controller starts.
    expect(release.dependencies).toContain(
      p.get("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "lbc-irsa").urn,
    );
  });

  it("trusts only the controller's service account, and attaches the published policy", async () => {
    const p = await plan();
    expect(JSON.parse(p.get(ROLE, "lbc-irsa").inputs["assumeRolePolicy"] as string)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: oidcProviderArn },
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
    const policy = p.get("aws:iam/policy:Policy", "lbc-irsa");
    expect(JSON.parse(policy.inputs["policy"] as string)).toEqual(controllerIamPolicy());
    expect(policy.inputs["description"]).toBe(
      "AWS Load Balancer Controller v3.5.0, from https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/v3.5.0/docs/install/iam_policy.json",
    );
  });

  it("takes the Region from the provider when not given", async () => {
    const p = await plan({ region: undefined });
    // The offline plan answers aws.getRegion from config (us-east-1 without aws:region).
    expect((p.get(RELEASE, "lbc").inputs["values"] as Record<string, unknown>)["region"]).toBe(
      "us-east-1",
    );
  });

  it("takes the cluster's provider from its resource options when the arg is not given (as other languages pass it)", async () => {
    const given = await plan();
    const p = await planProgram(async () => {
      const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1\nkind: Config" });
      new LoadBalancerController(
        "lbc",
        {
          clusterName: "shop",
          oidcProviderArn,
          vpcId: "vpc-0a1b2c3d4e5f60718",
          region: "eu-west-1",
        },
        { providers: { kubernetes: provider } },
      );
      return {};
    });
    expect(p.get(RELEASE, "lbc").provider).toBe(p.get("pulumi:providers:kubernetes", "k8s").urn);
    // The same resources, inputs and providers as with the arg.
    expect(p.resources).toEqual(given.resources);
  });

  it("refuses without any Kubernetes provider rather than use the ambient context", async () => {
    await expect(plan({ provider: undefined })).rejects.toThrow(
      [
        'LoadBalancerController "lbc": 1 invalid argument:',
        "  - provider: the cluster's Kubernetes provider is required, as this arg or as the component's `provider`/`providers` resource option (how other Pulumi languages pass it); nothing lands in the ambient context",
      ].join("\n"),
    );
  });

  it("rejects bad args all at once", async () => {
    await expect(
      plan({
        oidcProviderArn: "arn:aws:iam::111122223333:role/x",
        chartVersion: "^3",
        replicas: 0,
      }),
    ).rejects.toThrow(
      [
        'LoadBalancerController "lbc": 3 invalid arguments:',
        '  - oidcProviderArn: "arn:aws:iam::111122223333:role/x" is not an IAM OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<id>)',
        '  - chartVersion "^3" is not an exact chart version such as 3.5.0',
        "  - replicas 0 must be a whole number >= 1",
      ].join("\n"),
    );
  });

  it("takes the OIDC provider ARN as an Output of a provider created beside it", async () => {
    const p = await planProgram(async () => {
      const oidc = new aws.iam.OpenIdConnectProvider("oidc", {
        url: "https://oidc.eks.eu-west-1.amazonaws.com/id/0A1B2C3D",
        clientIdLists: ["sts.amazonaws.com"],
      });
      const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1\nkind: Config" });
      new LoadBalancerController("lbc", {
        clusterName: "shop",
        oidcProviderArn: oidc.arn,
        vpcId: "vpc-0a1b2c3d4e5f60718",
        region: "eu-west-1",
        provider,
      });
      return {};
    });
    // The trust policy waits for the provider's ARN.
    expect(p.get(ROLE, "lbc-irsa").inputs["assumeRolePolicy"]).toBe(
      "(known after apply: urn:pulumi:test::causeway::pulumi:pulumi:Stack$aws:iam/openIdConnectProvider:OpenIdConnectProvider::oidc)",
    );
  });

  it("checks an Output ARN once known, with the same message, and fails the plan", async () => {
    await expect(
      plan({ oidcProviderArn: pulumi.output("arn:aws:iam::111122223333:role/x") }),
    ).rejects.toThrow(
      [
        'LoadBalancerController "lbc": 1 invalid argument:',
        '  - oidcProviderArn: "arn:aws:iam::111122223333:role/x" is not an IAM OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<id>)',
      ].join("\n"),
    );
  });
});
