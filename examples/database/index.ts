import { Database } from "@causeway/components";
import * as pulumi from "@pulumi/pulumi";

// Only a Database: a private, encrypted, TLS-only PostgreSQL in an existing network.
const config = new pulumi.Config();

const db = new Database("orders-db", {
  identifier: "orders-db",
  vpcId: config.require("vpcId"),
  subnetIds: config.requireObject<string[]>("subnetIds"),
  clientSecurityGroupIds: { nodes: config.require("nodesSecurityGroupId") },
});

export const address = db.address;
export const connectionUrl = db.connectionUrl;
