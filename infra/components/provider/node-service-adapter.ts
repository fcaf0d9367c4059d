import * as causeway from "@causeway/components";
import type * as pulumi from "@pulumi/pulumi";

/**
 * NodeService as other languages construct it. The provider constructs `new Class(name,
 * inputs, opts)` for the class keyed by its name (ComponentProvider.construct, provider.js,
 * @pulumi/pulumi 3.248), and the schema is read from the `declare`d NodeService in
 * components.ts (the analyser takes the first class of that name, breadth-first from index.ts,
 * and only one that extends ComponentResource directly: analyzer.js `analyze` and
 * `isPulumiComponent`), so this class must be named NodeService too. It only maps the one arg
 * whose schema shape differs from TypeScript's, `metricsScraper` (`MetricsScraper | false`, a
 * union the schema cannot carry), and is otherwise the package's NodeService: same resources,
 * checks and URNs. The Kubernetes provider arrives as the `providers` resource option, which
 * the provider host rebuilds from the request (server.js `construct`: `opts.providers`,
 * `opts.dependsOn`) and the component's children inherit.
 */
/**
 * The schema's `NodeServiceMetricsScraper` (components.ts), restated: components.ts imports this
 * file for COMPONENTS, so this one does not import it back (no import cycle); provider.test.ts
 * checks at compile time that the schema's args fit these.
 */
export interface ScraperInput {
  readonly enabled?: boolean;
  readonly namespaceLabels?: Record<string, string>;
  readonly podLabels?: Record<string, string>;
}

/** NodeService's args as the schema has them: `metricsScraper` is an object, never `false`. */
export type ServedNodeServiceArgs = Omit<causeway.NodeServiceArgs, "metricsScraper"> & {
  readonly metricsScraper?: ScraperInput;
};

export class NodeService extends causeway.NodeService {
  constructor(name: string, args: ServedNodeServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super(name, nodeServiceArgs(name, args), opts);
  }
}

/** The TypeScript args for the schema's: `metricsScraper` mapped, the rest as given. */
export function nodeServiceArgs(
  name: string,
  args: ServedNodeServiceArgs,
): causeway.NodeServiceArgs {
  const { metricsScraper, ...rest } = args;
  if (metricsScraper === undefined) return rest;
  return { ...rest, ...scraper(name, metricsScraper) };
}

function scraper(
  name: string,
  given: ScraperInput,
): Partial<Pick<causeway.NodeServiceArgs, "metricsScraper">> {
  const { enabled = true, namespaceLabels, podLabels } = given;
  const selectors = namespaceLabels !== undefined || podLabels !== undefined;
  if (!enabled) {
    if (selectors) {
      throw new causeway.ComponentArgsError("NodeService", name, [
        "metricsScraper: enabled is false, which admits no scraper, so namespaceLabels and podLabels would be ignored: give one or the other",
      ]);
    }
    return { metricsScraper: false };
  }
  // Neither selector: the default scraper, as when metricsScraper is not given. One of the two:
  // the component refuses the empty one ("must name at least one label").
  if (!selectors) return {};
  return { metricsScraper: { namespaceLabels: namespaceLabels ?? {}, podLabels: podLabels ?? {} } };
}
