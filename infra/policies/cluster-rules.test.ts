import { describe, expect, it } from "vitest";
import { violationsOf, type TestResource } from "./test/support";

/** Each cluster-project rule passes the resources the Cluster and Network components make and fails a bad one. */

const EKS = "aws:eks/cluster:Cluster";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const SUBNET = "aws:ec2/subnet:Subnet";
const VPC = "aws:ec2/vpc:Vpc";
const FLOW_LOG = "aws:ec2/flowLog:FlowLog";

type Props = Record<string, unknown>;
const r = (type: string, name: string, props: Props, dependsOn?: string[]): TestResource => ({
  type,
  name,
  props,
  ...(dependsOn ? { dependsOn } : {}),
});

const goodEks: Props = {
  vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: false, subnetIds: ["s-1"] },
  encryptionConfig: {
    provider: { keyArn: "arn:aws:kms:eu-west-1:111122223333:key/k" },
    resources: ["secrets"],
  },
  enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
};
const eks = (p: Props = {}) => r(EKS, "eks", { ...goodEks, ...p });
const goodLt: Props = { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } };
const lt = (p: Props = {}) => r(LT, "lt", { ...goodLt, ...p });

describe("eks-endpoint-private", () => {
  it("passes a private endpoint, and a public one limited to listed CIDRs", async () => {
    expect(await violationsOf("eks-endpoint-private", [eks()])).toEqual([]);
    expect(
      await violationsOf("eks-endpoint-private", [
        eks({
          vpcConfig: {
            endpointPrivateAccess: true,
            endpointPublicAccess: true,
            publicAccessCidrs: ["203.0.113.0/24"],
          },
        }),
      ]),
    ).toEqual([]);
  });

  it("fails a public endpoint open to everyone, or no private endpoint", async () => {
    expect(await violationsOf("eks-endpoint-private", [eks({ vpcConfig: {} })])).toEqual([
      "vpcConfig.endpointPrivateAccess must be true",
      "the public endpoint is on for everyone: set vpcConfig.endpointPublicAccess false, or list publicAccessCidrs",
    ]);
    expect(
      await violationsOf("eks-endpoint-private", [
        eks({ vpcConfig: { endpointPrivateAccess: true, publicAccessCidrs: ["0.0.0.0/0"] } }),
      ]),
    ).toEqual(["vpcConfig.publicAccessCidrs includes 0.0.0.0/0; list your networks only"]);
  });
});

describe("eks-secrets-encrypted", () => {
  it("passes KMS envelope encryption of secrets and fails without it", async () => {
    expect(await violationsOf("eks-secrets-encrypted", [eks()])).toEqual([]);
    expect(
      await violationsOf("eks-secrets-encrypted", [eks({ encryptionConfig: undefined })]),
    ).toEqual(["encryptionConfig must encrypt resources [secrets] with provider.keyArn"]);
  });
});

describe("eks-control-plane-logs", () => {
  it("passes all five log types and names the missing ones", async () => {
    expect(await violationsOf("eks-control-plane-logs", [eks()])).toEqual([]);
    expect(
      await violationsOf("eks-control-plane-logs", [
        eks({ enabledClusterLogTypes: ["api", "audit"] }),
      ]),
    ).toEqual(["enabledClusterLogTypes lacks authenticator, controllerManager, scheduler"]);
  });
});

describe("eks-nodes-imdsv2", () => {
  it("passes IMDSv2 with hop limit 2 and a node group using a launch template", async () => {
    expect(
      await violationsOf("eks-nodes-imdsv2", [
        lt(),
        r(NODE_GROUP, "ng", { launchTemplate: { id: "lt-1", version: "1" } }),
      ]),
    ).toEqual([]);
  });

  it("fails IMDSv1, a high hop limit, and a node group without a launch template", async () => {
    const found = await violationsOf("eks-nodes-imdsv2", [
      lt({ metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 3 } }),
      r(NODE_GROUP, "ng", {}),
    ]);
    expect(found.sort()).toEqual([
      "launchTemplate must be set (one requiring IMDSv2)",
      "metadataOptions.httpPutResponseHopLimit must be 1 or 2 (found 3)",
      "metadataOptions.httpTokens must be required",
    ]);
  });
});

describe("eks-nodes-no-public-ip", () => {
  it("passes private nodes and fails public addresses and SSH access", async () => {
    expect(
      await violationsOf("eks-nodes-no-public-ip", [
        lt(),
        r(SUBNET, "s", { mapPublicIpOnLaunch: false }),
        r(NODE_GROUP, "ng", {}),
      ]),
    ).toEqual([]);
    expect(
      await violationsOf("eks-nodes-no-public-ip", [
        lt({ networkInterfaces: [{ associatePublicIpAddress: "true" }] }),
        r(SUBNET, "s", { mapPublicIpOnLaunch: true }),
        r(NODE_GROUP, "ng", { remoteAccess: { ec2SshKey: "k" } }),
      ]),
    ).toEqual([
      "networkInterfaces[].associatePublicIpAddress must not be true",
      "mapPublicIpOnLaunch must be false",
      "remoteAccess must be unset (use SSM Session Manager)",
    ]);
  });
});

describe("vpc-flow-logs", () => {
  it("passes a VPC with a flow log of ALL traffic and fails one without", async () => {
    expect(
      await violationsOf("vpc-flow-logs", [
        r(VPC, "vpc", {}),
        r(FLOW_LOG, "fl", { trafficType: "ALL" }, ["vpc"]),
      ]),
    ).toEqual([]);
    expect(
      await violationsOf("vpc-flow-logs", [
        r(VPC, "vpc", {}),
        r(FLOW_LOG, "fl", { trafficType: "REJECT" }, ["vpc"]),
      ]),
    ).toEqual(["vpc has no flow log of ALL traffic"]);
  });
});
