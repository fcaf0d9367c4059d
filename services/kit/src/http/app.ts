import { isUtf8 } from "node:buffer";
import { randomUUID } from "node:crypto";
import Fastify, { LogController } from "fastify";
import type {
  FastifyBaseLogger,
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
} from "fastify";
import type { Logger } from "pino";
import type { ErrorBody } from "../errors";
import { isTransientDbError } from "../db/client";
import { AppError, KitErrors, RETRY_AFTER_SECONDS } from "../errors";
import type { AccessLine } from "../logger";
import { accessLine, createLogger, hashForLog } from "../logger";
import type { KitMetrics } from "../metrics";
import { createMetrics } from "../metrics";
import { nameServerSpan } from "../tracing";
import { Readiness } from "./readiness";

/** The ALB idle timeout we configure (seconds); also the AWS default. */
export const ALB_IDLE_TIMEOUT_SECONDS = 60;
/**
 * Node's keep-alive timeout must exceed the ALB's idle timeout, or Node may close a connection
 * the ALB is about to reuse and the ALB answers 502. 65 s > 60 s.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** Default request body limit: 1 MiB; larger bodies get 413 PAYLOAD_TOO_LARGE. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

const REQUEST_ID = /^[\w.:-]{1,128}$/;
const PROBES = new Set(["/livez", "/readyz", "/metrics"]);

type LogArgs = [obj: unknown, msg?: string, ...args: unknown[]];

/**
 * A request's logger, made on first use: the child of the app's logger with the request's
 * bindings. A request that logs nothing but its access line (written by `accessLine`, with the
 * same fields) never makes it, and so skips serializing and redacting its bindings. Levels are
 * read from the parent while the child does not exist (a child without options has its
 * parent's level).
 */
class RequestLogger {
  private made: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bound: Record<string, unknown>,
  ) {}

  private get log(): Logger {
    return (this.made ??= this.parent.child(this.bound));
  }

  get level(): string {
    return (this.made ?? this.parent).level;
  }

  set level(level: string) {
    this.log.level = level;
  }

  isLevelEnabled(level: string): boolean {
    return (this.made ?? this.parent).isLevelEnabled(level);
  }

  fatal(...args: LogArgs): void {
    if (this.isLevelEnabled("fatal")) this.log.fatal(...(args as [object, string]));
  }
  error(...args: LogArgs): void {
    if (this.isLevelEnabled("error")) this.log.error(...(args as [object, string]));
  }
  warn(...args: LogArgs): void {
    if (this.isLevelEnabled("warn")) this.log.warn(...(args as [object, string]));
  }
  info(...args: LogArgs): void {
    if (this.isLevelEnabled("info")) this.log.info(...(args as [object, string]));
  }
  debug(...args: LogArgs): void {
    if (this.isLevelEnabled("debug")) this.log.debug(...(args as [object, string]));
  }
  trace(...args: LogArgs): void {
    if (this.isLevelEnabled("trace")) this.log.trace(...(args as [object, string]));
  }
  silent(): void {}

  child(bindings: Record<string, unknown>, options?: Record<string, unknown>): Logger {
    return this.log.child(bindings, options);
  }

  bindings(): Record<string, unknown> {
    return this.log.bindings();
  }

  flush(cb?: (err?: Error) => void): void {
    this.log.flush(cb);
  }
}

/** The hash of a request's Idempotency-Key, kept on the raw request by the child logger factory. */
const KEY_HASH = Symbol("causeway.idempotencyKeyHash");
type RawWithKeyHash = { [KEY_HASH]?: string };

/**
 * Fastify's request log lines, one per request: nothing when it arrives, and on completion the
 * request, the status and the time together (Fastify writes two lines, the first without the
 * status): half the log volume on the hot path. Probes come every few seconds from the kubelet
 * and the load balancer: their lines are debug, not info. A completed request's line is written
 * by the logger's access-line writer when it has one (`accessLine`: the same line, without
 * running the redaction on fields that cannot carry a secret); errors go through the request's
 * logger and its redaction.
 */
class AccessLog extends LogController {
  constructor(private readonly write: ((line: AccessLine, msg: string) => void) | undefined) {
    super();
  }

  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (error) {
      reply.log.error(
        { req: request, res: reply, responseTime: reply.elapsedTime, err: error },
        "request errored",
      );
    } else if (PROBES.has(request.routeOptions.url ?? "")) {
      reply.log.debug(
        { req: request, res: reply, responseTime: reply.elapsedTime },
        "request completed",
      );
    } else if (this.write === undefined) {
      reply.log.info(
        { req: request, res: reply, responseTime: reply.elapsedTime },
        "request completed",
      );
    } else if ((reply.log as unknown as RequestLogger).isLevelEnabled("info")) {
      const keyHash = (request.raw as RawWithKeyHash)[KEY_HASH];
      this.write(
        {
          reqId: request.id,
          ...(keyHash === undefined ? {} : { idempotencyKeyHash: keyHash }),
          req: request,
          res: { statusCode: reply.statusCode },
          responseTime: reply.elapsedTime,
        },
        "request completed",
      );
    }
  }
}

export interface AppOptions {
  readonly serviceName: string;
  /** Default: `createLogger({ name: serviceName })`. */
  readonly logger?: Logger;
  readonly bodyLimitBytes?: number;
  /** Default: `createMetrics()` (own registry). */
  readonly metrics?: KitMetrics;
  /** Default: `new Readiness()` with no checks. Pass checks for the broker and database. */
  readonly readiness?: Readiness;
  /**
   * Proxies in front of the app whose X-Forwarded-For entry is trusted for `req.ip` (1 behind
   * the ALB). Default 0: the peer address is the client, no header is believed.
   */
  readonly trustProxyHops?: number;
}

declare module "fastify" {
  interface FastifyInstance {
    readonly kit: { readonly metrics: KitMetrics; readonly readiness: Readiness };
  }
  interface FastifyRequest {
    /**
     * A JSON body as received (checked to be UTF-8), before parsing: what a proxy forwards once
     * the parsed body passed validation, instead of serializing it again.
     */
    jsonText?: string;
  }
}

/**
 * The Fastify factory every service uses; it does not listen (see `startService`). It gives
 * request ids (x-request-id in and out), JSON logs, the coded error handler, /livez, /readyz,
 * /metrics and the request-duration histogram.
 */
export function buildApp(opts: AppOptions): FastifyInstance {
  const metrics = opts.metrics ?? createMetrics();
  const readiness = opts.readiness ?? new Readiness();
  const logger = opts.logger ?? createLogger({ name: opts.serviceName });
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: opts.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    // Requests that arrive on kept-alive connections while closing are still served: during
    // shutdown the load balancer has already stopped routing new work to us (drain delay).
    return503OnClosing: false,
    requestIdHeader: false,
    // One access-log line per request instead of Fastify's two (see AccessLog).
    logController: new AccessLog(accessLine(logger)),
    // proxy-addr's hop rule: trust the `hops` nearest proxies, then the next address is the client.
    ...(opts.trustProxyHops
      ? { trustProxy: (_addr: string, hop: number) => hop < opts.trustProxyHops! }
      : {}),
    genReqId: (req) => {
      const incoming = req.headers["x-request-id"];
      return typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    // The request's logger, made once and only if used (see RequestLogger): the request id and,
    // when the request carries an Idempotency-Key, its hash (enough to correlate lines, never
    // the value), kept for the access line too. Fastify passes `{}` when a route sets no logger
    // options; with options (a route's log level) the child is made at once.
    childLoggerFactory: (logger, bindings, options, raw) => {
      const key = raw.headers["idempotency-key"];
      let all = bindings;
      if (typeof key === "string" && key !== "") {
        const keyHash = hashForLog(key);
        (raw as RawWithKeyHash)[KEY_HASH] = keyHash;
        all = { ...bindings, idempotencyKeyHash: keyHash };
      }
      return Object.keys(options).length === 0
        ? (new RequestLogger(logger as Logger, all) as unknown as FastifyBaseLogger)
        : logger.child(all, options);
    },
    ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: false } },
  });
  app.decorate("kit", { metrics, readiness });
  app.decorateRequest("jsonText", undefined);

  // JSON bodies must be valid UTF-8: the default parser decodes with replacement, so an invalid
  // byte sequence would silently become U+FFFD. Refused instead (RFC 8259 section 8.1: JSON
  // exchanged between systems MUST be UTF-8). Fastify's own JSON parser (prototype-poisoning
  // protection included) then parses the checked text.
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (req, body: Buffer, done) => {
    if (!isUtf8(body)) {
      done(
        new AppError(
          "VALIDATION_FAILED",
          KitErrors.VALIDATION_FAILED,
          "The body is not valid UTF-8; send JSON encoded as UTF-8.",
        ),
        undefined,
      );
      return;
    }
    const text = body.toString("utf8");
    req.jsonText = text;
    void parseJson(req, text, done);
  });

  // The hooks below are synchronous (callback style): an async hook costs a promise per request.
  // The HTTP server span (when tracing is on) is named by the route, not the raw path.
  app.addHook("onRequest", (req, _reply, done) => {
    nameServerSpan(req.method, req.routeOptions.url);
    done();
  });

  app.addHook("onSend", (req, reply, payload, done) => {
    reply.header("x-request-id", req.id);
    // While draining, every response ends its keep-alive connection, so clients reconnect
    // (through the load balancer, to another replica) instead of reusing a closing socket.
    if (readiness.isDraining) reply.header("connection", "close");
    done(null, payload);
  });
  app.addHook("onResponse", (req, reply, done) => {
    const route = req.routeOptions.url ?? "unmatched";
    if (!PROBES.has(route)) {
      metrics.httpRequestDuration.observe(
        { method: req.method, route, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    }
    done();
  });

  app.setErrorHandler((err: FastifyError, req, reply) => sendError(err, req, reply));
  app.setNotFoundHandler((req, reply) =>
    sendError(new AppError("NOT_FOUND", KitErrors.NOT_FOUND), req, reply),
  );

  app.get("/livez", async () => ({ status: "alive" }));
  app.get("/readyz", async (_req, reply) => {
    const failing = await readiness.failing();
    if (failing.length > 0) return reply.code(503).send({ status: "not-ready", failing });
    return { status: "ready" };
  });
  app.get("/metrics", async (_req, reply) => {
    reply.header("content-type", metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  return app;
}

/** Renders any error as `ErrorBody` with a catalogue code. */
function sendError(err: FastifyError | AppError, req: FastifyRequest, reply: FastifyReply) {
  const known = toAppError(err);
  if (known.statusCode >= 500) req.log.error({ err }, "request failed");
  else req.log.info({ code: known.code, msg: known.message }, "request rejected");
  // A 503 is a "come back later": say when (RFC 9110 section 10.2.3).
  if (known.statusCode === 503 && !reply.hasHeader("retry-after")) {
    reply.header("retry-after", String(RETRY_AFTER_SECONDS));
  }
  const body: ErrorBody = {
    error: {
      code: known.code,
      message: known.message,
      requestId: req.id,
      ...(known.details === undefined ? {} : { details: known.details }),
    },
  };
  return reply.code(known.statusCode).send(body);
}

function toAppError(err: FastifyError | AppError): AppError {
  if (err instanceof AppError) return err;
  // A lost connection, a restarting or overloaded server, a serialization race: nothing about
  // the request is wrong. 503 + Retry-After, so a keyed request is retried as it is.
  if (isTransientDbError(err)) {
    return new AppError("DATABASE_UNAVAILABLE", KitErrors.DATABASE_UNAVAILABLE);
  }
  if ("validation" in err && err.validation) {
    return new AppError(
      "VALIDATION_FAILED",
      KitErrors.VALIDATION_FAILED,
      err.message,
      err.validation,
    );
  }
  switch (err.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new AppError("PAYLOAD_TOO_LARGE", KitErrors.PAYLOAD_TOO_LARGE);
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new AppError("UNSUPPORTED_MEDIA_TYPE", KitErrors.UNSUPPORTED_MEDIA_TYPE);
  }
  if (err.statusCode === 400) {
    return new AppError("VALIDATION_FAILED", KitErrors.VALIDATION_FAILED, err.message);
  }
  return new AppError("INTERNAL", KitErrors.INTERNAL);
}
