/**
 * The mesh sidecar's resources, asked of the Consul injector through pod annotations. Pure; no
 * Pulumi.
 *
 * The injector adds the consul-dataplane (Envoy) container at admission, so the scheduler sees
 * whatever requests it gets. The chart sets none by default (`connectInject.sidecarProxy.resources`
 * is null in charts/consul/values.yaml of hashicorp/consul-k8s v1.9.11, L2972-2995), so without
 * these annotations the sidecar is BestEffort: the node is over-committed by Envoy's real use,
 * and a `Resource` CPU metric cannot be computed for the pod. The same values.yaml names the
 * per-pod overrides below, and recommends 100m CPU and 100Mi memory for production.
 */

/** Annotation names the injector reads (values.yaml L2975-2980, consul-k8s v1.9.11). */
export const SidecarAnnotation = {
  cpuRequest: "consul.hashicorp.com/sidecar-proxy-cpu-request",
  cpuLimit: "consul.hashicorp.com/sidecar-proxy-cpu-limit",
  memoryRequest: "consul.hashicorp.com/sidecar-proxy-memory-request",
  memoryLimit: "consul.hashicorp.com/sidecar-proxy-memory-limit",
} as const;

export interface SidecarResources {
  readonly cpu: string;
  readonly memory: string;
  readonly memoryLimit: string;
}

/**
 * Defaults: the chart's recommended production requests; a memory limit above them bounds a leak
 * to the sidecar, and no CPU limit, as for the service's own container (a throttled proxy adds
 * latency to every call).
 */
export const SidecarDefaults: SidecarResources = {
  cpu: "100m",
  memory: "100Mi",
  memoryLimit: "256Mi",
};

const CPU = /^(?:[1-9]\d*m|\d+(?:\.\d{1,3})?)$/;
const MEMORY = /^([1-9]\d*)(Mi|Gi)$/;

const mebibytes = (q: string) => {
  const m = MEMORY.exec(q);
  return m ? Number(m[1]) * (m[2] === "Gi" ? 1024 : 1) : undefined;
};

/** Problems with the sidecar's resources, as `meshSidecarResources.<key>: ...` lines. */
export function sidecarResourceProblems(r: SidecarResources): string[] {
  const out: string[] = [];
  if (!CPU.test(r.cpu) || Number.parseFloat(r.cpu) === 0) {
    out.push(
      `meshSidecarResources.cpu: must be a CPU quantity above zero, in millicores ("100m") or cores ("0.5") (found "${r.cpu}")`,
    );
  }
  for (const key of ["memory", "memoryLimit"] as const) {
    if (mebibytes(r[key]) === undefined) {
      out.push(
        `meshSidecarResources.${key}: must be a memory quantity in Mi or Gi, e.g. "128Mi" (found "${r[key]}")`,
      );
    }
  }
  const request = mebibytes(r.memory);
  const limit = mebibytes(r.memoryLimit);
  if (request !== undefined && limit !== undefined && limit < request) {
    out.push(
      `meshSidecarResources.memoryLimit: must be at least meshSidecarResources.memory (${r.memory}) (found "${r.memoryLimit}")`,
    );
  }
  return out;
}

/** The pod annotations that give the injected sidecar these requests and memory limit. */
export function sidecarResourceAnnotations(r: SidecarResources): Record<string, string> {
  return {
    [SidecarAnnotation.cpuRequest]: r.cpu,
    [SidecarAnnotation.memoryLimit]: r.memoryLimit,
    [SidecarAnnotation.memoryRequest]: r.memory,
  };
}
