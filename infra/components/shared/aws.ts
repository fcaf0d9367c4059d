/**
 * The parts of `@pulumi/aws` the components use, each from its own module. The package's index
 * (`@pulumi/aws` 7.48, index.js) requires every one of its ~250 service namespaces when it is
 * imported; these subpath modules are the same classes and functions, and loading only them
 * took about 0.25 s less of every plan's start-up on the bench machine (bench (d)).
 * Import it as the package would be: `import * as aws from "../shared/aws"`.
 */
export * as acm from "@pulumi/aws/acm";
export * as amp from "@pulumi/aws/amp";
export * as cloudwatch from "@pulumi/aws/cloudwatch";
export * as ec2 from "@pulumi/aws/ec2";
export * as ecr from "@pulumi/aws/ecr";
export * as eks from "@pulumi/aws/eks";
export * as elasticache from "@pulumi/aws/elasticache";
export * as elb from "@pulumi/aws/elb";
export * as iam from "@pulumi/aws/iam";
export * as kms from "@pulumi/aws/kms";
export * as lb from "@pulumi/aws/lb";
export * as mq from "@pulumi/aws/mq";
export * as rds from "@pulumi/aws/rds";
export * as route53 from "@pulumi/aws/route53";
export * as s3 from "@pulumi/aws/s3";
export * as sns from "@pulumi/aws/sns";
export * as vpc from "@pulumi/aws/vpc";
export * as wafv2 from "@pulumi/aws/wafv2";
export { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
export { getPartitionOutput } from "@pulumi/aws/getPartition";
export { getRegion, getRegionOutput } from "@pulumi/aws/getRegion";
