import { SpanKind, SpanStatusCode, context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import type { AsyncMessage } from "rabbitmq-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OutgoingMessage } from "./messaging/transport";
import {
  activeTraceparent,
  registerTracing,
  shutdownTracing,
  traceConsume,
  tracePublish,
} from "./tracing";

const PARENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_SPAN = "00f067aa0ba902b7";
const ROW_TRACEPARENT = `00-${PARENT_TRACE}-${PARENT_SPAN}-01`;

const message = (headers: Record<string, unknown>): OutgoingMessage => ({
  type: "order.placed",
  messageId: "m-1",
  payload: { orderId: "o-1" },
  headers,
});
const delivery = (headers: Record<string, unknown>) =>
  ({
    exchange: "causeway.events",
    routingKey: "order.placed",
    messageId: "m-1",
    headers,
    body: Buffer.from("{}"),
  }) as unknown as AsyncMessage;

describe("broker hops with tracing off (the API's no-op)", () => {
  it("publishes the row's headers unchanged and runs handlers as they are", async () => {
    const sent: OutgoingMessage[] = [];
    const publish = tracePublish("causeway.events", async (m) => void sent.push(m));
    await publish(message({ traceparent: ROW_TRACEPARENT, "x-request-id": "r-1" }));
    expect(sent[0]!.headers).toEqual({ traceparent: ROW_TRACEPARENT, "x-request-id": "r-1" });
    expect(await traceConsume(delivery({ traceparent: ROW_TRACEPARENT }), "q", async () => 7)).toBe(
      7,
    );
    expect(activeTraceparent()).toBeUndefined();
  });
});

describe("broker hops with an SDK", () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);
  });
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  it("publish: a PRODUCER span, child of the row's context, whose traceparent is sent on", async () => {
    exporter.reset();
    const sent: OutgoingMessage[] = [];
    await tracePublish(
      "causeway.events",
      async (m) => void sent.push(m),
    )(message({ traceparent: ROW_TRACEPARENT, "x-request-id": "r-1" }));
    const [span] = exporter.getFinishedSpans();
    expect(span!.name).toBe("publish order.placed");
    expect(span!.kind).toBe(SpanKind.PRODUCER);
    expect(span!.spanContext().traceId).toBe(PARENT_TRACE);
    expect(span!.parentSpanContext?.spanId).toBe(PARENT_SPAN);
    expect(span!.attributes).toEqual({
      "messaging.system": "rabbitmq",
      "messaging.operation.type": "send",
      "messaging.operation.name": "publish",
      "messaging.destination.name": "causeway.events",
      "messaging.rabbitmq.destination.routing_key": "order.placed",
      "messaging.message.id": "m-1",
    });
    expect(sent[0]!.headers).toEqual({
      traceparent: `00-${PARENT_TRACE}-${span!.spanContext().spanId}-01`,
      "x-request-id": "r-1",
    });
  });

  it("publish: a failed publish is an ERROR span and still throws", async () => {
    exporter.reset();
    const publish = tracePublish("causeway.events", async () => {
      throw new Error("channel closed");
    });
    await expect(publish(message({}))).rejects.toThrow("channel closed");
    const [span] = exporter.getFinishedSpans();
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: "channel closed" });
    // No stored context: a new trace starts at the publish.
    expect(span!.parentSpanContext).toBeUndefined();
  });

  it("consume: a CONSUMER span, child of the producer; what the handler enqueues continues it", async () => {
    exporter.reset();
    let inside: string | undefined;
    await traceConsume(
      delivery({ traceparent: ROW_TRACEPARENT, "x-causeway-attempt": 2 }),
      "payments.order-placed",
      async () => {
        inside = activeTraceparent();
      },
    );
    const [span] = exporter.getFinishedSpans();
    expect(span!.name).toBe("process payments.order-placed");
    expect(span!.kind).toBe(SpanKind.CONSUMER);
    expect(span!.parentSpanContext?.spanId).toBe(PARENT_SPAN);
    expect(span!.attributes["causeway.message.attempt"]).toBe(2);
    expect(span!.attributes["messaging.destination.subscription.name"]).toBe(
      "payments.order-placed",
    );
    expect(inside).toBe(`00-${PARENT_TRACE}-${span!.spanContext().spanId}-01`);
  });

  it("consume: a handler that throws marks the span and rethrows", async () => {
    exporter.reset();
    await expect(
      traceConsume(delivery({}), "q", async () => {
        throw new Error("db down");
      }),
    ).rejects.toThrow("db down");
    expect(exporter.getFinishedSpans()[0]!.status.code).toBe(SpanStatusCode.ERROR);
  });
});

describe("shutdownTracing", () => {
  it("waits for the flush, once, and at most the timeout", async () => {
    let calls = 0;
    registerTracing(
      { serviceName: "s", endpoint: "http://c/v1/traces", protocol: "http/json", sampler: "x" },
      () => {
        calls++;
        return new Promise(() => undefined); // a collector that never answers
      },
    );
    // Without the bound these would never resolve (the test's own timeout would fail it).
    await shutdownTracing(200);
    await shutdownTracing(200);
    expect(calls).toBe(1);
  }, 5_000);
});
