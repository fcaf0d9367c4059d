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

/** The request serializer: the path without its query string (which may carry anything). */
export function serializeRequest(req: RequestLike): Record<string, unknown> {
  const url = typeof req.url === "string" ? req.url.split("?")[0] : undefined;
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
  const options: LoggerOptions = {
    name: opts.name,
    level: opts.level ?? "info",
    redact: { paths: [...REDACT_PATHS], censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: {
      err: serializeError,
      error: serializeError,
      req: serializeRequest as (req: unknown) => unknown,
    },
  };
  return pino(options, opts.destination ?? stdoutOncePerTurn());
}

/**
 * stdout for every logger of the process: lines are collected during an event-loop turn and
 * written with one synchronous write at its end (setImmediate), instead of one write system
 * call per line, the costliest step of a request's access log. Every write is synchronous and
 * goes through this one buffer, so lines always come out in the order they were logged (an
 * asynchronous stream could flush its buffer on exit while an earlier write was still in flight
 * and reorder the last lines of a shutdown: seen as steps 1, 2, 4, 5, 3 with pino's async
 * stream and 1, 2, 3, 5, 4 with sonic-boom's async mode). On exit, process.exit() included, the
 * buffer is written synchronously before the process ends; a SIGKILL loses at most the lines
 * of the turn it interrupts.
 */
function stdoutOncePerTurn(): pino.DestinationStream {
  stdoutBuffer ??= new TurnBuffer(pino.destination({ dest: 1, sync: true }));
  return stdoutBuffer;
}
let stdoutBuffer: TurnBuffer | undefined;

class TurnBuffer implements pino.DestinationStream {
  private pending = "";
  private scheduled = false;
  private readonly flushNow = () => this.flushSync();

  constructor(private readonly out: { write(chunk: string): unknown }) {
    process.once("exit", this.flushNow);
  }

  write(line: string): void {
    this.pending += line;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushNow);
    }
  }

  /** Writes what is buffered, synchronously. */
  flushSync(): void {
    this.scheduled = false;
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
