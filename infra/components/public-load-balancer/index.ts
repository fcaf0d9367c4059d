export * from "./public-load-balancer";
export { AccessLogBucket, type AccessLogBucketArgs } from "./access-log-bucket";
export { DEFAULT_TLS_POLICY, TLS_POLICIES, isAllowedTlsPolicy, type TlsPolicy } from "./tls";
export {
  INTERNAL_PATHS,
  internalPathRules,
  overlappingWildcards,
  pathPatternMatches,
  routeKey,
  type InternalPathRule,
} from "./routing";
