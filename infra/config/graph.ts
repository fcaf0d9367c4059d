import { routeKey } from "@causeway/components";
import type { ConfigIssue } from "./errors";
import { didYouMean } from "./did-you-mean";

/**
 * What the graph's rules read of each service: its upstreams and where it is exposed. The
 * services section's value (`ServicesConfig`) is one; this file does not import it, since that
 * section checks its graph with the functions below.
 */
export type ServiceGraph = Readonly<
  Record<
    string,
    {
      readonly upstreams: readonly string[];
      readonly expose?: { readonly host?: string; readonly path?: string } | undefined;
    }
  >
>;

const KEY = "causeway:services";

/** A caller -> upstream edge of the service graph. */
export interface Edge {
  readonly from: string;
  readonly to: string;
}

/** Every caller -> upstream edge, sorted, so derived resources have a stable order. */
export function edges(services: ServiceGraph): Edge[] {
  return Object.entries(services)
    .flatMap(([from, s]) => s.upstreams.map((to) => ({ from, to })))
    .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}

/** The services that call `name`, sorted. */
export function callersOf(services: ServiceGraph, name: string): string[] {
  return Object.keys(services)
    .filter((caller) => services[caller]!.upstreams.includes(name))
    .sort();
}

/**
 * The exposure key (`host` + `path`) two services must not share: the public load balancer's
 * route key, so `/api/` and `/api` are one path here as on the ALB.
 */
function exposureKey(expose: { host?: string | undefined; path?: string | undefined }): string {
  return routeKey({ service: "", host: expose.host, path: expose.path });
}

/**
 * Checks the graph's own rules: upstreams exist, no service calls itself directly or through a
 * cycle, no two services claim the same host and path.
 */
export function checkGraph(services: ServiceGraph): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const names = Object.keys(services).sort();

  for (const name of names) {
    const { upstreams } = services[name]!;
    upstreams.forEach((upstream, i) => {
      const path = `${KEY}.${name}.upstreams[${i}]`;
      if (upstream === name) {
        issues.push({
          path,
          message: `service "${name}" lists itself as an upstream; a service calls itself in-process, remove it`,
        });
      } else if (!(upstream in services)) {
        const hint = didYouMean(upstream, names);
        issues.push({
          path,
          message: `unknown upstream "${upstream}"${hint ? ` (did you mean "${hint}"?)` : ""}; declared services are: ${names.join(", ")}`,
        });
      }
    });
    const dupes = upstreams.filter((u, i) => upstreams.indexOf(u) !== i);
    for (const d of new Set(dupes)) {
      issues.push({
        path: `${KEY}.${name}.upstreams`,
        message: `lists "${d}" more than once`,
      });
    }
  }

  for (const cycle of findCycles(services)) {
    issues.push({
      path: `${KEY}.${cycle[0]}.upstreams`,
      message: `service "${cycle[0]}" calls itself through a cycle: ${cycle.join(" -> ")}; synchronous call cycles deadlock under load, use an event instead`,
    });
  }

  const exposedBy = new Map<string, string>();
  for (const name of names) {
    const expose = services[name]!.expose;
    if (!expose) continue;
    const key = exposureKey(expose);
    const other = exposedBy.get(key);
    if (other) {
      issues.push({
        path: `${KEY}.${name}.expose`,
        message: `claims host "${expose.host ?? "*"}" and path "${expose.path ?? "/"}", which service "${other}" already exposes; give one of them another host or path`,
      });
    } else {
      exposedBy.set(key, name);
    }
  }
  return issues;
}

/** Each elementary cycle of length >= 2, reported once, starting at its smallest name. */
function findCycles(services: ServiceGraph): string[][] {
  const found = new Map<string, string[]>();
  const visit = (start: string, node: string, path: string[]) => {
    for (const next of services[node]?.upstreams ?? []) {
      if (!(next in services) || next === node) continue;
      if (next === start && path.length >= 2) {
        const cycle = [...path, start];
        found.set([...path].sort().join(","), cycle);
      } else if (!path.includes(next) && next > start) {
        visit(start, next, [...path, next]);
      }
    }
  };
  for (const start of Object.keys(services).sort()) visit(start, start, [start]);
  return [...found.values()];
}
