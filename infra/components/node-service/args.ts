import { isDns1035Label, isIpv4Cidr } from "../shared/validators";
import { HTTP_PORT_NAME } from "./pod";

/**
 * Checks on NodeService arguments, before anything is created. Pure; no Pulumi. Each message
 * names the argument and what would be valid; all problems are reported at once.
 */

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const QUANTITY_MI = /^([1-9]\d*)(Mi|Gi)$/;

/** Why an image reference is not pinned, or undefined when it is. */
export function imageRefProblem(ref: string): string | undefined {
  if (/@sha256:[0-9a-f]{64}$/.test(ref)) return undefined;
  if (ref.includes("@")) return `has a digest that is not sha256:<64 hex digits> ("${ref}")`;
  const lastSegment = ref.slice(ref.lastIndexOf("/") + 1);
  const colon = lastSegment.indexOf(":");
  if (colon < 0) {
    return `has no tag or digest, so it means "latest" ("${ref}"); pin it by digest (repo@sha256:...) or an immutable tag`;
  }
  if (lastSegment.slice(colon + 1) === "latest") {
    return `uses the mutable tag "latest" ("${ref}"); pin it by digest (repo@sha256:...) or an immutable tag`;
  }
  return undefined;
}

function mebibytes(q: string): number | undefined {
  const m = QUANTITY_MI.exec(q);
  return m ? Number(m[1]) * (m[2] === "Gi" ? 1024 : 1) : undefined;
}

export interface CheckedArgs {
  readonly service: string;
  readonly port: number;
  readonly replicas: number;
  readonly autoscaling?: { readonly maxReplicas: number; readonly targetCpuUtilization: number };
  readonly resources: {
    readonly cpu: string;
    readonly memory: string;
    readonly memoryLimit: string;
  };
  /** Names of env vars from every source, in order, to find clashes. */
  readonly envNames: readonly string[];
  readonly secretEnvKeys: readonly { readonly name: string; readonly key: string }[];
  readonly callers: readonly string[];
  readonly upstreams: readonly { readonly name: string; readonly port: number }[];
  readonly cidrs: readonly { readonly arg: string; readonly cidr: string }[];
  readonly ports: readonly { readonly arg: string; readonly port: number }[];
  readonly meshInboundPort?: number | undefined;
  /** Envoy's merged metrics port, when meshed. */
  readonly meshMetricsPort?: number | undefined;
  /** The trace collector's selectors and port, when spans are exported. */
  readonly traceCollector?:
    | {
        readonly namespaceLabels: Readonly<Record<string, string>>;
        readonly podLabels: Readonly<Record<string, string>>;
        readonly port: number;
      }
    | undefined;
  /** The metrics scraper's selectors, when one is admitted. */
  readonly scraper?:
    | {
        readonly namespaceLabels: Readonly<Record<string, string>>;
        readonly podLabels: Readonly<Record<string, string>>;
      }
    | undefined;
  /**
   * The exposure: undefined when not exposed; otherwise whether a load balancer (its target
   * sources) was given.
   */
  readonly exposure?: { readonly hasLoadBalancer: boolean } | undefined;
  /** Plain image string, when known at construction. */
  readonly image?: string | undefined;
}

/**
 * Problems with a load balancer's target sources, known only once they resolve (e.g. from a
 * subnet lookup): each must be an IPv4 CIDR block.
 */
export function targetSourceProblems(cidrs: readonly string[]): string[] {
  return cidrs.flatMap((cidr, i) =>
    isIpv4Cidr(cidr)
      ? []
      : [`expose.loadBalancer.targetSources[${i}]: must be an IPv4 CIDR block (found "${cidr}")`],
  );
}

/** Every problem with the arguments, as `<argument>: <problem>` lines. */
export function argProblems(a: CheckedArgs): string[] {
  const out: string[] = [];
  const label = (arg: string, v: string) => {
    // A Service's name is a DNS-1035 label (it must start with a letter), stricter than DNS-1123.
    if (!isDns1035Label(v)) {
      out.push(
        `${arg}: must be a DNS-1035 label (a Kubernetes Service name): 1-63 lowercase letters, digits or '-', starting with a letter and ending with a letter or digit (found "${v}")`,
      );
    }
  };
  const port = (arg: string, p: number) => {
    if (!Number.isInteger(p) || p < 1 || p > 65535) {
      out.push(`${arg}: must be a port number from 1 to 65535 (found ${p})`);
    }
  };
  label("serviceName", a.service);
  port("port", a.port);
  if (!Number.isInteger(a.replicas) || a.replicas < 1) {
    out.push(`replicas: must be a whole number of at least 1 (found ${a.replicas})`);
  }
  if (a.autoscaling) {
    if (!Number.isInteger(a.autoscaling.maxReplicas) || a.autoscaling.maxReplicas < a.replicas) {
      out.push(
        `autoscaling.maxReplicas: must be a whole number of at least replicas (${a.replicas}) (found ${a.autoscaling.maxReplicas})`,
      );
    }
    const t = a.autoscaling.targetCpuUtilization;
    if (!Number.isInteger(t) || t < 1 || t > 100) {
      out.push(`autoscaling.targetCpuUtilization: must be a percentage from 1 to 100 (found ${t})`);
    }
  }
  const request = mebibytes(a.resources.memory);
  const limit = mebibytes(a.resources.memoryLimit);
  if (request !== undefined && limit !== undefined && limit < request) {
    out.push(
      `resources.memoryLimit: must be at least resources.memory (${a.resources.memory}) (found "${a.resources.memoryLimit}")`,
    );
  }
  const seen = new Set<string>();
  for (const name of a.envNames) {
    if (!ENV_NAME.test(name)) out.push(`env: "${name}" is not an environment variable name`);
    if (seen.has(name)) {
      out.push(
        `env: "${name}" is set twice (env, secretEnv and the derived SERVICE_NAME, HOST, PORT, SHUTDOWN_TIMEOUT_MS and <UPSTREAM>_URL must not overlap)`,
      );
    }
    seen.add(name);
  }
  for (const s of a.secretEnvKeys) {
    if (s.key.length === 0) out.push(`secretEnv.${s.name}.key: must name a key of the Secret`);
  }
  a.callers.forEach((c, i) => label(`callers[${i}]`, c));
  a.upstreams.forEach((u, i) => {
    label(`upstreams[${i}].name`, u.name);
    port(`upstreams[${i}].port`, u.port);
    if (u.name === a.service) out.push(`upstreams[${i}].name: a service cannot call itself`);
  });
  for (const c of a.cidrs) {
    if (!isIpv4Cidr(c.cidr)) out.push(`${c.arg}: must be an IPv4 CIDR block (found "${c.cidr}")`);
  }
  for (const p of a.ports) port(p.arg, p.port);
  if (a.meshInboundPort !== undefined) {
    port("meshInboundPort", a.meshInboundPort);
    if (a.meshInboundPort === a.port) {
      out.push(`meshInboundPort: must differ from port (${a.port}), the ${HTTP_PORT_NAME} port`);
    }
  }
  if (a.meshMetricsPort !== undefined) {
    port("meshMetricsPort", a.meshMetricsPort);
    if (a.meshMetricsPort === a.port || a.meshMetricsPort === a.meshInboundPort) {
      out.push(
        `meshMetricsPort: must differ from port (${a.port}) and meshInboundPort (${a.meshInboundPort})`,
      );
    }
  }
  if (a.scraper) {
    for (const key of ["namespaceLabels", "podLabels"] as const) {
      if (Object.keys(a.scraper[key]).length === 0) {
        out.push(
          `metricsScraper.${key}: must name at least one label (an empty selector admits every ${key === "podLabels" ? "pod" : "namespace"}); set false to admit no scraper`,
        );
      }
    }
  }
  if (a.traceCollector) {
    for (const key of ["namespaceLabels", "podLabels"] as const) {
      if (Object.keys(a.traceCollector[key]).length === 0) {
        out.push(
          `traceCollector.${key}: must name at least one label (an empty selector lets the pods reach every ${key === "podLabels" ? "pod" : "namespace"} on the collector port)`,
        );
      }
    }
    port("traceCollector.port", a.traceCollector.port);
  }
  if (a.exposure && !a.exposure.hasLoadBalancer) {
    out.push(
      "expose.loadBalancer: an exposed service needs the load balancer that sends it traffic (pass the PublicLoadBalancer, or any { targetSources }), or its NetworkPolicy drops every request the load balancer forwards",
    );
  }
  if (a.image !== undefined) {
    const problem = imageRefProblem(a.image);
    if (problem) out.push(`image: ${problem}`);
  }
  return out;
}
