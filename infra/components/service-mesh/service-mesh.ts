import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  CONSUL_CRD_API_VERSION,
  ConsulKind,
  DEFAULT_DENY_NAME,
  DEFAULT_TRAFFIC_POLICY,
  intentionsFor,
  meshGraphProblems,
  serviceDefaultsSpec,
  serviceResolverSpec,
  serviceRouterSpec,
  type MeshGraph,
  type MeshTrafficPolicy,
} from "./entries";
import { ComponentArgsError } from "../shared/errors";
import { formerType } from "../shared/type-token";

export interface ServiceMeshArgs {
  /**
   * The service graph: name -> { upstreams }. Plain, because it decides which resources exist.
   * Required.
   */
  readonly services: MeshGraph;
  /** Namespace of the config entry resources (the services' namespace). Required. */
  readonly namespace: pulumi.Input<string>;
  /**
   * What installs the consul.hashicorp.com CRDs and their controller: the Consul Helm release
   * (`ConsulCluster.release`). Every entry depends on it, so entries are created after it and
   * deleted before it. Default: the component's own `dependsOn` resource option (how other
   * Pulumi languages pass it). One of the two is required.
   */
  readonly crds?: pulumi.Resource;
  /**
   * Timeouts and retries of mesh calls. Default: 5s request timeout, 1s connect timeout,
   * 2 retries on connect failure only.
   */
  readonly traffic?: Partial<MeshTrafficPolicy>;
}

/**
 * The zero-trust mesh of a service graph, as Consul config entries: a ServiceDefaults
 * (protocol http), ServiceRouter (bounded retry on connect failure, request timeout) and
 * ServiceResolver (connect timeout) per service, a default deny for `*` -> `*`, and one
 * ServiceIntentions per called service allowing exactly its callers.
 */
export class ServiceMesh extends pulumi.ComponentResource {
  /** ServiceDefaults, ServiceRouter and ServiceResolver per service. */
  readonly entries: Readonly<
    Record<
      string,
      {
        readonly defaults: k8s.apiextensions.CustomResource;
        readonly router: k8s.apiextensions.CustomResource;
        readonly resolver: k8s.apiextensions.CustomResource;
      }
    >
  >;
  /** The `*` -> `*` deny. */
  readonly defaultDeny: k8s.apiextensions.CustomResource;
  /** ServiceIntentions by destination service (only services somebody calls). */
  readonly intentions: Readonly<Record<string, k8s.apiextensions.CustomResource>>;

  constructor(name: string, args: ServiceMeshArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // A component's children do not inherit its dependsOn (only its providers: resource.js), so
    // without `crds` the entries take the component's dependsOn explicitly. From another language
    // it holds the resources the program named (DependencyResource by URN, provider/server.js
    // `construct`, @pulumi/pulumi 3.248): the engine records them as each entry's dependencies,
    // which orders the deletes.
    const crds = args.crds !== undefined ? [args.crds] : opts.dependsOn;
    const problems = [
      ...meshGraphProblems(args.services),
      ...(hasDependencies(crds)
        ? []
        : [
            "crds: what installs the consul.hashicorp.com CRDs (the Consul Helm release) is required, as this arg or as the component's `dependsOn` resource option; entries created before the CRDs fail, and entries deleted after them hang on their finalizers",
          ]),
    ];
    if (problems.length > 0) {
      throw new ComponentArgsError("ServiceMesh", name, problems);
    }
    super("causeway:index:ServiceMesh", name, {}, formerType("causeway:mesh:ServiceMesh", opts));

    const traffic: MeshTrafficPolicy = { ...DEFAULT_TRAFFIC_POLICY, ...args.traffic };
    const afterCrds: pulumi.CustomResourceOptions = { parent: this, dependsOn: crds };
    const entry = (
      resourceName: string,
      kind: string,
      metadataName: string,
      spec: unknown,
      extra: pulumi.CustomResourceOptions = {},
    ) =>
      new k8s.apiextensions.CustomResource(
        resourceName,
        {
          apiVersion: CONSUL_CRD_API_VERSION,
          kind,
          metadata: { name: metadataName, namespace: args.namespace },
          spec,
        },
        pulumi.mergeOptions(afterCrds, extra),
      );

    const entries: Record<string, ServiceMesh["entries"][string]> = {};
    for (const service of Object.keys(args.services).sort()) {
      const defaults = entry(
        `${name}-${service}-defaults`,
        ConsulKind.serviceDefaults,
        service,
        serviceDefaultsSpec(),
      );
      // Routers and resolvers need the http protocol that the ServiceDefaults declares.
      const router = entry(
        `${name}-${service}-router`,
        ConsulKind.serviceRouter,
        service,
        serviceRouterSpec(service, traffic),
        { dependsOn: [defaults] },
      );
      const resolver = entry(
        `${name}-${service}-resolver`,
        ConsulKind.serviceResolver,
        service,
        serviceResolverSpec(traffic),
        { dependsOn: [defaults] },
      );
      entries[service] = { defaults, router, resolver };
    }

    const derived = intentionsFor(args.services);
    this.defaultDeny = entry(
      `${name}-default-deny`,
      ConsulKind.serviceIntentions,
      DEFAULT_DENY_NAME,
      derived.defaultDeny,
    );
    const intentions: Record<string, k8s.apiextensions.CustomResource> = {};
    for (const [destination, spec] of Object.entries(derived.byDestination)) {
      intentions[destination] = entry(
        `${name}-${destination}-intentions`,
        ConsulKind.serviceIntentions,
        destination,
        spec,
      );
    }

    this.entries = entries;
    this.intentions = intentions;
    this.registerOutputs({
      services: Object.keys(entries).sort(),
      intentions: Object.keys(intentions).sort(),
    });
  }
}

/** Whether a `dependsOn` names anything: an empty list or none does not; an Output may. */
function hasDependencies(dependsOn: pulumi.CustomResourceOptions["dependsOn"]): boolean {
  if (dependsOn === undefined) return false;
  return !Array.isArray(dependsOn) || dependsOn.length > 0;
}
