import type { PlannedResource } from "../../core/model";
import { replaces } from "./replaces";
import type { FactsTable, ReplacementRule, StatefulKind } from "./types";

/**
 * Immutable Kubernetes fields (see ReplacementRule in ./types): the Pulumi Kubernetes
 * provider replaces the object when one of these changes (its `forceNewProperties` table),
 * because the API server rejects the update. Properties are dotted paths into the object
 * (`spec.selector` covers `spec.selector.matchLabels.app`); the type `kubernetes:*` stands for
 * every Kubernetes object.
 */
const PULUMI_K8S_FORCE_NEW =
  "https://github.com/pulumi/pulumi-kubernetes/blob/master/provider/pkg/provider/diff.go";
const K8S_DEPLOYMENT_SELECTOR =
  "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#label-selector-updates";
const K8S_STATEFULSET_LIMITS =
  "https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#limitations";
const K8S_JOB_TEMPLATE =
  "https://kubernetes.io/docs/concepts/workloads/controllers/job/#writing-a-job-spec";

/**
 * The AWS Load Balancer Controller's validating webhook refuses an update of a
 * TargetGroupBinding that changes spec.targetGroupARN, spec.targetType, spec.ipAddressType or
 * spec.vpcID ("TargetGroupBinding update may not change these fields"), in v2.x and v3.x
 * (checked at v3.5.0, the chart version the blueprint pins).
 */
const LBC_TGB_VALIDATOR =
  "https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/v3.5.0/webhooks/elbv2/targetgroupbinding_validator.go";
const TGB = "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding";
const TGB_NOTE =
  "Give the binding replaceOnChanges for these fields: the provider then deletes and re-creates it (its name is fixed).";

/**
 * The Kubernetes provider deletes an object before it re-creates it when the replacement keeps
 * its fixed metadata.name in the same namespace (Diff: deleteBeforeReplace).
 */
const PULUMI_K8S_DELETE_FIRST =
  "https://github.com/pulumi/pulumi-kubernetes/blob/v4.23.0/provider/pkg/provider/provider.go (Diff: deleteBeforeReplace when not autonamed)";

const HELM_RELEASE =
  "https://github.com/pulumi/pulumi-kubernetes/blob/master/provider/pkg/provider/helm_release.go";

const objectReplacements: readonly ReplacementRule[] = [
  // Every object: a new name or namespace is a new object.
  {
    type: "kubernetes:*",
    property: "metadata.name",
    effect: "replace",
    source: PULUMI_K8S_FORCE_NEW,
  },
  {
    type: "kubernetes:*",
    property: "metadata.namespace",
    effect: "replace",
    source: PULUMI_K8S_FORCE_NEW,
  },
  {
    type: "kubernetes:apps/v1:Deployment",
    property: "spec.selector",
    effect: "replace",
    source: K8S_DEPLOYMENT_SELECTOR,
  },
  {
    type: "kubernetes:apps/v1:StatefulSet",
    property: "spec.selector",
    effect: "replace",
    source: K8S_STATEFULSET_LIMITS,
  },
  {
    type: "kubernetes:apps/v1:StatefulSet",
    property: "spec.serviceName",
    effect: "replace",
    source: PULUMI_K8S_FORCE_NEW,
  },
  {
    type: "kubernetes:apps/v1:StatefulSet",
    property: "spec.podManagementPolicy",
    effect: "replace",
    source: PULUMI_K8S_FORCE_NEW,
  },
  {
    type: "kubernetes:apps/v1:StatefulSet",
    property: "spec.volumeClaimTemplates",
    effect: "replace",
    source: K8S_STATEFULSET_LIMITS,
  },
  {
    type: "kubernetes:core/v1:Service",
    property: "spec.clusterIP",
    effect: "replace",
    source: PULUMI_K8S_FORCE_NEW,
  },
  // ConfigMaps and Secrets are replaced on data changes so that pods referencing them roll.
  {
    type: "kubernetes:core/v1:ConfigMap",
    property: "data",
    effect: "replace",
    source: PULUMI_K8S_FORCE_NEW,
  },
  {
    type: "kubernetes:core/v1:ConfigMap",
    property: "binaryData",
    effect: "replace",
    source: PULUMI_K8S_FORCE_NEW,
  },
  {
    type: "kubernetes:core/v1:Secret",
    property: "type",
    effect: "replace",
    source: PULUMI_K8S_FORCE_NEW,
  },
  {
    type: "kubernetes:core/v1:Secret",
    property: "data",
    effect: "replace",
    source: PULUMI_K8S_FORCE_NEW,
  },
  {
    type: "kubernetes:core/v1:Secret",
    property: "stringData",
    effect: "replace",
    source: PULUMI_K8S_FORCE_NEW,
  },
  {
    type: "kubernetes:core/v1:PersistentVolumeClaim",
    property: "spec",
    effect: "replace",
    source: PULUMI_K8S_FORCE_NEW,
  },
  {
    type: "kubernetes:batch/v1:Job",
    property: "spec.selector",
    effect: "replace",
    source: PULUMI_K8S_FORCE_NEW,
  },
  {
    type: "kubernetes:batch/v1:Job",
    property: "spec.template",
    effect: "replace",
    source: K8S_JOB_TEMPLATE,
  },
  {
    type: "kubernetes:batch/v1:Job",
    property: "spec.completions",
    effect: "replace",
    source: PULUMI_K8S_FORCE_NEW,
  },
  {
    type: "kubernetes:batch/v1:Job",
    property: "spec.parallelism",
    effect: "replace",
    source: PULUMI_K8S_FORCE_NEW,
  },
  {
    type: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    property: "roleRef",
    effect: "replace",
    source: PULUMI_K8S_FORCE_NEW,
  },
  {
    type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
    property: "roleRef",
    effect: "replace",
    source: PULUMI_K8S_FORCE_NEW,
  },
  {
    type: "kubernetes:storage.k8s.io/v1:StorageClass",
    property: "provisioner",
    effect: "replace",
    source: PULUMI_K8S_FORCE_NEW,
  },
  {
    type: "kubernetes:storage.k8s.io/v1:StorageClass",
    property: "parameters",
    effect: "replace",
    source: PULUMI_K8S_FORCE_NEW,
  },
];

/** True for the Consul Helm release / chart / server StatefulSet. */
export function isConsul(r: PlannedResource): boolean {
  const chart = r.inputs["chart"];
  const name = (r.inputs["metadata"] as { name?: unknown } | undefined)?.name;
  return [chart, r.inputs["name"], name, r.name].some(
    (v) => typeof v === "string" && /consul/i.test(v),
  );
}

const CONSUL_RAFT_LOSS =
  "the Consul servers' Raft state: the catalog, ACL tokens, intentions and the CA";
const consulRelease: StatefulKind = {
  type: "kubernetes:helm.sh/v3:Release",
  label: "Consul release",
  loss: CONSUL_RAFT_LOSS,
  matches: isConsul,
};
const consulChart: StatefulKind = {
  type: "kubernetes:helm.sh/v4:Chart",
  label: "Consul chart",
  loss: CONSUL_RAFT_LOSS,
  matches: isConsul,
};

/**
 * Why the Helm upgrade of a Consul release fails when the server storage changes, and the way
 * through. The API server validates a StatefulSet update with ValidateStatefulSetUpdate, which
 * allows changes to replicas, ordinals, template, updateStrategy, revisionHistoryLimit,
 * persistentVolumeClaimRetentionPolicy and minReadySeconds only ("spec: Forbidden: updates to
 * statefulset spec for fields other than ... are forbidden").
 */
const CONSUL_SERVER_STORAGE_REFUSED = {
  why: "the chart renders it into the server StatefulSet's volumeClaimTemplates, and the API server refuses any update of a StatefulSet's spec but replicas, ordinals, template, updateStrategy, revisionHistoryLimit, persistentVolumeClaimRetentionPolicy and minReadySeconds (StatefulSet.apps is invalid: spec: Forbidden), so the Helm upgrade fails",
  fix: "before this deploy, delete only the server StatefulSet, keeping its pods and volumes (kubectl -n <release namespace> delete statefulset <release name>-server --cascade=orphan); the deploy then re-creates it with the new template and adopts the running servers. Existing volumes keep their old class and size: move one server at a time to a new volume (delete its PVC and pod, wait until it has rejoined the Raft quorum), never two at once",
  source:
    "https://github.com/kubernetes/kubernetes/blob/v1.32.2/pkg/apis/apps/validation/validation.go (ValidateStatefulSetUpdate)",
} as const;

/** Kubernetes objects and Helm releases. */
export const kubernetesFacts: FactsTable = {
  family: "Kubernetes",
  replacements: [
    ...objectReplacements,
    // The Helm release identity of @pulumi/kubernetes.
    ...replaces("kubernetes:helm.sh/v3:Release", HELM_RELEASE, ["name", "namespace"]),
    ...["spec.targetGroupARN", "spec.targetType", "spec.ipAddressType", "spec.vpcID"].map(
      (property): ReplacementRule => ({
        type: TGB,
        property,
        effect: "apply-error",
        source: LBC_TGB_VALIDATOR,
        note: TGB_NOTE,
      }),
    ),
  ],
  uniqueNames: [
    {
      type: "kubernetes:apps/v1:Deployment",
      downtime:
        "its pods are gone until the new Deployment's pods are ready: the service answers nothing meanwhile",
    },
    {
      type: "kubernetes:apps/v1:StatefulSet",
      downtime: "its pods are gone until the new StatefulSet's pods are ready",
    },
    {
      type: "kubernetes:core/v1:Service",
      downtime:
        "its cluster IP and endpoints are gone until it is re-created: callers fail meanwhile",
    },
    {
      type: TGB,
      downtime:
        "the target group has no registered targets until the controller registers the new binding's pods: the load balancer answers 503 meanwhile",
    },
  ].map((k) => ({
    ...k,
    property: "metadata.name",
    scope: "in its namespace",
    refusal: "AlreadyExists",
    providerDeletesFirst: true,
    source: PULUMI_K8S_DELETE_FIRST,
  })),
  stateful: [
    consulRelease,
    consulChart,
    {
      type: "kubernetes:apps/v1:StatefulSet",
      label: "Consul server StatefulSet",
      loss: "the Consul servers' persistent volumes",
      matches: isConsul,
    },
    {
      type: "kubernetes:core/v1:PersistentVolumeClaim",
      label: "persistent volume claim",
      loss: "the volume's data",
    },
  ],
  /**
   * Updates that recreate stateful storage although the resource itself is only updated: the
   * Consul chart's server storage values feed the server StatefulSet's volumeClaimTemplates,
   * which Kubernetes does not let an update change, so the Helm upgrade is refused.
   * Source: https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#limitations
   */
  storageChanges: [consulRelease, consulChart].flatMap((kind) =>
    ["values.server.storage", "values.server.storageClass"].map((property) => ({
      kind,
      property,
      refused: CONSUL_SERVER_STORAGE_REFUSED,
    })),
  ),
};
