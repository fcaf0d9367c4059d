import { describe, expect, it } from "vitest";
import { diffPlans } from "./diff";
import { plan, res, STACK_URN } from "../../test/fixtures";
import { aliasUrns, makeUrn, normalizeUrn } from "./aliases";
import { diffValues, formatPath, pathCovers } from "./values";

const BROKER = "aws:mq/broker:Broker";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const rules: NonNullable<Parameters<typeof diffPlans>[2]> = [
  { type: BROKER, property: "deploymentMode", source: "https://example.test/mq" },
  { type: BROKER, property: "users", source: "https://example.test/mq-users" },
  { type: "kubernetes:*", property: "metadata.name", source: "https://example.test/k8s" },
  { type: DEPLOYMENT, property: "spec.selector", source: "https://example.test/selector" },
  {
    type: BROKER,
    property: "engineVersion",
    effect: "apply-error",
    source: "https://example.test/v",
  },
];

const deployment = (replicas: number, app = "orders") =>
  res(DEPLOYMENT, "orders", {
    metadata: { name: "orders", labels: { "app.kubernetes.io/name": app } },
    spec: { replicas, selector: { matchLabels: { app } } },
  });
const broker = (deploymentMode: string, extra = {}) =>
  res(BROKER, "broker", { deploymentMode, engineType: "RabbitMQ", ...extra });

describe("diffValues", () => {
  it("lists leaf changes with Pulumi-style paths, old and new values", () => {
    expect(
      diffValues(
        { a: { b: 1, "x.y": "s" }, list: [1, 2, 3], gone: { deep: true }, same: [1] },
        { a: { b: 2, "x.y": "t" }, list: [1, 5], added: "n", same: [1] },
      ),
    ).toEqual([
      { path: "a.b", segments: ["a", "b"], kind: "update", old: 1, new: 2 },
      { path: 'a["x.y"]', segments: ["a", "x.y"], kind: "update", old: "s", new: "t" },
      { path: "added", segments: ["added"], kind: "add", new: "n" },
      { path: "gone", segments: ["gone"], kind: "delete", old: { deep: true } },
      { path: "list[1]", segments: ["list", 1], kind: "update", old: 2, new: 5 },
      { path: "list[2]", segments: ["list", 2], kind: "delete", old: 3 },
    ]);
  });

  it("treats equal secrets and equal unknowns as unchanged, and ignores key order", () => {
    expect(
      diffValues(
        { password: "[secret]", arn: "(known after apply: urn:x)", o: { a: 1, b: 2 } },
        { o: { b: 2, a: 1 }, arn: "(known after apply: urn:x)", password: "[secret]" },
      ),
    ).toEqual([]);
  });

  it("compares own keys only: a key named like an Object.prototype member is plain data", () => {
    expect(diffValues({ labels: { constructor: "a" } }, { labels: {} })).toEqual([
      {
        path: "labels.constructor",
        segments: ["labels", "constructor"],
        kind: "delete",
        old: "a",
      },
    ]);
    expect(diffValues({ labels: {} }, { labels: { toString: "b" } })).toEqual([
      { path: "labels.toString", segments: ["labels", "toString"], kind: "add", new: "b" },
    ]);
  });

  it("formats paths and matches rule properties against them", () => {
    expect(formatPath(["spec", "template", "containers", 0, "image"])).toBe(
      "spec.template.containers[0].image",
    );
    expect(formatPath(["metadata", "labels", "app.kubernetes.io/name"])).toBe(
      'metadata.labels["app.kubernetes.io/name"]',
    );
    expect(pathCovers("spec.selector", ["spec", "selector", "matchLabels", "app"])).toBe(true);
    expect(pathCovers("users", ["users", 1, "password"])).toBe(true);
    expect(pathCovers("spec.selector", ["spec", "replicas"])).toBe(false);
    expect(pathCovers("spec.selector", ["spec"])).toBe(false);
  });
});

describe("aliases", () => {
  it("resolves literal URNs and alias specs with the resource's own defaults", () => {
    const parent = "urn:pulumi:dev::causeway::pulumi:pulumi:Stack$causeway:x:C::comp";
    const r = res(
      "kubernetes:core/v1:ConfigMap",
      "new",
      {},
      {
        parent,
        aliases: [
          { urn: "urn:pulumi:dev::causeway::kubernetes:core/v1:ConfigMap::lit" },
          { spec: { name: "old", type: "", stack: "", project: "", parenturn: parent } },
          { spec: { name: "", type: "", stack: "", project: "", noparent: true } },
        ],
      },
    );
    expect(aliasUrns(r)).toEqual([
      "urn:pulumi:dev::causeway::kubernetes:core/v1:ConfigMap::lit",
      "urn:pulumi:dev::causeway::causeway:x:C$kubernetes:core/v1:ConfigMap::old",
      "urn:pulumi:dev::causeway::kubernetes:core/v1:ConfigMap::new",
    ]);
    expect(makeUrn("dev", "causeway", STACK_URN, "aws:mq/broker:Broker", "b")).toBe(
      "urn:pulumi:dev::causeway::pulumi:pulumi:Stack$aws:mq/broker:Broker::b",
    );
    // A grandchild's URN carries its whole ancestry of types, as the SDK builds it.
    expect(
      makeUrn(
        "dev",
        "causeway",
        "urn:pulumi:dev::causeway::causeway:edge:PublicLoadBalancer$causeway:edge:AccessLogBucket::logs",
        "aws:s3/bucketV2:BucketV2",
        "logs",
      ),
    ).toBe(
      "urn:pulumi:dev::causeway::causeway:edge:PublicLoadBalancer$causeway:edge:AccessLogBucket$aws:s3/bucketV2:BucketV2::logs",
    );
    expect(normalizeUrn("urn:pulumi:dev::causeway::pulumi:pulumi:Stack$a:b:C::n")).toBe(
      "urn:pulumi:dev::causeway::a:b:C::n",
    );
  });
});

describe("diffPlans", () => {
  it("reports nothing for identical plans, and ignores reads and the stack", () => {
    const read = res("pulumi:pulumi:StackReference", "ref", { name: "a" }, { read: true });
    const readChanged = { ...read, inputs: { name: "b" } };
    const d = diffPlans(plan([deployment(1), read]), plan([deployment(1), readChanged]), rules);
    expect(d.summary).toEqual({ create: 0, update: 0, delete: 0, replace: 0 });
    expect(d.changes).toEqual([]);
    expect(d.danger).toEqual([]);
  });

  it("reports creates and deletes", () => {
    const sa = res("kubernetes:core/v1:ServiceAccount", "orders-sa", { metadata: { name: "o" } });
    const cm = res("kubernetes:core/v1:ConfigMap", "orders-cm", { data: { a: "1" } });
    const d = diffPlans(plan([sa]), plan([cm]), rules);
    expect(d.summary).toEqual({ create: 1, update: 0, delete: 1, replace: 0 });
    expect(d.changes.map((c) => [c.kind, c.name])).toEqual([
      ["delete", "orders-sa"],
      ["create", "orders-cm"],
    ]);
    expect(d.danger).toEqual([]);
  });

  it("reports an update with each changed path, old -> new, secrets still masked", () => {
    const before = broker("SINGLE_INSTANCE", {
      users: [{ username: "app", password: "[secret]" }],
    });
    const after = broker("SINGLE_INSTANCE", {
      users: [{ username: "app", password: "[secret]" }],
      autoMinorVersionUpgrade: true,
    });
    const d = diffPlans(plan([deployment(1), before]), plan([deployment(3), after]), rules);
    expect(d.summary).toEqual({ create: 0, update: 2, delete: 0, replace: 0 });
    expect(d.changes.map((c) => [c.kind, c.name, c.properties])).toEqual([
      [
        "update",
        "broker",
        [
          {
            path: "autoMinorVersionUpgrade",
            segments: ["autoMinorVersionUpgrade"],
            kind: "add",
            new: true,
          },
        ],
      ],
      [
        "update",
        "orders",
        [{ path: "spec.replicas", segments: ["spec", "replicas"], kind: "update", old: 1, new: 3 }],
      ],
    ]);
    expect(JSON.stringify(d)).not.toContain('password":"p');
  });

  it("reports a replacement by the rule table and flags a stateful one as dangerous", () => {
    const d = diffPlans(
      plan([broker("SINGLE_INSTANCE"), deployment(1)]),
      plan([broker("CLUSTER_MULTI_AZ"), deployment(1, "orders-v2")]),
      rules,
    );
    expect(d.summary).toEqual({ create: 0, update: 0, delete: 0, replace: 2 });
    const [b, dep] = d.changes;
    expect(b).toMatchObject({
      kind: "replace",
      name: "broker",
      replacedBy: [
        { path: "deploymentMode", property: "deploymentMode", source: "https://example.test/mq" },
      ],
    });
    expect(dep).toMatchObject({
      kind: "replace",
      name: "orders",
      replacedBy: [
        {
          path: "spec.selector.matchLabels.app",
          property: "spec.selector",
          source: "https://example.test/selector",
        },
      ],
    });
    // The label change alone is an update-in-place path, listed but not a reason.
    expect(dep!.properties.map((p) => p.path)).toEqual([
      'metadata.labels["app.kubernetes.io/name"]',
      "spec.selector.matchLabels.app",
    ]);
    expect(d.danger).toEqual([
      {
        urn: b!.urn,
        type: BROKER,
        name: "broker",
        kind: "replace",
        class: "data-loss",
        message:
          "replaces the RabbitMQ broker (deploymentMode changed): loses queued messages, the broker endpoint and its users",
      },
      {
        urn: dep!.urn,
        type: DEPLOYMENT,
        name: "orders",
        kind: "replace",
        class: "downtime",
        message:
          "the provider deletes orders before it re-creates it (fixed name): its pods are gone until the new Deployment's pods are ready: the service answers nothing meanwhile",
      },
    ]);
  });

  it("flags a change the cloud refuses in place (effect apply-error) without calling it a replacement", () => {
    const d = diffPlans(
      plan([broker("SINGLE_INSTANCE", { engineVersion: "3.13" })]),
      plan([broker("SINGLE_INSTANCE", { engineVersion: "4.2" })]),
      rules,
      { uniqueNames: [], upgrades: [] },
    );
    expect(d.summary).toEqual({ create: 0, update: 1, delete: 0, replace: 0 });
    expect(d.changes[0]!.applyErrors).toEqual([
      { path: "engineVersion", property: "engineVersion", source: "https://example.test/v" },
    ]);
    expect(d.danger.map((f) => [f.class, f.message])).toEqual([
      [
        "would-fail",
        "this deploy would fail: engineVersion changes, and it cannot be changed in place: the update is refused [https://example.test/v]. Fix: make the resource replace on this change (replaceOnChanges)",
      ],
    ]);
  });

  it("honours the replaceOnChanges resource option and wildcard type rules", () => {
    const a = res(
      "aws:ec2/securityGroup:SecurityGroup",
      "sg",
      { description: "a" },
      {
        replaceOnChanges: ["description"],
      },
    );
    const cm = (name: string) => res("kubernetes:core/v1:Namespace", "ns", { metadata: { name } });
    const d = diffPlans(
      plan([a, cm("causeway")]),
      plan([{ ...a, inputs: { description: "b" } }, cm("causeway-2")]),
      rules,
    );
    expect(d.changes.map((c) => [c.kind, c.name, c.replacedBy.map((r) => r.source)])).toEqual([
      ["replace", "sg", ["replaceOnChanges resource option"]],
      ["replace", "ns", ["https://example.test/k8s"]],
    ]);
  });

  it("reports a URN change without an alias as delete + create, paired as a rename", () => {
    const old = broker("SINGLE_INSTANCE");
    const renamed = { ...res(BROKER, "messages", old.inputs) };
    const d = diffPlans(plan([old]), plan([renamed]), rules);
    expect(d.summary).toEqual({ create: 1, update: 0, delete: 1, replace: 0 });
    expect(d.changes).toEqual([
      expect.objectContaining({ kind: "delete", urn: old.urn, renamePair: renamed.urn }),
      expect.objectContaining({ kind: "create", urn: renamed.urn, renamePair: old.urn }),
    ]);
    expect(d.danger.map((f) => f.message)).toEqual([
      "deletes the RabbitMQ broker (its URN changed without an alias): loses queued messages, the broker endpoint and its users",
    ]);
  });

  it("keeps a resource renamed with an alias: no delete, and its changes are an update", () => {
    const old = deployment(1);
    const moved = res(
      DEPLOYMENT,
      "orders-api",
      { ...old.inputs },
      {
        aliases: [
          { spec: { name: "orders", type: "", stack: "", project: "", parenturn: STACK_URN } },
        ],
      },
    );
    const same = diffPlans(plan([old]), plan([moved]), rules);
    expect(same.summary).toEqual({ create: 0, update: 0, delete: 0, replace: 0 });
    expect(same.moved).toEqual([{ from: old.urn, to: moved.urn }]);

    const changed = { ...moved, inputs: deployment(2).inputs };
    const d = diffPlans(plan([old]), plan([changed]), rules);
    expect(d.summary).toEqual({ create: 0, update: 1, delete: 0, replace: 0 });
    expect(d.changes[0]).toMatchObject({ kind: "update", urn: moved.urn, aliasedFrom: old.urn });
  });

  it("moves a component's children with it when only the component has an alias", () => {
    const world = (type: string, aliases: unknown[]) => {
      const comp = res(type, "db", {}, { custom: false, aliases });
      const child = res(BROKER, "db", { deploymentMode: "SINGLE_INSTANCE" }, { parent: comp.urn });
      const user = res(DEPLOYMENT, "orders", { url: `(known after apply: ${child.urn})` });
      return { comp, child, plan: plan([comp, child, user]) };
    };
    const before = world("acme:data:Db", []);
    const after = world("acme:index:Db", [
      { spec: { name: "", type: "acme:data:Db", stack: "", project: "", parenturn: "" } },
    ]);
    const d = diffPlans(before.plan, after.plan, rules);
    // The engine derives the child's alias from its parent's; the unknown that names the
    // child's old URN names the same resource.
    expect(d.summary).toEqual({ create: 0, update: 0, delete: 0, replace: 0 });
    expect(d.moved).toEqual(
      expect.arrayContaining([
        { from: before.comp.urn, to: after.comp.urn },
        { from: before.child.urn, to: after.child.urn },
      ]),
    );
  });

  it("flags any change to a protected resource, and deletion of stateful resources", () => {
    const db = res("aws:rds/instance:Instance", "db", { allocatedStorage: 20 }, { protect: true });
    const alb = res("aws:lb/loadBalancer:LoadBalancer", "alb", { internal: false });
    const d = diffPlans(
      plan([db, alb]),
      plan([{ ...db, inputs: { allocatedStorage: 30 } }]),
      rules,
    );
    expect(d.danger.map((f) => `${f.kind} ${f.name}: ${f.message}`)).toEqual([
      "delete alb: deletes the load balancer: loses its DNS name (clients and DNS records pointing at it break)",
      "update db: updates a protected resource",
    ]);
  });

  it("flags a change to the Consul servers' storage values", () => {
    const consul = (storage: string) =>
      res("kubernetes:helm.sh/v3:Release", "consul", {
        chart: "consul",
        values: { server: { replicas: 3, storage } },
      });
    const d = diffPlans(plan([consul("10Gi")]), plan([consul("20Gi")]), rules);
    expect(d.summary.update).toBe(1);
    // The Helm upgrade is refused (immutable volumeClaimTemplates): a would-fail flag with the fix.
    expect(d.danger.map((f) => [f.class, f.message])).toEqual([
      [
        "would-fail",
        expect.stringMatching(
          /^this deploy would fail: the Consul release's values\.server\.storage changes: the chart renders it into the server StatefulSet's volumeClaimTemplates, .*\. Fix: before this deploy, delete only the server StatefulSet, keeping its pods and volumes/,
        ),
      ],
    ]);
  });

  it("diffs a new stack against nothing: everything is a create", () => {
    const d = diffPlans(null, plan([deployment(1), broker("SINGLE_INSTANCE")]), rules);
    expect(d.newStack).toBe(true);
    expect(d.summary).toEqual({ create: 2, update: 0, delete: 0, replace: 0 });
    expect(d.danger).toEqual([]);
  });

  it("reports resource option changes and carries the head plan's policy report", () => {
    const a = deployment(1);
    const head = {
      ...plan([{ ...a, retainOnDelete: true }]),
      policy: { rules: 3, violations: [] },
    };
    const d = diffPlans(plan([a]), head, rules);
    expect(d.changes[0]!.properties).toEqual([
      {
        path: "(retainOnDelete)",
        segments: ["(retainOnDelete)"],
        kind: "update",
        old: false,
        new: true,
      },
    ]);
    expect(d.policy).toEqual({ rules: 3, violations: [] });
  });
});
