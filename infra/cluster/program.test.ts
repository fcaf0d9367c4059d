import { describe, expect, it } from "vitest";
import { evaluatePack } from "../policies/evaluate";
import { causewayPack } from "../policies/policies";
import { planClusterStack } from "../plan/cluster-project";
import { parseClusterConfig } from "./config";
import { CLUSTER_OUTPUTS, clusterStackName } from "./project";

/** The types the cluster rules judge: a plan without them would pass vacuously. */
const JUDGED = [
  "aws:eks/cluster:Cluster",
  "aws:eks/nodeGroup:NodeGroup",
  "aws:ec2/launchTemplate:LaunchTemplate",
  "aws:ec2/subnet:Subnet",
  "aws:ec2/vpc:Vpc",
  "aws:ec2/flowLog:FlowLog",
  "aws:iam/rolePolicy:RolePolicy",
];

describe.each([
  ["dev", 2, 1],
  ["staging", 3, 3],
  ["prod", 3, 3],
])("cluster stack %s", (stack, azs, nats) => {
  it(`plans ${azs} AZs and ${nats} NAT gateways with 0 policy violations, every child visible`, async () => {
    const plan = await planClusterStack(stack);
    const evaluation = await evaluatePack(plan, causewayPack);
    expect(evaluation.violations).toEqual([]);
    const types = new Set(plan.resources.map((r) => r.type));
    expect(JUDGED.filter((t) => !types.has(t))).toEqual([]);
    const count = (t: string) => plan.resources.filter((r) => r.type === t).length;
    expect(count("aws:eks/nodeGroup:NodeGroup")).toBe(azs);
    expect(count("aws:ec2/subnet:Subnet")).toBe(2 * azs);
    expect(count("aws:ec2/natGateway:NatGateway")).toBe(nats);
    expect(count("aws:eks/addon:Addon")).toBe(6);
    // Every resource but the stack is a child of the Network or Cluster component (no opaque
    // remote component): its parent is one of them, or one of theirs.
    const components = plan.resources.filter((r) => r.type.startsWith("causeway:"));
    expect(components.map((c) => c.type).sort()).toEqual([
      "causeway:index:Cluster",
      "causeway:index:Network",
    ]);
    const stackUrn = plan.resources.find((r) => r.type === "pulumi:pulumi:Stack")!.urn;
    const orphans = plan.resources.filter(
      (r) => r.parent === stackUrn && !r.type.startsWith("causeway:"),
    );
    expect(orphans.map((r) => r.type)).toEqual([]);
    expect(Object.keys(plan.outputs).sort()).toEqual([...CLUSTER_OUTPUTS].sort());
    // The Cluster Autoscaler: its chart, its Pod Identity role and its scoped policy, all
    // visible; and every node group tagged for it, its size left to it after the first deploy.
    const release = plan.resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
    expect(release.map((r) => [r.inputs["chart"], r.inputs["version"]])).toEqual([
      ["cluster-autoscaler", "9.52.1"],
    ]);
    expect(release[0]!.inputs["values"]).toMatchObject({
      autoDiscovery: { clusterName: `causeway-${stack}` },
      awsRegion: "eu-west-1",
      image: { tag: "v1.35.0" },
    });
    const identity = plan.resources.filter(
      (r) => r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    );
    expect(identity.map((r) => r.inputs["serviceAccount"])).toEqual(["cluster-autoscaler"]);
    for (const group of plan.resources.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup")) {
      expect(group.inputs["tags"]).toMatchObject({
        "k8s.io/cluster-autoscaler/enabled": "true",
        [`k8s.io/cluster-autoscaler/causeway-${stack}`]: "owned",
      });
      expect(group.ignoreChanges).toEqual(["scalingConfig.desiredSize"]);
    }
  });
});

describe("the policy pack judges the autoscaling", () => {
  it("refuses a node group without the discovery tags or room to grow, and an unscoped policy", async () => {
    const plan = await planClusterStack("dev");
    const broken = {
      ...plan,
      resources: plan.resources.map((r) => {
        if (r.type === "aws:eks/nodeGroup:NodeGroup") {
          return {
            ...r,
            inputs: { ...r.inputs, tags: {}, scalingConfig: { minSize: 2, maxSize: 2 } },
          };
        }
        if (
          r.type === "aws:iam/rolePolicy:RolePolicy" &&
          String(r.inputs["policy"]).includes("SetDesiredCapacity")
        ) {
          const doc = JSON.parse(String(r.inputs["policy"])) as {
            Statement: { Condition?: unknown }[];
          };
          for (const s of doc.Statement) delete s.Condition;
          return { ...r, inputs: { ...r.inputs, policy: JSON.stringify(doc) } };
        }
        return r;
      }),
    };
    const evaluation = await evaluatePack(broken, causewayPack);
    const by = (name: string) => evaluation.violations.filter((v) => v.policy === name);
    // Two AZs in dev: each group refused on three counts.
    expect(by("node-groups-autoscaled")).toHaveLength(6);
    expect(by("autoscaler-writes-scoped").map((v) => v.message)).toEqual([
      "autoscaling:SetDesiredCapacity, autoscaling:TerminateInstanceInAutoScalingGroup is allowed without a condition on aws:ResourceTag/k8s.io/cluster-autoscaler/<cluster>: limit it to the cluster's node groups",
    ]);
  });
});

describe("cluster config", () => {
  it("applies the tier's defaults and names the stack's problems at once", () => {
    const c = parseClusterConfig(
      {
        environment: "dev",
        availabilityZones: ["eu-west-1a", "eu-west-1b"],
        adminPrincipalArns: ["arn:aws:iam::111122223333:role/a"],
      },
      "dev",
    );
    expect(c).toMatchObject({
      clusterName: "causeway-dev",
      natGateways: "single",
      kubernetesVersion: "1.35",
    });
    expect(() =>
      parseClusterConfig(
        { environment: "qa", availabilityZones: [], kubernetesVersion: "1.27" },
        "x",
      ),
    ).toThrow(
      /causeway-cluster:environment: .*\n.*causeway-cluster:availabilityZones: .*\n.*causeway-cluster:kubernetesVersion: must be one of 1.33, 1.34, 1.35/,
    );
  });

  it("names the stack for Pulumi Cloud and for self-managed backends", () => {
    expect(clusterStackName("prod", "acme")).toBe("acme/causeway-cluster/prod");
    expect(clusterStackName("dev")).toBe("organization/causeway-cluster/dev");
  });
});
