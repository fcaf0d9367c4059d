import pino from "pino";
import type { Logger, LoggerOptions } from "pino";

/** Paths pino replaces with "[redacted]" in every log line. */
export const REDACT_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  "*.password",
  "*.secret",
  "*.token",
  "*.apiKey",
  "*.DATABASE_URL",
  "*.AMQP_URL",
  "DATABASE_URL",
  "AMQP_URL",
  "password",
  "secret",
  "token",
] as const;

export interface CreateLoggerOptions {
  readonly name: string;
  readonly level?: string;
  /** Default stdout. Tests pass a stream to read the lines. */
  readonly destination?: pino.DestinationStream;
}

/** JSON logs on stdout with secrets redacted, ISO timestamps and the service name. */
export function createLogger(opts: CreateLoggerOptions): Logger {
  const options: LoggerOptions = {
    name: opts.name,
    level: opts.level ?? "info",
    redact: { paths: [...REDACT_PATHS], censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  // Synchronous stdout: pino's default async stream flushes its buffer synchronously on
  // process.exit while an earlier async write may still be in flight, so the last lines of a
  // shutdown could land out of order (seen: steps 1, 2, 4, 5, 3). Writing a line to a pipe is a
  // few microseconds; ordered, complete shutdown logs are worth it.
  return pino(options, opts.destination ?? pino.destination({ dest: 1, sync: true }));
}
