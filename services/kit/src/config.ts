import { z } from "zod";
import { SCHEMA_NAME_PATTERN } from "./db/identifiers";
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_BATCH_WAIT_MS,
  DEFAULT_CONSUMER_RETRY,
  DEFAULT_DELIVERY_LIMIT,
} from "./messaging/consumer-defaults";
import { JITTERS, Jitter } from "./retry/policy";

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** An integer in [min, max]; any other value gets one message that states the range. */
const intFromTo = (min: number, max: number) => {
  const error = `must be an integer from ${min} to ${max}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};
const urlWithScheme = (schemes: readonly string[]) =>
  z.string().refine((v) => URL.canParse(v) && schemes.includes(new URL(v).protocol.slice(0, -1)), {
    message: `must be a URL with scheme ${schemes.join(" or ")}`,
  });

/** Log levels pino accepts. */
export const LogLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/**
 * The environment every service reads. Services extend it: `baseEnvSchema.extend({...})`.
 * Defaults are listed in the kit README.
 */
export const baseEnvSchema = z.object({
  SERVICE_NAME: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, "must be lower-case kebab-case"),
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: int(0, 65535).default(8080),
  LOG_LEVEL: z.enum(LogLevels).default("info"),
  DATABASE_URL: urlWithScheme(["postgres", "postgresql"]),
  DB_SCHEMA: z.string().regex(SCHEMA_NAME_PATTERN, "must match " + String(SCHEMA_NAME_PATTERN)),
  DB_POOL_MAX: int(1, 200).default(10),
  AMQP_URL: urlWithScheme(["amqp", "amqps"]),
  EVENTS_EXCHANGE: z.string().min(1).default("causeway.events"),
  DRAIN_DELAY_MS: int(0, 120_000).default(5_000),
  SHUTDOWN_TIMEOUT_MS: int(1_000, 600_000).default(25_000),
  BODY_LIMIT_BYTES: int(1, 100 * 1024 * 1024).default(1024 * 1024),
  /** Processed message ids are kept this long: longer than any redelivery or DLQ replay. */
  INBOX_RETENTION_DAYS: int(1, 3650).default(14),
  /** Published outbox rows are kept this long (for audits and republishing by hand). */
  OUTBOX_RETENTION_DAYS: int(1, 3650).default(7),
  /** How often the retention purge runs. */
  RETENTION_INTERVAL_MS: int(60_000, 86_400_000).default(3_600_000),
  /** Handler attempts of a message (the first included) before it is parked in the DLQ. */
  CONSUMER_RETRY_MAX_ATTEMPTS: intFromTo(1, 20).default(DEFAULT_CONSUMER_RETRY.maxAttempts),
  /** Ceiling of the wait after a message's first failed attempt; doubles after each one. */
  CONSUMER_RETRY_BASE_DELAY_MS: intFromTo(1, 3_600_000).default(DEFAULT_CONSUMER_RETRY.baseDelayMs),
  /** Cap on the ceiling of any wait; at least CONSUMER_RETRY_BASE_DELAY_MS. */
  CONSUMER_RETRY_MAX_DELAY_MS: intFromTo(1, 86_400_000).default(DEFAULT_CONSUMER_RETRY.maxDelayMs),
  CONSUMER_RETRY_JITTER: z
    .enum(Jitter, { error: `must be one of ${JITTERS.join(", ")}` })
    .default(DEFAULT_CONSUMER_RETRY.jitter),
  /** Broker-side redelivery cap of each subscription queue (quorum x-delivery-limit). */
  CONSUMER_DELIVERY_LIMIT: intFromTo(1, 1_000).default(DEFAULT_DELIVERY_LIMIT),
  /** Messages per inbox transaction of each subscription; 1 = one transaction per message. */
  CONSUMER_BATCH_SIZE: intFromTo(1, 1_000).default(DEFAULT_BATCH_SIZE),
  /** How long a batch's first message waits for more, ms. */
  CONSUMER_BATCH_WAIT_MS: intFromTo(0, 10_000).default(DEFAULT_BATCH_WAIT_MS),
  /** Prefetch of each subscription; unset: twice the batch size (10 when the size is 1). */
  CONSUMER_PREFETCH: intFromTo(1, 10_000).optional(),
});
export type BaseEnv = z.infer<typeof baseEnvSchema>;

/** Thrown by `loadConfig`; `problems` lists every missing or invalid variable. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(
      `Invalid configuration (${problems.length}):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/**
 * Validates the environment against `schema` and returns the typed config. Every problem is
 * reported at once, sorted by variable name, in one `ConfigError`.
 */
export function loadConfig<S extends z.ZodType<object>>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.join(".");
    const missing = issue.path.length === 1 && env[String(issue.path[0])] === undefined;
    return `${key}: ${missing ? "is required" : issue.message}`;
  });
  throw new ConfigError([...new Set(problems)].sort());
}
