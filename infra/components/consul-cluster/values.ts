/**
 * Pure helpers for ConsulCluster: names, and the values for the official `hashicorp/consul`
 * Helm chart. Every key below was checked against `charts/consul/values.yaml` of
 * hashicorp/consul-k8s at tag v1.9.11 (the chart version the stacks pin); the line references
 * are to that file.
 */

/** The chart repository and chart name (https://developer.hashicorp.com/consul/docs/k8s/helm). */
export const CONSUL_CHART = {
  repo: "https://helm.releases.hashicorp.com",
  chart: "consul",
} as const;

/** The Consul server image; the chart's own default is `hashicorp/consul:<appVersion>`. */
export const CONSUL_IMAGE_REPOSITORY = "hashicorp/consul";

/** Key of the gossip key in its Secret (`global.gossipEncryption.secretKey`). */
export const GOSSIP_SECRET_KEY = "key";

/** Bytes of the gossip encryption key: Consul requires a 32-byte, base64-encoded key. */
export const GOSSIP_KEY_BYTES = 32;

/** Most Consul servers a datacenter should run (HashiCorp's deployment table stops at 7). */
export const MAX_CONSUL_SERVERS = 7;

/**
 * Why an even server count is refused. Raft commits need a majority, floor(n/2) + 1 voters, so
 * n servers survive floor((n - 1) / 2) failures: 4 survive one failure like 3 do, 2 survive none
 * like 1. The extra server adds cost and one more voter to every commit, and no fault tolerance.
 * Source: https://developer.hashicorp.com/consul/docs/architecture/consensus#deployment-table
 */
export const EVEN_SERVERS_MESSAGE =
  "must be odd (1, 3, 5 or 7): Raft needs a majority of servers for quorum, so an even count tolerates no more failures than one server fewer (2 tolerate none, like 1; 4 tolerate one, like 3) and only adds cost";

/** What is wrong with a server count, or undefined if it is fine. */
export function serverCountProblem(servers: number): string | undefined {
  if (!Number.isInteger(servers) || servers < 1) return "must be a whole number, at least 1";
  if (servers > MAX_CONSUL_SERVERS) {
    return `must be at most ${MAX_CONSUL_SERVERS}: every extra voter slows each Raft commit`;
  }
  if (servers % 2 === 0) return EVEN_SERVERS_MESSAGE;
  return undefined;
}

/** Names derived from the component name, so two clusters in one program never collide. */
export interface ConsulNames {
  /** Helm release name; also `global.name`, the prefix of every chart object (`<name>-server`). */
  readonly release: string;
  /** Kubernetes Secret holding the gossip key. */
  readonly gossipSecret: string;
  /** The encrypted gp3 StorageClass made for the servers when none is named. */
  readonly storageClass: string;
}

export function consulNames(name: string): ConsulNames {
  return {
    release: name,
    gossipSecret: `${name}-gossip-encryption-key`,
    storageClass: `${name}-gp3-encrypted`,
  };
}

/** Server requests and limits. */
export interface ServerResources {
  readonly cpu: string;
  readonly cpuLimit: string;
  readonly memory: string;
  readonly memoryLimit: string;
}

/** Everything the values depend on, resolved to plain data. */
export interface ConsulValuesInput {
  /** `global.name` (object-name prefix) and the `release` label of the server pods. */
  readonly release: string;
  /** Server replicas; odd. */
  readonly servers: number;
  /** Consul version; the image is `hashicorp/consul:<version>`. */
  readonly consulVersion: string;
  readonly datacenter: string;
  readonly storageSize: string;
  readonly storageClass: string;
  readonly resources: ServerResources;
  readonly gossipSecretName: string;
  /** Namespaces whose pods the injector may mutate and register; empty = every namespace. */
  readonly injectNamespaces: readonly string[];
  /** Namespace of the consul-cni DaemonSet (it runs privileged, as node-level CNI plugins do). */
  readonly cniNamespace: string;
}

/**
 * Replicas of the connect-inject webhook. Its failurePolicy is Fail (values.yaml
 * `connectInject.failurePolicy`), so while it is down no pod it intercepts can be created: run
 * two wherever the servers are highly available.
 */
export function injectorReplicas(servers: number): number {
  return servers > 1 ? 2 : 1;
}

/**
 * Whether a PodDisruptionBudget is worth having for `replicas` pods. The chart sets
 * maxUnavailable 0 when there is one replica (`consul.server.pdb.maxUnavailable` in
 * templates/_helpers.tpl), which blocks every node drain and managed node group upgrade while
 * protecting no quorum; with more replicas it allows one pod down at a time.
 */
export function disruptionBudgetEnabled(replicas: number): boolean {
  return replicas > 1;
}

/**
 * The injector's PodDisruptionBudget. With 2 replicas the chart computes maxUnavailable as
 * (2 / 2) - 1 = 0 (`consul.pdb.connectInject.maxUnavailable` in templates/_helpers.tpl, used by
 * templates/connect-injector-disruptionbudget.yaml), which stalls every drain, node group
 * upgrade and scale-down of a node that runs an injector. One may go: the other keeps the
 * fail-closed webhook answering, and the anti-affinity below keeps the two on different nodes.
 * A non-zero value replaces the chart's computation (the helper only computes it when the value
 * is unset or 0). Source: hashicorp/consul-k8s v1.9.11, charts/consul/templates/_helpers.tpl.
 */
export function injectorDisruptionBudget(replicas: number): {
  enabled: boolean;
  maxUnavailable?: number;
} {
  return disruptionBudgetEnabled(replicas)
    ? { enabled: true, maxUnavailable: 1 }
    : { enabled: false };
}

/**
 * The labels of the injector's pods (templates/connect-inject-deployment.yaml at v1.9.11:
 * app = consul.name, release, component: connect-injector; `chart` also, left out as it changes
 * with the chart version).
 */
export function injectorLabels(release: string): Record<string, string> {
  return { app: "consul", release, component: "connect-injector" };
}

/**
 * The StorageClass the Consul servers get when none is named: gp3 volumes, encrypted (EKS's own
 * `gp2` class sets no `encrypted` parameter, so its volumes are encrypted only where the account
 * turned on EBS encryption by default), created on the node the pod lands on, and expandable.
 * Parameters of the EBS CSI driver: https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/parameters.md
 * ("type", "encrypted": "true"; values are strings).
 */
export function encryptedGp3StorageClass(name: string) {
  return {
    metadata: { name, labels: { "app.kubernetes.io/part-of": "consul" } },
    provisioner: "ebs.csi.aws.com",
    parameters: { type: "gp3", encrypted: "true" },
    volumeBindingMode: "WaitForFirstConsumer",
    allowVolumeExpansion: true,
    reclaimPolicy: "Delete",
  };
}

/**
 * The chart's values: the secured setup of HashiCorp's "Consul and Kubernetes deployment guide"
 * (https://learn.hashicorp.com/tutorials/consul/kubernetes-deployment-guide): TLS with
 * auto-encrypt, verify and HTTPS only; system ACLs; gossip encryption from a Secret; servers
 * spread over nodes and zones with a PDB; mesh injection opt-in, with transparent proxy.
 */
export function consulHelmValues(input: ConsulValuesInput): Record<string, unknown> {
  const serverLabels = { app: "consul", release: input.release, component: "server" };
  const injector = injectorReplicas(input.servers);
  return {
    global: {
      // values.yaml L28: prefix of every object instead of "<release>-consul".
      name: input.release,
      image: `${CONSUL_IMAGE_REPOSITORY}:${input.consulVersion}`,
      datacenter: input.datacenter,
      // L292: the key comes from our Secret; the chart must not generate its own.
      gossipEncryption: {
        autoGenerate: false,
        secretName: input.gossipSecretName,
        secretKey: GOSSIP_SECRET_KEY,
      },
      // L315: TLS for RPC, HTTPS and gRPC; clients get certificates from the servers.
      tls: { enabled: true, enableAutoEncrypt: true, verify: true, httpsOnly: true },
      // L419: ACLs bootstrapped, with a token per component; default policy deny.
      acls: { manageSystemACLs: true },
      // L614: Prometheus metrics for servers and sidecars.
      metrics: { enabled: true, enableAgentMetrics: true, agentMetricsRetentionTime: "1m" },
    },
    server: {
      replicas: input.servers,
      storage: input.storageSize,
      storageClass: input.storageClass,
      resources: {
        requests: { cpu: input.resources.cpu, memory: input.resources.memory },
        limits: { cpu: input.resources.cpuLimit, memory: input.resources.memoryLimit },
      },
      // L1257: never two servers on one node (the chart's default, stated so it cannot drift).
      affinity: yamlString({
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: serverLabels }, topologyKey: "kubernetes.io/hostname" },
          ],
        },
      }),
      // L1293: spread over Availability Zones where the nodes allow it (ScheduleAnyway: a zone
      // short of nodes never blocks a server), so one zone's loss leaves a quorum.
      topologySpreadConstraints: yamlString([
        {
          maxSkew: 1,
          topologyKey: "topology.kubernetes.io/zone",
          whenUnsatisfiable: "ScheduleAnyway",
          labelSelector: { matchLabels: serverLabels },
        },
      ]),
      // L1155
      disruptionBudget: { enabled: disruptionBudgetEnabled(input.servers) },
      // L1339: no LoadBalancer/NodePort in front of the servers.
      exposeService: { enabled: false },
    },
    connectInject: {
      enabled: true,
      replicas: injector,
      // L2436: opt-in per pod with the connect-inject annotation.
      default: false,
      transparentProxy: { defaultEnabled: true, defaultOverwriteProbes: true },
      // L2613: the CNI plugin sets up the traffic redirection, so the injected init container
      // runs as non-root without NET_ADMIN and the pods pass Pod Security "restricted"
      // (control-plane/connect-inject/webhook/container_init.go).
      cni: { enabled: true, namespace: input.cniNamespace },
      // L2708: Envoy metrics merged with the service's own /metrics.
      metrics: { defaultEnabled: true, defaultEnableMerging: true },
      disruptionBudget: injectorDisruptionBudget(injector),
      // values.yaml `connectInject.affinity` (a string, passed through tpl): never two injectors
      // on one node, so draining a node leaves one answering the webhook.
      affinity: yamlString({
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            {
              labelSelector: { matchLabels: injectorLabels(input.release) },
              topologyKey: "kubernetes.io/hostname",
            },
          ],
        },
      }),
      ...(input.injectNamespaces.length > 0
        ? {
            k8sAllowNamespaces: [...input.injectNamespaces],
            namespaceSelector: yamlString({
              matchExpressions: [
                {
                  key: "kubernetes.io/metadata.name",
                  operator: "In",
                  values: [...input.injectNamespaces],
                },
              ],
            }),
          }
        : {}),
    },
    // L2008: the UI on a ClusterIP Service only (reach it with kubectl port-forward).
    ui: {
      enabled: true,
      service: { enabled: true, type: "ClusterIP" },
      ingress: { enabled: false },
    },
  };
}

/**
 * Several chart values are multi-line YAML strings (affinity, topologySpreadConstraints,
 * namespaceSelector). JSON is YAML, and has no indentation to get wrong.
 */
function yamlString(value: unknown): string {
  return JSON.stringify(value);
}
