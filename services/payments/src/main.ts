// First: starts OpenTelemetry (when OTEL_EXPORTER_OTLP_ENDPOINT is set) before http and pg load.
import "@causeway/kit/tracing";
import { createPool, createRuntime, migrate } from "@causeway/kit";
import { paymentsRoutes } from "./app";
import { chargingPolicy } from "./charge";
import { loadPaymentsConfig } from "./config";
import { subscribePayments } from "./consumer";
import { paymentsMetrics, simulatedProviderMetrics } from "./metrics";
import { paymentsMigrations } from "./migrations";
import { PgBooks, providerMigrations } from "./provider/books";
import { SimulatedProvider } from "./provider/simulated";

const HOUR_MS = 3_600_000;

async function main(): Promise<void> {
  const config = loadPaymentsConfig();
  const rt = await createRuntime({ config, migrations: await paymentsMigrations() });
  // The simulated provider's books, in its own schema: they outlive payments restarts.
  const providerSchema = config.PROVIDER_DB_SCHEMA ?? `${config.DB_SCHEMA}_provider`;
  const providerPool = createPool({
    url: config.DATABASE_URL,
    schema: providerSchema,
    max: config.DB_POOL_MAX,
    applicationName: `${config.SERVICE_NAME}-provider`,
    logger: rt.logger,
  });
  await migrate(providerPool, { schema: providerSchema, migrations: await providerMigrations() });
  const books = new PgBooks(providerPool);
  const purge = () =>
    books
      .purgeExpiredKeys()
      .catch((err: unknown) => rt.logger.warn({ err }, "provider key purge failed"));
  void purge();
  setInterval(() => void purge(), HOUR_MS).unref();
  const provider = new SimulatedProvider({
    books,
    seed: config.PROVIDER_SEED,
    failureRate: config.PROVIDER_FAILURE_RATE,
    declineRate: config.PROVIDER_DECLINE_RATE,
    lostResponseRate: config.PROVIDER_LOST_RESPONSE_RATE,
    latencyMs: config.PROVIDER_LATENCY_MS,
  });
  rt.logger.info(
    {
      provider: "simulated",
      providerSchema,
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
