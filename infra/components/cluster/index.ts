export * from "./cluster";
export { eksKubeconfig } from "./kubeconfig";
export {
  EKS_ADDONS,
  KUBERNETES_VERSIONS,
  kubernetesVersionSupport,
  type EksAddonName,
  type KubernetesVersionSupport,
} from "./versions";
