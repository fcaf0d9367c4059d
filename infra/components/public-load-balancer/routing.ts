import { createHash } from "node:crypto";
import { HealthPaths } from "../shared/contract";

/**
 * Listener rules from the services' `expose` (host and/or path), with priorities that are
 * deterministic and stable.
 *
 * Priority decides evaluation order (lowest first), so it must put specific rules before
 * general ones: `/api` before `/`, `api.example.com` before any host. A pure ordinal (1, 2, 3
 * by specificity) would renumber every rule when one is added. So each rule's priority is
 * `band * BAND_WIDTH + slot + 1`:
 * - the band comes from specificity only (host kind, then path length: longer first);
 * - the slot comes from a hash of host+path, so it does not depend on the other rules.
 * Adding or removing a service therefore leaves every other priority unchanged, except in the
 * rare case of two rules of the same band hashing to the same slot: then they are ordered by
 * key and the later one takes the next free slot.
 * Two rules in the same band cannot both match one request (same host kind, equal-length
 * paths that differ), so the order within a band does not change routing. The one exception,
 * two wildcard hosts of which one is a subdomain of the other on the same path
 * (`*.example.com` and `*.shop.example.com`), is refused (`overlappingWildcards`).
 */

/** One exposed service: where requests for it arrive. */
export interface Route {
  readonly service: string;
  /** Host header to match (may start with `*.`). Default: any host. */
  readonly host?: string | undefined;
  /** Path prefix to match. Default `/`. */
  readonly path?: string | undefined;
}

export interface ListenerRuleSpec {
  readonly service: string;
  readonly priority: number;
  /** Host-header condition values, if the route names a host. */
  readonly hostHeader?: string[];
  /** Path-pattern condition values, if the route needs one. */
  readonly pathPattern?: string[];
}

/** Priorities per band; a band holds at most this many rules. */
export const BAND_WIDTH = 100;
/** Paths longer than this share the most specific band. */
const MAX_RANKED_PATH = 127;
/** ALB limit: characters per path-pattern value. */
export const MAX_PATTERN_LENGTH = 128;
/** ALB default quota: rules per load balancer, default rules excluded. */
export const MAX_RULES = 100;
/** ALB limit: highest listener rule priority. */
export const MAX_PRIORITY = 50_000;

const HostRank = { exact: 0, wildcard: 1, any: 2 } as const;

/** `/api/` -> `/api`, `/` -> `` (the prefix every path-pattern value is built from). */
function basePath(path: string | undefined): string {
  return (path ?? "/").replace(/\/+$/, "");
}

/** The path-pattern values for a route, or undefined when the host alone decides. */
export function pathPatterns(route: Route): string[] | undefined {
  const base = basePath(route.path);
  if (base === "") return route.host === undefined ? ["/*"] : undefined;
  return [base, `${base}/*`];
}

/** The band: exact hosts before wildcard hosts before any host; then longer paths first. */
export function band(route: Route): number {
  const hostRank =
    route.host === undefined
      ? HostRank.any
      : route.host.startsWith("*.")
        ? HostRank.wildcard
        : HostRank.exact;
  const length = Math.min(basePath(route.path).length, MAX_RANKED_PATH);
  return hostRank * (MAX_RANKED_PATH + 1) + (MAX_RANKED_PATH - length);
}

/**
 * The route's identity: what two services must not share. As in config/graph.ts, with the
 * trailing slash ignored (`/api/` and `/api` give the same patterns).
 */
export function routeKey(route: Route): string {
  return `${route.host ?? "*"}${basePath(route.path) || "/"}`;
}

/** The preferred slot within the band, from a hash of the route key. */
export function preferredSlot(route: Route): number {
  return createHash("sha256").update(routeKey(route)).digest().readUInt32BE(0) % BAND_WIDTH;
}

/**
 * The services' own endpoints (`HealthPaths`: liveness, readiness, metrics): for the kubelet's
 * probes, the target group's health check and the in-cluster scraper, never for the internet.
 */
export const INTERNAL_PATHS: readonly string[] = [
  HealthPaths.liveness,
  HealthPaths.readiness,
  HealthPaths.metrics,
];

/** One rule that answers 404 itself for an internal path, whatever the host. */
export interface InternalPathRule {
  /** Stable key for the child resource's name, e.g. `metrics`, `metrics-upper`. */
  readonly key: string;
  readonly priority: number;
  readonly pathPattern: string[];
}

/** The spellings of an internal path that get their own rule. */
const CASE_FORMS = [
  { suffix: "", spell: (p: string) => p },
  { suffix: "-upper", spell: (p: string) => p.toUpperCase() },
  { suffix: "-capitalized", spell: (p: string) => `/${p.charAt(1).toUpperCase()}${p.slice(2)}` },
] as const;

/**
 * Fixed-response rules that keep the internal paths off the internet, ahead of every forward
 * rule: they take the first slots of band 0 (priorities 1 to 9). No valid route lands in band 0
 * (an exact host with a path of 126+ characters, whose `/*` pattern is over the 128-character
 * limit), so adding them moves no existing rule.
 *
 * Why several spellings: ALB path patterns are case-sensitive and match the path only, not the
 * query string (AWS docs, "Condition types for listener rules", Path conditions; Elastic Load
 * Balancing API Reference, PathPatternConditionConfig), so `/metrics` does not match
 * `/Metrics`, `/METRICS` or `/metrics/`. The kit's Fastify router is case-sensitive and strict
 * about the trailing slash, but a NodeService may run any image (Express, for one, is neither by
 * default). Each rule therefore matches one spelling exactly and as a prefix (`/metrics` and
 * `/metrics/*`, which also catches `/metrics/`), in lower case, upper case and capitalized. A
 * rule holds at most five condition values and five wildcards (ALB quotas, "Quotas for your
 * Application Load Balancers"), hence one rule per path and spelling. Other mixed-case and
 * percent-encoded spellings are the WAF's to refuse: see `waf.ts`.
 */
export function internalPathRules(): InternalPathRule[] {
  return INTERNAL_PATHS.flatMap((path, i) =>
    CASE_FORMS.map((form, j) => {
      const spelled = form.spell(path);
      return {
        key: `${path.slice(1)}${form.suffix}`,
        priority: i * CASE_FORMS.length + j + 1,
        pathPattern: [spelled, `${spelled}/*`],
      };
    }),
  );
}

/**
 * Whether an ALB path pattern matches a request path, as the docs describe it: case-sensitive,
 * `*` for zero or more characters, `?` for exactly one, against the path only (no query
 * string). For tests and docs: it lets a plan be read as the ALB would evaluate it.
 */
export function pathPatternMatches(pattern: string, path: string): boolean {
  const regex = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[\\^$.|+()[\]{}]/g, "\\$&")))
    .join("");
  return new RegExp(`^${regex}$`, "s").test(path.split("?")[0]!);
}

/** How many listener rules `internalPathRules` takes. */
export const INTERNAL_RULE_COUNT = INTERNAL_PATHS.length * CASE_FORMS.length;

/** A route whose path is an internal path, or under one (compared case-insensitively). */
function internalPathOf(route: Route): string | undefined {
  const base = basePath(route.path).toLowerCase();
  return INTERNAL_PATHS.find((p) => base === p || base.startsWith(`${p}/`));
}

/** Problems that would make AWS reject the rules, one message each. */
/**
 * Pairs of routes the priorities cannot order: wildcard hosts where one is a subdomain of the
 * other, on the same path. Both match e.g. `a.shop.example.com`, and which one wins would
 * depend on a hash.
 */
export function overlappingWildcards(routes: readonly Route[]): string[] {
  const wild = routes.filter((r) => r.host?.startsWith("*.") === true);
  const problems: string[] = [];
  for (const a of wild) {
    for (const b of wild) {
      const inner = a.host!.slice(1); // ".shop.example.com"
      const outer = b.host!.slice(1); // ".example.com"
      if (a === b || inner === outer || !inner.endsWith(outer)) continue;
      if (basePath(a.path) !== basePath(b.path)) continue;
      problems.push(
        `services "${a.service}" (${a.host}) and "${b.service}" (${b.host}) overlap on path ${basePath(a.path) || "/"}: a request for a host under ${a.host} matches both; give one of them an exact host or another path`,
      );
    }
  }
  return problems;
}

export function routeProblems(routes: readonly Route[]): string[] {
  const problems: string[] = [...overlappingWildcards(routes)];
  if (routes.length + INTERNAL_RULE_COUNT > MAX_RULES) {
    problems.push(
      `${routes.length} exposed services exceed the ALB quota of ${MAX_RULES} listener rules (${INTERNAL_RULE_COUNT} keep the services' internal paths off the internet)`,
    );
  }
  const seen = new Map<string, string>();
  for (const route of routes) {
    const key = routeKey(route);
    const other = seen.get(key);
    if (other) {
      problems.push(`services "${other}" and "${route.service}" both claim ${key}`);
    }
    seen.set(key, route.service);
    const internal = internalPathOf(route);
    if (internal !== undefined) {
      problems.push(
        `service "${route.service}": path ${route.path} is reserved: ${INTERNAL_PATHS.join(", ")} are the services' own endpoints, which the load balancer never forwards; expose another path`,
      );
    }
    for (const value of pathPatterns(route) ?? []) {
      if (value.length > MAX_PATTERN_LENGTH) {
        problems.push(
          `service "${route.service}": path pattern "${value}" is longer than ${MAX_PATTERN_LENGTH} characters`,
        );
      }
    }
  }
  return problems;
}

/** The listener rules, sorted by priority. Throws on the problems `routeProblems` lists. */
export function listenerRules(routes: readonly Route[]): ListenerRuleSpec[] {
  const problems = routeProblems(routes);
  if (problems.length > 0) throw new Error(problems.join("; "));

  const byBand = new Map<number, Route[]>();
  for (const route of routes) {
    const b = band(route);
    byBand.set(b, [...(byBand.get(b) ?? []), route]);
  }
  const rules: ListenerRuleSpec[] = [];
  for (const [b, members] of byBand) {
    // Band 0's first slots belong to the internal-path rules.
    const taken = new Set<number>(b === 0 ? internalPathRules().map((r) => r.priority - 1) : []);
    const ordered = [...members].sort(
      (x, y) => preferredSlot(x) - preferredSlot(y) || routeKey(x).localeCompare(routeKey(y)),
    );
    for (const route of ordered) {
      let slot = preferredSlot(route);
      while (taken.has(slot)) slot = (slot + 1) % BAND_WIDTH;
      taken.add(slot);
      const hostHeader = route.host === undefined ? undefined : [route.host];
      const pathPattern = pathPatterns(route);
      rules.push({
        service: route.service,
        priority: b * BAND_WIDTH + slot + 1,
        ...(hostHeader ? { hostHeader } : {}),
        ...(pathPattern ? { pathPattern } : {}),
      });
    }
  }
  return rules.sort((a, b) => a.priority - b.priority);
}
