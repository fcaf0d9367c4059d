import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { planProgram } from "../../plan/harness";
import { Cluster, principalKey, WEBHOOK_PORTS, type ClusterArgs } from "./cluster";
import { EKS_ADDONS, KUBERNETES_VERSIONS, kubernetesVersionSupport } from "./versions";

const args: ClusterArgs = {
  vpcId: "vpc-0123456789abcdef0",
  privateSubnetIds: {
    "eu-west-1b": "subnet-0bbbbbbbbbbbbbbb2",
    "eu-west-1a": "subnet-0aaaaaaaaaaaaaaa1",
  },
  adminPrincipalArns: ["arn:aws:iam::111122223333:role/platform-admin"],
};

async function plan(a: ClusterArgs = args) {
  return planProgram(async () => {
    new Cluster("k", a);
  });
}

describe("Kubernetes versions", () => {
  it("pin every add-on for each supported version, all at least 1.30", () => {
    for (const [version, support] of Object.entries(KUBERNETES_VERSIONS)) {
      expect(Number(version.split(".")[1])).toBeGreaterThanOrEqual(30);
      expect(Object.keys(support.addons).sort()).toEqual([...EKS_ADDONS].sort());
      for (const v of Object.values(support.addons))
        expect(v).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
      expect(support.endOfStandardSupport < support.endOfExtendedSupport).toBe(true);
    }
  });

  it("refuses a version outside the table, naming the supported ones", () => {
    expect(kubernetesVersionSupport("1.29")).toEqual({
      ok: false,
      message:
        "kubernetesVersion: 1.29 is not supported by this component (supported: 1.33, 1.34, 1.35); pick one of those, or add the version and its pinned add-on versions to KUBERNETES_VERSIONS (infra/components/cluster/versions.ts)",
    });
  });
});

describe("Cluster", () => {
  it("creates a private, encrypted, fully logged EKS cluster with access entries", async () => {
    const p = await plan();
    expect(p.get("aws:eks/cluster:Cluster", "k-eks").inputs).toMatchObject({
      name: "k",
      version: "1.35",
      vpcConfig: {
        endpointPrivateAccess: true,
        endpointPublicAccess: false,
        subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"],
      },
      encryptionConfig: { resources: ["secrets"] },
      enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
    });
    expect(p.get("aws:kms/key:Key", "k-secrets").inputs).toMatchObject({ enableKeyRotation: true });
    expect(p.get("aws:cloudwatch/logGroup:LogGroup", "k-control-plane").inputs).toMatchObject({
      name: "/aws/eks/k/cluster",
      retentionInDays: 365,
      kmsKeyId: expect.stringContaining("k-control-plane-logs"),
    });
    expect(
      p.get(
        "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
        "k-admin-role-platform-admin",
      ).inputs,
    ).toMatchObject({
      principalArn: "arn:aws:iam::111122223333:role/platform-admin",
      policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
      accessScope: { type: "cluster" },
    });
    const oidc = p.get("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "k-oidc").inputs;
    expect(oidc["clientIdLists"]).toEqual(["sts.amazonaws.com"]);
    expect(oidc["thumbprintLists"]).toBeUndefined();
  });

  it("opens the public endpoint only to the listed CIDRs, and refuses the world", async () => {
    const p = await plan({ ...args, publicAccessCidrs: ["203.0.113.0/24"] });
    expect(p.get("aws:eks/cluster:Cluster", "k-eks").inputs["vpcConfig"]).toMatchObject({
      endpointPublicAccess: true,
      publicAccessCidrs: ["203.0.113.0/24"],
    });
    await expect(plan({ ...args, publicAccessCidrs: ["0.0.0.0/0"] })).rejects.toThrow(
      'publicAccessCidrs: "0.0.0.0/0" opens the API endpoint to the internet',
    );
  });

  it("runs one Graviton node group per AZ from a launch template with IMDSv2 and encrypted gp3", async () => {
    const p = await plan();
    expect(p.byType("aws:eks/nodeGroup:NodeGroup").map((n) => n.inputs["subnetIds"])).toEqual([
      ["subnet-0aaaaaaaaaaaaaaa1"],
      ["subnet-0bbbbbbbbbbbbbbb2"],
    ]);
    expect(p.get("aws:eks/nodeGroup:NodeGroup", "k-nodes-eu-west-1a").inputs).toMatchObject({
      amiType: "AL2023_ARM_64_STANDARD",
      instanceTypes: ["m7g.large"],
      scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 3 },
    });
    expect(p.get("aws:ec2/launchTemplate:LaunchTemplate", "k-nodes").inputs).toMatchObject({
      metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 },
      blockDeviceMappings: [{ ebs: { volumeType: "gp3", encrypted: "true" } }],
    });
  });

  it("pins the add-ons, with network policy on and the EBS CSI role through Pod Identity", async () => {
    const p = await plan();
    const addons = Object.fromEntries(
      p.byType("aws:eks/addon:Addon").map((a) => [a.inputs["addonName"], a.inputs["addonVersion"]]),
    );
    expect(addons).toEqual(KUBERNETES_VERSIONS["1.35"]!.addons);
    expect(p.get("aws:eks/addon:Addon", "k-vpc-cni").inputs["configurationValues"]).toBe(
      '{"enableNetworkPolicy":"true"}',
    );
    expect(
      p.get("aws:eks/addon:Addon", "k-aws-ebs-csi-driver").inputs["podIdentityAssociations"],
    ).toMatchObject([{ serviceAccount: "ebs-csi-controller-sa" }]);
    expect(p.get("kubernetes:storage.k8s.io/v1:StorageClass", "k-gp3").inputs).toMatchObject({
      metadata: {
        name: "gp3-encrypted",
        annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
      },
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true" },
    });
  });

  it("lets the control plane reach the Consul injector (8080) and LB controller (9443) webhooks", async () => {
    const p = await plan();
    const rules = p
      .byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
      .map((r) => [r.inputs["fromPort"], r.inputs["toPort"], r.inputs["ipProtocol"]]);
    expect(rules.sort()).toEqual([
      [WEBHOOK_PORTS.consulConnectInject, 8080, "tcp"],
      [WEBHOOK_PORTS.loadBalancerController, 9443, "tcp"],
    ]);
  });

  it("keeps the kubeconfig secret", async () => {
    let cluster: Cluster | undefined;
    await planProgram(async () => {
      cluster = new Cluster("k", args);
    });
    expect(await pulumi.isSecret(cluster!.kubeconfig)).toBe(true);
  });

  it("refuses bad arguments, all at once", async () => {
    await expect(
      plan({
        ...args,
        privateSubnetIds: { "eu-west-1a": "subnet-1" },
        adminPrincipalArns: [],
        kubernetesVersion: "1.28",
        nodes: { instanceTypes: ["m7i.large"] },
      }),
    ).rejects.toThrow(
      [
        'Cluster "k": 4 invalid arguments:',
        "  - kubernetesVersion: 1.28 is not supported by this component (supported: 1.33, 1.34, 1.35); pick one of those, or add the version and its pinned add-on versions to KUBERNETES_VERSIONS (infra/components/cluster/versions.ts)",
        "  - privateSubnetIds: give private subnets in at least two AZs (found 1); EKS requires two",
        "  - adminPrincipalArns: give at least one IAM role or user ARN to administer the cluster (the creator gets no implicit access)",
        "  - nodes.instanceTypes: m7i.large is x86_64 but amiType AL2023_ARM_64_STANDARD is arm64; keep one architecture",
      ].join("\n"),
    );
  });

  it("names access entries by the principal, not by position", () => {
    expect(principalKey("arn:aws:iam::111122223333:role/team/Admin")).toBe("role-team-admin");
  });
});
