export * from "./load-balancer-controller";
export {
  CONTROLLER_CHART,
  CONTROLLER_IAM_POLICY_SOURCE,
  CONTROLLER_IAM_POLICY_VERSION,
  CONTROLLER_SERVICE_ACCOUNT,
  irsaTrustPolicy,
  oidcIssuerOf,
} from "./iam";
