export { Environment, environments, type ByTier } from "./environment";
export { ConfigError, type ConfigIssue } from "./errors";
export { callersOf, checkGraph, edges, type Edge } from "./graph";
export {
  loadPlatformConfig,
  loadRawConfig,
  parsePlatformConfig,
  NAMESPACE,
  type PlatformConfig,
  type RawConfig,
  type StackConfig,
} from "./load";
export { sections, sectionKeys, type Section, type SectionKey } from "./sections";
export type { ServiceConfig, ServicesConfig, ExposeConfig } from "./sections/services";
