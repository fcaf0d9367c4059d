import type { z } from "zod";
import { Headers } from "./topology";

/** A typed event: its type is the routing key, its schema validates the payload. */
export interface EventDefinition<T> {
  readonly type: string;
  readonly schema: z.ZodType<T>;
}

export function defineEvent<T>(type: string, schema: z.ZodType<T>): EventDefinition<T> {
  if (!/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/.test(type)) {
    throw new Error(`Invalid event type "${type}": use dotted lower-case words, e.g. order.placed`);
  }
  return { type, schema };
}

/** What a handler receives. */
export interface EventMessage<T> {
  /** The message id (AMQP message-id); the inbox deduplicates on it. */
  readonly id: string;
  readonly type: string;
  readonly payload: T;
  /** 1 for the first delivery through the kit, incremented on each retry. */
  readonly attempt: number;
  readonly requestId?: string;
  readonly traceparent?: string;
  /**
   * Set when the producer re-drove this event (header `x-causeway-redrive`, the n-th re-drive
   * of the same work, e.g. by the orders reconciler): the consumer should answer again even if
   * it has already done the work, since the first answer may have been lost or parked.
   */
  readonly redrive?: number;
}

/** The AMQP fields the decoder reads (a subset of rabbitmq-client's AsyncMessage). */
export interface RawMessage {
  readonly body: unknown;
  readonly messageId?: string;
  readonly type?: string;
  readonly routingKey?: string;
  readonly headers?: Record<string, unknown>;
}

export type Decoded<T> = { ok: true; event: EventMessage<T> } | { ok: false; reason: string };

/** Turns a delivery into a typed event, or a reason to dead-letter it. Pure; never throws. */
export function decodeMessage<T>(def: EventDefinition<T>, msg: RawMessage): Decoded<T> {
  if (!msg.messageId) return { ok: false, reason: "missing message id" };
  let body = msg.body;
  if (Buffer.isBuffer(body) || typeof body === "string") {
    try {
      body = JSON.parse(body.toString());
    } catch {
      return { ok: false, reason: "body is not valid JSON" };
    }
  }
  const type = msg.type ?? msg.routingKey;
  if (type !== def.type) {
    return { ok: false, reason: `unexpected event type "${String(type)}", want "${def.type}"` };
  }
  const parsed = def.schema.safeParse(body);
  if (!parsed.success) {
    const first = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    return { ok: false, reason: `schema validation failed: ${first.join("; ")}` };
  }
  const headers = msg.headers ?? {};
  const attempt = Number(headers[Headers.attempt] ?? 1);
  const requestId = headers[Headers.requestId];
  const traceparent = headers[Headers.traceparent];
  const redrive = Number(headers[Headers.redrive]);
  return {
    ok: true,
    event: {
      id: msg.messageId,
      type,
      payload: parsed.data,
      attempt: Number.isInteger(attempt) && attempt >= 1 ? attempt : 1,
      ...(typeof requestId === "string" ? { requestId } : {}),
      ...(typeof traceparent === "string" ? { traceparent } : {}),
      ...(Number.isInteger(redrive) && redrive >= 1 ? { redrive } : {}),
    },
  };
}
