import { Database } from "@causeway/components";

/** A private, encrypted, TLS-only PostgreSQL, reachable from the nodes' security group. */
export function example() {
  const db = new Database("db", {
    identifier: "shop-db",
    vpcId: "vpc-0123456789abcdef0",
    subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
    clientSecurityGroupIds: { nodes: "sg-0bbbbbbbbbbbbbbb1" },
  });
  return { address: db.address, connectionUrl: db.connectionUrl };
}
