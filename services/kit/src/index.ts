// Public API of @causeway/kit. See ../README.md.
export { AppError, KitErrors, RETRY_AFTER_SECONDS, defineErrors, kitError } from "./errors";
export type { ErrorBody, ErrorCatalogue, ErrorSpec, KitErrorCode } from "./errors";
export { ConfigError, LogLevels, baseEnvSchema, loadConfig } from "./config";
export type { BaseEnv } from "./config";
export { REDACT_PATHS, createLogger, hashForLog, serializeError, serializeRequest } from "./logger";
export type { CreateLoggerOptions } from "./logger";
export { ConsumeOutcomes, createMetrics } from "./metrics";
export type { ConsumeOutcome, KitMetrics, MetricsOptions } from "./metrics";

export {
  ALB_IDLE_TIMEOUT_SECONDS,
  DEFAULT_BODY_LIMIT_BYTES,
  KEEP_ALIVE_TIMEOUT_MS,
  buildApp,
} from "./http/app";
export type { AppOptions } from "./http/app";
export { Readiness } from "./http/readiness";
export type { ReadinessCheck } from "./http/readiness";
export { startService } from "./lifecycle";
export type { RunningService, StartServiceOptions } from "./lifecycle";
export { createRuntime } from "./runtime";
export type { Runtime, RuntimeOptions } from "./runtime";

export { SCHEMA_NAME_PATTERN, quoteSchema } from "./db/identifiers";
export { createPool } from "./db/pool";
export type { PoolOptions } from "./db/pool";
export { TRANSIENT_SQLSTATES, isTransientDbError, withClient, withTransaction } from "./db/client";
export { loadSqlMigrations, migrate } from "./db/migrate";
export type { MigrateOptions, Migration } from "./db/migrate";
export { kitMigrations } from "./db/kit-migrations";

export { Broker, PublishTimeoutError } from "./messaging/broker";
export type { BrokerOptions, PublishOptions } from "./messaging/broker";
export type {
  ConsumerTransport,
  OutgoingMessage,
  PublishMessage,
  QueueEnvelope,
} from "./messaging/transport";
export { decodeMessage, defineEvent } from "./messaging/events";
export { DlqTool, workQueueOf } from "./messaging/dlq";
export type { ParkedMessage, QueueDepth } from "./messaging/dlq";
export type { EventDefinition, EventMessage } from "./messaging/events";
export type {
  Handler,
  HandlerContext,
  SubscribeOptions,
  Subscription,
} from "./messaging/subscribe";
export {
  DEFAULT_BATCH_SIZE,
  DEFAULT_BATCH_WAIT_MS,
  DEFAULT_CONSUMER_RETRY,
  DEFAULT_DELIVERY_LIMIT,
  DEFAULT_PREFETCH_PER_MESSAGE,
} from "./messaging/consumer-defaults";
export type { ConsumerDefaults } from "./messaging/consumer-defaults";
export { consumerDefaultsFromEnv } from "./messaging/consumer-env";
export type { ConsumerEnv } from "./messaging/consumer-env";
export {
  JITTERS,
  Jitter,
  checkRetryPolicy,
  formatHorizon,
  retryDelayMs,
  retryHorizonMs,
  retryPolicyProblems,
} from "./retry/policy";
export type { RetryPolicy } from "./retry/policy";
export { cockatielBackoff, cockatielRetry } from "./retry/cockatiel";
export {
  Headers as MessageHeaders,
  retryQueueName,
  subscriptionTopology,
} from "./messaging/topology";
export type { SubscriptionTopology } from "./messaging/topology";
export { InboxBatchAborted, withInbox, withInboxBatch } from "./inbox";
export type { InboxBatchItem, InboxBatchOutcome, InboxResult } from "./inbox";
export { OutboxRelay, enqueueEvent } from "./outbox";
export type { EnqueueOptions, RelayOptions } from "./outbox";

export {
  IDEMPOTENCY_KEY_TTL_MS,
  IDEMPOTENCY_LEASE_MS,
  idempotencyPlugin,
} from "./idempotency/plugin";
export type { IdempotencyOptions } from "./idempotency/plugin";
export { canonicalJson, parseIdempotencyKey, requestFingerprint } from "./idempotency/fingerprint";
export {
  BREAKER_STATUSES,
  DEFAULT_HTTP_RETRY,
  HttpClient,
  IDEMPOTENT_METHODS,
  RETRYABLE_STATUSES,
  propagationFrom,
} from "./http-client/client";
export type {
  CallContext,
  CallOptions,
  HttpClientOptions,
  HttpResponse,
} from "./http-client/client";
export { childTraceparent } from "./http-client/traceparent";
export {
  purgeExpired,
  RetentionJob,
  type PurgeCounts,
  type RetentionJobOptions,
  type RetentionPolicy,
} from "./retention";
export {
  TRACER_NAME,
  TRACING_FLUSH_TIMEOUT_MS,
  activeTraceparent,
  shutdownTracing,
  traceConsume,
  tracePublish,
  tracingStatus,
} from "./tracing";
export type { TracingStatus } from "./tracing";
export {
  OTLP_PROTOCOLS,
  SAMPLERS,
  TracingConfigError,
  batchSettings,
  samplerSettings,
  tracingSettings,
} from "./tracing-env";
export type {
  BatchSettings,
  OtlpProtocol,
  SamplerName,
  SamplerSettings,
  TracingEnv,
  TracingSettings,
} from "./tracing-env";
