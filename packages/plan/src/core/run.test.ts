import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { describe, expect, it } from "vitest";
import { planProgram } from "./plan-program";

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
      "Duplicate resource URN urn:pulumi:test::test::pulumi:pulumi:Stack$kubernetes:core/v1:ConfigMap::same: Pulumi refuses two resources with one URN; give each a unique name",
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

  it("answers common AWS invokes by default, for the stack's aws:region", async () => {
    const plan = await planProgram(
      async () => {
        const identity = await pulumi.runtime.invoke(
          "aws:index/getCallerIdentity:getCallerIdentity",
          {},
        );
        const region = await pulumi.runtime.invoke("aws:index/getRegion:getRegion", {});
        const partition = await pulumi.runtime.invoke("aws:index/getPartition:getPartition", {});
        const zones = await pulumi.runtime.invoke(
          "aws:index/getAvailabilityZones:getAvailabilityZones",
          {},
        );
        return {
          account: identity.accountId,
          region: region.name,
          partition: partition.partition,
          zones: zones.names,
        };
      },
      { config: { "aws:region": "eu-central-1" } },
    );
    expect(plan.outputs).toEqual({
      account: "123456789012",
      region: "eu-central-1",
      partition: "aws",
      zones: ["eu-central-1a", "eu-central-1b", "eu-central-1c"],
    });
  });

  it("answers from the table it is given, and names the fix for an invoke it has no answer for", async () => {
    const invokes = { "acme:index/getThing:getThing": () => ({ size: 3 }) };
    const plan = await planProgram(
      async () => ({
        size: (await pulumi.runtime.invoke("acme:index/getThing:getThing", {})).size,
      }),
      { invokes },
    );
    expect(plan.outputs).toEqual({ size: 3 });
    await expect(
      planProgram(
        async () => {
          await pulumi.runtime.invoke("aws:index/getRegion:getRegion", {});
        },
        { invokes },
      ),
    ).rejects.toThrow(
      'offline plan: no deterministic answer for invoke "aws:index/getRegion:getRegion"; pass an answer for it in the invoke table given to runPlan (answers come from stack config only, never from the cloud)',
    );
  });

  it("answers the region's Elastic Load Balancing account, and names a region AWS lists none for", async () => {
    const serviceAccount = () =>
      pulumi.runtime.invoke("aws:elb/getServiceAccount:getServiceAccount", {});
    const plan = await planProgram(async () => ({ arn: (await serviceAccount()).arn }), {
      config: { "aws:region": "eu-west-1" },
    });
    expect(plan.outputs).toEqual({ arn: "arn:aws:iam::156460612806:root" });
    await expect(
      planProgram(
        async () => {
          await serviceAccount();
        },
        { config: { "aws:region": "ap-southeast-5" } },
      ),
    ).rejects.toThrow(
      "offline plan: no Elastic Load Balancing account is known for region ap-southeast-5 (AWS lists one only for regions available before August 2022; newer regions grant the logdelivery.elasticloadbalancing.amazonaws.com service instead)",
    );
  });

  it("reads a StackReference's outputs as secrets known after apply", async () => {
    const plan = await planProgram(
      async () => {
        const ref = new pulumi.StackReference("net", { name: "acme/network/dev" });
        return { vpc: ref.getOutput("vpcId") };
      },
      { stackReferenceOutputs: ["vpcId"] },
    );
    expect(plan.get("pulumi:pulumi:StackReference", "net")).toMatchObject({
      read: true,
      inputs: { name: "acme/network/dev" },
    });
    expect(plan.outputs).toEqual({ vpc: "[secret]" });
  });

  it("reads the outputs given for a referenced stack, plain and secret, as preview reads its state", async () => {
    const plan = await planProgram(
      async () => {
        const ref = new pulumi.StackReference("net", { name: "acme/network/dev" });
        const other = new pulumi.StackReference("other", { name: "acme/other/dev" });
        // Awaited values: what a program may check before it registers anything with them.
        const vpc = await ref.requireOutputValue("vpcId");
        const subnets = (await ref.getOutputDetails("subnetIds")).value as string[];
        const secret = await ref.getOutputDetails("token");
        return {
          vpc,
          subnets,
          secretIsSecret: secret.secretValue !== undefined && secret.value === undefined,
          token: ref.requireOutput("token"),
          missing: (await ref.getOutputDetails("absent")).value ?? "none",
          other: other.getOutput("vpcId"),
        };
      },
      {
        stackReferenceOutputs: ["vpcId"],
        stackReferences: {
          "acme/network/dev": {
            outputs: {
              vpcId: "vpc-0123456789abcdef0",
              subnetIds: ["subnet-a", "subnet-b"],
              token: "t",
            },
            secretOutputNames: ["token"],
          },
        },
      },
    );
    expect(plan.outputs).toEqual({
      vpc: "vpc-0123456789abcdef0",
      subnets: ["subnet-a", "subnet-b"],
      secretIsSecret: true,
      token: "[secret]",
      missing: "none",
      // A stack without given outputs still gets the placeholders.
      other: "[secret]",
    });
  });
});
