import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  CONSUL_CHART,
  consulHelmValues,
  consulNames,
  encryptedGp3StorageClass,
  GOSSIP_KEY_BYTES,
  GOSSIP_SECRET_KEY,
  serverCountProblem,
  type ServerResources,
} from "./values";
import { ComponentArgsError } from "../shared/errors";
import { formerType } from "../shared/type-token";

export interface ConsulClusterArgs {
  /** Exact `hashicorp/consul` chart version, e.g. "1.9.11". Required: upgrades are explicit. */
  readonly chartVersion: pulumi.Input<string>;
  /** Exact Consul version of the servers, e.g. "1.22.7". Required: upgrades are explicit. */
  readonly consulVersion: pulumi.Input<string>;
  /**
   * Server replicas: 1, 3, 5 or 7 (Raft quorum gains nothing from an even count). Plain, so it
   * is checked before anything is created. Default 3.
   */
  readonly servers?: number;
  /** Namespace created for Consul. Default "consul". */
  readonly namespace?: pulumi.Input<string>;
  /** Consul datacenter name. Default "dc1". */
  readonly datacenter?: pulumi.Input<string>;
  /** Raft data volume per server. Default "10Gi". */
  readonly storageSize?: pulumi.Input<string>;
  /**
   * An existing StorageClass for the server volumes. Default: the component creates
   * `<name>-gp3-encrypted` (EBS CSI driver, gp3, encrypted, WaitForFirstConsumer, expandable);
   * the cluster needs the Amazon EBS CSI driver add-on, or the volumes stay Pending. Kubernetes
   * refuses to change a StatefulSet's volume claim templates: a running datacenter keeps the
   * class it was created with (name it here, e.g. "gp2") until its servers are migrated.
   */
  readonly storageClass?: pulumi.Input<string>;
  /** Server requests and limits. Default 250m (limit 1) CPU, 512Mi (limit 512Mi) memory. */
  readonly resources?: pulumi.Input<ServerResources>;
  /**
   * Namespaces whose pods the connect injector may mutate and register. Default: every
   * namespace except the chart's system exclusions. Narrowing it limits what the injector's
   * fail-closed webhook can block.
   */
  readonly injectNamespaces?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Namespace of the privileged consul-cni DaemonSet. Default "kube-system", where node-level
   * CNI plugins live, so the Consul namespace itself stays Pod Security "restricted".
   */
  readonly cniNamespace?: pulumi.Input<string>;
}

const DEFAULT_RESOURCES: ServerResources = {
  cpu: "250m",
  cpuLimit: "1",
  memory: "512Mi",
  memoryLimit: "512Mi",
};

/**
 * A Consul datacenter on Kubernetes from the official Helm chart, hardened: TLS (auto-encrypt,
 * verify, HTTPS only), system ACLs, gossip encryption with a generated key kept as a Pulumi
 * secret, odd server count with anti-affinity, zone spread and a PDB, and the connect injector
 * with transparent proxy for pods that opt in.
 */
export class ConsulCluster extends pulumi.ComponentResource {
  /** The Consul namespace. */
  readonly namespace: pulumi.Output<string>;
  /** The Helm release: depend on it for anything that needs Consul's CRDs or webhooks. */
  readonly release: k8s.helm.v3.Release;
  /** Helm release name; chart objects are named `<releaseName>-server`, `<releaseName>-ui`, ... */
  readonly releaseName: pulumi.Output<string>;
  /** Name of the Secret holding the gossip encryption key. */
  readonly gossipSecretName: pulumi.Output<string>;
  /** Name of the ClusterIP Service of the UI (HTTPS, port 443). */
  readonly uiServiceName: pulumi.Output<string>;
  /** The gossip encryption key (base64), a secret: for agents outside Kubernetes that join. */
  readonly gossipKey: pulumi.Output<string>;

  constructor(name: string, args: ConsulClusterArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const servers = args.servers ?? 3;
    const problem = serverCountProblem(servers);
    if (problem) {
      throw new ComponentArgsError("ConsulCluster", name, [
        `servers ${problem} (found ${servers})`,
      ]);
    }

    super(
      "causeway:index:ConsulCluster",
      name,
      {},
      formerType("causeway:consul:ConsulCluster", opts),
    );
    const names = consulNames(name);

    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: args.namespace ?? "consul",
          labels: {
            "app.kubernetes.io/part-of": "consul",
            // Every chart workload we enable uses the chart's restricted security context
            // (templates/_helpers.tpl "consul.restrictedSecurityContext"); the CNI DaemonSet,
            // the one privileged workload, runs in cniNamespace.
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/enforce-version": "latest",
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/audit": "restricted",
          },
        },
      },
      { parent: this },
    );
    const namespaceName = namespace.metadata.apply((m) => m.name!);
    // Known in preview: the name we asked for, not the provider's echo.
    const nsName = pulumi.output(args.namespace ?? "consul");

    const gossipKey = new random.RandomBytes(
      `${name}-gossip-key`,
      { length: GOSSIP_KEY_BYTES },
      { parent: this },
    );
    // Wrapped explicitly: the key must stay secret even where the provider's own marking is absent.
    this.gossipKey = pulumi.secret(gossipKey.base64);
    const gossipSecret = new k8s.core.v1.Secret(
      `${name}-gossip-key`,
      {
        metadata: { name: names.gossipSecret, namespace: nsName },
        type: "Opaque",
        stringData: { [GOSSIP_SECRET_KEY]: this.gossipKey },
      },
      { parent: this, dependsOn: [namespace] },
    );

    // Fixed name (a StatefulSet's claim templates name the class and cannot change), so it is
    // deleted before it is replaced (its parameters are immutable); volumes already bound keep
    // working without it.
    const storageClass =
      args.storageClass === undefined
        ? new k8s.storage.v1.StorageClass(
            `${name}-storage`,
            encryptedGp3StorageClass(names.storageClass),
            { parent: this, deleteBeforeReplace: true },
          )
        : undefined;
    // The name we asked for (known in a preview); the release depends on the class.
    const storageClassName = args.storageClass ?? names.storageClass;

    const values = pulumi
      .all([
        args.consulVersion,
        args.datacenter ?? "dc1",
        args.storageSize ?? "10Gi",
        storageClassName,
        args.resources ?? DEFAULT_RESOURCES,
        args.injectNamespaces ?? [],
        args.cniNamespace ?? "kube-system",
      ])
      .apply(([consulVersion, datacenter, storageSize, storageClass, resources, inject, cni]) =>
        consulHelmValues({
          release: names.release,
          servers,
          consulVersion,
          datacenter,
          storageSize,
          storageClass,
          resources,
          gossipSecretName: names.gossipSecret,
          injectNamespaces: inject,
          cniNamespace: cni,
        }),
      );

    this.release = new k8s.helm.v3.Release(
      `${name}-chart`,
      {
        name: names.release,
        chart: CONSUL_CHART.chart,
        version: args.chartVersion,
        repositoryOpts: { repo: CONSUL_CHART.repo },
        namespace: nsName,
        createNamespace: false,
        values,
        // Servers join one by one and the ACL and TLS bootstrap jobs run first.
        timeout: 900,
        cleanupOnFail: true,
        maxHistory: 10,
      },
      {
        parent: this,
        dependsOn: [namespace, gossipSecret, ...(storageClass ? [storageClass] : [])],
      },
    );

    this.namespace = namespaceName;
    this.releaseName = pulumi.output(names.release);
    this.gossipSecretName = pulumi.output(names.gossipSecret);
    this.uiServiceName = pulumi.output(`${names.release}-ui`);
    this.registerOutputs({
      namespace: this.namespace,
      releaseName: this.releaseName,
      gossipSecretName: this.gossipSecretName,
      uiServiceName: this.uiServiceName,
      gossipKey: this.gossipKey,
    });
  }
}
