import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { planProgram } from "../../plan/harness";
import { ConsulCluster } from "./consul-cluster";
import { EVEN_SERVERS_MESSAGE } from "./values";

const RELEASE = "kubernetes:helm.sh/v3:Release";

/** A program of someone else's: plain args, its own provider, no Causeway stack or config. */
async function planConsul(args: Partial<ConstructorParameters<typeof ConsulCluster>[1]> = {}) {
  return planProgram(async () => {
    const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1\nkind: Config" });
    new ConsulCluster(
      "mesh",
      { chartVersion: "1.9.11", consulVersion: "1.22.7", ...args },
      { provider },
    );
    return {};
  });
}

describe("ConsulCluster in a plain program", () => {
  it("installs the pinned chart from HashiCorp's repository into its own namespace", async () => {
    const plan = await planConsul();
    const release = plan.get(RELEASE, "mesh-chart");
    expect(release.inputs).toMatchObject({
      name: "mesh",
      chart: "consul",
      version: "1.9.11",
      repositoryOpts: { repo: "https://helm.releases.hashicorp.com" },
      namespace: "consul",
      createNamespace: false,
      timeout: 900,
      cleanupOnFail: true,
    });
    expect(release.provider).toBe(
      "urn:pulumi:test::causeway::pulumi:pulumi:Stack$pulumi:providers:kubernetes::k8s",
    );
    const values = release.inputs["values"] as Record<string, Record<string, unknown>>;
    expect(values["global"]!["image"]).toBe("hashicorp/consul:1.22.7");
    expect(values["server"]!["replicas"]).toBe(3);
  });

  it("labels the Consul namespace Pod Security restricted", async () => {
    const plan = await planConsul();
    expect(plan.get("kubernetes:core/v1:Namespace", "mesh-namespace").inputs).toEqual({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name: "consul",
        labels: {
          "app.kubernetes.io/part-of": "consul",
          "pod-security.kubernetes.io/audit": "restricted",
          "pod-security.kubernetes.io/enforce": "restricted",
          "pod-security.kubernetes.io/enforce-version": "latest",
          "pod-security.kubernetes.io/warn": "restricted",
        },
      },
    });
  });

  it("generates a 32-byte gossip key and stores it in a Secret; no key value reaches the plan", async () => {
    const plan = await planConsul();
    const key = plan.get("random:index/randomBytes:RandomBytes", "mesh-gossip-key");
    expect(key.inputs).toEqual({ length: 32 });
    const secret = plan.get("kubernetes:core/v1:Secret", "mesh-gossip-key");
    // Random bytes are generated at apply time and are secret: the plan shows only [secret].
    expect(secret.inputs).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      type: "Opaque",
      metadata: { name: "mesh-gossip-encryption-key", namespace: "consul" },
      stringData: "[secret]",
    });
    expect(secret.dependencies).toContain(key.urn);
    const values = plan.get(RELEASE, "mesh-chart").inputs["values"] as {
      global: { gossipEncryption: unknown };
    };
    expect(values.global.gossipEncryption).toEqual({
      autoGenerate: false,
      secretName: "mesh-gossip-encryption-key",
      secretKey: "key",
    });
  });

  it("keeps the gossip key a Pulumi secret (the random provider alone does not, under mocks)", async () => {
    let cluster: ConsulCluster | undefined;
    await planProgram(async () => {
      cluster = new ConsulCluster("mesh", { chartVersion: "1.9.11", consulVersion: "1.22.7" });
      return {};
    });
    expect(await pulumi.isSecret(cluster!.gossipKey)).toBe(true);
  });

  it("installs the chart only after its namespace and the gossip Secret exist", async () => {
    const plan = await planConsul();
    const release = plan.get(RELEASE, "mesh-chart");
    expect(release.dependencies).toEqual(
      expect.arrayContaining([
        plan.get("kubernetes:core/v1:Namespace", "mesh-namespace").urn,
        plan.get("kubernetes:core/v1:Secret", "mesh-gossip-key").urn,
      ]),
    );
  });

  it("parents every child to the component and names them after it", async () => {
    const plan = await planConsul();
    const component = plan.get("causeway:index:ConsulCluster", "mesh");
    expect(
      plan
        .children(component)
        .map((r) => `${r.type} ${r.name}`)
        .sort(),
    ).toEqual([
      "kubernetes:core/v1:Namespace mesh-namespace",
      "kubernetes:core/v1:Secret mesh-gossip-key",
      "kubernetes:helm.sh/v3:Release mesh-chart",
      "kubernetes:storage.k8s.io/v1:StorageClass mesh-storage",
      "random:index/randomBytes:RandomBytes mesh-gossip-key",
    ]);
  });

  it("puts the servers on an encrypted gp3 StorageClass it creates, unless one is named", async () => {
    const plan = await planConsul();
    const storageClass = plan.get("kubernetes:storage.k8s.io/v1:StorageClass", "mesh-storage");
    expect(storageClass.inputs).toEqual({
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: "mesh-gp3-encrypted", labels: { "app.kubernetes.io/part-of": "consul" } },
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true" },
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
      reclaimPolicy: "Delete",
    });
    // A fixed name the StatefulSet's claim templates keep: replaced by delete, then create.
    expect(storageClass.deleteBeforeReplace).toBe(true);
    const release = plan.get(RELEASE, "mesh-chart");
    expect(release.dependencies).toContain(storageClass.urn);
    const values = release.inputs["values"] as { server: Record<string, unknown> };
    expect(values.server["storageClass"]).toBe("mesh-gp3-encrypted");

    const named = await planConsul({ storageClass: "gp2" });
    expect(named.byType("kubernetes:storage.k8s.io/v1:StorageClass")).toEqual([]);
    const namedValues = named.get(RELEASE, "mesh-chart").inputs["values"] as {
      server: Record<string, unknown>;
    };
    expect(namedValues.server["storageClass"]).toBe("gp2");
  });

  it.each([2, 4])("refuses %i servers before creating anything", async (servers) => {
    await expect(planConsul({ servers })).rejects.toThrow(
      `ConsulCluster "mesh": 1 invalid argument:\n  - servers ${EVEN_SERVERS_MESSAGE} (found ${servers})`,
    );
  });
});
