/**
 * Properties whose change makes the provider replace the resource (delete and re-create it)
 * instead of updating it in place. The offline plan diff (`npm run plan:diff`) uses this table
 * to report replacements, which the offline plan cannot learn from a provider.
 *
 * Each component keeps its own entries as data next to it and appends them to
 * `replacementRules` below; every entry names the source it was taken from.
 */

/** One property that forces replacement of one resource type. */
export interface ReplacementRule {
  /**
   * Pulumi type token, e.g. `aws:mq/broker:Broker`. A trailing `*` matches every type token
   * with that prefix (e.g. `kubernetes:*`).
   */
  readonly type: string;
  /**
   * Property path in the resource's inputs, dot separated (`spec.selector`). A change at this
   * path or anywhere below it forces replacement.
   */
  readonly property: string;
  /** Where the fact comes from (provider source or documentation URL). */
  readonly source: string;
}

const PULUMI_K8S_FORCE_NEW =
  "https://github.com/pulumi/pulumi-kubernetes/blob/master/provider/pkg/provider/diff.go";
const K8S_DEPLOYMENT_SELECTOR =
  "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#label-selector-updates";
const K8S_STATEFULSET_LIMITS =
  "https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#limitations";
const K8S_JOB_TEMPLATE =
  "https://kubernetes.io/docs/concepts/workloads/controllers/job/#writing-a-job-spec";

/**
 * Immutable Kubernetes fields: the Pulumi Kubernetes provider replaces the object when one of
 * these changes (its `forceNewProperties` table), because the API server rejects the update.
 */
export const kubernetesReplacementRules: readonly ReplacementRule[] = [
  // Every object: a new name or namespace is a new object.
  { type: "kubernetes:*", property: "metadata.name", source: PULUMI_K8S_FORCE_NEW },
  { type: "kubernetes:*", property: "metadata.namespace", source: PULUMI_K8S_FORCE_NEW },
  {
    type: "kubernetes:apps/v1:Deployment",
    property: "spec.selector",
    source: K8S_DEPLOYMENT_SELECTOR,
  },
  {
    type: "kubernetes:apps/v1:StatefulSet",
    property: "spec.selector",
    source: K8S_STATEFULSET_LIMITS,
  },
  {
    type: "kubernetes:apps/v1:StatefulSet",
    property: "spec.serviceName",
    source: PULUMI_K8S_FORCE_NEW,
  },
  {
    type: "kubernetes:apps/v1:StatefulSet",
    property: "spec.podManagementPolicy",
    source: PULUMI_K8S_FORCE_NEW,
  },
  {
    type: "kubernetes:apps/v1:StatefulSet",
    property: "spec.volumeClaimTemplates",
    source: K8S_STATEFULSET_LIMITS,
  },
  { type: "kubernetes:core/v1:Service", property: "spec.clusterIP", source: PULUMI_K8S_FORCE_NEW },
  // ConfigMaps and Secrets are replaced on data changes so that pods referencing them roll.
  { type: "kubernetes:core/v1:ConfigMap", property: "data", source: PULUMI_K8S_FORCE_NEW },
  { type: "kubernetes:core/v1:ConfigMap", property: "binaryData", source: PULUMI_K8S_FORCE_NEW },
  { type: "kubernetes:core/v1:Secret", property: "type", source: PULUMI_K8S_FORCE_NEW },
  { type: "kubernetes:core/v1:Secret", property: "data", source: PULUMI_K8S_FORCE_NEW },
  { type: "kubernetes:core/v1:Secret", property: "stringData", source: PULUMI_K8S_FORCE_NEW },
  {
    type: "kubernetes:core/v1:PersistentVolumeClaim",
    property: "spec",
    source: PULUMI_K8S_FORCE_NEW,
  },
  { type: "kubernetes:batch/v1:Job", property: "spec.selector", source: PULUMI_K8S_FORCE_NEW },
  { type: "kubernetes:batch/v1:Job", property: "spec.template", source: K8S_JOB_TEMPLATE },
  { type: "kubernetes:batch/v1:Job", property: "spec.completions", source: PULUMI_K8S_FORCE_NEW },
  { type: "kubernetes:batch/v1:Job", property: "spec.parallelism", source: PULUMI_K8S_FORCE_NEW },
  {
    type: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    property: "roleRef",
    source: PULUMI_K8S_FORCE_NEW,
  },
  {
    type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
    property: "roleRef",
    source: PULUMI_K8S_FORCE_NEW,
  },
  {
    type: "kubernetes:storage.k8s.io/v1:StorageClass",
    property: "provisioner",
    source: PULUMI_K8S_FORCE_NEW,
  },
  {
    type: "kubernetes:storage.k8s.io/v1:StorageClass",
    property: "parameters",
    source: PULUMI_K8S_FORCE_NEW,
  },
];

/** Every replacement rule of the blueprint: components append their tables here. */
export const replacementRules: readonly ReplacementRule[] = [...kubernetesReplacementRules];
