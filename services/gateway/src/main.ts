import { createLogger, startService } from "@causeway/kit";
import { buildGatewayApp } from "./app";
import { loadGatewayConfig } from "./config";

async function main(): Promise<void> {
  const config = loadGatewayConfig();
  const logger = createLogger({ name: config.SERVICE_NAME, level: config.LOG_LEVEL });
  // No database or broker: /readyz depends on nothing but the process (an orders outage must
  // not take every gateway replica out of the load balancer; it answers 503 per request).
  const app = buildGatewayApp({
    ordersUrl: config.ORDERS_URL,
    upstreamTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
    app: { serviceName: config.SERVICE_NAME, logger, bodyLimitBytes: config.BODY_LIMIT_BYTES },
  });
  await startService({
    app,
    host: config.HOST,
    port: config.PORT,
    drainDelayMs: config.DRAIN_DELAY_MS,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    logger,
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
