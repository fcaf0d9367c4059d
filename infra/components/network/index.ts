export * from "./network";
export {
  checkNetworkLayout,
  planSubnets,
  VPC_PREFIX_RANGE,
  type NetworkLayout,
  type SubnetPlan,
} from "./subnets";
