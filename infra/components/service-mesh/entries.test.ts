import { describe, expect, it } from "vitest";
import {
  allowedEdges,
  DEFAULT_TRAFFIC_POLICY,
  intentionsFor,
  meshEdges,
  meshGraphProblems,
  serviceResolverSpec,
  serviceRouterSpec,
  type MeshGraph,
} from "./entries";

const graph: MeshGraph = {
  gateway: { upstreams: ["orders", "catalog"] },
  orders: { upstreams: ["payments"] },
  admin: { upstreams: ["orders"] },
  payments: { upstreams: [] },
  catalog: { upstreams: [] },
};

describe("intentionsFor", () => {
  it("denies * -> * by default", () => {
    expect(intentionsFor(graph).defaultDeny).toEqual({
      destination: { name: "*" },
      sources: [{ name: "*", action: "deny" }],
    });
  });

  it("allows each caller on its upstream, one entry per called service, callers sorted", () => {
    expect(intentionsFor(graph).byDestination).toEqual({
      catalog: {
        destination: { name: "catalog" },
        sources: [{ name: "gateway", action: "allow" }],
      },
      orders: {
        destination: { name: "orders" },
        sources: [
          { name: "admin", action: "allow" },
          { name: "gateway", action: "allow" },
        ],
      },
      payments: {
        destination: { name: "payments" },
        sources: [{ name: "orders", action: "allow" }],
      },
    });
  });

  it("grants exactly the graph's edges, nothing more", () => {
    const { byDestination } = intentionsFor(graph);
    expect(allowedEdges(Object.values(byDestination))).toEqual(meshEdges(graph));
    expect(meshEdges(graph)).toEqual([
      { from: "admin", to: "orders" },
      { from: "gateway", to: "catalog" },
      { from: "gateway", to: "orders" },
      { from: "orders", to: "payments" },
    ]);
  });

  it("names each caller once, however often it lists the upstream (Consul refuses duplicate sources)", () => {
    expect(
      intentionsFor({ web: { upstreams: ["cart", "cart"] }, cart: { upstreams: [] } })
        .byDestination,
    ).toEqual({
      cart: { destination: { name: "cart" }, sources: [{ name: "web", action: "allow" }] },
    });
  });

  it("gives a graph without edges only the default deny", () => {
    expect(intentionsFor({ solo: { upstreams: [] } }).byDestination).toEqual({});
  });
});

describe("traffic entries", () => {
  it("retries only connect failures, a bounded number of times, within a request timeout", () => {
    expect(serviceRouterSpec("orders", DEFAULT_TRAFFIC_POLICY)).toEqual({
      routes: [
        {
          match: { http: { pathPrefix: "/" } },
          destination: {
            service: "orders",
            requestTimeout: "5s",
            numRetries: 2,
            retryOnConnectFailure: true,
          },
        },
      ],
    });
    expect(serviceResolverSpec(DEFAULT_TRAFFIC_POLICY)).toEqual({ connectTimeout: "1s" });
  });

  it("keeps every retry's connect attempt inside the request timeout", () => {
    const seconds = (d: string) => Number.parseFloat(d);
    const { connectTimeout, connectRetries, requestTimeout } = DEFAULT_TRAFFIC_POLICY;
    expect(seconds(connectTimeout) * (connectRetries + 1)).toBeLessThan(seconds(requestTimeout));
  });
});

describe("meshGraphProblems", () => {
  it("refuses a service named like the default deny, and upstreams outside the graph", () => {
    expect(
      meshGraphProblems({ "default-deny": { upstreams: [] }, a: { upstreams: ["ghost"] } }),
    ).toEqual([
      'service name "default-deny" is reserved for the mesh\'s default-deny intentions',
      '"a" calls "ghost", which is not a service of the graph',
    ]);
    expect(meshGraphProblems(graph)).toEqual([]);
  });
});
