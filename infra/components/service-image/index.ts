export {
  ServiceImage,
  ServiceImageDefaults,
  serviceImageTag,
  type ServiceImageArgs,
  type ServiceImageBuild,
} from "./service-image";
export { LifecycleDefaults, lifecyclePolicy } from "./lifecycle";
export { imageContentTag } from "./tag";
export { PULL_ACTIONS, pullPolicy } from "./pull-policy";
export {
  contextFiles,
  contextSources,
  dockerBuildInputs,
  type ContextSource,
  type DockerBuildSpec,
} from "./build-inputs";
export { parseDockerfile, type Instruction, type Stage } from "./dockerfile";
export {
  admitOnly,
  ISOLATED_DIR,
  isolateBuild,
  isolatedDockerfile,
  providerContextDigest,
  providerContextFiles,
} from "./isolate";
