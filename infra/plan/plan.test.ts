import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { describe, expect, it } from "vitest";
import { planProgram, planStack } from "./harness";
import { renderJson } from "./render-json";
import { renderText } from "./render-text";

const dev = "urn:pulumi:dev::causeway::pulumi:pulumi:Stack";

describe("offline plan of the dev stack", () => {
  it("captures type, parent, provider and exact inputs", async () => {
    const plan = await planStack("dev");
    const ns = plan.get("kubernetes:core/v1:Namespace", "app-namespace");
    expect(ns).toMatchObject({
      urn: `${dev}$kubernetes:core/v1:Namespace::app-namespace`,
      parent: `${dev}::causeway-dev`,
      provider: `${dev}$pulumi:providers:kubernetes::cluster`,
      protect: false,
      read: false,
    });
    expect(ns.inputs).toEqual({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name: "causeway",
        labels: {
          "app.kubernetes.io/part-of": "causeway",
          "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled",
          "pod-security.kubernetes.io/audit": "restricted",
          "pod-security.kubernetes.io/enforce": "restricted",
          "pod-security.kubernetes.io/enforce-version": "latest",
          "pod-security.kubernetes.io/warn": "restricted",
        },
      },
    });
  });

  it("reads the kubeconfig from the cluster stack as a secret and never prints it", async () => {
    const plan = await planStack("dev");
    const ref = plan.get("pulumi:pulumi:StackReference", "cluster-stack");
    expect(ref).toMatchObject({ read: true, inputs: { name: "acme/causeway-cluster/dev" } });
    const provider = plan.get("pulumi:providers:kubernetes", "cluster");
    expect(provider.inputs["kubeconfig"]).toBe("[secret]");
    expect(provider.dependencies).toEqual([ref.urn]);
    expect(renderJson(plan)).not.toContain("known after apply: output");
  });

  it("masks a secure kubeconfig given in the stack file", async () => {
    const plan = await planStack("dev", {
      "causeway:cluster": { stackReference: null, kubeconfig: { secure: "v1:AAAA" } },
    });
    expect(plan.byType("pulumi:providers:kubernetes")).toHaveLength(1);
    expect(plan.get("pulumi:providers:kubernetes", "cluster").inputs["kubeconfig"]).toBe(
      "[secret]",
    );
    expect(plan.byType("pulumi:pulumi:StackReference")).toEqual([]);
    expect(renderJson(plan)).not.toContain("offline-plan-secret-value");
    expect(renderText(plan)).not.toContain("offline-plan-secret-value");
  });

  it("exports the stack outputs", async () => {
    const plan = await planStack("dev");
    expect(plan.outputs).toEqual({
      albDnsName: "(known after apply)",
      brokerEndpoint: "(known after apply)",
      databaseAddress: "(known after apply)",
      environment: "dev",
      namespace: "causeway",
      services: ["gateway", "orders", "payments"],
      url: "https://dev.causeway.example.com",
    });
  });
});

describe("plan engine", () => {
  it("shows where an unknown input comes from, and marks secrets", async () => {
    const plan = await planProgram(async () => {
      const provider = new k8s.Provider("p", { kubeconfig: pulumi.secret("kc") });
      const cm = new k8s.core.v1.ConfigMap("a", { metadata: { name: "a" } }, { provider });
      new k8s.core.v1.ConfigMap(
        "b",
        { metadata: { name: "b" }, data: { uid: cm.metadata.uid, token: pulumi.secret("t") } },
        { provider, protect: true },
      );
      return {};
    });
    const a = plan.get("kubernetes:core/v1:ConfigMap", "a");
    const b = plan.get("kubernetes:core/v1:ConfigMap", "b");
    expect(b.inputs["data"]).toEqual("[secret]");
    expect(b.dependencies).toEqual([a.urn]);
    expect(b.protect).toBe(true);
    expect(plan.get("pulumi:providers:kubernetes", "p").inputs["kubeconfig"]).toBe("[secret]");
  });

  it("keeps outputs the provider declares secret secret, though unknown offline", async () => {
    const plan = await planProgram(async () => {
      const provider = new k8s.Provider("p", {});
      const password = new random.RandomPassword("pw", { length: 24 });
      new k8s.core.v1.Secret(
        "s",
        {
          metadata: { name: "s" },
          stringData: { url: pulumi.interpolate`amqps://u:${password.result}@h` },
        },
        { provider },
      );
      return { password: password.result };
    });
    expect(plan.get("kubernetes:core/v1:Secret", "s").inputs["stringData"]).toBe("[secret]");
    expect(plan.outputs).toEqual({ password: "[secret]" });
    // The placeholder is an output, never shown as one of the resource's inputs.
    expect(plan.get("random:index/randomPassword:RandomPassword", "pw").inputs).toEqual({
      length: 24,
    });
  });

  it("refuses two resources with one URN, as the Pulumi engine does", async () => {
    await expect(
      planProgram(async () => {
        const provider = new k8s.Provider("p", {});
        new k8s.core.v1.ConfigMap("same", { metadata: { name: "a" } }, { provider });
        new k8s.core.v1.ConfigMap("same", { metadata: { name: "b" } }, { provider });
        return {};
      }),
    ).rejects.toThrow(
      "Duplicate resource URN urn:pulumi:test::causeway::pulumi:pulumi:Stack$kubernetes:core/v1:ConfigMap::same: Pulumi refuses two resources with one URN; give each a unique name",
    );
  });

  it("renders an unknown input with the URN it depends on", async () => {
    const plan = await planProgram(async () => {
      const provider = new k8s.Provider("p", {});
      const a = new k8s.core.v1.ConfigMap("a", { metadata: { name: "a" } }, { provider });
      new k8s.core.v1.ConfigMap("b", { metadata: { name: "b" }, data: { id: a.id } }, { provider });
      return {};
    });
    const a = plan.get("kubernetes:core/v1:ConfigMap", "a");
    expect(plan.get("kubernetes:core/v1:ConfigMap", "b").inputs["data"]).toEqual({
      id: `(known after apply: ${a.urn})`,
    });
  });

  it("fails an invoke it has no deterministic answer for, naming the file to extend", async () => {
    await expect(
      planProgram(async () => {
        await pulumi.runtime.invoke("aws:ec2/getAmi:getAmi", {});
        return {};
      }),
    ).rejects.toThrow('offline plan: no deterministic answer for invoke "aws:ec2/getAmi:getAmi"');
  });

  it("is deterministic: two runs render byte-identical JSON and text", async () => {
    const first = await planStack("prod");
    const second = await planStack("prod");
    expect(renderJson(second)).toBe(renderJson(first));
    expect(renderText(second)).toBe(renderText(first));
  });
});

describe("text rendering", () => {
  it("prints the tree, outputs and counts", async () => {
    expect(renderText(await planStack("dev"))).toMatchSnapshot();
  });
});
