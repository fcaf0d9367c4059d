import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

/** Rules for the causeway-cluster project: the EKS control plane, its nodes and its VPC. */

const EKS = "aws:eks/cluster:Cluster";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const SUBNET = "aws:ec2/subnet:Subnet";
const VPC = "aws:ec2/vpc:Vpc";
const FLOW_LOG = "aws:ec2/flowLog:FlowLog";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

/** The write actions of the Cluster Autoscaler, which must be limited to its cluster's groups. */
const SCALING_WRITES = [
  "autoscaling:SetDesiredCapacity",
  "autoscaling:TerminateInstanceInAutoScalingGroup",
];

interface PolicyStatement {
  Effect?: string;
  Action?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const WORLD = new Set(["0.0.0.0/0", "::/0"]);

/** The EKS control-plane log types every cluster sends. */
export const REQUIRED_CONTROL_PLANE_LOGS = [
  "api",
  "audit",
  "authenticator",
  "controllerManager",
  "scheduler",
] as const;

interface EksProps {
  vpcConfig?: {
    endpointPrivateAccess?: boolean;
    endpointPublicAccess?: boolean;
    publicAccessCidrs?: string[];
  };
  encryptionConfig?: { provider?: { keyArn?: string }; resources?: string[] };
  enabledClusterLogTypes?: string[];
}

interface LaunchTemplateProps {
  metadataOptions?: { httpTokens?: string; httpPutResponseHopLimit?: number };
  networkInterfaces?: { associatePublicIpAddress?: string | boolean }[];
}

export const clusterPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  {
    // Source: kubernetes/autoscaler cluster-autoscaler/cloudprovider/aws/README.md, "Auto-Discovery
    // Setup" (the two asg tags) and "IAM Policy" (write actions limited by those tags). A group
    // without the tags is never scaled; one that cannot grow has nothing to scale.
    name: "node-groups-autoscaled",
    description:
      "Every managed node group carries the Cluster Autoscaler's auto-discovery tags and can grow (maxSize > minSize).",
    validateResource: (args, report) => {
      if (args.type !== NODE_GROUP) return;
      const p = args.props as {
        clusterName?: string;
        tags?: Record<string, string>;
        scalingConfig?: { minSize?: number; maxSize?: number };
      };
      const tags = p.tags ?? {};
      if (tags["k8s.io/cluster-autoscaler/enabled"] !== "true") {
        report('tags must set "k8s.io/cluster-autoscaler/enabled": "true" (auto-discovery)');
      }
      const owned = Object.keys(tags).filter(
        (k) => k.startsWith("k8s.io/cluster-autoscaler/") && tags[k] === "owned",
      );
      if (owned.length === 0) {
        report(
          'tags must set "k8s.io/cluster-autoscaler/<cluster name>": "owned" (auto-discovery)',
        );
      }
      const { minSize = 0, maxSize = 0 } = p.scalingConfig ?? {};
      if (maxSize <= minSize) {
        report(
          `scalingConfig.maxSize (${maxSize}) must exceed minSize (${minSize}), or nothing scales`,
        );
      }
    },
  },
  {
    // Source: as above, "IAM Policy": SetDesiredCapacity and TerminateInstanceInAutoScalingGroup
    // only on groups tagged as the cluster's, so the autoscaler cannot touch other groups.
    name: "autoscaler-writes-scoped",
    description:
      "An inline policy that may scale or terminate Auto Scaling groups limits it with an aws:ResourceTag/k8s.io/cluster-autoscaler/ condition.",
    validateResource: (args, report) => {
      if (args.type !== ROLE_POLICY) return;
      const text = (args.props as { policy?: unknown }).policy;
      if (typeof text !== "string") return;
      let doc: { Statement?: PolicyStatement | PolicyStatement[] };
      try {
        doc = JSON.parse(text) as typeof doc;
      } catch {
        return;
      }
      const statements = [doc.Statement ?? []].flat();
      for (const s of statements) {
        if (s.Effect !== "Allow") continue;
        const actions = [s.Action ?? []].flat();
        const writes = actions.filter(
          (a) => SCALING_WRITES.includes(a) || a === "autoscaling:*" || a === "*",
        );
        if (writes.length === 0) continue;
        const scoped = Object.values(s.Condition ?? {}).some((c) =>
          Object.keys(c).some((k) => k.startsWith("aws:ResourceTag/k8s.io/cluster-autoscaler/")),
        );
        if (!scoped) {
          report(
            `${writes.join(", ")} is allowed without a condition on aws:ResourceTag/k8s.io/cluster-autoscaler/<cluster>: limit it to the cluster's node groups`,
          );
        }
      }
    },
  },
  {
    // Source: checkov CKV_AWS_38 (EKS public endpoint not open to 0.0.0.0/0) and CKV_AWS_39
    // (EKS public endpoint disabled); EKS Best Practices (Security), "Make the EKS Cluster
    // Endpoint private". EKS turns the public endpoint on, open to 0.0.0.0/0, unless told.
    name: "eks-endpoint-private",
    description:
      "The EKS API endpoint is private, or public only for listed CIDR blocks (never the world).",
    validateResource: (args, report) => {
      if (args.type !== EKS) return;
      const v = (args.props as EksProps).vpcConfig ?? {};
      if (v.endpointPrivateAccess !== true) report("vpcConfig.endpointPrivateAccess must be true");
      if (v.endpointPublicAccess === false) return;
      const cidrs = v.publicAccessCidrs ?? [];
      if (cidrs.length === 0) {
        report(
          "the public endpoint is on for everyone: set vpcConfig.endpointPublicAccess false, or list publicAccessCidrs",
        );
      }
      for (const c of cidrs.filter((c) => WORLD.has(c))) {
        report(`vpcConfig.publicAccessCidrs includes ${c}; list your networks only`);
      }
    },
  },
  {
    // Source: checkov CKV_AWS_58 (EKS Secrets encryption enabled).
    name: "eks-secrets-encrypted",
    description: "Kubernetes Secrets are envelope-encrypted with a KMS key.",
    validateResource: (args, report) => {
      if (args.type !== EKS) return;
      const e = (args.props as EksProps).encryptionConfig;
      if (!e?.resources?.includes("secrets") || !e.provider?.keyArn) {
        report("encryptionConfig must encrypt resources [secrets] with provider.keyArn");
      }
    },
  },
  {
    // Source: checkov CKV_AWS_37 (EKS control plane logging for all log types).
    name: "eks-control-plane-logs",
    description: "Every EKS control-plane log type is sent to CloudWatch Logs.",
    validateResource: (args, report) => {
      if (args.type !== EKS) return;
      const on = new Set((args.props as EksProps).enabledClusterLogTypes ?? []);
      const missing = REQUIRED_CONTROL_PLANE_LOGS.filter((t) => !on.has(t));
      if (missing.length > 0) report(`enabledClusterLogTypes lacks ${missing.join(", ")}`);
    },
  },
  {
    // Source: checkov CKV_AWS_79 (IMDSv1 disabled) and CKV_AWS_341 (hop limit at most 2 for
    // containers); EKS Best Practices (Security), "Restrict access to the instance profile".
    // A node group without a launch template of ours gets EKS's, which the plan cannot judge.
    name: "eks-nodes-imdsv2",
    description:
      "Nodes require IMDSv2 with a hop limit of at most 2, through a launch template of the program.",
    validateResource: (args, report) => {
      if (args.type === NODE_GROUP) {
        const lt = (args.props as { launchTemplate?: { id?: string; name?: string } })
          .launchTemplate;
        if (!lt?.id && !lt?.name) report("launchTemplate must be set (one requiring IMDSv2)");
      }
      if (args.type !== LAUNCH_TEMPLATE) return;
      const m = (args.props as LaunchTemplateProps).metadataOptions;
      if (m?.httpTokens !== "required") report("metadataOptions.httpTokens must be required");
      const hops = m?.httpPutResponseHopLimit;
      if (hops === undefined || hops > 2) {
        report(`metadataOptions.httpPutResponseHopLimit must be 1 or 2 (found ${hops ?? "unset"})`);
      }
    },
  },
  {
    // Source: checkov CKV_AWS_88 (EC2 instance has no public IP) and CKV_AWS_130 (VPC subnets do
    // not assign public IPs by default); EKS Best Practices, private subnets for worker nodes.
    name: "eks-nodes-no-public-ip",
    description:
      "Nodes get no public address: launch templates do not ask for one, subnets do not assign one, node groups have no SSH remote access.",
    validateResource: (args, report) => {
      if (args.type === LAUNCH_TEMPLATE) {
        for (const ni of (args.props as LaunchTemplateProps).networkInterfaces ?? []) {
          if (String(ni.associatePublicIpAddress) === "true") {
            report("networkInterfaces[].associatePublicIpAddress must not be true");
          }
        }
      }
      if (
        args.type === SUBNET &&
        (args.props as { mapPublicIpOnLaunch?: boolean }).mapPublicIpOnLaunch === true
      ) {
        report("mapPublicIpOnLaunch must be false");
      }
      if (args.type === NODE_GROUP && (args.props as { remoteAccess?: unknown }).remoteAccess) {
        report("remoteAccess must be unset (use SSM Session Manager)");
      }
    },
  },
  {
    // Source: checkov CKV2_AWS_11 (VPC flow logging enabled); CIS AWS Foundations 3.9.
    name: "vpc-flow-logs",
    description: "Every VPC has a flow log of all traffic.",
    validateStack: (args, report) => {
      const flowLogs = args.resources.filter((r) => r.type === FLOW_LOG);
      for (const vpc of args.resources.filter((r) => r.type === VPC)) {
        const covered = flowLogs.some(
          (f) =>
            f.dependencies.some((d) => d.urn === vpc.urn) &&
            (f.props as { trafficType?: string }).trafficType === "ALL",
        );
        if (!covered) report(`${vpc.name} has no flow log of ALL traffic`, vpc.urn);
      }
    },
  },
];
