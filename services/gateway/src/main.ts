// First: starts OpenTelemetry (when OTEL_EXPORTER_OTLP_ENDPOINT is set) before http and pg load.
import "@causeway/kit/tracing";
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
    breaker: {
      threshold: config.BREAKER_THRESHOLD,
      halfOpenAfterMs: config.BREAKER_HALF_OPEN_AFTER_MS,
      halfOpenMaxMs: config.BREAKER_HALF_OPEN_MAX_MS,
    },
    rateLimit: {
      max: config.RATE_LIMIT_MAX,
      windowMs: config.RATE_LIMIT_WINDOW_MS,
      prefix: config.RATE_LIMIT_REDIS_PREFIX,
      ...(config.RATE_LIMIT_REDIS_URL ? { redisUrl: config.RATE_LIMIT_REDIS_URL } : {}),
    },
    app: {
      serviceName: config.SERVICE_NAME,
      logger,
      bodyLimitBytes: config.BODY_LIMIT_BYTES,
      trustProxyHops: config.TRUST_PROXY_HOPS,
    },
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
