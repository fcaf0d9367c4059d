/**
 * Pure derivation of the Consul config entries of a service graph: ServiceDefaults,
 * ServiceIntentions (default deny plus one allow per caller -> upstream edge),
 * ServiceRouter (bounded retry on connect failure, request timeout) and ServiceResolver
 * (connect timeout). Field names follow the consul.hashicorp.com/v1alpha1 CRDs of
 * hashicorp/consul-k8s v1.9.11 (control-plane/api/v1alpha1/*_types.go).
 */

/** API version of Consul's Kubernetes custom resources. */
export const CONSUL_CRD_API_VERSION = "consul.hashicorp.com/v1alpha1";

/** Kinds of the Consul custom resources this module derives. */
export const ConsulKind = {
  serviceDefaults: "ServiceDefaults",
  serviceIntentions: "ServiceIntentions",
  serviceRouter: "ServiceRouter",
  serviceResolver: "ServiceResolver",
} as const;
export type ConsulKind = (typeof ConsulKind)[keyof typeof ConsulKind];

/** Intention actions (Consul's L4 intentions). */
export const IntentionAction = { allow: "allow", deny: "deny" } as const;
export type IntentionAction = (typeof IntentionAction)[keyof typeof IntentionAction];

/** Name of the ServiceIntentions that denies `*` -> `*`; no service may take it. */
export const DEFAULT_DENY_NAME = "default-deny";

/** One service of the graph, as far as the mesh cares. */
export interface MeshServiceSpec {
  /** Services this one calls. */
  readonly upstreams: readonly string[];
}

export type MeshGraph = Readonly<Record<string, MeshServiceSpec>>;

/** A caller -> upstream edge. */
export interface MeshEdge {
  readonly from: string;
  readonly to: string;
}

/**
 * Every caller -> upstream edge, once, sorted by caller then upstream. An upstream listed twice
 * is one edge: Consul refuses a ServiceIntentions whose sources name a service twice
 * ("Sources[1] defines \"web\" more than once", structs/config_entry_intentions.go).
 */
export function meshEdges(graph: MeshGraph): MeshEdge[] {
  return Object.entries(graph)
    .flatMap(([from, s]) => [...new Set(s.upstreams)].map((to) => ({ from, to })))
    .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}

export interface IntentionSource {
  readonly name: string;
  readonly action: IntentionAction;
}

export interface ServiceIntentionsSpec {
  readonly destination: { readonly name: string };
  readonly sources: readonly IntentionSource[];
}

/**
 * The intentions of a graph: a default deny for `*` -> `*`, and per upstream one
 * ServiceIntentions listing its callers as allowed sources. Consul keeps one intentions entry
 * per destination, hence one resource per upstream rather than per edge. Services nobody calls
 * get no entry: the default deny covers them.
 */
export function intentionsFor(graph: MeshGraph): {
  readonly defaultDeny: ServiceIntentionsSpec;
  readonly byDestination: Readonly<Record<string, ServiceIntentionsSpec>>;
} {
  const byDestination: Record<string, ServiceIntentionsSpec> = {};
  for (const edge of meshEdges(graph)) {
    const current = byDestination[edge.to];
    byDestination[edge.to] = {
      destination: { name: edge.to },
      sources: [...(current?.sources ?? []), { name: edge.from, action: IntentionAction.allow }],
    };
  }
  return {
    defaultDeny: {
      destination: { name: "*" },
      sources: [{ name: "*", action: IntentionAction.deny }],
    },
    byDestination,
  };
}

/** The allow edges a set of intentions grants: the inverse of `intentionsFor`, for tests. */
export function allowedEdges(intentions: readonly ServiceIntentionsSpec[]): MeshEdge[] {
  return intentions
    .flatMap((i) =>
      i.sources
        .filter((s) => s.action === IntentionAction.allow)
        .map((s) => ({ from: s.name, to: i.destination.name })),
    )
    .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}

/** Timeouts and retries of mesh calls, applied by the caller's Envoy. */
export interface MeshTrafficPolicy {
  /**
   * Whole-request timeout, retries included (Envoy route timeout). Above the service kit's
   * 2 s per-attempt client timeout, so the kit decides; the mesh only bounds callers without one.
   */
  readonly requestTimeout: string;
  /** TCP connect timeout to an upstream instance (in-cluster connects take milliseconds). */
  readonly connectTimeout: string;
  /**
   * Retries when the connection cannot be made. Safe for every method: the upstream never saw
   * the request. No retries on resets or 5xx: the kit retries those itself, with idempotency
   * keys, and two layers of retries multiply.
   */
  readonly connectRetries: number;
}

export const DEFAULT_TRAFFIC_POLICY: MeshTrafficPolicy = {
  requestTimeout: "5s",
  connectTimeout: "1s",
  connectRetries: 2,
};

/** ServiceDefaults: the services speak HTTP/1.1, which enables L7 routing and retries. */
export function serviceDefaultsSpec(): { readonly protocol: "http" } {
  return { protocol: "http" };
}

export function serviceRouterSpec(service: string, policy: MeshTrafficPolicy) {
  return {
    routes: [
      {
        match: { http: { pathPrefix: "/" } },
        destination: {
          service,
          requestTimeout: policy.requestTimeout,
          numRetries: policy.connectRetries,
          retryOnConnectFailure: true,
        },
      },
    ],
  };
}

export function serviceResolverSpec(policy: MeshTrafficPolicy) {
  return { connectTimeout: policy.connectTimeout };
}

/** Problems with a graph the mesh cannot express, or [] if none. */
export function meshGraphProblems(graph: MeshGraph): string[] {
  const names = Object.keys(graph);
  const problems: string[] = [];
  if (names.includes(DEFAULT_DENY_NAME)) {
    problems.push(
      `service name "${DEFAULT_DENY_NAME}" is reserved for the mesh's default-deny intentions`,
    );
  }
  for (const edge of meshEdges(graph)) {
    if (!names.includes(edge.to)) {
      problems.push(`"${edge.from}" calls "${edge.to}", which is not a service of the graph`);
    }
  }
  return problems;
}
