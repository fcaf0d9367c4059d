import * as k8s from "@pulumi/kubernetes";
import { describe, expect, it } from "vitest";
import { planProgram, type PlanView } from "../../plan/harness";
import { ServiceMesh } from "./service-mesh";

const CR_TYPES = [
  "kubernetes:consul.hashicorp.com/v1alpha1:ServiceDefaults",
  "kubernetes:consul.hashicorp.com/v1alpha1:ServiceIntentions",
  "kubernetes:consul.hashicorp.com/v1alpha1:ServiceResolver",
  "kubernetes:consul.hashicorp.com/v1alpha1:ServiceRouter",
];

/** Someone else's program: a stand-in for the Consul chart, its own provider, plain args. */
async function planMesh(services: ConstructorParameters<typeof ServiceMesh>[1]["services"]) {
  return planProgram(async () => {
    const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1\nkind: Config" });
    const chart = new k8s.helm.v3.Release(
      "consul",
      {
        chart: "consul",
        version: "1.9.11",
        repositoryOpts: { repo: "https://helm.releases.hashicorp.com" },
      },
      { provider },
    );
    new ServiceMesh("mesh", { services, namespace: "shop", crds: chart }, { provider });
    return {};
  });
}

const crs = (plan: PlanView) => CR_TYPES.flatMap((t) => plan.byType(t));

describe("ServiceMesh in a plain program", () => {
  const services = {
    web: { upstreams: ["cart"] },
    cart: { upstreams: [] },
  };

  it("creates every config entry after the chart that installs the CRDs, with its provider", async () => {
    const plan = await planMesh(services);
    const chart = plan.get("kubernetes:helm.sh/v3:Release", "consul");
    const provider = plan.get("pulumi:providers:kubernetes", "k8s");
    expect(crs(plan)).toHaveLength(2 * 3 + 1 + 1);
    for (const cr of crs(plan)) {
      expect(cr.dependencies, cr.name).toContain(chart.urn);
      expect(cr.provider, cr.name).toBe(provider.urn);
    }
  });

  it("declares each service http, with its router and resolver after its defaults", async () => {
    const plan = await planMesh(services);
    const defaults = plan.get(
      "kubernetes:consul.hashicorp.com/v1alpha1:ServiceDefaults",
      "mesh-cart-defaults",
    );
    expect(defaults.inputs).toEqual({
      apiVersion: "consul.hashicorp.com/v1alpha1",
      kind: "ServiceDefaults",
      metadata: { name: "cart", namespace: "shop" },
      spec: { protocol: "http" },
    });
    const router = plan.get(
      "kubernetes:consul.hashicorp.com/v1alpha1:ServiceRouter",
      "mesh-cart-router",
    );
    expect(router.inputs["metadata"]).toEqual({ name: "cart", namespace: "shop" });
    expect(router.dependencies).toContain(defaults.urn);
    const resolver = plan.get(
      "kubernetes:consul.hashicorp.com/v1alpha1:ServiceResolver",
      "mesh-cart-resolver",
    );
    expect(resolver.inputs["spec"]).toEqual({ connectTimeout: "1s" });
    expect(resolver.dependencies).toContain(defaults.urn);
  });

  it("denies everything by default and allows web -> cart only", async () => {
    const plan = await planMesh(services);
    const intentions = plan
      .byType("kubernetes:consul.hashicorp.com/v1alpha1:ServiceIntentions")
      .map((r) => [r.name, r.inputs["metadata"], r.inputs["spec"]]);
    expect(intentions).toEqual([
      [
        "mesh-cart-intentions",
        { name: "cart", namespace: "shop" },
        { destination: { name: "cart" }, sources: [{ name: "web", action: "allow" }] },
      ],
      [
        "mesh-default-deny",
        { name: "default-deny", namespace: "shop" },
        { destination: { name: "*" }, sources: [{ name: "*", action: "deny" }] },
      ],
    ]);
  });

  it("without crds, makes every entry depend on the component's own dependsOn (as other languages pass it)", async () => {
    const given = await planMesh(services);
    const plan = await planProgram(async () => {
      const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1\nkind: Config" });
      const chart = new k8s.helm.v3.Release(
        "consul",
        {
          chart: "consul",
          version: "1.9.11",
          repositoryOpts: { repo: "https://helm.releases.hashicorp.com" },
        },
        { provider },
      );
      new ServiceMesh(
        "mesh",
        { services, namespace: "shop" },
        { providers: { kubernetes: provider }, dependsOn: [chart] },
      );
      return {};
    });
    const chart = plan.get("kubernetes:helm.sh/v3:Release", "consul");
    expect(crs(plan)).toHaveLength(2 * 3 + 1 + 1);
    for (const cr of crs(plan)) expect(cr.dependencies, cr.name).toContain(chart.urn);
    // The entries as with the arg; only the component itself records the dependsOn.
    const custom = (p: PlanView) => p.resources.filter((r) => r.custom);
    expect(custom(plan)).toEqual(custom(given));
  });

  it("refuses with neither crds nor a dependsOn: entries would race the CRDs and outlive them", async () => {
    const run = planProgram(async () => {
      const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1\nkind: Config" });
      new ServiceMesh("mesh", { services, namespace: "shop" }, { provider, dependsOn: [] });
      return {};
    });
    await expect(run).rejects.toThrow(
      [
        'ServiceMesh "mesh": 1 invalid argument:',
        "  - crds: what installs the consul.hashicorp.com CRDs (the Consul Helm release) is required, as this arg or as the component's `dependsOn` resource option; entries created before the CRDs fail, and entries deleted after them hang on their finalizers",
      ].join("\n"),
    );
  });

  it("refuses a graph it cannot express before creating anything", async () => {
    await expect(planMesh({ web: { upstreams: ["nowhere"] } })).rejects.toThrow(
      'ServiceMesh "mesh": 1 invalid argument:\n  - "web" calls "nowhere", which is not a service of the graph',
    );
  });
});
