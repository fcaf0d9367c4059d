import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

// A program checked by the Causeway policy pack, offline (`npm run plan`, causeway-plan
// --policy-pack @causeway/policies) and with the CLI (pulumi preview --policy-pack
// node_modules/@causeway/policies). The `open` stack sets `adminPort`, which opens that port
// to the internet: the pack reports it and the plan fails, as `pulumi preview` would.
const config = new pulumi.Config();
const vpcId = config.require("vpcId");

const web = new aws.ec2.SecurityGroup("web", {
  vpcId,
  description: "Web servers of the shop",
});
new aws.vpc.SecurityGroupIngressRule("web-from-vpc", {
  securityGroupId: web.id,
  description: "HTTP from inside the VPC",
  cidrIpv4: "10.30.0.0/16",
  ipProtocol: "tcp",
  fromPort: 8080,
  toPort: 8080,
});

const adminPort = config.getNumber("adminPort");
if (adminPort !== undefined) {
  new aws.vpc.SecurityGroupIngressRule("web-admin", {
    securityGroupId: web.id,
    description: "Admin console",
    cidrIpv4: "0.0.0.0/0",
    ipProtocol: "tcp",
    fromPort: adminPort,
    toPort: adminPort,
  });
}

export const securityGroupId = web.id;
