import { describe, expect, it } from "vitest";
import {
  autoDiscoveryTags,
  CLUSTER_AUTOSCALER_IMAGE_TAGS,
  clusterAutoscalerPolicy,
  clusterAutoscalerValues,
} from "./autoscaler";
import { KUBERNETES_VERSIONS } from "./versions";

describe("Cluster Autoscaler", () => {
  it("scales only the groups tagged as its cluster's, and reads everywhere", () => {
    const doc = JSON.parse(clusterAutoscalerPolicy("causeway-dev")) as {
      Statement: { Action: string[]; Resource: string; Condition?: unknown }[];
    };
    const [read, write] = doc.Statement;
    expect(read!.Action.every((a) => /^(autoscaling|ec2|eks):(Describe|Get)/.test(a))).toBe(true);
    expect(read!.Condition).toBeUndefined();
    expect(write!.Action).toEqual([
      "autoscaling:SetDesiredCapacity",
      "autoscaling:TerminateInstanceInAutoScalingGroup",
    ]);
    expect(write!.Condition).toEqual({
      StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/causeway-dev": "owned" },
    });
    // The tag the policy requires is one the node groups carry.
    expect(autoDiscoveryTags("causeway-dev")).toEqual({
      "k8s.io/cluster-autoscaler/enabled": "true",
      "k8s.io/cluster-autoscaler/causeway-dev": "owned",
    });
  });

  it("pins an image whose minor matches each supported Kubernetes version", () => {
    for (const version of Object.keys(KUBERNETES_VERSIONS)) {
      expect(CLUSTER_AUTOSCALER_IMAGE_TAGS[version]).toMatch(new RegExp(`^v${version}\\.\\d+$`));
      const values = clusterAutoscalerValues("c", "eu-west-1", version);
      expect(values).toMatchObject({
        autoDiscovery: { clusterName: "c" },
        awsRegion: "eu-west-1",
        image: { tag: CLUSTER_AUTOSCALER_IMAGE_TAGS[version] },
        extraArgs: { "balance-similar-node-groups": true },
      });
    }
    expect(() => clusterAutoscalerValues("c", "eu-west-1", "1.29")).toThrow(
      "kubernetesVersion: no Cluster Autoscaler image is pinned for 1.29; add it to CLUSTER_AUTOSCALER_IMAGE_TAGS (infra/components/cluster/autoscaler.ts)",
    );
  });
});
