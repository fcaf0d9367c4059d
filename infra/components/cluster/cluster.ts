import * as aws from "../shared/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  autoDiscoveryTags,
  CLUSTER_AUTOSCALER_CHART,
  CLUSTER_AUTOSCALER_NAMESPACE,
  CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
  clusterAutoscalerPolicy,
  clusterAutoscalerValues,
} from "./autoscaler";
import { ComponentArgsError } from "../shared/errors";
import { logGroupKey } from "../shared/log-key";
import { isIpv4Cidr } from "../shared/validators";
import { eksKubeconfig } from "./kubeconfig";
import { kubernetesVersionSupport, type EksAddonName } from "./versions";
import { formerType } from "../shared/type-token";

/** The managed node groups' settings; one node group per AZ. */
export interface ClusterNodesArgs {
  /** Instance types, all of the AMI type's architecture. Default `CLUSTER_DEFAULTS.nodes.instanceTypes`. */
  readonly instanceTypes?: readonly string[];
  /** EKS AMI type. Default `CLUSTER_DEFAULTS.nodes.amiType` (Graviton, arm64). */
  readonly amiType?: string;
  /** Nodes per AZ at least. Default `CLUSTER_DEFAULTS.nodes.minSizePerAz`. */
  readonly minSizePerAz?: number;
  /** Nodes per AZ at most. Default `CLUSTER_DEFAULTS.nodes.maxSizePerAz`. */
  readonly maxSizePerAz?: number;
  /** Nodes per AZ at creation. Default `CLUSTER_DEFAULTS.nodes.desiredSizePerAz`. */
  readonly desiredSizePerAz?: number;
  /** Encrypted gp3 root volume size in GiB. Default `CLUSTER_DEFAULTS.nodes.diskSizeGiB`. */
  readonly diskSizeGiB?: number;
}

/** Arguments of Cluster. */
export interface ClusterArgs {
  /** The VPC of the cluster. Required. */
  readonly vpcId: pulumi.Input<string>;
  /** Private subnets by AZ (`{ "eu-west-1a": subnetId, ... }`), at least two: the control plane's ENIs and one node group per AZ. Required. */
  readonly privateSubnetIds: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * IAM principals (role or user ARNs) given cluster-admin through an access entry. Required,
   * at least one: the creator is not made admin implicitly.
   */
  readonly adminPrincipalArns: readonly string[];
  /** EKS cluster name. Default: the component name. */
  readonly clusterName?: string;
  /** Kubernetes minor version, from `KUBERNETES_VERSIONS`. Default `CLUSTER_DEFAULTS.kubernetesVersion`. */
  readonly kubernetesVersion?: string;
  /** CIDR blocks allowed to reach the public API endpoint. Default: none, the endpoint is private only. */
  readonly publicAccessCidrs?: readonly string[];
  /** Managed node groups. Default `CLUSTER_DEFAULTS.nodes`. */
  readonly nodes?: ClusterNodesArgs;
  /** Days to keep the control-plane logs. Default `CLUSTER_DEFAULTS.logRetentionDays`. */
  readonly logRetentionDays?: number;
  /** Reclaim policy of the default gp3 StorageClass: `Delete` or `Retain`. Default `CLUSTER_DEFAULTS.storageReclaimPolicy`. */
  readonly storageReclaimPolicy?: "Delete" | "Retain";
  /** Tags for every AWS resource. Default `{}`. */
  readonly tags?: Readonly<Record<string, string>>;
}

export const CLUSTER_DEFAULTS = {
  kubernetesVersion: "1.35",
  logRetentionDays: 365,
  storageReclaimPolicy: "Delete",
  defaultStorageClass: "gp3-encrypted",
  nodes: {
    instanceTypes: ["m7g.large"],
    amiType: "AL2023_ARM_64_STANDARD",
    minSizePerAz: 1,
    maxSizePerAz: 3,
    desiredSizePerAz: 1,
    diskSizeGiB: 50,
  },
} as const;

/** Control-plane log types; all on. Source: Amazon EKS User Guide, "Send control plane logs to CloudWatch Logs". */
export const CONTROL_PLANE_LOG_TYPES = [
  "api",
  "audit",
  "authenticator",
  "controllerManager",
  "scheduler",
] as const;

/**
 * Ports on the nodes the control plane must reach for the admission webhooks the app stack
 * installs; both webhooks fail closed. Sources: the Consul connect-inject webhook listens on
 * 8080 (hashicorp/consul-k8s v1.9.11, charts/consul/templates/connect-inject-deployment.yaml and
 * connect-inject-service.yaml, targetPort 8080); the AWS Load Balancer Controller's webhook
 * server binds 9443 (aws-load-balancer-controller chart 3.5.0 values.yaml `webhookBindPort`,
 * "default 9443").
 */
export const WEBHOOK_PORTS = { consulConnectInject: 8080, loadBalancerController: 9443 } as const;

/**
 * Amazon EKS with everything the Causeway app stack needs: a pinned Kubernetes version, a
 * private API endpoint (public only for listed CIDRs), Secrets encrypted with a KMS key of its
 * own (rotation on), all control-plane logs, API authentication mode with access entries for the
 * admin principals (no aws-auth ConfigMap), the IAM OIDC provider, and pinned EKS add-ons:
 * vpc-cni with network policy enforcement, kube-proxy, coredns, the Pod Identity agent, the EBS
 * CSI driver (its role through Pod Identity) and metrics-server; an encrypted gp3 StorageClass
 * as the default; and rules letting the control plane reach the app's webhooks on the nodes.
 *
 * Compute is one EKS managed node group per AZ (Graviton by default): every node resource (the
 * launch template with IMDSv2 required and hop limit 2, encrypted gp3 root volumes, no public
 * addresses) is a plain `@pulumi/aws` resource, visible in the offline plan and judged by the
 * policy pack, and per-AZ groups keep EBS-backed pods (the Consul servers) schedulable in their
 * volume's AZ. Karpenter and Auto Mode create nodes from inside the cluster, out of the plan's
 * sight. The Cluster Autoscaler (Helm chart, Pod Identity role with a least-privilege policy,
 * node groups tagged for its auto-discovery) scales each group between its minimum and maximum
 * size per AZ (./autoscaler says why this one).
 */
export class Cluster extends pulumi.ComponentResource {
  /** The EKS cluster name. */
  readonly clusterName: pulumi.Output<string>;
  /** The Kubernetes minor version the cluster runs. */
  readonly kubernetesVersion: string;
  /** The kubeconfig (exec `aws eks get-token`); a Pulumi secret. */
  readonly kubeconfig: pulumi.Output<string>;
  /** The IAM OIDC provider's ARN, for IAM roles for service accounts (IRSA). */
  readonly oidcProviderArn: pulumi.Output<string>;
  /** The security group EKS creates for the control plane and nodes. */
  readonly clusterSecurityGroupId: pulumi.Output<string>;
  /** The nodes' own security group (the webhooks' ports are open to the control plane here). */
  readonly nodeSecurityGroupId: pulumi.Output<string>;
  /** The Kubernetes provider of this cluster, for resources in it. */
  readonly provider: k8s.Provider;

  constructor(name: string, args: ClusterArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("causeway:index:Cluster", name, {}, formerType("causeway:cluster:Cluster", opts));
    const d = CLUSTER_DEFAULTS;
    const clusterName = args.clusterName ?? name;
    const version = args.kubernetesVersion ?? d.kubernetesVersion;
    const publicCidrs = [...(args.publicAccessCidrs ?? [])];
    const nodes = { ...d.nodes, ...args.nodes };
    const azs = Object.keys(args.privateSubnetIds).sort();
    const problems: string[] = [];
    if (!/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(clusterName)) {
      problems.push(
        `clusterName: "${clusterName}" must be 1-100 letters, digits, '-' or '_', starting with a letter or digit (EKS CreateCluster name)`,
      );
    }
    const support = kubernetesVersionSupport(version);
    if (!support.ok) problems.push(support.message);
    if (azs.length < 2) {
      problems.push(
        `privateSubnetIds: give private subnets in at least two AZs (found ${azs.length}); EKS requires two`,
      );
    }
    if (args.adminPrincipalArns.length === 0) {
      problems.push(
        "adminPrincipalArns: give at least one IAM role or user ARN to administer the cluster (the creator gets no implicit access)",
      );
    }
    for (const arn of args.adminPrincipalArns) {
      if (!/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/.test(arn)) {
        problems.push(`adminPrincipalArns: "${arn}" is not an IAM role or user ARN`);
      }
    }
    for (const cidr of publicCidrs) {
      if (!isIpv4Cidr(cidr))
        problems.push(`publicAccessCidrs: "${cidr}" is not an IPv4 CIDR block`);
      else if (cidr.endsWith("/0")) {
        problems.push(
          `publicAccessCidrs: "${cidr}" opens the API endpoint to the internet; list your networks, or none for a private endpoint`,
        );
      }
    }
    if (nodes.instanceTypes.length === 0) problems.push("nodes.instanceTypes: give at least one");
    const arm = nodes.amiType.includes("ARM");
    for (const t of nodes.instanceTypes) {
      // Graviton families carry a "g" after the generation digit (m7g, c7gn, t4g, r8g).
      const graviton = /^[a-z]+\d+g[a-z]*\./.test(t);
      if (graviton !== arm) {
        problems.push(
          `nodes.instanceTypes: ${t} is ${graviton ? "arm64 (Graviton)" : "x86_64"} but amiType ${nodes.amiType} is ${arm ? "arm64" : "x86_64"}; keep one architecture`,
        );
      }
    }
    if (
      !(nodes.minSizePerAz >= 0 && nodes.minSizePerAz <= nodes.desiredSizePerAz) ||
      !(nodes.desiredSizePerAz <= nodes.maxSizePerAz && nodes.maxSizePerAz >= 1)
    ) {
      problems.push(
        `nodes: need 0 <= minSizePerAz <= desiredSizePerAz <= maxSizePerAz and maxSizePerAz >= 1 (found ${nodes.minSizePerAz}, ${nodes.desiredSizePerAz}, ${nodes.maxSizePerAz})`,
      );
    }
    if (problems.length > 0 || !support.ok) {
      throw new ComponentArgsError("Cluster", name, problems, this);
    }
    const addonVersions = support.support.addons;
    const parent = { parent: this };
    const tags = { ...args.tags };
    const partition = aws.getPartitionOutput({}, parent).partition;
    const region = aws.getRegionOutput({}, parent).region;
    const managed = (policy: string) =>
      pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}`;

    // Envelope encryption of Secrets. Source: Amazon EKS User Guide, "Encrypt Kubernetes
    // secrets with KMS on existing clusters" (symmetric key, same region).
    const secretsKey = new aws.kms.Key(
      `${name}-secrets`,
      {
        description: `Envelope encryption of the Kubernetes Secrets of EKS cluster ${clusterName}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags,
      },
      parent,
    );

    const clusterRole = new aws.iam.Role(
      `${name}-cluster`,
      {
        description: `EKS control plane of ${clusterName}`,
        assumeRolePolicy: servicePrincipalTrust("eks.amazonaws.com", [
          "sts:AssumeRole",
          "sts:TagSession",
        ]),
        tags,
      },
      parent,
    );
    const clusterPolicy = new aws.iam.RolePolicyAttachment(
      `${name}-cluster-policy`,
      { role: clusterRole.name, policyArn: managed("AmazonEKSClusterPolicy") },
      parent,
    );
    // EKS writes to /aws/eks/<name>/cluster; created first so it has a retention.
    const logGroupName = `/aws/eks/${clusterName}/cluster`;
    const logKey = logGroupKey(
      `${name}-control-plane-logs`,
      logGroupName,
      `Encrypts the control-plane logs of EKS cluster ${clusterName}`,
      tags,
      this,
    );
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-control-plane`,
      {
        name: logGroupName,
        retentionInDays: args.logRetentionDays ?? d.logRetentionDays,
        kmsKeyId: logKey.arn,
        tags,
      },
      parent,
    );

    const subnetIds = azs.map((az) => args.privateSubnetIds[az]!);
    const cluster = new aws.eks.Cluster(
      `${name}-eks`,
      {
        name: clusterName,
        version,
        roleArn: clusterRole.arn,
        vpcConfig: {
          subnetIds,
          endpointPrivateAccess: true,
          endpointPublicAccess: publicCidrs.length > 0,
          ...(publicCidrs.length > 0 ? { publicAccessCidrs: publicCidrs } : {}),
        },
        encryptionConfig: { provider: { keyArn: secretsKey.arn }, resources: ["secrets"] },
        enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
        // Source: Amazon EKS User Guide, "Grant IAM users access to Kubernetes with EKS access
        // entries": API mode uses access entries only (no aws-auth ConfigMap).
        accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
        // Standard support only: a version past it fails to plan (the table) rather than
        // silently billing extended support.
        upgradePolicy: { supportType: "STANDARD" },
        tags,
      },
      { parent: this, dependsOn: [clusterPolicy, logGroup] },
    );
    const eksName = cluster.name;

    for (const arn of [...args.adminPrincipalArns].sort()) {
      const key = principalKey(arn);
      const entry = new aws.eks.AccessEntry(
        `${name}-admin-${key}`,
        { clusterName: eksName, principalArn: arn, type: "STANDARD", tags },
        parent,
      );
      new aws.eks.AccessPolicyAssociation(
        `${name}-admin-${key}`,
        {
          clusterName: eksName,
          principalArn: arn,
          policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
          accessScope: { type: "cluster" },
        },
        { parent: this, dependsOn: [entry] },
      );
    }

    // IRSA. No thumbprint: IAM verifies the EKS OIDC issuer with its own trusted root CAs and
    // ignores thumbprints for it (IAM User Guide, "Obtain the thumbprint for an OpenID Connect
    // identity provider"); the IAM API makes ThumbprintList optional.
    const oidc = new aws.iam.OpenIdConnectProvider(
      `${name}-oidc`,
      {
        url: cluster.identities.apply((ids) => ids[0]?.oidcs?.[0]?.issuer ?? ""),
        clientIdLists: ["sts.amazonaws.com"],
        tags,
      },
      parent,
    );

    // Nodes: their own security group (the webhooks' rules) plus the cluster security group.
    // The security group EKS creates, read back once the cluster exists (unknown until then,
    // in a preview as in the offline plan).
    const clusterSg = aws.eks.getClusterOutput(
      { name: eksName },
      { parent: this, dependsOn: [cluster] },
    ).vpcConfig.clusterSecurityGroupId;
    const nodeSg = new aws.ec2.SecurityGroup(
      `${name}-nodes`,
      {
        vpcId: args.vpcId,
        description: `Nodes of EKS cluster ${clusterName}: admission webhooks from the control plane`,
        tags: { ...tags, Name: `${clusterName}-nodes` },
      },
      parent,
    );
    for (const [key, port] of Object.entries(WEBHOOK_PORTS)) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-webhook-${key}`,
        {
          securityGroupId: nodeSg.id,
          description: `Control plane to the ${key} admission webhook`,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          referencedSecurityGroupId: clusterSg,
          tags,
        },
        parent,
      );
    }

    const nodeRole = new aws.iam.Role(
      `${name}-nodes`,
      {
        description: `Managed node groups of EKS cluster ${clusterName}`,
        assumeRolePolicy: servicePrincipalTrust("ec2.amazonaws.com", ["sts:AssumeRole"]),
        tags,
      },
      parent,
    );
    // Source: Amazon EKS User Guide, "Amazon EKS node IAM role" (worker, ECR pull-only, CNI).
    const nodePolicies = [
      "AmazonEKSWorkerNodePolicy",
      "AmazonEC2ContainerRegistryPullOnly",
      "AmazonEKS_CNI_Policy",
    ].map(
      (policy) =>
        new aws.iam.RolePolicyAttachment(
          `${name}-nodes-${policy}`,
          { role: nodeRole.name, policyArn: managed(policy) },
          parent,
        ),
    );

    const addon = (
      addonName: EksAddonName,
      extra: Partial<aws.eks.AddonArgs> = {},
      dependsOn: pulumi.Resource[] = [],
    ) =>
      new aws.eks.Addon(
        `${name}-${addonName}`,
        {
          clusterName: eksName,
          addonName,
          addonVersion: addonVersions[addonName],
          resolveConflictsOnCreate: "OVERWRITE",
          resolveConflictsOnUpdate: "OVERWRITE",
          tags,
          ...extra,
        },
        { parent: this, dependsOn },
      );
    // Network policy enforcement. Source: Amazon EKS User Guide, "Limit Pod traffic with
    // Kubernetes network policies" (configuration value enableNetworkPolicy "true").
    const vpcCni = addon("vpc-cni", {
      configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
    });
    const kubeProxy = addon("kube-proxy");
    const podIdentityAgent = addon("eks-pod-identity-agent");

    // IMDSv2 only, hop limit 2 (pods on the node's network behind one more hop), encrypted gp3
    // root volume. Source: Amazon EKS User Guide, "Customize managed nodes with launch templates";
    // EKS Best Practices, "Restrict access to the instance profile assigned to the worker node".
    const launchTemplate = new aws.ec2.LaunchTemplate(
      `${name}-nodes`,
      {
        description: `Nodes of EKS cluster ${clusterName}`,
        updateDefaultVersion: true,
        vpcSecurityGroupIds: [clusterSg, nodeSg.id],
        metadataOptions: {
          httpEndpoint: "enabled",
          httpTokens: "required",
          httpPutResponseHopLimit: 2,
        },
        blockDeviceMappings: [
          {
            deviceName: "/dev/xvda",
            ebs: {
              volumeSize: nodes.diskSizeGiB,
              volumeType: "gp3",
              encrypted: "true",
              deleteOnTermination: "true",
            },
          },
        ],
        tagSpecifications: [
          { resourceType: "instance", tags: { ...tags, Name: `${clusterName}-node` } },
          { resourceType: "volume", tags: { ...tags, Name: `${clusterName}-node` } },
        ],
        tags,
      },
      parent,
    );
    const nodeGroups = azs.map(
      (az) =>
        new aws.eks.NodeGroup(
          `${name}-nodes-${az}`,
          {
            clusterName: eksName,
            nodeGroupName: `${clusterName}-${az}`,
            nodeRoleArn: nodeRole.arn,
            subnetIds: [args.privateSubnetIds[az]!],
            amiType: nodes.amiType,
            instanceTypes: [...nodes.instanceTypes],
            capacityType: "ON_DEMAND",
            scalingConfig: {
              minSize: nodes.minSizePerAz,
              maxSize: nodes.maxSizePerAz,
              desiredSize: nodes.desiredSizePerAz,
            },
            updateConfig: { maxUnavailable: 1 },
            launchTemplate: {
              id: launchTemplate.id,
              version: pulumi.interpolate`${launchTemplate.latestVersion}`,
            },
            labels: { "topology.kubernetes.io/zone": az },
            // The Cluster Autoscaler's auto-discovery tags (see ./autoscaler).
            tags: { ...tags, ...autoDiscoveryTags(clusterName) },
          },
          {
            parent: this,
            dependsOn: [...nodePolicies, vpcCni, kubeProxy, podIdentityAgent],
            // The Cluster Autoscaler owns the node count: a later deploy must not reset it.
            ignoreChanges: ["scalingConfig.desiredSize"],
          },
        ),
    );

    addon("coredns", {}, nodeGroups);
    addon("metrics-server", {}, nodeGroups);
    // The EBS CSI controller's AWS credentials, through Pod Identity. Source: Amazon EKS User
    // Guide, "Store Kubernetes volumes with Amazon EBS" (AmazonEBSCSIDriverPolicy, service
    // account ebs-csi-controller-sa).
    const ebsRole = new aws.iam.Role(
      `${name}-ebs-csi`,
      {
        description: `EBS CSI driver of EKS cluster ${clusterName} (Pod Identity)`,
        assumeRolePolicy: servicePrincipalTrust("pods.eks.amazonaws.com", [
          "sts:AssumeRole",
          "sts:TagSession",
        ]),
        tags,
      },
      parent,
    );
    const ebsPolicy = new aws.iam.RolePolicyAttachment(
      `${name}-ebs-csi`,
      { role: ebsRole.name, policyArn: managed("service-role/AmazonEBSCSIDriverPolicy") },
      parent,
    );
    const ebsCsi = addon(
      "aws-ebs-csi-driver",
      {
        podIdentityAssociations: [
          { roleArn: ebsRole.arn, serviceAccount: "ebs-csi-controller-sa" },
        ],
      },
      [...nodeGroups, ebsPolicy, podIdentityAgent],
    );

    const endpoint = cluster.endpoint;
    const ca = cluster.certificateAuthority.apply((c) => c.data ?? "");
    this.kubeconfig = pulumi.secret(
      eksKubeconfig({ clusterName: eksName, endpoint, certificateAuthority: ca, region }),
    );
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: this.kubeconfig, clusterIdentifier: clusterName, enableServerSideApply: true },
      parent,
    );
    // The default class: encrypted gp3. EKS 1.30+ no longer marks gp2 as the default (Amazon EKS
    // User Guide, "Review release notes for Kubernetes versions on standard support", 1.30).
    new k8s.storage.v1.StorageClass(
      `${name}-gp3`,
      {
        metadata: {
          name: d.defaultStorageClass,
          annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
        },
        provisioner: "ebs.csi.aws.com",
        parameters: { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" },
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
        reclaimPolicy: args.storageReclaimPolicy ?? d.storageReclaimPolicy,
      },
      { parent: this, provider: this.provider, dependsOn: [ebsCsi] },
    );

    // The Cluster Autoscaler scales the node groups between their min and max sizes. Its AWS
    // credentials come through Pod Identity, with the least-privilege policy of ./autoscaler.
    const autoscalerRole = new aws.iam.Role(
      `${name}-cluster-autoscaler`,
      {
        description: `Cluster Autoscaler of EKS cluster ${clusterName} (Pod Identity)`,
        assumeRolePolicy: servicePrincipalTrust("pods.eks.amazonaws.com", [
          "sts:AssumeRole",
          "sts:TagSession",
        ]),
        tags,
      },
      parent,
    );
    const autoscalerPolicy = new aws.iam.RolePolicy(
      `${name}-cluster-autoscaler`,
      { role: autoscalerRole.name, policy: clusterAutoscalerPolicy(clusterName) },
      parent,
    );
    const autoscalerIdentity = new aws.eks.PodIdentityAssociation(
      `${name}-cluster-autoscaler`,
      {
        clusterName: eksName,
        namespace: CLUSTER_AUTOSCALER_NAMESPACE,
        serviceAccount: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
        roleArn: autoscalerRole.arn,
        tags,
      },
      { parent: this, dependsOn: [podIdentityAgent] },
    );
    new k8s.helm.v3.Release(
      `${name}-cluster-autoscaler`,
      {
        name: "cluster-autoscaler",
        chart: CLUSTER_AUTOSCALER_CHART.name,
        version: CLUSTER_AUTOSCALER_CHART.version,
        repositoryOpts: { repo: CLUSTER_AUTOSCALER_CHART.repo },
        namespace: CLUSTER_AUTOSCALER_NAMESPACE,
        atomic: true,
        values: region.apply((r) => clusterAutoscalerValues(clusterName, r, version)),
      },
      {
        parent: this,
        provider: this.provider,
        dependsOn: [autoscalerPolicy, autoscalerIdentity, ...nodeGroups],
      },
    );

    this.clusterName = eksName;
    this.kubernetesVersion = version;
    this.oidcProviderArn = oidc.arn;
    this.clusterSecurityGroupId = clusterSg;
    this.nodeSecurityGroupId = nodeSg.id;
    this.registerOutputs({
      clusterName: this.clusterName,
      kubernetesVersion: this.kubernetesVersion,
      kubeconfig: this.kubeconfig,
      oidcProviderArn: this.oidcProviderArn,
      clusterSecurityGroupId: this.clusterSecurityGroupId,
      nodeSecurityGroupId: this.nodeSecurityGroupId,
    });
  }
}

function servicePrincipalTrust(service: string, actions: string[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: actions }],
  });
}

/** A stable, readable child-name key for an IAM principal ARN: its type and name. */
export function principalKey(arn: string): string {
  const [, , , , , resource = arn] = arn.split(":");
  return resource
    .replace(/[^A-Za-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .toLowerCase();
}
