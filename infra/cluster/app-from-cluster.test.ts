import { fakeAwsId } from "@causeway/plan";
import { describe, expect, it } from "vitest";
import { parsePlatformConfig } from "../config/load";
import { planClusterStack } from "../plan/cluster-project";
import { planStack, rawStackConfig } from "../plan/harness";
import { evaluatePack } from "../policies/evaluate";
import { causewayPack } from "../policies/policies";
import { tierPolicyConfig } from "../policies/rules/common";
import { appConfigFromClusterOutputs, clusterStackName, type ClusterStackOutputs } from "./project";

/**
 * The cluster plan's outputs feed the app stack. Values the cluster plan knows (names, CIDRs,
 * AZs) are used as planned; ids only AWS assigns are filled the way `pulumi up` would, with a
 * stable fake id per output.
 */
function afterApply(value: unknown, path: string): unknown {
  if (Array.isArray(value)) return value.map((v, i) => afterApply(v, `${path}[${i}]`));
  if (typeof value !== "string" || !value.startsWith("(known after apply")) return value;
  if (path.startsWith("oidcProviderArn")) {
    return "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0A1B2C3D4E5F60718293A4B5C6D7E8F9";
  }
  return fakeAwsId(path.startsWith("vpcId") ? "vpc" : "subnet", path);
}

describe("the app stack plans from the cluster plan's outputs", () => {
  it.each([
    ["Pulumi Cloud", "acme"],
    ["a self-managed backend", "organization"],
  ])("dev, with the reference name of %s", async (_backend, org) => {
    const cluster = await planClusterStack("dev");
    const outputs = Object.fromEntries(
      Object.entries(cluster.outputs).map(([k, v]) => [k, afterApply(v, k)]),
    ) as unknown as ClusterStackOutputs;
    expect(outputs.privateSubnetCidrs).toEqual(["10.10.128.0/19", "10.10.160.0/19"]);
    const overlay = appConfigFromClusterOutputs(outputs, clusterStackName("dev", org));
    // The whole sections are replaced, so nothing of the stack file's copies survives.
    const replaced = { "causeway:cluster": null, "causeway:network": null };
    const config = parsePlatformConfig(rawStackConfig("dev", { ...replaced, ...overlay }), "dev");
    expect(config.network.vpcId).toBe(outputs.vpcId);
    expect(config.cluster.stackReference?.name).toBe(`${org}/causeway-cluster/dev`);

    const app = await planStack("dev", { ...replaced, ...overlay });
    const ref = app.resources.find((r) => r.type === "pulumi:pulumi:StackReference");
    expect(ref?.inputs["name"]).toBe(`${org}/causeway-cluster/dev`);
    const dbSubnets = app.resources.find((r) => r.type === "aws:rds/subnetGroup:SubnetGroup");
    expect(dbSubnets?.inputs["subnetIds"]).toEqual(outputs.privateSubnetIds);
    const evaluation = await evaluatePack(
      app,
      causewayPack,
      tierPolicyConfig(causewayPack.policies, config.environment),
    );
    expect(evaluation.violations).toEqual([]);
  });
});
