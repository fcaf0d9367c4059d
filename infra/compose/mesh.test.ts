import { describe, expect, it } from "vitest";
import { renderJson } from "@causeway/plan";
import { ConfigError, edges } from "../config";
import type { ConfigOverlay, PlanView } from "../plan/harness";
import { FIXTURE_STACKS as STACKS, fixtureConfig, planFixture } from "../test/fixtures";
import { deploymentSpec, INTENTIONS, plannedIntentions } from "../test/queries";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const CONSUL_CRS = [
  "kubernetes:consul.hashicorp.com/v1alpha1:ServiceDefaults",
  INTENTIONS,
  "kubernetes:consul.hashicorp.com/v1alpha1:ServiceResolver",
  "kubernetes:consul.hashicorp.com/v1alpha1:ServiceRouter",
];

describe("the Consul chart release in each stack", () => {
  it("is one release of the pinned chart per stack, with 1/3/5 servers and tier sizing", async () => {
    const table = [];
    for (const stack of STACKS) {
      const plan = await planFixture(stack);
      const releases = plan.byType(RELEASE).filter((r) => r.inputs["chart"] === "consul");
      expect(releases, stack).toHaveLength(1);
      const { inputs } = releases[0]!;
      const values = inputs["values"] as {
        server: Record<string, unknown>;
        connectInject: Record<string, unknown>;
        global: Record<string, unknown>;
      };
      table.push({
        stack,
        version: inputs["version"],
        image: values.global["image"],
        servers: values.server["replicas"],
        storage: values.server["storage"],
        resources: values.server["resources"],
        serverPdb: values.server["disruptionBudget"],
        injectors: values.connectInject["replicas"],
      });
    }
    expect(table).toEqual([
      {
        stack: "dev",
        version: "1.9.11",
        image: "hashicorp/consul:1.22.7",
        servers: 1,
        storage: "5Gi",
        resources: {
          requests: { cpu: "100m", memory: "256Mi" },
          limits: { cpu: "500m", memory: "256Mi" },
        },
        serverPdb: { enabled: false },
        injectors: 1,
      },
      {
        stack: "staging",
        version: "1.9.11",
        image: "hashicorp/consul:1.22.7",
        servers: 3,
        storage: "10Gi",
        resources: {
          requests: { cpu: "250m", memory: "512Mi" },
          limits: { cpu: "1", memory: "512Mi" },
        },
        serverPdb: { enabled: true },
        injectors: 2,
      },
      {
        stack: "prod",
        version: "1.9.11",
        image: "hashicorp/consul:1.22.7",
        servers: 5,
        storage: "20Gi",
        resources: {
          requests: { cpu: "500m", memory: "1Gi" },
          limits: { cpu: "2", memory: "1Gi" },
        },
        serverPdb: { enabled: true },
        injectors: 2,
      },
    ]);
  });

  it("hardens every stack the same way: TLS, ACLs, gossip encryption, opt-in injection, ClusterIP UI", async () => {
    for (const stack of STACKS) {
      const plan = await planFixture(stack);
      const values = plan.get(RELEASE, "consul-chart").inputs["values"] as Record<
        string,
        Record<string, unknown>
      >;
      expect(values["global"], stack).toMatchObject({
        tls: { enabled: true, enableAutoEncrypt: true, verify: true, httpsOnly: true },
        acls: { manageSystemACLs: true },
        gossipEncryption: { secretName: "consul-gossip-encryption-key", secretKey: "key" },
        metrics: { enabled: true },
      });
      expect(values["connectInject"], stack).toMatchObject({
        enabled: true,
        default: false,
        transparentProxy: { defaultEnabled: true },
        k8sAllowNamespaces: ["causeway"],
      });
      expect(values["ui"], stack).toMatchObject({ service: { type: "ClusterIP" } });
    }
  });

  it("rejects a stack asking for an even number of servers, naming Raft quorum", async () => {
    await expect(planFixture("prod", { "causeway:consul": { servers: 4 } })).rejects.toThrow(
      new ConfigError(
        [
          {
            path: "causeway:consul.servers",
            message:
              "must be odd (1, 3, 5 or 7): Raft needs a majority of servers for quorum, so an even count tolerates no more failures than one server fewer (2 tolerate none, like 1; 4 tolerate one, like 3) and only adds cost (found 4)",
          },
        ],
        "prod",
      ).message,
    );
  });
});

describe("the mesh derived from the service graph", () => {
  it.each<[string, ConfigOverlay]>([
    ["the stack's graph", {}],
    [
      "a graph with more edges",
      {
        "causeway:services": {
          orders: { upstreams: ["payments"] },
          // A service with no code here runs an image pinned by digest (nothing to build).
          reports: {
            upstreams: ["orders", "payments"],
            image: `111122223333.dkr.ecr.eu-west-1.amazonaws.com/causeway/reports@sha256:${"d".repeat(64)}`,
          },
        },
      },
    ],
  ])("allows exactly the edges of %s, plus one default deny", async (_, overlay) => {
    for (const stack of STACKS) {
      const expected = edges(fixtureConfig(stack, overlay).services)
        .map((e): [string, string, string] => [e.from, e.to, "allow"])
        .concat([["*", "*", "deny"]])
        .sort((a, b) => a.join(" ").localeCompare(b.join(" ")));
      const plan = await planFixture(stack, overlay);
      expect(plannedIntentions(plan), stack).toEqual(expected);
    }
  });

  it("gives every service an http ServiceDefaults, a ServiceRouter and a ServiceResolver", async () => {
    const plan = await planFixture("staging");
    const names = Object.keys(fixtureConfig("staging").services).sort();
    for (const kind of ["ServiceDefaults", "ServiceRouter", "ServiceResolver"]) {
      const planned = plan
        .byType(`kubernetes:consul.hashicorp.com/v1alpha1:${kind}`)
        .map((r) => (r.inputs["metadata"] as { name: string }).name)
        .sort();
      expect(planned, kind).toEqual(names);
    }
  });

  it("creates every config entry after the Consul release (and so deletes it before)", async () => {
    const plan = await planFixture("prod");
    const release = plan.get(RELEASE, "consul-chart");
    const crs = CONSUL_CRS.flatMap((t) => plan.byType(t));
    expect(crs.length).toBeGreaterThan(0);
    for (const cr of crs) {
      expect(cr.dependencies, cr.name).toContain(release.urn);
      expect(cr.provider, cr.name).toBe(release.provider);
      expect(cr.provider, cr.name).toBe(
        "urn:pulumi:prod::causeway::pulumi:pulumi:Stack$pulumi:providers:kubernetes::cluster",
      );
      expect((cr.inputs["metadata"] as { namespace: string }).namespace).toBe("causeway");
    }
  });

  it("creates the services' pods only once the injector webhook is installed", async () => {
    const plan = await planFixture("dev");
    const release = plan.get(RELEASE, "consul-chart");
    for (const name of Object.keys(fixtureConfig("dev").services)) {
      const deployment = plan.get("kubernetes:apps/v1:Deployment", name);
      expect(deployment.dependencies, name).toContain(release.urn);
    }
  });
});

describe("pods in the mesh", () => {
  const annotationsOf = (plan: PlanView, name: string) =>
    deploymentSpec(plan, name).template.metadata.annotations;

  it("opt every service in with transparent proxy; exposed ones bypass it inbound, data-store users outbound", async () => {
    const plan = await planFixture("prod");
    const config = fixtureConfig("prod");
    const table = Object.keys(config.services)
      .sort()
      .map((name) => {
        const a = annotationsOf(plan, name);
        return [
          name,
          a["consul.hashicorp.com/connect-inject"],
          a["consul.hashicorp.com/transparent-proxy"],
          a["consul.hashicorp.com/transparent-proxy-exclude-inbound-ports"],
          a["consul.hashicorp.com/transparent-proxy-exclude-outbound-ports"],
        ];
      });
    expect(table).toEqual([
      // The gateway's rate-limit counters live in the cache (6379).
      ["gateway", "true", "true", String(config.services.gateway!.port), "6379"],
      ["orders", "true", "true", undefined, "5432,5671"],
      ["payments", "true", "true", undefined, "5432,5671"],
    ]);
  });

  it("mount the ServiceAccount token the injector's ACL login requires", async () => {
    const plan = await planFixture("dev");
    const automount = plan.byType("kubernetes:apps/v1:Deployment").map((d) => {
      const spec = d.inputs["spec"] as {
        template: { spec: { automountServiceAccountToken?: boolean } };
      };
      return [d.name, spec.template.spec.automountServiceAccountToken];
    });
    expect(automount).toEqual(
      Object.keys(fixtureConfig("dev").services)
        .sort()
        .map((name) => [name, true]),
    );
  });

  it("give services their upstreams by cluster DNS name, never by IP", async () => {
    const plan = await planFixture("dev", {
      "causeway:services": { orders: { upstreams: ["payments"], port: 8081 } },
    });
    type Env = { name: string; value?: string };
    const urls = plan
      .byType("kubernetes:apps/v1:Deployment")
      .flatMap((d) => {
        const spec = d.inputs["spec"] as {
          template: { spec: { containers: { env?: Env[] }[] } };
        };
        return spec.template.spec.containers.flatMap((c) => c.env ?? []);
      })
      .filter((e) => /^[A-Z_]+_URL$/.test(e.name) && e.value !== undefined)
      .map((e) => `${e.name}=${e.value}`)
      .sort();
    expect(urls).toEqual([
      "ORDERS_URL=http://orders.causeway.svc.cluster.local:8081",
      "PAYMENTS_URL=http://payments.causeway.svc.cluster.local:8080",
    ]);
  });
});

describe("secrets", () => {
  it("never puts a gossip key value in the plan: the Secret's data prints as [secret]", async () => {
    const plan = await planFixture("prod");
    const key = plan.get("random:index/randomBytes:RandomBytes", "consul-gossip-key");
    const secret = plan.get("kubernetes:core/v1:Secret", "consul-gossip-key");
    expect(secret.inputs["stringData"]).toBe("[secret]");
    expect(secret.dependencies).toContain(key.urn);
    // The chart gets the Secret's name, never the key.
    const values = JSON.stringify(plan.get(RELEASE, "consul-chart").inputs["values"]);
    expect(values).not.toMatch(/[A-Za-z0-9+/]{43}=/);
    expect(renderJson(plan)).not.toMatch(/[A-Za-z0-9+/]{43}=/);
  });
});

describe("Consul under node drains and on encrypted storage, in the prod fixture", () => {
  it("lets one injector go, spreads injectors over nodes, and puts servers on the stack's encrypted gp3 class", async () => {
    const plan = await planFixture("prod");
    const release = plan.byType(RELEASE).find((r) => r.inputs["chart"] === "consul")!;
    const values = release.inputs["values"] as {
      server: Record<string, unknown>;
      connectInject: Record<string, unknown>;
    };
    expect(values.connectInject["disruptionBudget"]).toEqual({ enabled: true, maxUnavailable: 1 });
    expect(JSON.parse(values.connectInject["affinity"] as string)).toMatchObject({
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname" }],
      },
    });
    const classes = plan.byType("kubernetes:storage.k8s.io/v1:StorageClass");
    expect(classes.map((c) => [c.name, c.inputs["parameters"], c.inputs["provisioner"]])).toEqual([
      ["consul-storage", { type: "gp3", encrypted: "true" }, "ebs.csi.aws.com"],
    ]);
    expect(values.server["storageClass"]).toBe("consul-gp3-encrypted");
    expect(release.dependencies).toContain(classes[0]!.urn);
  });

  it("keeps a class the config names (a datacenter first deployed on gp2), creating none", async () => {
    const plan = await planFixture("prod", { "causeway:consul": { storageClass: "gp2" } });
    const release = plan.byType(RELEASE).find((r) => r.inputs["chart"] === "consul")!;
    expect(
      (release.inputs["values"] as { server: Record<string, unknown> }).server["storageClass"],
    ).toBe("gp2");
    expect(plan.byType("kubernetes:storage.k8s.io/v1:StorageClass")).toEqual([]);
  });
});
