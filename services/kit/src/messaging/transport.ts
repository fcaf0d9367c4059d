import type { Connection, Envelope } from "rabbitmq-client";

/** A message exactly as it goes on the wire; the outbox relay hands these to the publisher. */
export interface OutgoingMessage {
  readonly type: string;
  readonly messageId: string;
  readonly payload: unknown;
  readonly headers?: Record<string, unknown>;
}

/** Publishes one message to the events exchange and resolves when the broker confirms it. */
export type PublishMessage = (msg: OutgoingMessage) => Promise<void>;

/** Envelope of a message sent straight to a queue (the routing key is the queue name). */
export type QueueEnvelope = Omit<Envelope, "routingKey">;

/**
 * What a subscription needs from the broker: the connection that declares its queues and runs
 * its consumer, the events exchange it binds to, and a confirmed send to a queue by name (for
 * retries and parking). `Broker` provides it.
 */
export interface ConsumerTransport {
  readonly connection: Connection;
  readonly exchange: string;
  sendToQueue(queue: string, body: Buffer, envelope: QueueEnvelope): Promise<void>;
}
