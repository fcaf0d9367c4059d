import { describe, expect, it } from "vitest";
import {
  consulHelmValues,
  consulNames,
  encryptedGp3StorageClass,
  EVEN_SERVERS_MESSAGE,
  injectorDisruptionBudget,
  serverCountProblem,
  type ConsulValuesInput,
} from "./values";

const base: ConsulValuesInput = {
  release: "consul",
  servers: 3,
  consulVersion: "1.22.7",
  datacenter: "dc1",
  storageSize: "10Gi",
  storageClass: "consul-gp3-encrypted",
  resources: { cpu: "250m", cpuLimit: "1", memory: "512Mi", memoryLimit: "512Mi" },
  gossipSecretName: "consul-gossip-encryption-key",
  injectNamespaces: ["causeway"],
  cniNamespace: "kube-system",
};

type Values = {
  global: Record<string, unknown>;
  server: Record<string, unknown>;
  connectInject: Record<string, unknown>;
  ui: Record<string, unknown>;
};
const values = (over: Partial<ConsulValuesInput> = {}) =>
  consulHelmValues({ ...base, ...over }) as Values;

describe("consulHelmValues: the hardened settings every tier shares", () => {
  it("turns on TLS (auto-encrypt, verify, HTTPS only), system ACLs, gossip encryption, metrics", () => {
    expect(values().global).toEqual({
      name: "consul",
      image: "hashicorp/consul:1.22.7",
      datacenter: "dc1",
      gossipEncryption: {
        autoGenerate: false,
        secretName: "consul-gossip-encryption-key",
        secretKey: "key",
      },
      tls: { enabled: true, enableAutoEncrypt: true, verify: true, httpsOnly: true },
      acls: { manageSystemACLs: true },
      metrics: { enabled: true, enableAgentMetrics: true, agentMetricsRetentionTime: "1m" },
    });
  });

  it("injects only pods that opt in, with transparent proxy through the CNI plugin", () => {
    const { connectInject } = values();
    expect(connectInject).toMatchObject({
      enabled: true,
      default: false,
      transparentProxy: { defaultEnabled: true, defaultOverwriteProbes: true },
      cni: { enabled: true, namespace: "kube-system" },
      metrics: { defaultEnabled: true, defaultEnableMerging: true },
      k8sAllowNamespaces: ["causeway"],
    });
    expect(JSON.parse(connectInject["namespaceSelector"] as string)).toEqual({
      matchExpressions: [
        { key: "kubernetes.io/metadata.name", operator: "In", values: ["causeway"] },
      ],
    });
  });

  it("leaves the injector's namespace scope to the chart when no namespaces are given", () => {
    const { connectInject } = values({ injectNamespaces: [] });
    expect(connectInject).not.toHaveProperty("k8sAllowNamespaces");
    expect(connectInject).not.toHaveProperty("namespaceSelector");
  });

  it("serves the UI on a ClusterIP Service only, and never exposes the servers", () => {
    const v = values();
    expect(v.ui).toEqual({
      enabled: true,
      service: { enabled: true, type: "ClusterIP" },
      ingress: { enabled: false },
    });
    expect(v.server["exposeService"]).toEqual({ enabled: false });
  });

  it("keeps servers on distinct nodes and spreads them over zones, selecting the release's servers", () => {
    const server = values({ release: "mesh" }).server;
    const selector = { matchLabels: { app: "consul", release: "mesh", component: "server" } };
    expect(JSON.parse(server["affinity"] as string)).toEqual({
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { labelSelector: selector, topologyKey: "kubernetes.io/hostname" },
        ],
      },
    });
    expect(JSON.parse(server["topologySpreadConstraints"] as string)).toEqual([
      {
        maxSkew: 1,
        topologyKey: "topology.kubernetes.io/zone",
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: selector,
      },
    ]);
  });
});

describe("consulHelmValues: what changes by tier", () => {
  // The tier defaults of causeway:consul (infra/config/sections/consul.ts).
  const tiers: [string, Partial<ConsulValuesInput>][] = [
    [
      "dev",
      {
        servers: 1,
        storageSize: "5Gi",
        resources: { cpu: "100m", cpuLimit: "500m", memory: "256Mi", memoryLimit: "256Mi" },
      },
    ],
    [
      "staging",
      {
        servers: 3,
        storageSize: "10Gi",
        resources: { cpu: "250m", cpuLimit: "1", memory: "512Mi", memoryLimit: "512Mi" },
      },
    ],
    [
      "prod",
      {
        servers: 5,
        storageSize: "20Gi",
        resources: { cpu: "500m", cpuLimit: "2", memory: "1Gi", memoryLimit: "1Gi" },
      },
    ],
  ];

  it("sizes servers, storage, resources, injector replicas and PDBs per tier", () => {
    const table = tiers.map(([tier, over]) => {
      const v = values(over);
      return {
        tier,
        replicas: v.server["replicas"],
        storage: v.server["storage"],
        storageClass: v.server["storageClass"],
        resources: v.server["resources"],
        serverPdb: v.server["disruptionBudget"],
        injectors: v.connectInject["replicas"],
        injectorPdb: v.connectInject["disruptionBudget"],
      };
    });
    expect(table).toEqual([
      {
        tier: "dev",
        replicas: 1,
        storage: "5Gi",
        storageClass: "consul-gp3-encrypted",
        resources: {
          requests: { cpu: "100m", memory: "256Mi" },
          limits: { cpu: "500m", memory: "256Mi" },
        },
        serverPdb: { enabled: false },
        injectors: 1,
        injectorPdb: { enabled: false },
      },
      {
        tier: "staging",
        replicas: 3,
        storage: "10Gi",
        storageClass: "consul-gp3-encrypted",
        resources: {
          requests: { cpu: "250m", memory: "512Mi" },
          limits: { cpu: "1", memory: "512Mi" },
        },
        serverPdb: { enabled: true },
        injectors: 2,
        injectorPdb: { enabled: true, maxUnavailable: 1 },
      },
      {
        tier: "prod",
        replicas: 5,
        storage: "20Gi",
        storageClass: "consul-gp3-encrypted",
        resources: {
          requests: { cpu: "500m", memory: "1Gi" },
          limits: { cpu: "2", memory: "1Gi" },
        },
        serverPdb: { enabled: true },
        injectors: 2,
        injectorPdb: { enabled: true, maxUnavailable: 1 },
      },
    ]);
  });
});

describe("the connect injector under node drains", () => {
  it("lets one of two injectors go, where the chart would render maxUnavailable 0", () => {
    expect(injectorDisruptionBudget(2)).toEqual({ enabled: true, maxUnavailable: 1 });
    expect(injectorDisruptionBudget(1)).toEqual({ enabled: false });
  });

  it("never schedules two injectors on one node", () => {
    const { connectInject } = values({ release: "mesh" });
    expect(JSON.parse(connectInject["affinity"] as string)).toEqual({
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          {
            labelSelector: {
              matchLabels: { app: "consul", release: "mesh", component: "connect-injector" },
            },
            topologyKey: "kubernetes.io/hostname",
          },
        ],
      },
    });
  });
});

describe("encryptedGp3StorageClass", () => {
  it("asks the EBS CSI driver for encrypted gp3 volumes, bound where the pod lands, expandable", () => {
    expect(encryptedGp3StorageClass("consul-gp3-encrypted")).toEqual({
      metadata: { name: "consul-gp3-encrypted", labels: { "app.kubernetes.io/part-of": "consul" } },
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true" },
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
      reclaimPolicy: "Delete",
    });
  });
});

describe("serverCountProblem", () => {
  it.each([
    [1, undefined],
    [3, undefined],
    [5, undefined],
    [7, undefined],
    [2, EVEN_SERVERS_MESSAGE],
    [4, EVEN_SERVERS_MESSAGE],
    [6, EVEN_SERVERS_MESSAGE],
    [0, "must be a whole number, at least 1"],
    [2.5, "must be a whole number, at least 1"],
    [9, "must be at most 7: every extra voter slows each Raft commit"],
  ])("%d servers -> %s", (servers, problem) => {
    expect(serverCountProblem(servers)).toBe(problem);
  });
});

describe("consulNames", () => {
  it("derives the release and Secret names from the component name", () => {
    expect(consulNames("consul")).toEqual({
      release: "consul",
      gossipSecret: "consul-gossip-encryption-key",
      storageClass: "consul-gp3-encrypted",
    });
  });
});
