import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { parse } from "yaml";
import { planProgram, type PlannedResource } from "@causeway/plan";
import * as causeway from "@causeway/components";
import type { StorageReclaimPolicy } from "./components";
import type * as served from "./components";
import type { ScraperInput, ServedNodeServiceArgs } from "./node-service-adapter";
import {
  BrokerDeploymentMode,
  COMPONENTS,
  DesyncMitigationMode,
  EXCLUDED,
  NatGatewayMode,
  NOT_SERVED,
  TlsPolicy,
  WeekDay,
} from "./components";

/**
 * The package schema other languages get from the component provider, generated offline and
 * in-process by the same code the provider host runs for `pulumi package add` (the SDK's
 * ComponentProvider.getSchema, which runs its TypeScript analyser on this folder). Checked
 * against the generated README of @causeway/components: every component, arg and output is in
 * the schema with its docs and type, or listed in components.ts with the reason it is not.
 */

const here = __dirname;
const readme = readFileSync(path.join(here, "..", "README.md"), "utf8");

interface Property {
  readonly type?: string;
  readonly $ref?: string;
  readonly description?: string;
  readonly items?: Property;
  readonly additionalProperties?: Property;
}
interface Resource {
  readonly isComponent?: boolean;
  readonly description?: string;
  readonly inputProperties: Record<string, Property>;
  readonly requiredInputs?: string[];
  readonly properties: Record<string, Property>;
  readonly required?: string[];
}
interface Schema {
  readonly name: string;
  readonly resources: Record<string, Resource>;
  readonly types?: Record<
    string,
    { readonly properties?: Record<string, Property>; readonly required?: string[] }
  >;
}

/** The rows `| \`name\` | ...` of a README section's table, by heading. */
function readmeNames(component: string, table: "Arguments" | "Outputs"): string[] {
  const section = readme.split(/\n## /).find((s) => s.startsWith(`${component}\n`));
  if (!section) throw new Error(`README.md has no section ## ${component}`);
  const part = section.split(/\n### /).find((s) => s.startsWith(table));
  if (!part) throw new Error(`README.md ## ${component} has no ### ${table}`);
  return [...part.matchAll(/^\| `([A-Za-z0-9_]+\??)` +\|/gm)].map((m) => m[1]!);
}

/** The README's description of each arg of a component (the last column of its table). */
function readmeDocs(component: string): Map<string, string> {
  const section = readme.split(/\n## /).find((s) => s.startsWith(`${component}\n`))!;
  const part = section.split(/\n### /).find((s) => s.startsWith("Arguments"))!;
  return new Map(
    [...part.matchAll(/^\| `(\w+)\??` +\| .*? +\| (.*?) +\|$/gm)].map((m) => [
      m[1]!,
      m[2]!.replaceAll("\\|", "|"),
    ]),
  );
}

const normalize = (text: string | undefined) => text?.replace(/\s+/g, " ").trim();
/** A named default as the reference spells it out, `X_Y.z` or `Ports.envoyMetrics`, then its value. */
const NAMED_DEFAULT = /(`[A-Z][A-Za-z_]*\.\w+`) \([^)]*\)/g;

function readmeComponents(): string[] {
  return [...readme.matchAll(/^\| \[([A-Za-z]+)\]\(#/gm)].map((m) => m[1]!);
}

let schema: Schema;
let provider: ComponentProvider;

beforeAll(async () => {
  // The provider resolves @causeway/components as an installed package does: its dist/ types.
  const tsc = spawnSync(
    process.execPath,
    [require.resolve("typescript/bin/tsc"), "-p", path.join(here, "..", "tsconfig.build.json")],
    { encoding: "utf8", timeout: 300_000 },
  );
  if (tsc.status !== 0) throw new Error(`building @causeway/components failed:\n${tsc.stdout}`);
  provider = new ComponentProvider({
    name: "causeway",
    dirname: here,
    components: [...COMPONENTS],
  });
  schema = JSON.parse(await provider.getSchema()) as Schema;
}, 600_000);

describe("the component provider's schema (PulumiPlugin.yaml)", () => {
  it("serves or names every component of the package", () => {
    const served = COMPONENTS.map((c) => c.name);
    expect(schema.name).toBe("causeway");
    expect(Object.keys(schema.resources).sort()).toEqual(
      served.map((n) => `causeway:index:${n}`).sort(),
    );
    expect([...served, ...Object.keys(NOT_SERVED)].sort()).toEqual(readmeComponents().sort());
  });

  it.each(COMPONENTS.map((c) => c.name))(
    "%s: every arg and output with its docs and type, or excluded with a reason",
    (name) => {
      const resource = schema.resources[`causeway:index:${name}`]!;
      const excluded = EXCLUDED[name]!;
      expect(resource.isComponent).toBe(true);
      expect(resource.description?.length).toBeGreaterThan(20);

      const args = readmeNames(name, "Arguments");
      const argNames = args.map((a) => a.replace(/\?$/, ""));
      for (const e of Object.keys(excluded.args)) expect(argNames).toContain(e);
      const expectedArgs = argNames.filter((a) => !(a in excluded.args));
      expect(Object.keys(resource.inputProperties).sort()).toEqual(expectedArgs.sort());
      expect([...(resource.requiredInputs ?? [])].sort()).toEqual(
        args.filter((a) => !a.endsWith("?") && !(a in excluded.args)).sort(),
      );

      const outputs = readmeNames(name, "Outputs").map((o) => o.replace(/\?$/, ""));
      for (const e of Object.keys(excluded.outputs)) expect(outputs).toContain(e);
      expect(Object.keys(resource.properties).sort()).toEqual(
        outputs.filter((o) => !(o in excluded.outputs)).sort(),
      );

      for (const [key, p] of [
        ...Object.entries(resource.inputProperties),
        ...Object.entries(resource.properties),
      ]) {
        expect(p.description, `${name}.${key} has docs`).toMatch(/\S/);
        expect(p.type ?? p.$ref, `${name}.${key} has a type`).toMatch(/\S/);
      }
    },
  );

  it("documents each arg as the component reference does (the declarations' copies stay true)", () => {
    for (const c of COMPONENTS) {
      const docs = readmeDocs(c.name);
      const resource = schema.resources[`causeway:index:${c.name}`]!;
      for (const [key, p] of Object.entries(resource.inputProperties)) {
        // The reference spells out named defaults ("Default `X.y` (3)"); the code says `X.y`.
        const reference = normalize(docs.get(key))!.replace(NAMED_DEFAULT, "$1");
        expect(normalize(p.description)!.replace(NAMED_DEFAULT, "$1"), `${c.name}.${key}`).toBe(
          reference,
        );
      }
    }
  });

  it("restates the components' enums exactly", () => {
    expect(BrokerDeploymentMode).toEqual(causeway.BrokerDeploymentMode);
    expect(WeekDay).toEqual(causeway.WeekDay);
    expect(NatGatewayMode).toEqual(causeway.NatGatewayMode);
    // Cluster's is an inline union in TypeScript: the restated enum has exactly its members
    // (checked by the type checker, npm run typecheck), and the schema lists them.
    expectTypeOf<StorageReclaimPolicy>().toEqualTypeOf<
      NonNullable<causeway.ClusterArgs["storageReclaimPolicy"]>
    >();
    expect(schema.types?.["causeway:index:StorageReclaimPolicy"]).toMatchObject({
      type: "string",
      enum: ["Delete", "Retain"].map((value) => expect.objectContaining({ value })),
    });
    expect(schema.types?.["causeway:index:NatGatewayMode"]).toMatchObject({
      type: "string",
      enum: Object.values(causeway.NatGatewayMode).map((value) =>
        expect.objectContaining({ value }),
      ),
    });
    expect(schema.types?.["causeway:index:BrokerDeploymentMode"]).toMatchObject({
      type: "string",
      enum: Object.values(causeway.BrokerDeploymentMode).map((value) =>
        expect.objectContaining({ value }),
      ),
    });
  });

  it("keeps the TypeScript types of the args it serves", () => {
    const db = schema.resources["causeway:index:Database"]!;
    expect(db.inputProperties["subnetIds"]).toMatchObject({
      type: "array",
      items: { type: "string" },
    });
    expect(db.inputProperties["clientSecurityGroupIds"]).toMatchObject({
      type: "object",
      additionalProperties: { type: "string" },
    });
    expect(db.inputProperties["multiAz"]).toMatchObject({ type: "boolean" });
    expect(db.properties["connectionUrl"]).toMatchObject({ type: "string" });
    const consul = schema.resources["causeway:index:ConsulCluster"]!;
    expect(consul.properties["release"]?.$ref).toMatch(/^\/kubernetes\/v[\d.]+\/schema\.json#/);
  });

  it("gives the Kubernetes add-ons' nested args named types, each property with docs and a type", () => {
    const ref = (p: Property | undefined) => p?.$ref?.replace(/^#\/types\//, "");
    const obs = schema.resources["causeway:index:Observability"]!;
    expect(ref(obs.inputProperties["services"]?.additionalProperties)).toBe(
      "causeway:index:ScrapeTarget",
    );
    expect(ref(obs.inputProperties["collector"])).toBe("causeway:index:ObservabilityCollector");
    expect(ref(obs.inputProperties["logs"])).toBe("causeway:index:ObservabilityLogs");
    expect(ref(obs.inputProperties["targets"])).toBe("causeway:index:ObservabilityTargets");
    expect(ref(obs.inputProperties["alarms"])).toBe("causeway:index:ObservabilityAlarms");
    expect(ref(obs.properties["scraper"])).toBe("causeway:index:MetricsScraper");
    expect(obs.properties["alarms"]?.additionalProperties?.$ref).toMatch(
      /^\/aws\/v[\d.]+\/schema\.json#\/resources\/aws:cloudwatch%2FmetricAlarm:MetricAlarm$/,
    );
    expect(obs.properties["collector"]?.$ref).toMatch(
      /#\/resources\/kubernetes:apps%2Fv1:StatefulSet$/,
    );
    const mesh = schema.resources["causeway:index:ServiceMesh"]!;
    expect(ref(mesh.inputProperties["services"]?.additionalProperties)).toBe(
      "causeway:index:MeshService",
    );
    expect(ref(mesh.inputProperties["traffic"])).toBe("causeway:index:MeshTrafficPolicy");
    const lbc = schema.resources["causeway:index:LoadBalancerController"]!;
    expect(ref(lbc.properties["serviceAccount"])).toBe("causeway:index:ControllerServiceAccount");
    expect(lbc.properties["release"]?.$ref).toMatch(
      /#\/resources\/kubernetes:helm.sh%2Fv3:Release$/,
    );

    // Every type they reach, at any depth: each property documented and typed.
    const reached = new Set<string>();
    const visit = (p: Property | undefined): void => {
      if (!p) return;
      const name = ref(p);
      if (name?.startsWith("causeway:index:") && !reached.has(name)) {
        reached.add(name);
        for (const q of Object.values(schema.types?.[name]?.properties ?? {})) visit(q);
      }
      visit(p.items);
      visit(p.additionalProperties);
    };
    for (const name of KUBERNETES_ADD_ONS) {
      const r = schema.resources[`causeway:index:${name}`]!;
      for (const p of [...Object.values(r.inputProperties), ...Object.values(r.properties)])
        visit(p);
    }
    expect([...reached].sort()).toEqual(
      [
        "AlarmThresholds",
        "BrokerTarget",
        "ControllerServiceAccount",
        "DatabaseTarget",
        "FunnelTarget",
        "LoadBalancerTarget",
        "MeshService",
        "MeshTrafficPolicy",
        "MetricsScraper",
        "ObservabilityAlarms",
        "ObservabilityCollector",
        "ObservabilityLogs",
        "ObservabilityTargets",
        "PendingOrdersTarget",
        "ScrapeTarget",
      ].map((n) => `causeway:index:${n}`),
    );
    for (const name of reached) {
      for (const [key, p] of Object.entries(schema.types![name]!.properties!)) {
        expect(p.description, `${name}.${key} has docs`).toMatch(/\S/);
        expect(p.type ?? p.$ref, `${name}.${key} has a type`).toMatch(/\S/);
      }
    }
  });

  it("declares the Kubernetes add-ons' args and outputs as the components have them (less EXCLUDED)", () => {
    // Checked by the type checker (npm run typecheck): what another language sends is valid for
    // the component, the facade names every arg the component takes but the excluded ones, and
    // each output the component holds fits the type the schema gives it.
    type Outputs<C> = Omit<C, keyof pulumi.ComponentResource>;
    expectTypeOf<served.LoadBalancerControllerArgs>().toExtend<causeway.LoadBalancerControllerArgs>();
    expectTypeOf<keyof served.LoadBalancerControllerArgs>().toEqualTypeOf<
      Exclude<keyof causeway.LoadBalancerControllerArgs, "provider">
    >();
    expectTypeOf<Outputs<causeway.LoadBalancerController>>().toExtend<
      Outputs<served.LoadBalancerController>
    >();
    expectTypeOf<keyof Outputs<served.LoadBalancerController>>().toEqualTypeOf<
      keyof Outputs<causeway.LoadBalancerController>
    >();
    expectTypeOf<served.ServiceMeshArgs>().toExtend<causeway.ServiceMeshArgs>();
    expectTypeOf<keyof served.ServiceMeshArgs>().toEqualTypeOf<
      Exclude<keyof causeway.ServiceMeshArgs, "crds">
    >();
    expectTypeOf<keyof Outputs<served.ServiceMesh>>().toEqualTypeOf<
      Exclude<keyof Outputs<causeway.ServiceMesh>, "entries" | "defaultDeny" | "intentions">
    >();
    expectTypeOf<served.ObservabilityArgs>().toExtend<causeway.ObservabilityArgs>();
    expectTypeOf<keyof served.ObservabilityArgs>().toEqualTypeOf<
      Exclude<keyof causeway.ObservabilityArgs, "provider">
    >();
    expectTypeOf<Outputs<causeway.Observability>>().toExtend<Outputs<served.Observability>>();
    expectTypeOf<keyof Outputs<served.Observability>>().toEqualTypeOf<
      keyof Outputs<causeway.Observability>
    >();
    // The same exclusions, as the schema test reads them.
    expect(Object.keys(EXCLUDED["LoadBalancerController"]!.args)).toEqual(["provider"]);
    expect(Object.keys(EXCLUDED["ServiceMesh"]!.args)).toEqual(["crds"]);
    expect(Object.keys(EXCLUDED["ServiceMesh"]!.outputs).sort()).toEqual([
      "defaultDeny",
      "entries",
      "intentions",
    ]);
    expect(Object.keys(EXCLUDED["Observability"]!.args)).toEqual(["provider"]);
  });
});

describe("the adapters take what the schema sends", () => {
  it("NodeService's and ServiceImage's adapters accept the schema's args (checked by the type checker)", () => {
    // The adapters restate the shapes instead of importing them from components.ts, which
    // imports the adapters; these keep the two in step (npm run typecheck).
    expectTypeOf<served.NodeServiceArgs>().toExtend<ServedNodeServiceArgs>();
    expectTypeOf<served.NodeServiceMetricsScraper>().toEqualTypeOf<ScraperInput>();
    expectTypeOf<served.ServiceImageArgs>().toExtend<causeway.ServiceImageArgs>();
    expect(COMPONENTS.map((c) => c.name)).toEqual(
      expect.arrayContaining(["NodeService", "ServiceImage"]),
    );
  });
});

/** NodeService's args as another language sends them (the schema's shapes). */
const NODE_SERVICE_ARGS = {
  namespace: "shop",
  image: `111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop/orders@sha256:${"ab".repeat(32)}`,
  autoscaling: { maxReplicas: 4 },
  resources: { memory: "300Mi" },
  upstreams: [{ name: "payments", port: 8080 }],
  callers: ["gateway"],
  expose: { loadBalancer: { targetSources: ["10.0.0.0/24", "10.0.1.0/24"] } },
  egressCidrs: { database: { cidrs: ["10.0.128.0/19"], ports: [5432] } },
  meshInboundPort: 20000,
  meshControlPlane: { namespace: "consul" },
  metricsScraper: { enabled: false },
};

/** PublicLoadBalancer's args as another language sends them. */
const LOAD_BALANCER_ARGS = {
  vpcId: "vpc-0123456789abcdef0",
  subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
  subnetCidrs: ["10.0.0.0/24", "10.0.1.0/24"],
  targetNetwork: { securityGroupId: "sg-0bbbbbbbbbbbbbbb1" },
  services: { web: {}, api: { host: "api.example.com", port: 9090 } },
  certificateArn:
    "arn:aws:acm:eu-west-1:111122223333:certificate/0e0e0e0e-1111-2222-3333-444455556666",
  sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06",
  desyncMitigationMode: "strictest",
  accessLogs: { enabled: true, retentionDays: 30 },
  targetGroupBindings: { namespace: "shop" },
};

/** Args each served component is constructed with: plain values, as the engine sends them. */
const CONSTRUCT_ARGS: Readonly<Record<string, Record<string, unknown>>> = {
  ConsulCluster: { chartVersion: "1.9.11", consulVersion: "1.22.7", servers: 3 },
  Database: {
    identifier: "shop-db",
    vpcId: "vpc-0123456789abcdef0",
    subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
    clientSecurityGroupIds: { nodes: "sg-0bbbbbbbbbbbbbbb1" },
  },
  Cache: {
    replicationGroupId: "shop-cache",
    vpcId: "vpc-0123456789abcdef0",
    subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
    clientSecurityGroupIds: { nodes: "sg-0bbbbbbbbbbbbbbb1" },
  },
  Network: { availabilityZones: ["eu-west-1a", "eu-west-1b"], natGateways: "single" },
  Cluster: {
    vpcId: "vpc-0123456789abcdef0",
    privateSubnetIds: {
      "eu-west-1a": "subnet-0aaaaaaaaaaaaaaa1",
      "eu-west-1b": "subnet-0aaaaaaaaaaaaaaa2",
    },
    adminPrincipalArns: ["arn:aws:iam::111122223333:role/admin"],
    storageReclaimPolicy: "Retain",
  },
  MessageBroker: {
    brokerName: "shop-events",
    vpcId: "vpc-0123456789abcdef0",
    subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
    clientSecurityGroupIds: { nodes: "sg-0bbbbbbbbbbbbbbb1" },
  },
  LoadBalancerController: {
    clusterName: "shop",
    oidcProviderArn:
      "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0A1B2C3D",
    vpcId: "vpc-0123456789abcdef0",
    region: "eu-west-1",
    replicas: 3,
  },
  ServiceMesh: {
    namespace: "shop",
    services: { web: { upstreams: ["cart"] }, cart: { upstreams: [] } },
    traffic: { connectRetries: 1 },
  },
  Observability: {
    oidcProviderArn:
      "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0A1B2C3D",
    region: "eu-west-1",
    namePrefix: "shop-prod",
    appNamespace: "shop",
    services: { web: { port: 8080, meshed: true }, orders: { port: 8080, meshed: false } },
    collector: { enabled: true, replicas: 2 },
    logs: { enabled: true, retentionDays: 90 },
    targets: {
      loadBalancer: { arnSuffix: "app/shop/1", targetGroups: { web: "targetgroup/web/1" } },
      database: { identifier: "shop-db", allocatedStorageGiB: 100 },
      broker: { name: "shop-events", virtualHost: "/", queues: ["orders.created"] },
      pendingOrders: { service: "orders" },
      funnel: { paidQueue: "orders.paid", failedQueue: "orders.failed" },
    },
    alarms: {
      thresholds: {
        alb5xxPercent: 1,
        databaseCpuPercent: 80,
        databaseFreeStoragePercent: 10,
        databaseConnections: 720,
        brokerMemoryPercent: 80,
        brokerDiskFreeRatio: 2,
        queueDepth: 1000,
        pendingOrderAgeSeconds: 1800,
      },
      podRestarts: 3,
      emails: ["oncall@example.com"],
    },
    dashboard: true,
  },
  NodeService: { ...NODE_SERVICE_ARGS, serviceName: "orders" },
  // The access-log bucket is a component of its own (a second causeway: type), tested below.
  PublicLoadBalancer: { ...LOAD_BALANCER_ARGS, accessLogs: { enabled: false } },
  ServiceImage: {
    pinned: `111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop/orders@sha256:${"ab".repeat(32)}`,
  },
};

/**
 * The program around a served component that needs one, registered inside each plan: what
 * another language's program passes as the component's resource options (the host rebuilds the
 * Construct request's providers into a map by package and its dependencies into `dependsOn`,
 * provider/server.js `construct`, @pulumi/pulumi 3.248; here the program's own objects, which
 * carry the same URNs), and what a TypeScript program passes for the same. Others need none.
 */
interface Surroundings {
  /** The resource options another language sends with the component. */
  readonly served: pulumi.ComponentResourceOptions;
  /** What a TypeScript program adds to the args, and its resource options. */
  readonly directArgs: Record<string, unknown>;
  readonly directOptions: pulumi.ComponentResourceOptions;
}

/** The program's own Kubernetes provider, for the cluster. */
const clusterProvider = () =>
  new k8s.Provider("cluster", { kubeconfig: "apiVersion: v1\nkind: Config" });

const SURROUNDINGS: Readonly<Record<string, () => Surroundings>> = {
  LoadBalancerController: () => {
    const provider = clusterProvider();
    return {
      served: { providers: { kubernetes: provider } },
      directArgs: { provider },
      directOptions: {},
    };
  },
  ServiceMesh: () => {
    const provider = clusterProvider();
    // A stand-in for ConsulCluster's release, which installs the CRDs.
    const consul = new k8s.helm.v3.Release(
      "consul",
      {
        chart: "consul",
        version: "1.9.11",
        repositoryOpts: { repo: "https://helm.releases.hashicorp.com" },
      },
      { provider },
    );
    return {
      served: { providers: { kubernetes: provider }, dependsOn: [consul] },
      directArgs: { crds: consul },
      directOptions: { provider },
    };
  },
  Observability: () => {
    const provider = clusterProvider();
    return {
      served: { providers: { kubernetes: provider } },
      directArgs: { provider },
      directOptions: {},
    };
  },
};

/** Each custom resource's URN, provider and dependencies: what the engine would act on. */
const wiring = (plan: Awaited<ReturnType<typeof planProgram>>) =>
  plan.resources
    .filter((r) => r.custom)
    .map((r) => ({ urn: r.urn, provider: r.provider, dependencies: r.dependencies }))
    .sort((a, b) => a.urn.localeCompare(b.urn));

describe("the component provider's construct path (the SDK's mock runtime)", () => {
  it("has construct args for every served component", () => {
    expect(Object.keys(CONSTRUCT_ARGS).sort()).toEqual(COMPONENTS.map((c) => c.name).sort());
  });

  it.each(COMPONENTS.map((c) => [c.name, c] as const))(
    "%s: the served token is the one the class registers, and other languages get TypeScript's URNs",
    async (name, Component) => {
      const token = `causeway:index:${name}`;
      expect(schema.resources).toHaveProperty([token]);
      const inputs = CONSTRUCT_ARGS[name]!;
      // What `type: causeway:index:<name>` in a YAML program runs: ComponentProvider.construct.
      let state: Record<string, unknown> = {};
      const served = await planProgram(async () => {
        const around = SURROUNDINGS[name]?.();
        const r = await provider.construct(
          name,
          token,
          structuredClone(inputs),
          around?.served ?? {},
        );
        state = r.state as Record<string, unknown>;
      });
      // The same component from TypeScript.
      const direct = await planProgram(async () => {
        const around = SURROUNDINGS[name]?.();
        new Component(
          name,
          { ...structuredClone(inputs), ...around?.directArgs },
          around?.directOptions ?? {},
        );
      });
      const component = served.resources.filter((r) => r.type.startsWith("causeway:"));
      expect(component.map((r) => r.type)).toEqual([token]);
      expect(served.resources.map((r) => r.urn).sort()).toEqual(
        direct.resources.map((r) => r.urn).sort(),
      );
      // With the same providers and dependencies.
      expect(wiring(served)).toEqual(wiring(direct));
      // Its outputs are the schema's.
      expect(Object.keys(state).sort()).toEqual(
        Object.keys(schema.resources[token]!.properties).sort(),
      );
    },
  );
});

/** The served components that take the cluster's Kubernetes provider from their options. */
const KUBERNETES_ADD_ONS = ["LoadBalancerController", "ServiceMesh", "Observability"] as const;

/** Every resource under `parentUrn`, at any depth. */
function descendants(plan: Awaited<ReturnType<typeof planProgram>>, parentUrn: string) {
  const below = new Set([parentUrn]);
  for (let grew = true; grew;) {
    grew = false;
    for (const r of plan.resources) {
      if (r.parent !== null && below.has(r.parent) && !below.has(r.urn)) {
        below.add(r.urn);
        grew = true;
      }
    }
  }
  return plan.resources.filter((r) => r.urn !== parentUrn && below.has(r.urn));
}

describe("the Kubernetes add-ons from another language (provider passed as `providers`)", () => {
  it.each(KUBERNETES_ADD_ONS)(
    "%s: every Kubernetes child uses the provider the program passed",
    async (name) => {
      const token = `causeway:index:${name}`;
      const plan = await planProgram(async () => {
        const around = SURROUNDINGS[name]!();
        await provider.construct(
          name,
          token,
          structuredClone(CONSTRUCT_ARGS[name]!),
          around.served,
        );
      });
      const cluster = plan.get("pulumi:providers:kubernetes", "cluster").urn;
      const component = plan.resources.find((r) => r.type === token)!;
      const kubernetes = descendants(plan, component.urn).filter((r) =>
        r.type.startsWith("kubernetes:"),
      );
      expect(kubernetes.length).toBeGreaterThan(0);
      for (const r of kubernetes) expect(r.provider, `${r.type} ${r.name}`).toBe(cluster);
    },
  );

  it("ServiceMesh: every entry depends on what the program passed as dependsOn (the CRDs' release)", async () => {
    const plan = await planProgram(async () => {
      const around = SURROUNDINGS["ServiceMesh"]!();
      await provider.construct(
        "ServiceMesh",
        "causeway:index:ServiceMesh",
        structuredClone(CONSTRUCT_ARGS["ServiceMesh"]!),
        around.served,
      );
    });
    const consul = plan.get("kubernetes:helm.sh/v3:Release", "consul").urn;
    const entries = plan.resources.filter((r) =>
      r.type.startsWith("kubernetes:consul.hashicorp.com/"),
    );
    // web, cart: defaults, router, resolver each; the default deny; cart's intentions.
    expect(entries).toHaveLength(2 * 3 + 1 + 1);
    for (const r of entries) expect(r.dependencies, r.name).toContain(consul);
  });

  it.each(KUBERNETES_ADD_ONS)(
    "%s: refuses without them rather than use the ambient context",
    async (name) => {
      const token = `causeway:index:${name}`;
      const run = planProgram(async () => {
        await provider.construct(name, token, structuredClone(CONSTRUCT_ARGS[name]!), {});
      });
      await expect(run).rejects.toThrow(
        name === "ServiceMesh"
          ? /- crds: .* `dependsOn` resource option/
          : /- provider: .* `provider`\/`providers` resource option/,
      );
    },
  );
});

describe("examples/yaml, the YAML program that uses the provider", () => {
  it("uses only components, args and outputs the schema has, with every required arg", () => {
    const file = path.join(here, "..", "..", "..", "examples", "yaml", "Pulumi.yaml");
    const program = parse(readFileSync(file, "utf8")) as {
      packages: Record<string, string>;
      resources: Record<string, { type: string; properties: Record<string, unknown> }>;
      outputs: Record<string, string>;
    };
    expect(path.resolve(path.dirname(file), program.packages["causeway"]!)).toBe(here);
    const used = Object.entries(program.resources);
    expect(used.length).toBeGreaterThan(0);
    for (const [name, r] of used) {
      const resource = schema.resources[r.type];
      expect(resource, `${name}: ${r.type} is in the schema`).toBeDefined();
      for (const key of Object.keys(r.properties)) {
        expect(resource!.inputProperties, `${name}.${key}`).toHaveProperty([key]);
      }
      for (const key of resource!.requiredInputs ?? []) {
        expect(r.properties, `${name} sets required ${key}`).toHaveProperty([key]);
      }
    }
    for (const ref of Object.values(program.outputs)) {
      const [, resourceName, output] = /^\$\{(\w+)\.(\w+)\}$/.exec(ref)!;
      const type = program.resources[resourceName!]!.type;
      expect(schema.resources[type]!.properties).toHaveProperty([output!]);
    }
  });
});

/** Resources as the engine would get them: URN, inputs, provider and dependencies. */
function registered(plan: { resources: readonly PlannedResource[] }) {
  return plan.resources
    .map((r) => ({ urn: r.urn, inputs: r.inputs, provider: r.provider, deps: r.dependencies }))
    .sort((a, b) => a.urn.localeCompare(b.urn));
}

/** What a program in another language sends: the Kubernetes provider in `providers`. */
function clusterOptions() {
  const cluster = new k8s.Provider("shop-cluster", { kubeconfig: "apiVersion: v1\nkind: Config" });
  const controller = new k8s.core.v1.ConfigMap(
    "controller",
    { metadata: { name: "c" } },
    { provider: cluster },
  );
  return { cluster, controller };
}

describe("NodeService, PublicLoadBalancer and ServiceImage through the provider", () => {
  it("schema: the shapes TypeScript's unions and inline types become", () => {
    const types = schema.types ?? {};
    const ns = schema.resources["causeway:index:NodeService"]!;
    expect(ns.inputProperties["metricsScraper"]?.$ref).toBe(
      "#/types/causeway:index:NodeServiceMetricsScraper",
    );
    expect(types["causeway:index:NodeServiceMetricsScraper"]?.properties).toMatchObject({
      enabled: { type: "boolean" },
      namespaceLabels: { type: "object", additionalProperties: { type: "string" } },
      podLabels: { type: "object", additionalProperties: { type: "string" } },
    });
    expect(types["causeway:index:NodeServiceExpose"]?.properties?.["loadBalancer"]?.$ref).toBe(
      "#/types/causeway:index:LoadBalancerSources",
    );
    expect(ns.inputProperties["egressCidrs"]).toMatchObject({
      type: "object",
      additionalProperties: { $ref: "#/types/causeway:index:NodeServiceEgress" },
    });
    for (const output of ["deployment", "service", "networkPolicy", "autoscaler"]) {
      expect(ns.properties[output]?.$ref, output).toMatch(/^\/kubernetes\/v[\d.]+\/schema\.json#/);
    }
    const lb = schema.resources["causeway:index:PublicLoadBalancer"]!;
    expect(types["causeway:index:TargetNetwork"]?.properties).toMatchObject({
      cidrIpv4: { type: "string" },
      securityGroupId: { type: "string" },
    });
    expect(types["causeway:index:PublicLoadBalancerTargetGroupBindings"]?.required).toEqual([
      "namespace",
    ]);
    expect(lb.properties["targetGroups"]?.additionalProperties?.$ref).toMatch(
      /^\/aws\/v[\d.]+\/schema\.json#\/resources\/aws:lb%2FtargetGroup:TargetGroup$/,
    );
    const image = schema.resources["causeway:index:ServiceImage"]!;
    expect(image.properties["image"]?.$ref).toMatch(/^\/docker\/v[\d.]+\/schema\.json#/);
    expect(types["causeway:index:ServiceImageBuild"]?.required).toEqual(["context"]);
    expect(types["causeway:index:ServiceImageLifecycle"]?.properties).toMatchObject({
      untaggedExpiryDays: { type: "number" },
      maxImages: { type: "number" },
    });
  });

  it("schema: each field an arg's type leaves out is named with the reason", () => {
    const types = schema.types ?? {};
    for (const [component, excluded] of Object.entries(EXCLUDED)) {
      for (const [field, reason] of Object.entries(excluded.fields ?? {})) {
        const [arg, key] = field.split(".") as [string, string];
        expect(reason.length).toBeGreaterThan(20);
        const ref = schema.resources[`causeway:index:${component}`]!.inputProperties[arg]?.$ref;
        expect(ref, `${component}.${arg} is served as a type`).toMatch(/^#\/types\//);
        expect(types[ref!.slice("#/types/".length)]?.properties).not.toHaveProperty([key]);
      }
    }
    // ... and TypeScript has them (so the list cannot name a field that does not exist).
    expectTypeOf<causeway.ServiceImageBuild>().toHaveProperty("contextDir");
    type Bindings = NonNullable<causeway.PublicLoadBalancerArgs["targetGroupBindings"]>;
    expectTypeOf<Bindings>().toHaveProperty("provider");
    expectTypeOf<Bindings>().toHaveProperty("dependsOn");
  });

  it("schema: restates the load balancer's enums exactly", () => {
    expect(Object.values(TlsPolicy)).toEqual([...causeway.TLS_POLICIES]);
    expectTypeOf<TlsPolicy>().toEqualTypeOf<causeway.TlsPolicy>();
    expect(DesyncMitigationMode).toEqual(causeway.DesyncMitigationMode);
    expect(schema.types?.["causeway:index:TlsPolicy"]).toMatchObject({
      type: "string",
      enum: causeway.TLS_POLICIES.map((value) => expect.objectContaining({ value })),
    });
  });

  it("NodeService: the `providers` and `dependsOn` options reach every object, as `provider` does in TypeScript; `enabled: false` is `false`", async () => {
    const served = await planProgram(async () => {
      const { cluster, controller } = clusterOptions();
      await provider.construct("orders", "causeway:index:NodeService", NODE_SERVICE_ARGS, {
        providers: { kubernetes: cluster },
        dependsOn: [controller],
      });
    });
    const direct = await planProgram(async () => {
      const { cluster, controller } = clusterOptions();
      new causeway.NodeService(
        "orders",
        { ...NODE_SERVICE_ARGS, metricsScraper: false },
        { provider: cluster, dependsOn: [controller] },
      );
    });
    expect(registered(served)).toEqual(registered(direct));
    const objects = served.resources.filter(
      (r) => r.type.startsWith("kubernetes:") && r.name === "orders",
    );
    expect(objects.map((r) => r.type).sort()).toEqual([
      "kubernetes:apps/v1:Deployment",
      "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
      "kubernetes:core/v1:Service",
      "kubernetes:core/v1:ServiceAccount",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "kubernetes:policy/v1:PodDisruptionBudget",
    ]);
    const controllerUrn = served.resources.find((r) => r.name === "controller")!.urn;
    for (const r of objects) {
      expect(r.provider, r.type).toMatch(/providers:kubernetes::shop-cluster$/);
      expect(r.dependencies, r.type).toContain(controllerUrn);
    }
    // No scraper: no ingress rule names the monitoring namespace.
    const policy = objects.find((r) => r.type.endsWith(":NetworkPolicy"))!;
    expect(JSON.stringify(policy.inputs)).not.toContain("monitoring");
  });

  it("NodeService: the metrics scraper's schema shape maps to TypeScript's, and a contradiction is refused", async () => {
    const podLabels = { "app.kubernetes.io/name": "prometheus" };
    const namespaceLabels = { "kubernetes.io/metadata.name": "observability" };
    const policyOf = async (metricsScraper: unknown) => {
      const plan = await planProgram(async () => {
        await provider.construct(
          "orders",
          "causeway:index:NodeService",
          { ...NODE_SERVICE_ARGS, metricsScraper },
          {},
        );
      });
      return plan.resources.find((r) => r.type.endsWith(":NetworkPolicy"))!.inputs;
    };
    const tsPolicy = async (metricsScraper: causeway.NodeServiceArgs["metricsScraper"]) => {
      const plan = await planProgram(async () => {
        new causeway.NodeService("orders", { ...NODE_SERVICE_ARGS, metricsScraper });
      });
      return plan.resources.find((r) => r.type.endsWith(":NetworkPolicy"))!.inputs;
    };
    expect(await policyOf({ namespaceLabels, podLabels })).toEqual(
      await tsPolicy({ namespaceLabels, podLabels }),
    );
    expect(await policyOf({})).toEqual(await tsPolicy(undefined));
    expect(await policyOf({ enabled: true })).toEqual(
      await tsPolicy(causeway.DEFAULT_METRICS_SCRAPER),
    );
    await expect(policyOf({ enabled: false, podLabels })).rejects.toThrow(
      /metricsScraper: enabled is false.*give one or the other/,
    );
    await expect(policyOf({ podLabels })).rejects.toThrow(
      /metricsScraper\.namespaceLabels: must name at least one label/,
    );
  });

  it("PublicLoadBalancer: the bindings take the `providers` and `dependsOn` options, as TypeScript's targetGroupBindings.provider and .dependsOn", async () => {
    const served = await planProgram(async () => {
      const { cluster, controller } = clusterOptions();
      await provider.construct("edge", "causeway:index:PublicLoadBalancer", LOAD_BALANCER_ARGS, {
        providers: { kubernetes: cluster },
        dependsOn: [controller],
      });
    });
    const direct = await planProgram(async () => {
      const { cluster, controller } = clusterOptions();
      new causeway.PublicLoadBalancer("edge", {
        ...LOAD_BALANCER_ARGS,
        sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06",
        desyncMitigationMode: "strictest",
        targetGroupBindings: { provider: cluster, namespace: "shop", dependsOn: [controller] },
      });
    });
    // The component itself depends on the controller only when served (its own dependsOn).
    const withoutComponent = (p: typeof served) =>
      registered(p).filter((r) => !r.urn.endsWith("PublicLoadBalancer::edge"));
    expect(withoutComponent(served)).toEqual(withoutComponent(direct));
    const bindings = served.resources.filter((r) => r.type.endsWith(":TargetGroupBinding"));
    expect(bindings.map((r) => r.name).sort()).toEqual(["edge-api", "edge-web"]);
    const controllerUrn = served.resources.find((r) => r.name === "controller")!.urn;
    for (const b of bindings) {
      expect(b.provider).toMatch(/providers:kubernetes::shop-cluster$/);
      expect(b.dependencies).toContain(controllerUrn);
    }
    const egress = served.resources.filter((r) => r.type.endsWith(":SecurityGroupEgressRule"));
    expect(egress.map((r) => r.inputs["referencedSecurityGroupId"])).toEqual(
      egress.map(() => "sg-0bbbbbbbbbbbbbbb1"),
    );
  });

  it.each([
    ["neither", {}],
    ["both", { cidrIpv4: "10.0.0.0/16", securityGroupId: "sg-0bbbbbbbbbbbbbbb1" }],
  ])(
    "PublicLoadBalancer: targetNetwork with %s of its fields is refused",
    async (_, targetNetwork) => {
      await expect(
        planProgram(async () => {
          await provider.construct(
            "edge",
            "causeway:index:PublicLoadBalancer",
            { ...LOAD_BALANCER_ARGS, targetNetwork },
            {},
          );
        }),
      ).rejects.toThrow(/targetNetwork: give exactly one of cidrIpv4 and securityGroupId/);
    },
  );

  const repo = path.resolve(here, "..", "..", "..");
  it("ServiceImage: a build from an absolute context is TypeScript's build", async () => {
    const build = {
      context: repo,
      tag: "v1.2.3",
      isolate: false,
      args: { NODE_ENV: "production" },
    };
    const served = await planProgram(async () => {
      await provider.construct(
        "orders",
        "causeway:index:ServiceImage",
        { build, lifecycle: { maxImages: 20 } },
        {},
      );
    });
    const direct = await planProgram(async () => {
      new causeway.ServiceImage("orders", { build, lifecycle: { maxImages: 20 } });
    });
    expect(registered(served)).toEqual(registered(direct));
    const image = served.resources.find((r) => r.type === "docker:index/image:Image")!;
    expect(image.inputs["build"]).toMatchObject({
      context: repo,
      dockerfile: path.posix.join(repo, "services/Dockerfile"),
    });
  });

  it.each([
    [
      "a relative context",
      { context: "." },
      /build\.context: must be an absolute path \(found "\."\).*\$\{pulumi\.cwd\} in YAML/,
    ],
    ["no context", {}, /build\.context: must be an absolute path \(found none\)/],
    [
      "an absolute Dockerfile",
      { context: "/src", dockerfile: "/src/Dockerfile" },
      /build\.dockerfile: must be relative to build\.context/,
    ],
    [
      "contextDir",
      { context: "/src", contextDir: "/elsewhere" },
      /build\.contextDir: not an argument here/,
    ],
  ])("ServiceImage: a build with %s is refused, naming the fix", async (_, build, message) => {
    await expect(
      planProgram(async () => {
        await provider.construct("orders", "causeway:index:ServiceImage", { build }, {});
      }),
    ).rejects.toThrow(message);
  });
});
