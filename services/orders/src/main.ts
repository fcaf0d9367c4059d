// First: starts OpenTelemetry (when OTEL_EXPORTER_OTLP_ENDPOINT is set) before http and pg load.
import "@causeway/kit/tracing";
import { createRuntime } from "@causeway/kit";
import { ordersRoutes } from "./app";
import { loadOrdersConfig } from "./config";
import { subscribeOrders } from "./consumers";
import { ordersMigrations } from "./migrations";
import { Reconciler, ordersMetrics } from "./reconciler";

async function main(): Promise<void> {
  const config = loadOrdersConfig();
  const rt = await createRuntime({ config, migrations: await ordersMigrations() });
  await rt.app.register(ordersRoutes, {
    pool: rt.pool,
    schema: config.DB_SCHEMA,
    onEnqueued: () => rt.relay?.kick(),
  });
  await subscribeOrders({
    broker: rt.broker,
    pool: rt.pool,
    schema: config.DB_SCHEMA,
    queuePrefix: config.QUEUE_PREFIX,
  });
  const reconciler = new Reconciler({
    pool: rt.pool,
    schema: config.DB_SCHEMA,
    pendingAfterMs: config.RECONCILE_PENDING_AFTER_MS,
    intervalMs: config.RECONCILE_INTERVAL_MS,
    maxAgeMs: config.RECONCILE_MAX_AGE_MS,
    onEnqueued: () => rt.relay?.kick(),
    logger: rt.logger,
    metrics: ordersMetrics(rt.metrics.registry, rt.pool),
  });
  await rt.start();
  reconciler.start();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
