import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Outcomes of one consumed message. */
export const ConsumeOutcomes = {
  processed: "processed",
  duplicate: "duplicate",
  retried: "retried",
  parked: "parked",
  rejected: "rejected",
  requeued: "requeued",
} as const;
export type ConsumeOutcome = keyof typeof ConsumeOutcomes;

export interface KitMetrics {
  readonly registry: Registry;
  readonly httpRequestDuration: Histogram<"method" | "route" | "status_code">;
  readonly messagesConsumed: Counter<"queue" | "outcome">;
  readonly messagesPublished: Counter<"exchange" | "outcome">;
  readonly outboxRelayed: Counter<"outcome">;
}

export interface MetricsOptions {
  /** Default: a new registry (not prom-client's global one, so apps and tests never collide). */
  readonly registry?: Registry;
  /** Collect process metrics (CPU, heap, event loop lag). Default true. */
  readonly defaultMetrics?: boolean;
}

export function createMetrics(opts: MetricsOptions = {}): KitMetrics {
  const registry = opts.registry ?? new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequestDuration: new Histogram({
      name: "http_request_duration_seconds",
      help: "HTTP request duration in seconds, by route template.",
      labelNames: ["method", "route", "status_code"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    messagesConsumed: new Counter({
      name: "messages_consumed_total",
      help: "Messages consumed, by queue and outcome.",
      labelNames: ["queue", "outcome"],
      registers: [registry],
    }),
    messagesPublished: new Counter({
      name: "messages_published_total",
      help: "Messages published with confirms, by exchange and outcome (confirmed/failed).",
      labelNames: ["exchange", "outcome"],
      registers: [registry],
    }),
    outboxRelayed: new Counter({
      name: "outbox_relayed_total",
      help: "Outbox rows relayed to the broker, by outcome (sent/failed).",
      labelNames: ["outcome"],
      registers: [registry],
    }),
  };
}
