/**
 * The Kubernetes versions the Cluster component creates, and the EKS add-on versions pinned for
 * each. Pure data, so it is unit-tested without Pulumi; update it with each EKS release.
 */

/** One supported Kubernetes minor version on EKS. */
export interface KubernetesVersionSupport {
  /** EKS release date (YYYY-MM-DD). */
  readonly released: string;
  /** End of standard support: after it the cluster bills extended support. */
  readonly endOfStandardSupport: string;
  /** End of extended support: after it EKS upgrades the cluster itself. */
  readonly endOfExtendedSupport: string;
  /** The pinned version of each EKS add-on, by add-on name. */
  readonly addons: Readonly<Record<EksAddonName, string>>;
}

/** The EKS add-ons every cluster runs, by their EKS add-on name. */
export const EKS_ADDONS = [
  "vpc-cni",
  "kube-proxy",
  "coredns",
  "eks-pod-identity-agent",
  "aws-ebs-csi-driver",
  "metrics-server",
] as const;
export type EksAddonName = (typeof EKS_ADDONS)[number];

// Add-on versions. Sources (read 2026-12-02):
// - kube-proxy and coredns: Amazon EKS User Guide, "Manage kube-proxy in Amazon EKS clusters" and
//   "Manage CoreDNS for DNS in Amazon EKS clusters", tables "latest version of the Amazon EKS
//   add-on type for each Kubernetes version"
//   (https://docs.amazonaws.cn/zh_cn/eks/latest/userguide/managing-kube-proxy.md,
//   https://docs.amazonaws.cn/zh_cn/eks/latest/userguide/managing-coredns.md).
// - vpc-cni: "Assign IPs to Pods with the Amazon VPC CNI", version table (v1.20.1-eksbuild.3
//   listed for 1.27-1.33; the add-on's versions are not tied to one Kubernetes minor).
// - eks-pod-identity-agent, aws-ebs-csi-driver, metrics-server (EKS community add-on): NOT read
//   from a published table here; confirm with
//   `aws eks describe-addon-versions --kubernetes-version <v> --addon-name <name>` before `up`.
// Re-checked 2026-12-03:
// - kube-proxy: all three confirmed by the table of managing-kube-proxy.md (zh_cn, above):
//   1.35 v1.35.3-eksbuild.2, 1.34 v1.34.6-eksbuild.2, 1.33 v1.33.10-eksbuild.2.
// - coredns: v1.13.2-eksbuild.4 is the table's entry for 1.33, 1.34 and 1.35 in
//   managing-coredns.md (zh_cn). The en_us copy of the same page is newer (1.35
//   v1.14.2-eksbuild.4, 1.34 v1.13.2-eksbuild.7): the pin is a listed version, not the latest.
// - vpc-cni: v1.20.1-eksbuild.3 is named as the latest in the EKS User Guide source
//   (awsdocs/amazon-eks-user-guide#1107, vpc-add-on-create.adoc); its support of 1.35 was not
//   read from a table.
// - eks-pod-identity-agent, aws-ebs-csi-driver, metrics-server: still NOT confirmed (no
//   published per-version table was found).
const VPC_CNI = "v1.20.1-eksbuild.3";
const COREDNS = "v1.13.2-eksbuild.4";
const POD_IDENTITY_AGENT = "v1.3.8-eksbuild.2";
const EBS_CSI = "v1.48.0-eksbuild.2";
const METRICS_SERVER = "v0.8.0-eksbuild.1";

/**
 * Kubernetes minor versions the component creates (at least 1.30 per the issue; the table holds
 * those still in standard support on 2026-12-02 and the newest in extended support).
 * Dates: Amazon EKS User Guide, "Understand the Kubernetes version lifecycle on EKS"
 * (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html; standard support
 * 14 months from release, extended support 12 more), as tabulated at
 * https://endoflife.date/amazon-eks.
 */
export const KUBERNETES_VERSIONS: Readonly<Record<string, KubernetesVersionSupport>> = {
  "1.33": {
    released: "2025-05-28",
    endOfStandardSupport: "2026-07-29",
    endOfExtendedSupport: "2027-07-29",
    addons: {
      "vpc-cni": VPC_CNI,
      "kube-proxy": "v1.33.10-eksbuild.2",
      coredns: COREDNS,
      "eks-pod-identity-agent": POD_IDENTITY_AGENT,
      "aws-ebs-csi-driver": EBS_CSI,
      "metrics-server": METRICS_SERVER,
    },
  },
  "1.34": {
    released: "2025-10-02",
    endOfStandardSupport: "2026-12-02",
    endOfExtendedSupport: "2027-12-02",
    addons: {
      "vpc-cni": VPC_CNI,
      "kube-proxy": "v1.34.6-eksbuild.2",
      coredns: COREDNS,
      "eks-pod-identity-agent": POD_IDENTITY_AGENT,
      "aws-ebs-csi-driver": EBS_CSI,
      "metrics-server": METRICS_SERVER,
    },
  },
  "1.35": {
    released: "2026-01-27",
    endOfStandardSupport: "2027-03-27",
    endOfExtendedSupport: "2028-03-27",
    addons: {
      "vpc-cni": VPC_CNI,
      "kube-proxy": "v1.35.3-eksbuild.2",
      coredns: COREDNS,
      "eks-pod-identity-agent": POD_IDENTITY_AGENT,
      "aws-ebs-csi-driver": EBS_CSI,
      "metrics-server": METRICS_SERVER,
    },
  },
};

/** The support entry of `version`, or a message naming the supported versions. */
export function kubernetesVersionSupport(
  version: string,
): { ok: true; support: KubernetesVersionSupport } | { ok: false; message: string } {
  const support = KUBERNETES_VERSIONS[version];
  if (support) return { ok: true, support };
  const known = Object.keys(KUBERNETES_VERSIONS).join(", ");
  return {
    ok: false,
    message: /^\d+\.\d+$/.test(version)
      ? `kubernetesVersion: ${version} is not supported by this component (supported: ${known}); pick one of those, or add the version and its pinned add-on versions to KUBERNETES_VERSIONS (infra/components/cluster/versions.ts)`
      : `kubernetesVersion: "${version}" is not a Kubernetes minor version such as 1.35 (supported: ${known})`,
  };
}
