import { renderJson, renderText } from "@causeway/plan";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { planProgram, planStack, rawStackConfig } from "./harness";

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
    // A cluster brought from elsewhere: no stack reference, so everything is explicit.
    const plan = await planStack("dev", {
      "causeway:cluster": {
        stackReference: null,
        kubeconfig: { secure: "v1:AAAA" },
        name: "causeway-dev",
        oidcProviderArn:
          "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0A1B2C3D4E5F60718293A4B5C6D7E8F9",
      },
      "causeway:network": {
        vpcId: "vpc-0a1b2c3d4e5f60718",
        vpcCidr: "10.10.0.0/16",
        publicSubnetIds: ["subnet-0a10000000000000a", "subnet-0a10000000000000b"],
        privateSubnetIds: ["subnet-0a20000000000000a", "subnet-0a20000000000000b"],
        publicSubnetCidrs: ["10.10.0.0/20", "10.10.16.0/20"],
        privateSubnetCidrs: ["10.10.128.0/19", "10.10.160.0/19"],
      },
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
      // Observability (dev: collector, logs and dashboard; no alarm topic).
      containerLogGroup: "/causeway-dev/containers",
      dashboardName: "causeway-dev",
      prometheusEndpoint: "(known after apply)",
      databaseAddress: "(known after apply)",
      environment: "dev",
      // What staging and prod promote: each image pinned by digest, known once built.
      imageRefs: Object.fromEntries(
        Object.keys(JSON.parse(rawStackConfig("dev").values["causeway:services"]!) as object)
          .sort()
          .map((name) => [name, "(known after apply)"]),
      ),
      namespace: "causeway",
      services: Object.keys(
        JSON.parse(rawStackConfig("dev").values["causeway:services"]!) as object,
      ).sort(),
      url: "https://dev.causeway.example.com",
    });
  });
});

describe("plan engine with Causeway's invoke answers", () => {
  it("fails an invoke it has no deterministic answer for, naming the file to extend", async () => {
    await expect(
      planProgram(async () => {
        await pulumi.runtime.invoke("aws:ec2/getAmi:getAmi", {});
        return {};
      }),
    ).rejects.toThrow(
      'offline plan: no deterministic answer for invoke "aws:ec2/getAmi:getAmi"; add one to infra/plan/invokes.ts (answers come from stack config only, never from the cloud)',
    );
  });

  it("answers the existing cluster's lookups from the stack config", async () => {
    const plan = await planProgram(
      async () => {
        const cluster = await pulumi.runtime.invoke("aws:eks/getCluster:getCluster", {});
        const subnet = await pulumi.runtime.invoke("aws:ec2/getSubnet:getSubnet", {
          id: "subnet-b",
        });
        return { cluster: cluster.arn, az: subnet.availabilityZone };
      },
      {
        config: {
          "aws:region": "eu-west-1",
          "causeway:cluster": {
            name: "shop",
            oidcProviderArn: "arn:aws:iam::210987654321:oidc-provider/x",
          },
          "causeway:network": { privateSubnetIds: ["subnet-a", "subnet-b"] },
        },
      },
    );
    expect(plan.outputs).toEqual({
      cluster: "arn:aws:eks:eu-west-1:210987654321:cluster/shop",
      az: "eu-west-1b",
    });
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
