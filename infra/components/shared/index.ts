export * from "./contract";
export { ComponentArgsError } from "./errors";
export {
  cidrContains,
  cidrNetworkAddress,
  cidrsOverlap,
  isDns1035Label,
  isDns1123Label,
  isIpv4Cidr,
} from "./validators";
