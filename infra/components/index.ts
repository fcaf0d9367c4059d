// @causeway/components: reusable Pulumi ComponentResources for Node.js services on EKS.
// One component per file; this file only re-exports.
export * from "./contract";
export * from "./replacements";
export * from "./consul-cluster";
export * from "./consul-cluster-values";
export * from "./service-mesh";
export * from "./service-mesh-entries";
export * from "./service-mesh-annotations";
export {
  NodeService,
  NodeServiceDefaults,
  type NodeServiceArgs,
  type SecretEnvRef,
  type UpstreamRef,
} from "./node-service";
export {
  NAME_LABEL,
  PART_OF_LABEL,
  selectorLabels,
  serviceLabels,
  upstreamEnvName,
  upstreamUrl,
} from "./node-service.naming";
export {
  ClusterDns,
  MESH_CONTROL_PLANE_PORTS,
  networkPolicySpec,
  ruleTable,
  type NetworkPolicyInput,
} from "./node-service.network-policy";
export { imageRefProblem } from "./node-service.args";
export { ServiceImage, type ServiceImageArgs, type ServiceImageBuild } from "./service-image";
export { LifecycleDefaults, lifecyclePolicy } from "./service-image.lifecycle";
export { contentTag } from "./service-image.tag";
export * from "./message-broker";
export * from "./message-broker.rules";
export { amqpUrl, BROKER_PASSWORD_SPEC, passwordAlphabet } from "./message-broker.connection";
export { RABBITMQ_SETTINGS, rabbitMqConfigurationDocument } from "./message-broker.configuration";
export { messageBrokerReplacements } from "./message-broker.replacements";
export * from "./database";
export * from "./database.rules";
export {
  DATABASE_PASSWORD_SPEC,
  databaseSecretName,
  parameterGroupFamily,
  postgresUrl,
} from "./database.connection";
export { POSTGRES_PARAMETERS, type DbParameter } from "./database.parameters";
export { databaseReplacements } from "./database.replacements";
export * from "./public-load-balancer";
export {
  AccessLogBucket,
  type AccessLogBucketArgs,
} from "./public-load-balancer.access-log-bucket";
export {
  DEFAULT_TLS_POLICY,
  TLS_POLICIES,
  isAllowedTlsPolicy,
  type TlsPolicy,
} from "./public-load-balancer.tls";
export { publicLoadBalancerReplacementRules } from "./public-load-balancer.replacements";
export { overlappingWildcards } from "./public-load-balancer.routing";
export * from "./load-balancer-controller";
export {
  CONTROLLER_CHART,
  CONTROLLER_IAM_POLICY_SOURCE,
  CONTROLLER_IAM_POLICY_VERSION,
  CONTROLLER_SERVICE_ACCOUNT,
  irsaTrustPolicy,
  oidcIssuerOf,
} from "./load-balancer-controller.iam";
export {
  cidrContains,
  cidrNetworkAddress,
  cidrsOverlap,
  isDns1035Label,
  isDns1123Label,
  isIpv4Cidr,
} from "./shared/validators";
