import { hash } from "node:crypto";
import pino from "pino";
import type { Logger, LoggerOptions } from "pino";

/**
 * Paths pino replaces with "[redacted]" in every log line: credentials, and the customer fields
 * of an order wherever a log call might carry them (a body, an event payload, an order).
 */
export const REDACT_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-api-key"]',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  "*.password",
  "*.secret",
  "*.token",
  "*.apiKey",
  "*.DATABASE_URL",
  "*.AMQP_URL",
  "*.REDIS_URL",
  "DATABASE_URL",
  "AMQP_URL",
  "REDIS_URL",
  "password",
  "secret",
  "token",
  // Customer fields (orders and order.placed): never in logs, at any of the usual depths.
  "customerId",
  "items",
  "body",
  "payload",
  "*.customerId",
  "*.items",
  "*.body",
  "*.payload",
  "*.*.customerId",
  "*.*.items",
] as const;

/** Fields of an error kept in logs. Everything else (pg's `detail`, `where`, ...) is dropped. */
const ERROR_FIELDS = [
  "code",
  "severity",
  "routine",
  "constraint",
  "table",
  "column",
  "schema",
  "statusCode",
] as const;

/**
 * The error serializer: type, message, stack, the fields above and the cause, recursively. A
 * PostgreSQL error's `detail` is the failing row and its `where`/`internalQuery`/`hint` may quote
 * values; `parameters` (some drivers) are the bound values: none of them is logged.
 */
export function serializeError(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error)) return err;
  const out: Record<string, unknown> = {
    type: err.constructor?.name ?? err.name,
    message: err.message,
    stack: err.stack,
  };
  const fields = err as unknown as Record<string, unknown>;
  for (const f of ERROR_FIELDS) {
    const v = fields[f];
    if (typeof v === "string" || typeof v === "number") out[f] = v;
  }
  if (err.cause !== undefined && depth < 5) out.cause = serializeError(err.cause, depth + 1);
  return out;
}

interface RequestLike {
  method?: string;
  url?: string;
  host?: string;
  hostname?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

function withoutQuery(url: string): string {
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

/** The request serializer: the path without its query string (which may carry anything). */
export function serializeRequest(req: RequestLike): Record<string, unknown> {
  const url = typeof req.url === "string" ? withoutQuery(req.url) : undefined;
  return {
    method: req.method,
    url,
    host: req.host ?? req.hostname,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/** A short, stable, one-way tag of an Idempotency-Key, to correlate log lines without it. */
export function hashForLog(value: string): string {
  // crypto.hash: the one-shot digest, without a Hash object per call.
  return hash("sha256", value, "hex").slice(0, 16);
}

/**
 * pino's `stdTimeFunctions.isoTime` (`,"time":"<ISO 8601>"`), the same text to the character,
 * with the Date formatted once per second: within it only the milliseconds change.
 */
export function isoTimeCached(now: number = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    // "2026-12-03T12:13:05." of "2026-12-03T12:13:05.123Z"
    lastPrefix = `,"time":"${new Date(second * 1000).toISOString().slice(0, 20)}`;
  }
  const ms = now - second * 1000;
  return `${lastPrefix}${ms < 10 ? "00" : ms < 100 ? "0" : ""}${ms}Z"`;
}
let lastSecond = Number.NaN;
let lastPrefix = "";

export interface CreateLoggerOptions {
  readonly name: string;
  readonly level?: string;
  /** Default stdout. Tests pass a stream to read the lines. */
  readonly destination?: pino.DestinationStream;
}

/**
 * JSON logs on stdout with ISO timestamps and the service name; secrets and customer fields
 * redacted, errors without row data, request paths without query strings.
 */
export function createLogger(opts: CreateLoggerOptions): Logger {
  const destination = opts.destination ?? stdoutBuffered();
  const options: LoggerOptions = {
    name: opts.name,
    level: opts.level ?? "info",
    redact: { paths: [...REDACT_PATHS], censor: "[redacted]" },
    timestamp: isoTimeCached,
    serializers: {
      err: serializeError,
      error: serializeError,
      req: serializeRequest as (req: unknown) => unknown,
    },
  };
  const logger = pino(options, destination);
  // The access-log line (see `AccessLine`): the same name, base fields, time and destination,
  // so its lines are the ones `logger` would write, in order with them.
  accessLoggers.set(
    logger,
    pino(
      {
        name: opts.name,
        // Gated by the request's logger level before it is called (see `accessLine`).
        level: "trace",
        timestamp: isoTimeCached,
        serializers: { req: serializeRequest as (req: unknown) => unknown },
      },
      destination,
    ),
  );
  return logger;
}

/**
 * The fields of an access-log line, all chosen by the kit: the request id, the hash of the
 * Idempotency-Key (never the key), the method, path without its query, host and peer of the
 * request, the status and the time taken. No header, body or query string is among them.
 */
export interface AccessLine {
  readonly reqId: string;
  readonly idempotencyKeyHash?: string;
  readonly req: RequestLike;
  readonly res: { readonly statusCode: number };
  readonly responseTime: number;
}

const accessLoggers = new WeakMap<Logger, Logger>();

/**
 * The writer of `logger`'s access-log lines (`msg` at info), when `logger` was made by
 * `createLogger`; undefined for any other logger (the caller then logs through it).
 *
 * Why a second pino instance: `AccessLine` is an allow-list, so none of `REDACT_PATHS` can match
 * it (logger.test.ts checks the two write the same line), but pino's redaction (pino 10,
 * @pinojs/redact 0.4) still runs once per top-level value of every line (the request id, the
 * time taken and the message included) and parses each of its paths again on every run: about
 * 20 µs a request, the largest single cost of the gateway's path. Every other line (handler
 * logs, errors, the request-errored line) keeps going through `logger` and its redaction.
 */
export function accessLine(logger: Logger): ((line: AccessLine, msg: string) => void) | undefined {
  const access = accessLoggers.get(logger);
  return access && ((line, msg) => access.info(line, msg));
}

/**
 * stdout for every logger of the process: lines are collected for up to `LOG_FLUSH_MS` (or until
 * `LOG_FLUSH_BYTES` are pending) and written with one synchronous write, instead of one write
 * system call per line (and, under load, per event-loop turn: a turn often holds a single
 * request), the costliest step of a request's access log. Every write is synchronous and goes
 * through this one buffer, so lines always come out in the order they were logged (an
 * asynchronous stream could flush its buffer on exit while an earlier write was still in flight
 * and reorder the last lines of a shutdown: seen as steps 1, 2, 4, 5, 3 with pino's async
 * stream and 1, 2, 3, 5, 4 with sonic-boom's async mode). On exit, process.exit() included, the
 * buffer is written synchronously before the process ends; a SIGKILL loses at most the lines of
 * the last `LOG_FLUSH_MS`.
 */
function stdoutBuffered(): pino.DestinationStream {
  stdoutBuffer ??= new LineBuffer(pino.destination({ dest: 1, sync: true }));
  return stdoutBuffer;
}
let stdoutBuffer: LineBuffer | undefined;

/** The longest a log line waits in the buffer before it is written to stdout. */
export const LOG_FLUSH_MS = 10;
/** Pending bytes (UTF-16 code units) that are written at once, without waiting. */
export const LOG_FLUSH_BYTES = 64 * 1024;

/** @internal Exported for its test. */
export class LineBuffer implements pino.DestinationStream {
  private pending = "";
  private timer: NodeJS.Timeout | undefined;
  private readonly flushNow = () => this.flushSync();

  constructor(private readonly out: { write(chunk: string): unknown }) {
    process.once("exit", this.flushNow);
  }

  write(line: string): void {
    this.pending += line;
    if (this.pending.length >= LOG_FLUSH_BYTES) this.flushSync();
    else if (this.timer === undefined) {
      // Unref'd: a pending write never keeps the process alive; the exit hook writes it.
      this.timer = setTimeout(this.flushNow, LOG_FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Writes what is buffered, synchronously. */
  flushSync(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending === "") return;
    const chunk = this.pending;
    this.pending = "";
    this.out.write(chunk);
  }

  /** pino's `logger.flush(cb)`: everything logged so far is written when `cb` runs. */
  flush(cb?: (err?: Error) => void): void {
    this.flushSync();
    cb?.();
  }
}
