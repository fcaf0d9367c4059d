import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
} from "@opentelemetry/api";
import type { Attributes, Span, TextMapGetter } from "@opentelemetry/api";
import type { AsyncMessage } from "rabbitmq-client";
import { Headers } from "./messaging/topology";
import type { PublishMessage } from "./messaging/transport";

/**
 * The kit's spans on top of the OpenTelemetry API only. Without a started SDK (see
 * `tracing-sdk.ts`, loaded by `@causeway/kit/tracing`) every call here is the API's no-op: no
 * span is recorded, no header is written, nothing is exported.
 */

/** Instrumentation scope of the spans the kit makes itself (the broker hops). */
export const TRACER_NAME = "@causeway/kit";

/** What the running SDK exports, for the start-up log; undefined while tracing is off. */
export interface TracingStatus {
  readonly serviceName: string;
  /** The URL the spans are posted to. */
  readonly endpoint: string;
  readonly protocol: "http/json" | "http/protobuf";
  readonly sampler: string;
}

let status: TracingStatus | undefined;
let shutdownHook: (() => Promise<void>) | undefined;
let shuttingDown: Promise<void> | undefined;

/** @internal Called once by the SDK start-up. */
export function registerTracing(s: TracingStatus, shutdown: () => Promise<void>): void {
  status = s;
  shutdownHook = shutdown;
  shuttingDown = undefined;
}

/** The running exporter, or undefined: tracing is off (no OTLP endpoint configured). */
export function tracingStatus(): TracingStatus | undefined {
  return status;
}

/** How long the shutdown waits for the last export: an unreachable collector must not hold it. */
export const TRACING_FLUSH_TIMEOUT_MS = 5_000;

/**
 * Flushes the spans still buffered and stops the exporter (the kit's shutdown sequence calls it
 * after closing connections), waiting at most `timeoutMs`. Idempotent; a no-op while tracing is
 * off. Export errors are not thrown: losing the last spans must not fail a shutdown.
 */
export function shutdownTracing(timeoutMs = TRACING_FLUSH_TIMEOUT_MS): Promise<void> {
  if (!shutdownHook) return Promise.resolve();
  const hook = shutdownHook;
  return (shuttingDown ??= new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    timer.unref();
    hook()
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(timer);
        resolve();
      });
  }));
}

/**
 * The W3C traceparent of the active span (for a message written now and sent later), or
 * undefined when there is none or tracing is off.
 */
export function activeTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/**
 * Names the active HTTP server span `<METHOD> <route>` (e.g. `GET /orders/:id`) and sets
 * `http.route`, so traces group by route and ids in paths stay out of span names.
 */
export function nameServerSpan(method: string, route: string | undefined): void {
  const span = trace.getActiveSpan();
  if (!span || !route) return;
  span.updateName(`${method} ${route}`);
  span.setAttribute("http.route", route);
}

/** Reads trace headers from AMQP headers, whose values need not be strings. */
const amqpHeaders: TextMapGetter<Record<string, unknown>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    return typeof value === "string" ? value : undefined;
  },
};

function endSpan(span: Span, err?: unknown): void {
  if (err !== undefined) {
    span.recordException(err instanceof Error ? err : String(err));
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: err instanceof Error ? err.message : String(err),
    });
  }
  span.end();
}

/**
 * Wraps the outbox relay's publisher: each message gets a PRODUCER span, child of the context
 * its outbox row stored (the request or handler that wrote it, in the `traceparent` header), and
 * is sent with the producer span's own traceparent so the consumer continues from it. Only
 * routing facts become attributes (exchange, routing key, message id), never the payload.
 */
export function tracePublish(exchange: string, publish: PublishMessage): PublishMessage {
  return async (msg) => {
    const headers = msg.headers ?? {};
    const parent = propagation.extract(ROOT_CONTEXT, headers, amqpHeaders);
    const attributes: Attributes = {
      "messaging.system": "rabbitmq",
      "messaging.operation.type": "send",
      "messaging.operation.name": "publish",
      "messaging.destination.name": exchange,
      "messaging.rabbitmq.destination.routing_key": msg.type,
      "messaging.message.id": msg.messageId,
    };
    const span = trace
      .getTracer(TRACER_NAME)
      .startSpan(`publish ${msg.type}`, { kind: SpanKind.PRODUCER, attributes }, parent);
    const outgoing: Record<string, unknown> = { ...headers };
    // No-op while tracing is off: the row's own traceparent is sent unchanged.
    propagation.inject(trace.setSpan(parent, span), outgoing);
    try {
      await publish({ ...msg, headers: outgoing });
      endSpan(span);
    } catch (err) {
      endSpan(span, err);
      throw err;
    }
  };
}

/**
 * Runs the handling of one delivery inside a CONSUMER span whose parent is the producer span
 * named by the message's `traceparent` header; the handler's queries and the events it enqueues
 * are its children. A thrown error (the delivery is requeued) marks the span as failed.
 */
export async function traceConsume<T>(
  msg: AsyncMessage,
  queue: string,
  fn: () => Promise<T>,
): Promise<T> {
  const headers = (msg.headers ?? {}) as Record<string, unknown>;
  const parent = propagation.extract(ROOT_CONTEXT, headers, amqpHeaders);
  const attributes: Attributes = {
    "messaging.system": "rabbitmq",
    "messaging.operation.type": "process",
    "messaging.operation.name": "process",
    "messaging.destination.name": msg.exchange,
    "messaging.destination.subscription.name": queue,
    "messaging.rabbitmq.destination.routing_key": msg.routingKey,
    ...(msg.messageId ? { "messaging.message.id": msg.messageId } : {}),
  };
  const attempt = headers[Headers.attempt];
  if (typeof attempt === "number") attributes["causeway.message.attempt"] = attempt;
  const span = trace
    .getTracer(TRACER_NAME)
    .startSpan(`process ${queue}`, { kind: SpanKind.CONSUMER, attributes }, parent);
  try {
    const result = await context.with(trace.setSpan(parent, span), fn);
    endSpan(span);
    return result;
  } catch (err) {
    endSpan(span, err);
    throw err;
  }
}
