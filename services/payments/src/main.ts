import { createRuntime } from "@causeway/kit";
import { paymentsRoutes } from "./app";
import { chargingPolicy } from "./charge";
import { loadPaymentsConfig } from "./config";
import { subscribePayments } from "./consumer";
import { paymentsMetrics, simulatedProviderMetrics } from "./metrics";
import { paymentsMigrations } from "./migrations";
import { SimulatedProvider } from "./provider/simulated";

async function main(): Promise<void> {
  const config = loadPaymentsConfig();
  const rt = await createRuntime({ config, migrations: await paymentsMigrations() });
  const provider = new SimulatedProvider({
    seed: config.PROVIDER_SEED,
    failureRate: config.PROVIDER_FAILURE_RATE,
    declineRate: config.PROVIDER_DECLINE_RATE,
    lostResponseRate: config.PROVIDER_LOST_RESPONSE_RATE,
    latencyMs: config.PROVIDER_LATENCY_MS,
  });
  rt.logger.info(
    {
      provider: "simulated",
      failureRate: config.PROVIDER_FAILURE_RATE,
      declineRate: config.PROVIDER_DECLINE_RATE,
      lostResponseRate: config.PROVIDER_LOST_RESPONSE_RATE,
      latencyMs: config.PROVIDER_LATENCY_MS,
    },
    "payment provider",
  );
  simulatedProviderMetrics(rt.metrics.registry, provider);
  const metrics = paymentsMetrics(rt.metrics.registry);
  await rt.app.register(paymentsRoutes, { pool: rt.pool });
  await subscribePayments({
    broker: rt.broker,
    pool: rt.pool,
    schema: config.DB_SCHEMA,
    queuePrefix: config.QUEUE_PREFIX,
    charge: chargingPolicy(provider, metrics),
  });
  await rt.start();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
