import { createRuntime } from "@causeway/kit";
import { ordersRoutes } from "./app";
import { loadOrdersConfig } from "./config";
import { subscribeOrders } from "./consumers";
import { ordersMigrations } from "./migrations";

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
  await rt.start();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
