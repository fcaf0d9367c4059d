export * from "./observability";
export { OBSERVABILITY_DEFAULTS, type ObservabilityArgs } from "./args";
export {
  AlarmKind,
  alarmSpecs,
  dlqOf,
  type AlarmSpec,
  type AlarmTargets,
  type AlarmThresholds,
} from "./alarms";
export {
  CLOUDWATCH_METRICS,
  collectorConfig,
  scrapeEndpoint,
  type ScrapeTarget,
} from "./collector-config";
export { dashboardBody } from "./dashboard";
export {
  COLLECTOR_NAME,
  CollectorPorts,
  collectorScraper,
  containerLogGroupName,
  DEFAULT_COLLECTOR_IMAGE,
  DEFAULT_OBSERVABILITY_NAMESPACE,
  FLUENT_BIT_CHART,
  FLUENT_BIT_SERVICE_ACCOUNT,
  otlpEndpoint,
} from "./names";
