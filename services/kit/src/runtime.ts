import type { FastifyInstance } from "fastify";
import type { Pool } from "pg";
import type { Logger } from "pino";
import type { BaseEnv } from "./config";
import { kitMigrations } from "./db/kit-migrations";
import type { Migration } from "./db/migrate";
import { migrate } from "./db/migrate";
import { createPool } from "./db/pool";
import { buildApp } from "./http/app";
import { Readiness } from "./http/readiness";
import type { RunningService } from "./lifecycle";
import { startService } from "./lifecycle";
import { createLogger } from "./logger";
import { RetentionJob } from "./retention";
import { Broker } from "./messaging/broker";
import { consumerDefaultsFromEnv } from "./messaging/consumer-env";
import type { KitMetrics } from "./metrics";
import { createMetrics } from "./metrics";
import { OutboxRelay } from "./outbox";
import { tracePublish } from "./tracing";

export interface RuntimeOptions {
  /** Validated with `loadConfig(baseEnvSchema or an extension)`. */
  readonly config: BaseEnv;
  /** The service's own migrations, applied after the kit's. */
  readonly migrations?: readonly Migration[];
  /** Start the outbox relay. Default true. */
  readonly outboxRelay?: boolean;
  readonly logger?: Logger;
}

export interface Runtime {
  readonly config: BaseEnv;
  readonly logger: Logger;
  readonly metrics: KitMetrics;
  readonly pool: Pool;
  readonly broker: Broker;
  readonly relay: OutboxRelay | undefined;
  readonly readiness: Readiness;
  /** Register routes, plugins (e.g. idempotencyPlugin) and subscriptions, then `start()`. */
  readonly app: FastifyInstance;
  /** Listens, starts the relay and installs the SIGTERM sequence. */
  start(): Promise<RunningService>;
}

/**
 * Wires the kit for one service from its config: logger, metrics, pg pool (migrations applied
 * under the advisory lock before anything else), broker (its subscriptions retry as the
 * CONSUMER_* variables say, unless they set their own), outbox relay, readiness checks, and
 * the Fastify app. Each piece is also usable on its own.
 */
export async function createRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const { config } = opts;
  const consumerDefaults = consumerDefaultsFromEnv(config);
  const logger =
    opts.logger ?? createLogger({ name: config.SERVICE_NAME, level: config.LOG_LEVEL });
  const metrics = createMetrics();
  // Migrations run on their own short-lived connection, so every connection of the service
  // pool is opened after the schema exists (its search_path names that schema). We saw one
  // unexplained "relation does not exist" in a test that queried unqualified names through
  // connections opened before the schema was created; this ordering rules that case out.
  const migrationPool = createPool({
    url: config.DATABASE_URL,
    schema: config.DB_SCHEMA,
    max: 1,
    applicationName: `${config.SERVICE_NAME}-migrate`,
    logger,
  });
  try {
    const applied = await migrate(migrationPool, {
      schema: config.DB_SCHEMA,
      migrations: [...kitMigrations, ...(opts.migrations ?? [])],
    });
    if (applied.length > 0) logger.info({ applied }, "migrations applied");
  } finally {
    await migrationPool.end();
  }
  const pool = createPool({
    url: config.DATABASE_URL,
    schema: config.DB_SCHEMA,
    max: config.DB_POOL_MAX,
    applicationName: config.SERVICE_NAME,
    logger,
  });

  const broker = new Broker({
    url: config.AMQP_URL,
    exchange: config.EVENTS_EXCHANGE,
    connectionName: config.SERVICE_NAME,
    consumerDefaults,
    logger,
    metrics,
  });
  await broker.connected();
  const relay =
    opts.outboxRelay === false
      ? undefined
      : new OutboxRelay({
          pool,
          schema: config.DB_SCHEMA,
          // A producer span per message, child of the context stored with its outbox row.
          publish: tracePublish(config.EVENTS_EXCHANGE, (msg) => broker.publishMessage(msg)),
          logger,
          metrics,
        });
  const day = 86_400_000;
  const retention = new RetentionJob({
    pool,
    schema: config.DB_SCHEMA,
    inboxRetentionMs: config.INBOX_RETENTION_DAYS * day,
    outboxRetentionMs: config.OUTBOX_RETENTION_DAYS * day,
    intervalMs: config.RETENTION_INTERVAL_MS,
    logger,
  });
  const readiness = new Readiness([
    { name: "broker", check: () => broker.ready },
    {
      name: "database",
      check: async () => (await pool.query("SELECT 1")).rowCount === 1,
    },
  ]);
  const app = buildApp({
    serviceName: config.SERVICE_NAME,
    logger,
    metrics,
    readiness,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
  });

  return {
    config,
    logger,
    metrics,
    pool,
    broker,
    relay,
    readiness,
    app,
    async start() {
      relay?.start();
      retention.start();
      return startService({
        app,
        host: config.HOST,
        port: config.PORT,
        drainDelayMs: config.DRAIN_DELAY_MS,
        shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
        logger,
        stopWork: [() => broker.stopConsuming(), async () => relay?.stop(), () => retention.stop()],
        closeConnections: [() => broker.close(), () => pool.end()],
      });
    },
  };
}
