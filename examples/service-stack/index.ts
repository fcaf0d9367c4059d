import { MessageBroker, NodeService, PublicLoadBalancer } from "@causeway/components";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

// A team's own program: it creates its network and passes the Outputs of those resources
// (ids and CIDRs known only after apply) to the Causeway components.
const config = new pulumi.Config();
const namespace = config.get("namespace") ?? "shop";

const vpc = new aws.ec2.Vpc("shop", { cidrBlock: "10.20.0.0/16", enableDnsHostnames: true });
const subnets = ["a", "b"].map(
  (zone, i) =>
    new aws.ec2.Subnet(`shop-${zone}`, {
      vpcId: vpc.id,
      cidrBlock: `10.20.${i}.0/24`,
      availabilityZone: `eu-central-2${zone}`,
    }),
);
const nodes = new aws.ec2.SecurityGroup("shop-nodes", {
  vpcId: vpc.id,
  description: "EKS nodes of the shop cluster",
});

const provider = new k8s.Provider("shop-cluster", { kubeconfig: config.require("kubeconfig") });

const broker = new MessageBroker("events", {
  brokerName: "shop-events",
  vpcId: vpc.id,
  subnetIds: subnets.map((s) => s.id),
  clientSecurityGroupIds: { nodes: nodes.id },
});

const edge = new PublicLoadBalancer("edge", {
  vpcId: vpc.id,
  subnetIds: subnets.map((s) => s.id),
  subnetCidrs: subnets.map((s) => s.cidrBlock),
  targetNetwork: { cidrIpv4: vpc.cidrBlock },
  services: { web: { path: "/" } },
  certificateArn: config.require("certificateArn"),
  targetGroupBindings: { provider, namespace },
  // eu-central-2 opened after August 2022: ELB writes access logs as the log-delivery service
  // principal, so the Region's ELB account needs no grant (and has none to look up).
  accessLogs: { enabled: true, grantElbAccount: false },
});

const web = new NodeService(
  "web",
  {
    namespace,
    image: `123456789012.dkr.ecr.eu-central-2.amazonaws.com/shop/web@sha256:${"4f".repeat(32)}`,
    port: 8080,
    env: { AMQP_HOST: broker.endpoint },
    expose: { loadBalancer: edge },
  },
  { provider },
);

export const url = edge.url;
export const serviceUrl = web.url;
export const brokerEndpoint = broker.endpoint;
