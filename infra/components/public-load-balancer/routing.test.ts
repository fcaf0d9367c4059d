import { describe, expect, it } from "vitest";
import {
  BAND_WIDTH,
  band,
  INTERNAL_PATHS,
  internalPathRules,
  listenerRules,
  pathPatternMatches,
  pathPatterns,
  preferredSlot,
  routeProblems,
  type Route,
} from "./routing";

const many = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ service: `s${i}`, path: `/s${i}` }));
const priorities = (routes: Route[]) =>
  Object.fromEntries(listenerRules(routes).map((r) => [r.service, r.priority]));

describe("pathPatterns", () => {
  it.each<[Route, string[] | undefined]>([
    [{ service: "a", path: "/" }, ["/*"]],
    [{ service: "a", host: "api.example.com" }, undefined],
    [{ service: "a", host: "api.example.com", path: "/" }, undefined],
    [{ service: "a", path: "/api" }, ["/api", "/api/*"]],
    [{ service: "a", path: "/api/" }, ["/api", "/api/*"]],
    [{ service: "a", host: "x.example.com", path: "/v1/orders" }, ["/v1/orders", "/v1/orders/*"]],
  ])("%j -> %j", (route, expected) => {
    expect(pathPatterns(route)).toEqual(expected);
  });
});

describe("listenerRules", () => {
  it("gives the conditions and a priority per route: band * 100 + hashed slot + 1", () => {
    // orders: exact host, path length 4 -> band 0 * 128 + (127 - 4) = 123, slot 8.
    // gateway: any host, path "/" -> band 2 * 128 + 127 = 383, slot 6.
    expect(
      listenerRules([
        { service: "gateway", path: "/" },
        { service: "orders", host: "orders.example.com", path: "/api" },
      ]),
    ).toEqual([
      {
        service: "orders",
        priority: 12309,
        hostHeader: ["orders.example.com"],
        pathPattern: ["/api", "/api/*"],
      },
      { service: "gateway", priority: 38307, pathPattern: ["/*"] },
    ]);
  });

  it("evaluates specific rules first: exact host, wildcard host, any host; longer paths first", () => {
    const rules = listenerRules([
      { service: "catch-all", path: "/" },
      { service: "api", path: "/api" },
      { service: "api-v1", path: "/api/v1" },
      { service: "wild", host: "*.example.com" },
      { service: "exact", host: "shop.example.com" },
      { service: "exact-api", host: "shop.example.com", path: "/api" },
    ]);
    expect(rules.map((r) => r.service)).toEqual([
      "exact-api",
      "exact",
      "wild",
      "api-v1",
      "api",
      "catch-all",
    ]);
    for (const r of rules) expect(r.priority).toBeGreaterThanOrEqual(1);
    for (const r of rules) expect(r.priority).toBeLessThanOrEqual(50_000);
  });

  it("keeps every other priority when a service is added or removed", () => {
    const base: Route[] = [
      { service: "gateway", path: "/" },
      { service: "orders", path: "/orders" },
      { service: "payments", path: "/payments" },
      { service: "admin", host: "admin.example.com" },
    ];
    const before = priorities(base);
    const added = priorities([...base, { service: "search", path: "/search" }]);
    const removed = priorities(base.filter((r) => r.service !== "orders"));
    for (const s of Object.keys(before)) expect(added[s]).toBe(before[s]);
    for (const s of Object.keys(removed)) expect(removed[s]).toBe(before[s]);
    expect(Object.keys(added)).toHaveLength(5);
  });

  it("does not depend on the order routes are given in", () => {
    const routes: Route[] = [
      { service: "a", path: "/a" },
      { service: "b", path: "/b" },
      { service: "c", host: "c.example.com" },
    ];
    expect(listenerRules([...routes].reverse())).toEqual(listenerRules(routes));
  });

  it("resolves a slot collision within a band with the next free slot, by key order", () => {
    // Find two paths of the same length (same band) whose hashes pick the same slot.
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i++) {
      const path = `/p${String(i).padStart(4, "0")}`;
      const slot = preferredSlot({ service: "x", path });
      const other = seen.get(slot);
      if (other) pair = [other, path];
      else seen.set(slot, path);
    }
    const [first, second] = pair;
    const slot = preferredSlot({ service: "x", path: first });
    const b = band({ service: "x", path: first });
    const rules = priorities([
      { service: "second", path: second },
      { service: "first", path: first },
    ]);
    expect(rules).toEqual({
      first: b * BAND_WIDTH + slot + 1,
      second: b * BAND_WIDTH + ((slot + 1) % BAND_WIDTH) + 1,
    });
  });
});

describe("routeProblems", () => {
  it("names duplicate routes, over-long patterns and the rule quota", () => {
    const long = `/${"a".repeat(130)}`;
    expect(
      routeProblems([
        { service: "a", path: "/api" },
        { service: "b", path: "/api/" },
        { service: "c", path: long },
      ]),
    ).toEqual([
      'services "a" and "b" both claim */api',
      `service "c": path pattern "${long}" is longer than 128 characters`,
      `service "c": path pattern "${long}/*" is longer than 128 characters`,
    ]);
    // 9 of the 100 rules keep the internal paths off the internet.
    expect(routeProblems(many(91))).toEqual([]);
    const tooMany = many(92);
    expect(routeProblems(tooMany)).toEqual([
      "92 exposed services exceed the ALB quota of 100 listener rules (9 keep the services' internal paths off the internet)",
    ]);
    expect(() => listenerRules(tooMany)).toThrow("exceed the ALB quota");
  });

  it("refuses a route on an internal path, whatever its case or trailing slash", () => {
    expect(
      routeProblems([
        { service: "ops", path: "/Metrics/" },
        { service: "probe", path: "/readyz/deep" },
        { service: "fine", path: "/metrics-dashboard" },
      ]),
    ).toEqual([
      'service "ops": path /Metrics/ is reserved: /livez, /readyz, /metrics are the services\' own endpoints, which the load balancer never forwards; expose another path',
      'service "probe": path /readyz/deep is reserved: /livez, /readyz, /metrics are the services\' own endpoints, which the load balancer never forwards; expose another path',
    ]);
  });

  it("refuses nested wildcard hosts on one path, which no priority could order", () => {
    const overlap = [
      { service: "shop", host: "*.shop.example.com", path: "/" },
      { service: "site", host: "*.example.com", path: "/" },
    ];
    expect(routeProblems(overlap)).toEqual([
      'services "shop" (*.shop.example.com) and "site" (*.example.com) overlap on path /: a request for a host under *.shop.example.com matches both; give one of them an exact host or another path',
    ]);
    // Other paths, sibling wildcards or an exact host are fine.
    expect(routeProblems([overlap[0]!, { ...overlap[1]!, path: "/api" }])).toEqual([]);
    expect(
      routeProblems([overlap[0]!, { service: "docs", host: "*.docs.example.com", path: "/" }]),
    ).toEqual([]);
    expect(routeProblems([overlap[0]!, { ...overlap[1]!, host: "example.com" }])).toEqual([]);
  });
});

describe("internal paths never reach a service", () => {
  it("matches path patterns as the ALB docs describe: case-sensitive, * and ?, no query string", () => {
    expect(pathPatternMatches("/metrics", "/metrics")).toBe(true);
    expect(pathPatternMatches("/metrics", "/metrics?x=1")).toBe(true);
    expect(pathPatternMatches("/metrics", "/Metrics")).toBe(false);
    expect(pathPatternMatches("/metrics", "/metrics/")).toBe(false);
    expect(pathPatternMatches("/metrics/*", "/metrics/")).toBe(true);
    expect(pathPatternMatches("/metrics/*", "/metricsx")).toBe(false);
    expect(pathPatternMatches("/*", "/anything/at.all")).toBe(true);
    expect(pathPatternMatches("/a?c", "/abc")).toBe(true);
    expect(pathPatternMatches("/a.c", "/abc")).toBe(false);
  });

  it("takes priorities 1-9, one rule per path and spelling, each exact and as a prefix", () => {
    expect(internalPathRules()).toEqual([
      { key: "livez", priority: 1, pathPattern: ["/livez", "/livez/*"] },
      { key: "livez-upper", priority: 2, pathPattern: ["/LIVEZ", "/LIVEZ/*"] },
      { key: "livez-capitalized", priority: 3, pathPattern: ["/Livez", "/Livez/*"] },
      { key: "readyz", priority: 4, pathPattern: ["/readyz", "/readyz/*"] },
      { key: "readyz-upper", priority: 5, pathPattern: ["/READYZ", "/READYZ/*"] },
      { key: "readyz-capitalized", priority: 6, pathPattern: ["/Readyz", "/Readyz/*"] },
      { key: "metrics", priority: 7, pathPattern: ["/metrics", "/metrics/*"] },
      { key: "metrics-upper", priority: 8, pathPattern: ["/METRICS", "/METRICS/*"] },
      { key: "metrics-capitalized", priority: 9, pathPattern: ["/Metrics", "/Metrics/*"] },
    ]);
    expect(INTERNAL_PATHS).toEqual(["/livez", "/readyz", "/metrics"]);
  });

  it("are evaluated before every route, and move none: band 0, where they sit, holds no valid route", () => {
    // Band 0 would be an exact host with a path of 127+ characters, whose `/*` pattern is over
    // the ALB's 128 characters: refused. The longest valid path lands in band 1.
    const longest = { service: "deep", host: "api.example.com", path: `/${"d".repeat(125)}` };
    expect(band(longest)).toBe(1);
    expect(band({ ...longest, path: `/${"d".repeat(126)}` })).toBe(0);
    expect(routeProblems([{ ...longest, path: `/${"d".repeat(126)}` }])).toEqual([
      `service "deep": path pattern "/${"d".repeat(126)}/*" is longer than 128 characters`,
    ]);
    const routes: Route[] = [{ service: "web", path: "/" }, longest];
    const lastInternal = Math.max(...internalPathRules().map((r) => r.priority));
    for (const r of listenerRules(routes)) expect(r.priority).toBeGreaterThan(lastInternal);
    const web = { service: "web", path: "/" };
    expect(priorities(routes)["web"]).toBe(band(web) * BAND_WIDTH + preferredSlot(web) + 1);
  });
});
