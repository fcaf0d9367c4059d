import { PublicLoadBalancer } from "@causeway/components";

/** An internet-facing ALB for two services; target groups only, no Kubernetes bindings. */
export function example() {
  const edge = new PublicLoadBalancer("edge", {
    vpcId: "vpc-0a1b2c3d4e5f60718",
    subnetIds: ["subnet-0a10000000000000a", "subnet-0a10000000000000b"],
    targetNetwork: { cidrIpv4: "10.10.0.0/16" },
    services: { web: { path: "/" }, api: { host: "api.example.com", port: 9090 } },
    certificateArn:
      "arn:aws:acm:eu-west-1:123456789012:certificate/0e0e0e0e-1111-2222-3333-444455556666",
  });
  return { url: edge.url };
}
