import { Cluster } from "@causeway/components";

/** An EKS cluster with a private API endpoint over two AZs, administered by one role. */
export function example() {
  const cluster = new Cluster("shop", {
    vpcId: "vpc-0123456789abcdef0",
    privateSubnetIds: {
      "eu-west-1a": "subnet-0aaaaaaaaaaaaaaa1",
      "eu-west-1b": "subnet-0aaaaaaaaaaaaaaa2",
    },
    adminPrincipalArns: ["arn:aws:iam::111122223333:role/platform-admin"],
  });
  return { clusterName: cluster.clusterName, kubeconfig: cluster.kubeconfig };
}
