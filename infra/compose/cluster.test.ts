import { describe, expect, it } from "vitest";
import { KUBERNETES_VERSION_MESSAGE } from "../config/sections/cluster";
import { planFixture } from "../test/fixtures";
import { clusterVersionProblem } from "./cluster";

describe("the cluster's own Kubernetes version", () => {
  it.each<[string | undefined, string | undefined]>([
    ["1.33", undefined],
    ["1.30", undefined],
    ["1.30.4", undefined],
    [undefined, undefined],
    [
      "1.29",
      `causeway:cluster.kubernetesVersion: the EKS cluster "shop" runs Kubernetes 1.29; ${KUBERNETES_VERSION_MESSAGE}`,
    ],
  ])("%s -> %s", (version, problem) => {
    expect(clusterVersionProblem("shop", version)).toBe(problem);
  });

  it("keeps the provider's kubeconfig secret, behind the version check", async () => {
    const plan = await planFixture("dev");
    const provider = plan.get("pulumi:providers:kubernetes", "cluster");
    expect(provider.inputs["kubeconfig"]).toBe("[secret]");
    expect(provider.inputs["clusterIdentifier"]).toBe("fixture-dev");
  });
});
