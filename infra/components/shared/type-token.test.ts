import { diffPlans, type Plan } from "@causeway/plan";
import * as k8s from "@pulumi/kubernetes";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { planProgram } from "../../plan/harness";
import { Cache } from "../cache";
import { Cluster } from "../cluster";
import { ConsulCluster } from "../consul-cluster";
import { Database } from "../database";
import { LoadBalancerController } from "../load-balancer-controller";
import { MessageBroker } from "../message-broker";
import { Network } from "../network";
import { Observability } from "../observability";
import { ServiceMesh } from "../service-mesh";
import { NodeService } from "../node-service";
import { PublicLoadBalancer } from "../public-load-balancer";
import { ServiceImage } from "../service-image";

const network = {
  vpcId: "vpc-0123456789abcdef0",
  subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
  clientSecurityGroupIds: { nodes: "sg-0bbbbbbbbbbbbbbb1" },
};

const oidcProviderArn =
  "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0A1B2C3D";

/** The components the provider serves, the token they had before, and a program using one. */
const SERVED = [
  {
    type: "causeway:index:ConsulCluster",
    former: "causeway:consul:ConsulCluster",
    program: () => {
      const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1\nkind: Config" });
      new ConsulCluster("mesh", { chartVersion: "1.9.11", consulVersion: "1.22.7" }, { provider });
    },
  },
  {
    type: "causeway:index:Database",
    former: "causeway:data:Database",
    program: () => void new Database("db", network),
  },
  {
    type: "causeway:index:Cache",
    former: "causeway:data:Cache",
    program: () => void new Cache("cache", network),
  },
  {
    type: "causeway:index:Network",
    former: "causeway:network:Network",
    program: () => void new Network("vpc", { availabilityZones: ["eu-west-1a", "eu-west-1b"] }),
  },
  {
    type: "causeway:index:Cluster",
    former: "causeway:cluster:Cluster",
    program: () =>
      void new Cluster("eks", {
        vpcId: network.vpcId,
        privateSubnetIds: {
          "eu-west-1a": "subnet-0aaaaaaaaaaaaaaa1",
          "eu-west-1b": "subnet-0aaaaaaaaaaaaaaa2",
        },
        adminPrincipalArns: ["arn:aws:iam::111122223333:role/admin"],
      }),
  },
  {
    type: "causeway:index:MessageBroker",
    former: "causeway:messaging:MessageBroker",
    program: () => void new MessageBroker("broker", network),
  },
  {
    type: "causeway:index:LoadBalancerController",
    former: "causeway:edge:LoadBalancerController",
    program: () => {
      const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1\nkind: Config" });
      new LoadBalancerController(
        "lbc",
        { clusterName: "shop", oidcProviderArn, vpcId: network.vpcId, region: "eu-west-1" },
        { providers: [provider] },
      );
    },
  },
  {
    type: "causeway:index:ServiceMesh",
    former: "causeway:mesh:ServiceMesh",
    program: () => {
      const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1\nkind: Config" });
      const consul = new k8s.helm.v3.Release("consul", { chart: "consul" }, { provider });
      new ServiceMesh(
        "mesh",
        { namespace: "shop", services: { web: { upstreams: [] } }, crds: consul },
        { provider },
      );
    },
  },
  {
    type: "causeway:index:Observability",
    former: "causeway:observability:Observability",
    program: () => {
      const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1\nkind: Config" });
      new Observability("obs", {
        provider,
        oidcProviderArn,
        region: "eu-west-1",
        namePrefix: "shop",
        appNamespace: "shop",
        services: { web: { port: 8080, meshed: false } },
      });
    },
  },
  {
    type: "causeway:index:NodeService",
    former: "causeway:kubernetes:NodeService",
    program: () => {
      const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1\nkind: Config" });
      new NodeService("orders", { namespace: "shop", image: "orders:1.0.0" }, { provider });
    },
  },
  {
    type: "causeway:index:PublicLoadBalancer",
    former: "causeway:edge:PublicLoadBalancer",
    program: () =>
      void new PublicLoadBalancer("edge", {
        vpcId: network.vpcId,
        subnetIds: network.subnetIds,
        subnetCidrs: ["10.0.0.0/24", "10.0.1.0/24"],
        targetNetwork: { cidrIpv4: "10.0.0.0/16" },
        services: { web: {} },
        certificateArn: "arn:aws:acm:eu-west-1:111122223333:certificate/0e0e0e0e",
        // The access-log bucket is a component of its own (a second causeway: type).
        accessLogs: { enabled: false },
      }),
  },
  {
    type: "causeway:index:ServiceImage",
    former: "causeway:ecr:ServiceImage",
    program: () =>
      void new ServiceImage("orders", {
        build: { tag: "v1", isolate: false, contextDir: path.resolve(__dirname, "..", "..", "..") },
      }),
  },
];

/** `plan` as the previous version registered it: the former token, no aliases. */
function asBefore(plan: Plan, type: string, former: string): Plan {
  const text = JSON.stringify({
    ...plan,
    resources: plan.resources.map((r) => ({ ...r, aliases: [] })),
  });
  return JSON.parse(text.replaceAll(type, former)) as Plan;
}

describe("the tokens of the served components (causeway:index:<Type>)", () => {
  it.each(SERVED)("$type: a stack made with $former moves to it, nothing replaced", async (c) => {
    const head = await planProgram(async () => c.program());
    expect(head.resources.filter((r) => r.type.startsWith("causeway:")).map((r) => r.type)).toEqual(
      [c.type],
    );
    const d = diffPlans(asBefore(head, c.type, c.former), head);
    // The component itself moves under its alias: not a change.
    const urn = head.resources.find((r) => r.type === c.type)!.urn;
    expect(d.moved).toContainEqual({ from: urn.replace(c.type, c.former), to: urn });
    // Its children send no alias of their own: they inherit the parent's, as in the engine
    // ("Aliases are inherited from a parent"), so they move with it, nothing deleted or created.
    const children = head.resources.filter((r) => r.urn.includes(`${c.type}$`));
    expect(children.length).toBeGreaterThan(2);
    expect(d.changes).toEqual([]);
    expect(d.moved.map((m) => m.to).sort()).toEqual([urn, ...children.map((r) => r.urn)].sort());
  });
});
