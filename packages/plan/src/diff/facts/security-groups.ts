import { replaces, TF } from "./replaces";
import type { FactsTable } from "./types";

// The Pulumi AWS provider is bridged from terraform-provider-aws; ForceNew there is a
// replacement here.
const TF_SECURITY_GROUP =
  "terraform-provider-aws internal/service/ec2/vpc_security_group.go (schema: ForceNew), bridged by @pulumi/aws";
const EC2_SG = `${TF}/ec2/vpc_security_group.go`;
// InvalidGroup.Duplicate: "The security group name already exists in the VPC" (EC2 API,
// version 2016-11-15, Error codes).
const EC2_ERRORS = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html";
const VPC_SG_RULE = `${TF}/ec2/vpc_security_group_ingress_rule.go`;

/** EC2 security groups and their VPC ingress and egress rules. */
export const securityGroupFacts: FactsTable = {
  family: "VPC security groups",
  replacements: [
    {
      type: "aws:ec2/securityGroup:SecurityGroup",
      property: "name",
      effect: "replace",
      source: TF_SECURITY_GROUP,
    },
    {
      type: "aws:ec2/securityGroup:SecurityGroup",
      property: "description",
      effect: "replace",
      source: TF_SECURITY_GROUP,
    },
    {
      type: "aws:ec2/securityGroup:SecurityGroup",
      property: "vpcId",
      effect: "replace",
      source: TF_SECURITY_GROUP,
    },
    ...replaces("aws:ec2/securityGroup:SecurityGroup", EC2_SG, [
      "name",
      "namePrefix",
      "description",
      "vpcId",
    ]),
    ...replaces("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", VPC_SG_RULE, [
      "securityGroupId",
    ]),
    ...replaces("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", VPC_SG_RULE, [
      "securityGroupId",
    ]),
  ],
  stateful: [],
  storageChanges: [],
  uniqueNames: [
    {
      type: "aws:ec2/securityGroup:SecurityGroup",
      property: "name",
      scope: "within its VPC",
      refusal: "InvalidGroup.Duplicate",
      prefixProperty: "namePrefix",
      source: EC2_ERRORS,
    },
  ],
};
