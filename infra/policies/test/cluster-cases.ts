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

const NG = "aws:eks/nodeGroup:NodeGroup";
const ngProps = {
  tags: { "k8s.io/cluster-autoscaler/enabled": "true", "k8s.io/cluster-autoscaler/c": "owned" },
  scalingConfig: { minSize: 1, maxSize: 3 },
};
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const scalingPolicy = (scoped: boolean) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["autoscaling:SetDesiredCapacity"],
        Resource: "*",
        ...(scoped
          ? {
              Condition: {
                StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/c": "owned" },
              },
            }
          : {}),
      },
    ],
  });

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
  "node-groups-autoscaled": {
    pass: [r(NG, "ng", { ...ngProps })],
    fail: [r(NG, "ng", { ...ngProps, scalingConfig: { minSize: 2, maxSize: 2 } })],
    message: "scalingConfig.maxSize (2) must exceed minSize (2), or nothing scales",
  },
  "autoscaler-writes-scoped": {
    pass: [r(ROLE_POLICY, "ca", { policy: scalingPolicy(true) })],
    fail: [r(ROLE_POLICY, "ca", { policy: scalingPolicy(false) })],
    message:
      "autoscaling:SetDesiredCapacity is allowed without a condition on aws:ResourceTag/k8s.io/cluster-autoscaler/<cluster>",
  },
};
