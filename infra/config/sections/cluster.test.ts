import { describe, expect, it } from "vitest";
import { configProblems } from "../../test/config-problems";
import { fixtureConfig, planFixture, rawFixtureConfig } from "../../test/fixtures";
import {
  DEFAULT_KUBERNETES_VERSION,
  isSupportedKubernetesVersion,
  KUBERNETES_VERSION_MESSAGE,
} from "./cluster";

describe("causeway:cluster.kubernetesVersion", () => {
  it("defaults to a supported version, and takes the one a stack names", () => {
    expect(fixtureConfig("dev").cluster.kubernetesVersion).toBe(DEFAULT_KUBERNETES_VERSION);
    expect(isSupportedKubernetesVersion(DEFAULT_KUBERNETES_VERSION)).toBe(true);
    const named = fixtureConfig("prod", { "causeway:cluster": { kubernetesVersion: "1.30" } });
    expect(named.cluster.kubernetesVersion).toBe("1.30");
  });

  it.each([
    ["1.29", false],
    ["1.30", true],
    ["1.35", true],
    ["2.0", true],
    ["1.9", false],
  ])("%s supported: %s", (version, supported) => {
    expect(isSupportedKubernetesVersion(version)).toBe(supported);
  });

  it("refuses a cluster below 1.30, naming the key and the fix", () => {
    expect(
      configProblems(
        rawFixtureConfig("staging", { "causeway:cluster": { kubernetesVersion: "1.29" } }),
      ),
    ).toEqual([`causeway:cluster.kubernetesVersion: ${KUBERNETES_VERSION_MESSAGE} (found "1.29")`]);
    expect(KUBERNETES_VERSION_MESSAGE).toContain("causeway:cluster.kubernetesVersion");
  });

  it("refuses a version that is not <major>.<minor>", () => {
    expect(
      configProblems(
        rawFixtureConfig("dev", { "causeway:cluster": { kubernetesVersion: "v1.31.2" } }),
      ),
    ).toEqual([
      'causeway:cluster.kubernetesVersion: must be a Kubernetes version <major>.<minor>, such as 1.33 (found "v1.31.2")',
    ]);
  });

  it("fails the plan of a stack on an old cluster before anything is planned", async () => {
    await expect(
      planFixture("dev", { "causeway:cluster": { kubernetesVersion: "1.28" } }),
    ).rejects.toThrow(`causeway:cluster.kubernetesVersion: ${KUBERNETES_VERSION_MESSAGE}`);
  });
});
