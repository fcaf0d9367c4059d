import { describe, expect, it } from "vitest";
import { callersOf, checkGraph, edges } from "./graph";
import { serviceTierDefaults, type ServicesConfig } from "./sections/services";

/** A service graph from `name -> [upstreams]` and optional exposures. */
function graph(
  upstreams: Record<string, string[]>,
  expose: Record<string, { host?: string; path?: string }> = {},
): ServicesConfig {
  return Object.fromEntries(
    Object.entries(upstreams).map(([name, ups]) => [
      name,
      {
        ...serviceTierDefaults.dev,
        upstreams: ups,
        ...(expose[name] ? { expose: expose[name] } : {}),
      },
    ]),
  );
}

describe("edges and callers", () => {
  const g = graph({ gateway: ["orders", "payments"], orders: ["payments"], payments: [] });
  it("lists every caller -> upstream edge, sorted", () => {
    expect(edges(g)).toEqual([
      { from: "gateway", to: "orders" },
      { from: "gateway", to: "payments" },
      { from: "orders", to: "payments" },
    ]);
  });
  it("lists the callers of a service", () => {
    expect(callersOf(g, "payments")).toEqual(["gateway", "orders"]);
    expect(callersOf(g, "gateway")).toEqual([]);
  });
});

describe("checkGraph", () => {
  it("accepts the shipped graph", () => {
    expect(
      checkGraph(
        graph({ gateway: ["orders"], orders: [], payments: [] }, { gateway: { path: "/" } }),
      ),
    ).toEqual([]);
  });

  it.each<
    [string, Record<string, string[]>, Record<string, { host?: string; path?: string }>, string[]]
  >([
    [
      "an unknown upstream, with a suggestion",
      { gateway: ["ordres"], orders: [] },
      {},
      [
        'causeway:services.gateway.upstreams[0]: unknown upstream "ordres" (did you mean "orders"?); declared services are: gateway, orders',
      ],
    ],
    [
      "a self-reference",
      { orders: ["orders"] },
      {},
      [
        'causeway:services.orders.upstreams[0]: service "orders" lists itself as an upstream; a service calls itself in-process, remove it',
      ],
    ],
    [
      "a cycle through two services",
      { a: ["b"], b: ["a"] },
      {},
      [
        'causeway:services.a.upstreams: service "a" calls itself through a cycle: a -> b -> a; synchronous call cycles deadlock under load, use an event instead',
      ],
    ],
    [
      "a cycle through three services, reported once",
      { a: ["b"], b: ["c"], c: ["a"] },
      {},
      [
        'causeway:services.a.upstreams: service "a" calls itself through a cycle: a -> b -> c -> a; synchronous call cycles deadlock under load, use an event instead',
      ],
    ],
    [
      "a duplicate upstream",
      { a: ["b", "b"], b: [] },
      {},
      ['causeway:services.a.upstreams: lists "b" more than once'],
    ],
    [
      "two services exposing the same host and path",
      { gateway: [], admin: [] },
      {
        gateway: { host: "api.example.com", path: "/" },
        admin: { host: "api.example.com", path: "/" },
      },
      [
        'causeway:services.gateway.expose: claims host "api.example.com" and path "/", which service "admin" already exposes; give one of them another host or path',
      ],
    ],
  ])("rejects %s", (_, ups, expose, expected) => {
    expect(checkGraph(graph(ups, expose)).map((i) => `${i.path}: ${i.message}`)).toEqual(expected);
  });

  it("allows the same path on different hosts", () => {
    const g = graph(
      { a: [], b: [] },
      { a: { host: "a.example.com", path: "/" }, b: { host: "b.example.com", path: "/" } },
    );
    expect(checkGraph(g)).toEqual([]);
  });
});
