export {
  NodeService,
  NodeServiceDefaults,
  OTLP_HTTP_PORT,
  type LoadBalancerSources,
  type TraceCollector,
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
} from "./naming";
export {
  ClusterDns,
  DEFAULT_METRICS_SCRAPER,
  MESH_CONTROL_PLANE_PORTS,
  networkPolicySpec,
  ruleTable,
  type MetricsScraper,
  type NetworkPolicyInput,
  type TraceCollectorPeer,
} from "./network-policy";
export { imageRefProblem } from "./args";
export {
  SidecarAnnotation,
  SidecarDefaults,
  sidecarResourceAnnotations,
  type SidecarResources,
} from "./sidecar";
