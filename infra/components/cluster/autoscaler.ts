/**
 * The Cluster Autoscaler's pure pieces: its auto-discovery tags, its least-privilege IAM policy,
 * its pinned chart and image, and its Helm values. Unit-tested without Pulumi.
 *
 * Why the Cluster Autoscaler (and not Karpenter or EKS Auto Mode): it scales the managed node
 * groups this component already creates, so every node resource stays a plain `@pulumi/aws`
 * resource the offline plan shows and the policy pack judges (launch template with IMDSv2, no
 * public IPs, encrypted volumes), and it never creates nodes outside them. With one group per
 * AZ and `balance-similar-node-groups`, it keeps the AZs even and scales up in the AZ of a
 * pending pod's EBS volume (the Consul servers'), which a single multi-AZ group cannot promise.
 */

/** The service account the chart runs as (chart value `rbac.serviceAccount.name`). */
export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = "cluster-autoscaler";
export const CLUSTER_AUTOSCALER_NAMESPACE = "kube-system";

/**
 * The chart, from https://kubernetes.github.io/autoscaler. 9.52.1 was published 2025-10-20
 * (kubernetes/autoscaler release cluster-autoscaler-chart-9.52.1).
 */
export const CLUSTER_AUTOSCALER_CHART = {
  name: "cluster-autoscaler",
  version: "9.52.1",
  repo: "https://kubernetes.github.io/autoscaler",
} as const;

/**
 * The autoscaler's image per Kubernetes minor: its minor must match the cluster's
 * (kubernetes/autoscaler cluster-autoscaler/README.md, "Releases"). Sources: v1.33.1 and
 * v1.34.0 as kops pins them (kubernetes/kops#17640, pkg/model/components/clusterautoscaler.go).
 * v1.35.0 follows the project's rule of a x.y.0 release per Kubernetes minor, but was NOT
 * confirmed from a published list here: check registry.k8s.io/autoscaling/cluster-autoscaler
 * tags before `up` on 1.35.
 */
export const CLUSTER_AUTOSCALER_IMAGE_TAGS: Readonly<Record<string, string>> = {
  "1.33": "v1.33.1",
  "1.34": "v1.34.0",
  "1.35": "v1.35.0",
};

/**
 * The tags the autoscaler's `--node-group-auto-discovery=asg:tag=...` finds a group by, and
 * that its IAM policy's write actions require. EKS also puts them on the Auto Scaling group of
 * every managed node group (Amazon EKS User Guide, "Simplify node lifecycle with managed node
 * groups": "automatically tagged for auto-discovery by the Kubernetes Cluster Autoscaler").
 */
export function autoDiscoveryTags(clusterName: string): Record<string, string> {
  return {
    "k8s.io/cluster-autoscaler/enabled": "true",
    [`k8s.io/cluster-autoscaler/${clusterName}`]: "owned",
  };
}

/**
 * Least privilege, after the "Minimal IAM Permissions Policy" of the autoscaler's AWS provider
 * (kubernetes/autoscaler cluster-autoscaler/cloudprovider/aws/README.md, "IAM Policy"): reads
 * anywhere (Describe* takes no resource-level permissions), and the two write actions only on
 * Auto Scaling groups tagged as this cluster's.
 */
export function clusterAutoscalerPolicy(clusterName: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Discover",
        Effect: "Allow",
        Action: [
          "autoscaling:DescribeAutoScalingGroups",
          "autoscaling:DescribeAutoScalingInstances",
          "autoscaling:DescribeLaunchConfigurations",
          "autoscaling:DescribeScalingActivities",
          "autoscaling:DescribeTags",
          "ec2:DescribeImages",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplateVersions",
          "ec2:GetInstanceTypesFromInstanceRequirements",
          "eks:DescribeNodegroup",
        ],
        Resource: "*",
      },
      {
        Sid: "ScaleOwnGroups",
        Effect: "Allow",
        Action: [
          "autoscaling:SetDesiredCapacity",
          "autoscaling:TerminateInstanceInAutoScalingGroup",
        ],
        Resource: "*",
        Condition: {
          StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned" },
        },
      },
    ],
  });
}

/** The chart's values (chart 9.52.1 values.yaml keys). */
export function clusterAutoscalerValues(
  clusterName: string,
  region: string,
  kubernetesVersion: string,
): Record<string, unknown> {
  const tag = CLUSTER_AUTOSCALER_IMAGE_TAGS[kubernetesVersion];
  if (tag === undefined) {
    throw new Error(
      `kubernetesVersion: no Cluster Autoscaler image is pinned for ${kubernetesVersion}; add it to CLUSTER_AUTOSCALER_IMAGE_TAGS (infra/components/cluster/autoscaler.ts)`,
    );
  }
  return {
    cloudProvider: "aws",
    awsRegion: region,
    autoDiscovery: { clusterName },
    image: { tag },
    rbac: { serviceAccount: { create: true, name: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT } },
    extraArgs: {
      // One group per AZ: keep them even, and add the node where the pending pod fits best.
      "balance-similar-node-groups": true,
      expander: "least-waste",
      "skip-nodes-with-system-pods": false,
    },
    podDisruptionBudget: { maxUnavailable: 1 },
    // On the nodes it scales, never evicted by its own scale-down.
    podAnnotations: { "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" },
    priorityClassName: "system-cluster-critical",
    securityContext: { runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534 },
    containerSecurityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    },
  };
}
