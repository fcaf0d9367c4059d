import { describe, expect, it } from "vitest";
import { configProblems } from "../../test/config-problems";
import { fixtureConfig, planFixture, rawFixtureConfig } from "../../test/fixtures";

const VMAGENT = {
  namespaceLabels: { "kubernetes.io/metadata.name": "observability" },
  podLabels: { "app.kubernetes.io/name": "vmagent" },
};

type Ingress = { from: Record<string, { matchLabels: unknown }>[]; ports: { port: number }[] };

describe("causeway:metrics", () => {
  it("admits Prometheus in monitoring by default, in every tier", () => {
    for (const stack of ["dev", "staging", "prod"] as const) {
      expect(fixtureConfig(stack).metrics).toEqual({
        scrape: true,
        scraper: {
          namespaceLabels: { "kubernetes.io/metadata.name": "monitoring" },
          podLabels: { "app.kubernetes.io/name": "prometheus" },
        },
      });
    }
  });

  it("replaces the selector whole: a stack's labels are never merged into the default's", () => {
    expect(fixtureConfig("prod", { "causeway:metrics": { scraper: VMAGENT } }).metrics).toEqual({
      scrape: true,
      scraper: VMAGENT,
    });
    expect(fixtureConfig("prod", { "causeway:metrics": { scrape: false } }).metrics.scrape).toBe(
      false,
    );
  });

  it("without a collector, the stack's scraper is the one every service's NetworkPolicy admits, on its metrics ports", async () => {
    // The stack's own collector is the scraper when it runs (see the next test); a named
    // scraper is for stacks that bring their own Prometheus.
    const noCollector = { "causeway:observability": { metrics: { enabled: false } } };
    const plan = await planFixture("staging", {
      "causeway:metrics": { scraper: VMAGENT },
      ...noCollector,
    });
    const policies = plan.byType("kubernetes:networking.k8s.io/v1:NetworkPolicy");
    expect(policies.length).toBeGreaterThan(0);
    for (const np of policies) {
      const ingress = (np.inputs["spec"] as { ingress: Ingress[] }).ingress;
      const scraper = ingress.filter((r) => r.from.some((f) => f["namespaceSelector"]));
      expect(scraper, np.name).toEqual([
        {
          from: [
            {
              namespaceSelector: { matchLabels: VMAGENT.namespaceLabels },
              podSelector: { matchLabels: VMAGENT.podLabels },
            },
          ],
          // The service port and Envoy's merged metrics port (20200).
          ports: [
            expect.objectContaining({ port: 8080 }),
            expect.objectContaining({ port: 20200 }),
          ],
        },
      ]);
    }
    const off = await planFixture("staging", {
      "causeway:metrics": { scrape: false },
      ...noCollector,
    });
    for (const np of off.byType("kubernetes:networking.k8s.io/v1:NetworkPolicy")) {
      const ingress = (np.inputs["spec"] as { ingress: Ingress[] }).ingress;
      expect(
        ingress.filter((r) => r.from.some((f) => f["namespaceSelector"])),
        np.name,
      ).toEqual([]);
    }
  });

  it("names every bad selector, with what would be valid", () => {
    expect(
      configProblems(
        rawFixtureConfig("dev", {
          "causeway:metrics": {
            scraper: { namespaceLabels: {}, podLabels: { "-bad/x": "ok", app: "not ok!" } },
          },
        }),
        "dev",
      ),
    ).toEqual([
      "causeway:metrics.scraper.namespaceLabels: must name at least one label: an empty selector admits every namespace",
      "causeway:metrics.scraper.podLabels.-bad/x: must be a Kubernetes label key: an optional DNS prefix and '/', then 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (found \"-bad/x\")",
      "causeway:metrics.scraper.podLabels.app: must be a Kubernetes label value: empty, or 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (found \"not ok!\")",
    ]);
  });
});
