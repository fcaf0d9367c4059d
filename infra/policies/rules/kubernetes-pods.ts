import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";

/**
 * Pod rules for the workloads the blueprint deploys: the Pod Security Standards "restricted"
 * profile (https://kubernetes.io/docs/concepts/security/pod-security-standards/), plus probes,
 * resources and image tags from kube-score and Polaris.
 */

/** Workload types whose `spec.template.spec` is a pod spec. */
export const WORKLOAD_TYPES = [
  "kubernetes:apps/v1:Deployment",
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:apps/v1:DaemonSet",
  "kubernetes:batch/v1:Job",
] as const;

interface Container {
  name?: string;
  image?: string;
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    allowPrivilegeEscalation?: boolean;
    privileged?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
    seccompProfile?: { type?: string };
  };
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

interface PodSpec {
  securityContext?: Container["securityContext"] & { runAsUser?: number };
  containers?: Container[];
  initContainers?: Container[];
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  volumes?: { name?: string; hostPath?: unknown }[];
}

/** The pod spec of a workload, or undefined for other types. */
export function podSpecOf(
  args: Pick<ResourceValidationArgs, "type" | "props">,
): PodSpec | undefined {
  if (!(WORKLOAD_TYPES as readonly string[]).includes(args.type)) return undefined;
  const spec = (args.props as { spec?: { template?: { spec?: PodSpec } } }).spec;
  return spec?.template?.spec;
}

function allContainers(pod: PodSpec): Container[] {
  return [...(pod.initContainers ?? []), ...(pod.containers ?? [])];
}

/** A policy over each container of each workload. */
function containerPolicy(
  name: string,
  description: string,
  check: (c: Container, pod: PodSpec) => string | undefined,
  options: { initContainers?: boolean } = {},
): ResourceValidationPolicy {
  return {
    name,
    description,
    validateResource: (args, report) => {
      const pod = podSpecOf(args);
      if (!pod) return;
      const containers =
        options.initContainers === false ? (pod.containers ?? []) : allContainers(pod);
      for (const c of containers) {
        const problem = check(c, pod);
        if (problem) report(`container ${c.name ?? "(unnamed)"}: ${problem}`);
      }
    },
  };
}

const ALLOWED_CAPABILITY_ADDS = new Set(["NET_BIND_SERVICE"]);

export const kubernetesPodPolicies: ResourceValidationPolicy[] = [
  // Source: PSS restricted "Running as Non-root"; checkov CKV_K8S_23; kube-score
  // container-security-context-user-group-id.
  containerPolicy(
    "k8s-run-as-non-root",
    "Containers run as non-root (runAsNonRoot in the pod or container security context).",
    (c, pod) =>
      (c.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) === true
        ? undefined
        : "runAsNonRoot must be true",
  ),
  // Source: PSS restricted "Running as Non-root user" (runAsUser must not be 0).
  containerPolicy("k8s-run-as-user-not-root", "No container sets runAsUser 0.", (c, pod) =>
    (c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser) === 0
      ? "runAsUser must not be 0"
      : undefined,
  ),
  // Source: PSS restricted "Privilege Escalation"; checkov CKV_K8S_20; Polaris privilegeEscalationAllowed.
  containerPolicy(
    "k8s-no-privilege-escalation",
    "Containers set allowPrivilegeEscalation: false.",
    (c) =>
      c.securityContext?.allowPrivilegeEscalation === false
        ? undefined
        : "allowPrivilegeEscalation must be false",
  ),
  // Source: PSS restricted "Capabilities" (drop ALL; add at most NET_BIND_SERVICE); checkov CKV_K8S_37.
  containerPolicy(
    "k8s-drop-all-capabilities",
    "Containers drop ALL capabilities and add none but NET_BIND_SERVICE.",
    (c) => {
      const caps = c.securityContext?.capabilities;
      if (!caps?.drop?.includes("ALL")) return "capabilities.drop must include ALL";
      const extra = (caps.add ?? []).filter((a) => !ALLOWED_CAPABILITY_ADDS.has(a));
      return extra.length > 0 ? `capabilities.add ${extra.join(", ")} is not allowed` : undefined;
    },
  ),
  // Source: PSS restricted "Seccomp"; checkov CKV_K8S_31; Polaris (seccomp).
  containerPolicy(
    "k8s-seccomp-runtime-default",
    "Containers run with the RuntimeDefault (or a Localhost) seccomp profile.",
    (c, pod) => {
      const type =
        c.securityContext?.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type;
      return type === "RuntimeDefault" || type === "Localhost"
        ? undefined
        : "seccompProfile.type must be RuntimeDefault or Localhost";
    },
  ),
  // Source: PSS baseline "Privileged Containers"; checkov CKV_K8S_16; Polaris privilegeEscalationAllowed.
  containerPolicy("k8s-not-privileged", "No container is privileged.", (c) =>
    c.securityContext?.privileged === true ? "privileged must not be true" : undefined,
  ),
  // Source: kube-score container-security-context-readonlyrootfilesystem; Polaris notReadOnlyRootFilesystem; checkov CKV_K8S_22.
  containerPolicy(
    "k8s-read-only-root-filesystem",
    "Containers have a read-only root filesystem.",
    (c) =>
      c.securityContext?.readOnlyRootFilesystem === true
        ? undefined
        : "readOnlyRootFilesystem must be true",
  ),
  {
    // Source: PSS baseline "Host Namespaces" and "HostPath Volumes"; checkov CKV_K8S_17/18/19.
    name: "k8s-no-host-namespaces-or-paths",
    description: "Pods share no host namespace and mount no hostPath volume.",
    validateResource: (args, report) => {
      const pod = podSpecOf(args);
      if (!pod) return;
      for (const f of ["hostNetwork", "hostPID", "hostIPC"] as const) {
        if (pod[f] === true) report(`${f} must not be true`);
      }
      for (const v of pod.volumes ?? []) {
        if (v.hostPath !== undefined) report(`volume ${v.name ?? "(unnamed)"} mounts a hostPath`);
      }
    },
  },
  // Source: kube-score container-probes (readiness); Polaris readinessProbeMissing.
  containerPolicy(
    "k8s-readiness-probe",
    "Service containers have a readiness probe.",
    (c) => (c.readinessProbe ? undefined : "readinessProbe is missing"),
    { initContainers: false },
  ),
  // Source: Polaris livenessProbeMissing; kube-score container-probes.
  containerPolicy(
    "k8s-liveness-probe",
    "Service containers have a liveness probe.",
    (c) => (c.livenessProbe ? undefined : "livenessProbe is missing"),
    { initContainers: false },
  ),
  // Source: kube-score container-resources (requests); Polaris cpuRequestsMissing/memoryRequestsMissing.
  containerPolicy("k8s-resource-requests", "Containers request CPU and memory.", (c) =>
    c.resources?.requests?.["cpu"] && c.resources.requests["memory"]
      ? undefined
      : "resources.requests.cpu and resources.requests.memory are required",
  ),
  // Source: kube-score container-resources (memory limit); Polaris memoryLimitsMissing. No CPU
  // limit is required: CFS throttling hurts latency (kube-score allows ignoring cpu limits).
  containerPolicy("k8s-memory-limit", "Containers have a memory limit.", (c) =>
    c.resources?.limits?.["memory"] ? undefined : "resources.limits.memory is required",
  ),
  // Source: kube-score container-image-tag; Polaris tagNotSpecified; checkov CKV_K8S_14.
  containerPolicy(
    "k8s-image-no-latest",
    "Images are pinned: a tag other than latest, or a digest.",
    (c) => {
      const image = c.image ?? "";
      if (image.includes("@sha256:")) return undefined;
      const lastSegment = image.split("/").pop() ?? "";
      const tag = lastSegment.includes(":") ? lastSegment.split(":").pop() : undefined;
      return !tag || tag === "latest"
        ? `image ${image || "(none)"} must have a tag other than latest or a digest`
        : undefined;
    },
  ),
];
