import type { ReplacementRule } from "./replacements";

/**
 * Properties of the edge's resources whose change replaces the resource: the ForceNew schema
 * fields of the Terraform AWS provider that @pulumi/aws bridges (source files below), and the
 * Helm release identity of @pulumi/kubernetes.
 */
const TF = "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service";
const ELBV2_LB = `${TF}/elbv2/load_balancer.go`;
const ELBV2_TG = `${TF}/elbv2/target_group.go`;
const ELBV2_LISTENER = `${TF}/elbv2/listener.go`;
const ELBV2_RULE = `${TF}/elbv2/listener_rule.go`;
const EC2_SG = `${TF}/ec2/vpc_security_group.go`;
const VPC_SG_RULE = `${TF}/ec2/vpc_security_group_ingress_rule.go`;
const ACM_CERT = `${TF}/acm/certificate.go`;
const R53_RECORD = `${TF}/route53/record.go`;
const S3_BUCKET = `${TF}/s3/bucket.go`;
const WAF_ACL = `${TF}/wafv2/web_acl.go`;
const WAF_ASSOC = `${TF}/wafv2/web_acl_association.go`;
const IAM_ROLE = `${TF}/iam/role.go`;
const IAM_POLICY = `${TF}/iam/policy.go`;
const IAM_ATTACH = `${TF}/iam/role_policy_attachment.go`;
const HELM_RELEASE =
  "https://github.com/pulumi/pulumi-kubernetes/blob/master/provider/pkg/provider/helm_release.go";

const rules = (type: string, source: string, properties: readonly string[]): ReplacementRule[] =>
  properties.map((property) => ({ type, property, effect: "replace" as const, source }));

export const publicLoadBalancerReplacementRules: readonly ReplacementRule[] = [
  ...rules("aws:lb/loadBalancer:LoadBalancer", ELBV2_LB, [
    "name",
    "namePrefix",
    "internal",
    "loadBalancerType",
    "customerOwnedIpv4Pool",
  ]),
  ...rules("aws:lb/targetGroup:TargetGroup", ELBV2_TG, [
    "name",
    "namePrefix",
    "port",
    "protocol",
    "protocolVersion",
    "vpcId",
    "targetType",
    "ipAddressType",
  ]),
  ...rules("aws:lb/listener:Listener", ELBV2_LISTENER, ["loadBalancerArn"]),
  ...rules("aws:lb/listenerRule:ListenerRule", ELBV2_RULE, ["listenerArn"]),
  ...rules("aws:ec2/securityGroup:SecurityGroup", EC2_SG, [
    "name",
    "namePrefix",
    "description",
    "vpcId",
  ]),
  ...rules("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", VPC_SG_RULE, [
    "securityGroupId",
  ]),
  ...rules("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", VPC_SG_RULE, [
    "securityGroupId",
  ]),
  ...rules("aws:acm/certificate:Certificate", ACM_CERT, [
    "domainName",
    "subjectAlternativeNames",
    "keyAlgorithm",
  ]),
  ...rules("aws:route53/record:Record", R53_RECORD, ["zoneId", "name"]),
  ...rules("aws:s3/bucket:Bucket", S3_BUCKET, ["bucket", "bucketPrefix"]),
  ...rules("aws:wafv2/webAcl:WebAcl", WAF_ACL, ["name", "namePrefix", "scope"]),
  ...rules("aws:wafv2/webAclAssociation:WebAclAssociation", WAF_ASSOC, [
    "resourceArn",
    "webAclArn",
  ]),
  ...rules("aws:iam/role:Role", IAM_ROLE, ["name", "namePrefix", "path"]),
  ...rules("aws:iam/policy:Policy", IAM_POLICY, ["name", "namePrefix", "path", "description"]),
  ...rules("aws:iam/rolePolicyAttachment:RolePolicyAttachment", IAM_ATTACH, ["role", "policyArn"]),
  ...rules("kubernetes:helm.sh/v3:Release", HELM_RELEASE, ["name", "namespace"]),
];
