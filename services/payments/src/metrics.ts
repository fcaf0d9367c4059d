import { Counter, Gauge } from "prom-client";
import type { Registry } from "prom-client";
import type { SimulatedProvider } from "./provider/simulated";

export interface PaymentsMetrics {
  /** Provider calls by outcome: succeeded, declined, unavailable, response_lost, rejected. */
  readonly providerCalls: Counter<"outcome">;
}

export function paymentsMetrics(registry: Registry): PaymentsMetrics {
  return {
    providerCalls: new Counter({
      name: "payment_provider_calls_total",
      help: "Calls to the payment provider, by outcome.",
      labelNames: ["outcome"],
      registers: [registry],
    }),
  };
}

/**
 * The simulated provider's own books, as an external provider's dashboard would show them:
 * charges created (money moved only for succeeded), replays of existing keys, injected faults.
 */
export function simulatedProviderMetrics(registry: Registry, provider: SimulatedProvider): void {
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  new Gauge({
    name: "simulated_provider_charges_created",
    help: "Simulated provider: charges created, by status (money moved only for succeeded).",
    labelNames: ["status"],
    registers: [registry],
    collect() {
      this.set({ status: "succeeded" }, provider.stats.created.succeeded);
      this.set({ status: "declined" }, provider.stats.created.declined);
    },
  });
  gauge(
    "simulated_provider_calls",
    "Simulated provider: charge calls.",
    () => provider.stats.calls,
  );
  gauge(
    "simulated_provider_replays",
    "Simulated provider: calls answered from an existing charge (same idempotency key).",
    () => provider.stats.replays,
  );
  gauge(
    "simulated_provider_failures",
    "Simulated provider: calls failed before charging.",
    () => provider.stats.failures,
  );
  gauge(
    "simulated_provider_lost_responses",
    "Simulated provider: calls whose response was lost after charging.",
    () => provider.stats.lostResponses,
  );
}
