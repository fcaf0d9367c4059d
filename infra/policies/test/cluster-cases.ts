import type { TestResource } from "./support";

/** One passing and one failing case per cluster-project rule, for the pack's table (rules.test.ts). */

const r = (
  type: string,
  name: string,
  props: Record<string, unknown>,
  dependsOn?: string[],
): TestResource => ({
  type,
  name,
  props,
  ...(dependsOn ? { dependsOn } : {}),
});

const EKS = "aws:eks/cluster:Cluster";
const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const eksProps = {
  vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: false },
  encryptionConfig: {
    provider: { keyArn: "arn:aws:kms:eu-west-1:111122223333:key/k" },
    resources: ["secrets"],
  },
  enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
};
const eks = (p: Record<string, unknown> = {}) => r(EKS, "eks", { ...eksProps, ...p });
const lt = (p: Record<string, unknown> = {}) =>
  r(LT, "lt", { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 }, ...p });

export const clusterCases: Record<
  string,
  { pass: TestResource[]; fail: TestResource[]; message: string; stack?: string }
> = {
  "eks-endpoint-private": {
    pass: [eks()],
    fail: [eks({ vpcConfig: { endpointPrivateAccess: true, publicAccessCidrs: ["0.0.0.0/0"] } })],
    message: "vpcConfig.publicAccessCidrs includes 0.0.0.0/0; list your networks only",
  },
  "eks-secrets-encrypted": {
    pass: [eks()],
    fail: [eks({ encryptionConfig: { resources: ["secrets"] } })],
    message: "encryptionConfig must encrypt resources [secrets] with provider.keyArn",
  },
  "eks-control-plane-logs": {
    pass: [eks()],
    fail: [eks({ enabledClusterLogTypes: ["api", "audit", "authenticator", "scheduler"] })],
    message: "enabledClusterLogTypes lacks controllerManager",
  },
  "eks-nodes-imdsv2": {
    pass: [lt()],
    fail: [lt({ metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 2 } })],
    message: "metadataOptions.httpTokens must be required",
  },
  "eks-nodes-no-public-ip": {
    pass: [r("aws:ec2/subnet:Subnet", "s", { mapPublicIpOnLaunch: false })],
    fail: [r("aws:ec2/subnet:Subnet", "s", { mapPublicIpOnLaunch: true })],
    message: "mapPublicIpOnLaunch must be false",
  },
  "vpc-flow-logs": {
    pass: [
      r("aws:ec2/vpc:Vpc", "vpc", {}),
      r("aws:ec2/flowLog:FlowLog", "fl", { trafficType: "ALL" }, ["vpc"]),
    ],
    fail: [r("aws:ec2/vpc:Vpc", "vpc", {})],
    message: "vpc has no flow log of ALL traffic",
  },
};
