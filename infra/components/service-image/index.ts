export { ServiceImage, type ServiceImageArgs, type ServiceImageBuild } from "./service-image";
export { LifecycleDefaults, lifecyclePolicy } from "./lifecycle";
export { contentTag } from "./tag";
