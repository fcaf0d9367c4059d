import { DEFAULT_METRICS_SCRAPER } from "@causeway/components";
import { z } from "zod";
import type { ByTier, Environment } from "../environment";
import { isPlainObject, type Section } from "./section";

/**
 * A Kubernetes label key: an optional DNS-subdomain prefix and '/', then a name of 1-63
 * alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric. A value is empty or
 * such a name. Source: Kubernetes documentation, "Labels and Selectors", syntax and character
 * set (checked 2026-12-03); the API server refuses a NetworkPolicy selector that breaks it.
 */
const LABEL_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
const LABEL_PREFIX = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf("/");
  if (slash === -1) return LABEL_NAME.test(key);
  const prefix = key.slice(0, slash);
  return prefix.length <= 253 && LABEL_PREFIX.test(prefix) && LABEL_NAME.test(key.slice(slash + 1));
}

const labelSelector = (what: string) =>
  z
    .record(
      z.string().refine(isLabelKey, {
        error:
          "must be a Kubernetes label key: an optional DNS prefix and '/', then 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
      }),
      z
        .string()
        .regex(
          /^([A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$/,
          "must be a Kubernetes label value: empty, or 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
        ),
    )
    .refine((m) => Object.keys(m).length > 0, {
      error: `must name at least one label: an empty selector admits every ${what}`,
    });

/** `causeway:metrics`: who may scrape the services' Prometheus metrics inside the cluster. */
export const metricsSchema = z.strictObject({
  scrape: z
    .boolean()
    .describe(
      "Whether the services' NetworkPolicies admit the scraper at all. Default true; false admits none.",
    ),
  scraper: z
    .strictObject({
      namespaceLabels: labelSelector("namespace").describe(
        "Labels of the scraper's namespace (matchLabels).",
      ),
      podLabels: labelSelector("pod").describe("Labels of the scraper's pods (matchLabels)."),
    })
    .describe(
      "The in-cluster scraper the services' NetworkPolicies admit on their metrics port and on Envoy's merged metrics port when the stack runs no collector of its own (causeway:observability.metrics.enabled false; otherwise the collector is the scraper): { namespaceLabels, podLabels }, both required, replaced whole (never merged with the default). Default: pods labelled app.kubernetes.io/name=prometheus in the namespace named monitoring.",
    ),
});

export type MetricsConfig = z.infer<typeof metricsSchema>;

const defaults: MetricsConfig = {
  scrape: true,
  scraper: {
    namespaceLabels: { ...DEFAULT_METRICS_SCRAPER.namespaceLabels },
    podLabels: { ...DEFAULT_METRICS_SCRAPER.podLabels },
  },
};

/** Every tier admits the same default scraper until the stack names its own. */
export const metricsTierDefaults: ByTier<MetricsConfig> = {
  dev: defaults,
  staging: defaults,
  prod: defaults,
};

/**
 * A selector is replaced whole: merging a stack's `podLabels` into the default's would select
 * pods that carry both sets of labels, which is no scraper at all.
 */
function withDefaults(raw: unknown, env: Environment): unknown {
  const base = metricsTierDefaults[env];
  if (raw === undefined) return base;
  if (!isPlainObject(raw)) return raw;
  return { ...base, ...raw };
}

/** `causeway:metrics`, as the loader reads it. */
export const metricsSection = {
  schema: metricsSchema,
  required: false,
  description:
    "Metrics: scraper (the in-cluster Prometheus the NetworkPolicies admit, by namespace and pod labels) and scrape (false admits none).",
  tierDefaults: metricsTierDefaults,
  withDefaults,
} satisfies Section<MetricsConfig>;

/** What NodeService's `metricsScraper` takes: the selector, or false when none is admitted. */
export function metricsScraperOf(
  metrics: MetricsConfig,
): false | { namespaceLabels: Record<string, string>; podLabels: Record<string, string> } {
  return metrics.scrape ? metrics.scraper : false;
}
