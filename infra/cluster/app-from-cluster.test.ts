import { planProgram as planAnyProgram, toRawConfig } from "@causeway/plan";
import { describe, expect, it } from "vitest";
import { ConfigError, loadPlatformConfig } from "../config";
import { found } from "../config/errors";
import { planStack, rawStackConfig, type PlanView } from "../plan/harness";
import { plannedClusterOutputs } from "../plan/cluster-outputs";
import { causewayPlanOptions } from "../plan/invokes";
import { PROJECT } from "../plan/project";
import { evaluatePack } from "../policies/evaluate";
import { causewayPack } from "../policies/policies";
import { tierPolicyConfig } from "../policies/rules/common";
import { main } from "../program";
import { rawFixtureConfig } from "../test/fixtures";
import { configWithClusterOutputs, fieldsFromReference } from "./app-reference";
import { clusterStackName } from "./project";

/**
 * The cluster plan's outputs feed the app stack through its StackReference: stacks/ sets only
 * `causeway:cluster.stackReference`, and the offline plan reads the referenced stack's outputs
 * from the plan of infra/cluster/stacks/Pulumi.<stack>.yaml (ids only AWS assigns are stable
 * fakes of the right form), as `pulumi preview` reads them from the deployed cluster stack.
 */

const types = (plan: PlanView, type: string) => plan.resources.filter((r) => r.type === type);

/** Every value of `key` anywhere in the trust policies of the plan's IAM roles. */
function federatedPrincipals(plan: PlanView): string[] {
  return types(plan, "aws:iam/role:Role").flatMap((r) => {
    const doc = JSON.parse(String(r.inputs["assumeRolePolicy"])) as {
      Statement: { Principal?: { Federated?: string } }[];
    };
    return doc.Statement.flatMap((s) => (s.Principal?.Federated ? [s.Principal.Federated] : []));
  });
}

describe("the app stack plans from the cluster plan's outputs", () => {
  it.each([
    ["Pulumi Cloud", "acme"],
    ["a self-managed backend", "organization"],
  ])("dev, with the reference name of %s", async (_backend, org) => {
    const name = clusterStackName("dev", org);
    const raw = rawStackConfig("dev", { "causeway:cluster": { stackReference: { name } } });
    // stacks/Pulumi.dev.yaml copies nothing: every cluster and network value is read.
    expect(fieldsFromReference(raw).map((f) => f.output)).toEqual([
      "clusterName",
      "oidcProviderArn",
      "kubernetesVersion",
      "nodeSecurityGroupId",
      "vpcId",
      "vpcCidr",
      "publicSubnetIds",
      "privateSubnetIds",
      "publicSubnetCidrs",
      "privateSubnetCidrs",
      "availabilityZones",
    ]);
    const outputs = await plannedClusterOutputs("dev");
    // Planned by the cluster project, not copied: its dev stack's VPC is 10.10.0.0/16.
    expect(outputs.privateSubnetCidrs).toEqual(["10.10.128.0/19", "10.10.160.0/19"]);
    expect(outputs.clusterName).toBe("causeway-dev");

    const app = await planStack("dev", { "causeway:cluster": { stackReference: { name } } });
    expect(types(app, "pulumi:pulumi:StackReference").map((r) => r.inputs["name"])).toEqual([name]);
    expect(types(app, "aws:rds/subnetGroup:SubnetGroup").map((r) => r.inputs["subnetIds"])).toEqual(
      [outputs.privateSubnetIds],
    );
    // dev's broker is single-instance: the first private subnet.
    expect(types(app, "aws:mq/broker:Broker").map((r) => r.inputs["subnetIds"])).toEqual([
      [(outputs.privateSubnetIds as string[])[0]],
    ]);
    const vpcs = types(app, "aws:ec2/securityGroup:SecurityGroup").map((r) => r.inputs["vpcId"]);
    expect(vpcs.length).toBeGreaterThanOrEqual(3);
    expect(new Set(vpcs)).toEqual(new Set([outputs.vpcId]));
    expect(types(app, "aws:lb/loadBalancer:LoadBalancer").map((r) => r.inputs["subnets"])).toEqual([
      outputs.publicSubnetIds,
    ]);
    // The broker and the database admit the nodes' security group, and nothing else.
    const admitted = types(app, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
      .map((r) => r.inputs["referencedSecurityGroupId"])
      .filter((sg) => sg !== undefined);
    expect(new Set(admitted)).toEqual(new Set([outputs.nodeSecurityGroupId]));
    // IRSA roles trust the cluster's OIDC provider.
    const federated = federatedPrincipals(app);
    expect(federated.length).toBeGreaterThan(0);
    expect(new Set(federated)).toEqual(new Set([outputs.oidcProviderArn]));
    // Data-store egress reaches the private subnets' CIDRs the cluster plan chose.
    const egress = JSON.stringify(
      types(app, "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((r) => r.inputs),
    );
    for (const cidr of outputs.privateSubnetCidrs as string[]) expect(egress).toContain(cidr);
    const provider = app.resources.find((r) => r.type === "pulumi:providers:kubernetes");
    expect(provider?.inputs["clusterIdentifier"]).toBe(outputs.clusterName);

    const evaluation = await evaluatePack(
      app,
      causewayPack,
      tierPolicyConfig(causewayPack.policies, "dev"),
    );
    expect(evaluation.violations).toEqual([]);
  });

  it("explicit config wins over the outputs, for a cluster brought from elsewhere", async () => {
    // The fixture's explicit network and cluster, with the shipped stack's reference kept.
    const network = JSON.parse(rawFixtureConfig("dev").values["causeway:network"]!) as {
      vpcId: string;
      privateSubnetIds: string[];
    };
    const overlay = {
      "aws:region": "eu-west-1",
      "causeway:cluster": {
        name: "brought-cluster",
        oidcProviderArn:
          "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/00000000000000000000000000000BRT",
        nodeSecurityGroupId: "sg-0123456789abcdef0",
      },
      "causeway:network": network,
    };
    // Every required value given: nothing is read from the reference but the kubeconfig.
    expect(fieldsFromReference(rawStackConfig("dev", overlay))).toEqual([]);
    const outputs = await plannedClusterOutputs("dev");
    const app = await planStack("dev", overlay);
    expect(types(app, "aws:rds/subnetGroup:SubnetGroup").map((r) => r.inputs["subnetIds"])).toEqual(
      [network.privateSubnetIds],
    );
    const vpcs = new Set(
      types(app, "aws:ec2/securityGroup:SecurityGroup").map((r) => r.inputs["vpcId"]),
    );
    expect(vpcs).toEqual(new Set([network.vpcId]));
    expect(vpcs.has(outputs.vpcId)).toBe(false);
    expect(new Set(federatedPrincipals(app))).toEqual(
      new Set([overlay["causeway:cluster"].oidcProviderArn]),
    );
    const admitted = types(app, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
      .map((r) => r.inputs["referencedSecurityGroupId"])
      .filter((sg) => sg !== undefined);
    expect(new Set(admitted)).toEqual(new Set(["sg-0123456789abcdef0"]));
    const provider = app.resources.find((r) => r.type === "pulumi:providers:kubernetes");
    expect(provider?.inputs["clusterIdentifier"]).toBe("brought-cluster");
  });
});

describe("values read from the cluster stack are checked where they resolve", () => {
  const raw = rawStackConfig("dev");

  it("names each bad output and the key it fills, all at once", async () => {
    const outputs = await plannedClusterOutputs("dev");
    const bad = {
      ...outputs,
      vpcId: "vpc-123",
      privateSubnetCidrs: ["10.99.128.0/19", "10.10.160.0/19"],
      oidcProviderArn:
        "arn:aws:iam::999900001111:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC",
    };
    let error: unknown;
    try {
      configWithClusterOutputs(raw, "dev", bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const from = "of the cluster stack acme/causeway-cluster/dev: fix that stack, or set";
    // The account of the OIDC provider is the stack's account: the edge's certificate is
    // checked against it, as with explicit config. (The CIDRs wait for a valid vpcId.)
    expect((error as ConfigError).issues).toEqual([
      {
        path: "causeway:network.vpcId",
        message: `must be an AWS id of the form vpc-0123456789abcdef0 (found "vpc-123"); read from output vpcId ${from} causeway:network.vpcId explicitly`,
      },
      {
        path: "causeway:cluster.oidcProviderArn",
        message: `is the issuer of a cluster in us-west-2, but aws:region is eu-west-1; use the OIDC provider of the cluster in eu-west-1 (found ${found(bad.oidcProviderArn)}); read from output oidcProviderArn ${from} causeway:cluster.oidcProviderArn explicitly`,
      },
      {
        path: "causeway:edge.certificateArn",
        message: expect.stringMatching(
          /^is in account 111122223333, but the stack deploys to account 999900001111 /,
        ) as string,
      },
    ]);
  });

  it("refuses a cluster stack without the outputs, saying to deploy it or set the keys", () => {
    expect(() => configWithClusterOutputs(raw, "dev", { clusterName: "causeway-dev" })).toThrow(
      "causeway:cluster.stackReference.name: the stack acme/causeway-cluster/dev has no output oidcProviderArn, vpcId, vpcCidr, publicSubnetIds, privateSubnetIds, publicSubnetCidrs, privateSubnetCidrs: deploy the causeway-cluster project to it first (cd infra/cluster && pulumi up), check the reference's organization (organization/... on a self-managed backend), or set causeway:cluster.oidcProviderArn, causeway:network.vpcId, causeway:network.vpcCidr, causeway:network.publicSubnetIds, causeway:network.privateSubnetIds, causeway:network.publicSubnetCidrs, causeway:network.privateSubnetCidrs explicitly",
    );
  });

  it("stops the program before any resource but the reference when an output is bad", async () => {
    const outputs = await plannedClusterOutputs("dev");
    const config = rawStackConfig("dev");
    const plan = planAnyProgram(main, {
      project: PROJECT,
      stack: "dev",
      config: Object.fromEntries(Object.entries(config.values).map(([k, v]) => [k, tryJson(v)])),
      preflight: loadPlatformConfig,
      ...causewayPlanOptions(toRawConfig({})),
      stackReferences: {
        "acme/causeway-cluster/dev": {
          outputs: { ...outputs, publicSubnetIds: ["subnet-0a10000000000000a"] },
          secretOutputNames: ["kubeconfig"],
        },
      },
    });
    await expect(plan).rejects.toThrow(
      /causeway:network\.publicSubnetIds: needs at least 2 public subnets in different Availability Zones .*; read from output publicSubnetIds of the cluster stack acme\/causeway-cluster\/dev/,
    );
  });
});

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
