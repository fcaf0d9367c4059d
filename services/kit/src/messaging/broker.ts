import { randomUUID } from "node:crypto";
import type { Envelope } from "rabbitmq-client";
import { Connection } from "rabbitmq-client";
import type { Logger } from "pino";
import { Gauge } from "prom-client";
import type { KitMetrics } from "../metrics";
import type { ConsumerDefaults } from "./consumer-defaults";
import type { EventDefinition } from "./events";
import type { SubscribeOptions, Subscription } from "./subscribe";
import { createSubscription } from "./subscribe";
import type { ConsumerTransport, OutgoingMessage, QueueEnvelope } from "./transport";

export interface BrokerOptions {
  /** amqp:// or amqps:// (TLS). Injectable so fault tests can route through a proxy. */
  readonly url: string;
  /** Topic exchange for events. Default "causeway.events". */
  readonly exchange?: string;
  /** Shown in the RabbitMQ management UI. */
  readonly connectionName?: string;
  /** A publish resolves when confirmed or rejects after this many ms. Default 5000. */
  readonly publishTimeoutMs?: number;
  /** Reconnect backoff step and cap, ms. Defaults 500 and 10000. */
  readonly reconnectLowMs?: number;
  readonly reconnectHighMs?: number;
  /** Heartbeat seconds. Default 15 (dead TCP peers are noticed within ~30 s). */
  readonly heartbeatSeconds?: number;
  /**
   * Retry policy and delivery limit of every subscription that does not set its own;
   * `createRuntime` fills them from the CONSUMER_* variables. Default: `DEFAULT_CONSUMER_RETRY`
   * and a delivery limit of 10.
   */
  readonly consumerDefaults?: ConsumerDefaults;
  readonly logger?: Logger;
  readonly metrics?: KitMetrics;
}

export interface PublishOptions {
  /** Default: a new UUID. Set it when the same logical event may be published again. */
  readonly messageId?: string;
  readonly requestId?: string;
  readonly traceparent?: string;
  readonly headers?: Record<string, string | number>;
}

export class PublishTimeoutError extends Error {
  constructor(ms: number) {
    super(`Publish not confirmed within ${ms} ms`);
    this.name = "PublishTimeoutError";
  }
}

/**
 * One AMQP connection (rabbitmq-client: reconnects with backoff and re-runs every publisher's
 * and consumer's declarations on each new connection), one confirming publisher, and the
 * subscriptions created from it.
 */
export class Broker implements ConsumerTransport {
  readonly connection: Connection;
  readonly exchange: string;
  private readonly publisher;
  private readonly publishTimeoutMs: number;
  private readonly subscriptions = new Set<Subscription>();
  private readonly logger: Logger | undefined;
  private readonly metrics: KitMetrics | undefined;
  private readonly consumerDefaults: ConsumerDefaults | undefined;

  constructor(opts: BrokerOptions) {
    this.exchange = opts.exchange ?? "causeway.events";
    this.publishTimeoutMs = opts.publishTimeoutMs ?? 5_000;
    this.logger = opts.logger;
    this.metrics = opts.metrics;
    this.consumerDefaults = opts.consumerDefaults;
    this.connection = new Connection({
      url: opts.url,
      connectionName: opts.connectionName ?? "causeway",
      retryLow: opts.reconnectLowMs ?? 500,
      retryHigh: opts.reconnectHighMs ?? 10_000,
      heartbeat: opts.heartbeatSeconds ?? 15,
      // Longer than the publish timeout, so a publish while disconnected ends with our
      // PublishTimeoutError (the library's own wait ends later and is ignored).
      acquireTimeout: this.publishTimeoutMs + 1_000,
      connectionTimeout: 10_000,
    });
    this.connection.on("error", (err) => this.logger?.warn({ err }, "RabbitMQ connection error"));
    this.connection.on("connection", () =>
      this.logger?.info("RabbitMQ connection (re)established"),
    );
    if (opts.metrics) this.registerDlqDepth(opts.metrics);
    this.publisher = this.connection.createPublisher({
      confirm: true,
      maxAttempts: 2,
      exchanges: [{ exchange: this.exchange, type: "topic", durable: true }],
    });
  }

  /**
   * `messaging_dlq_depth{queue}`: messages parked in the DLQ of each subscription of this
   * broker, read from RabbitMQ at each scrape (passive declare; skipped while disconnected).
   */
  private registerDlqDepth(metrics: KitMetrics): void {
    const name = "messaging_dlq_depth";
    if (metrics.registry.getSingleMetric(name)) return;
    const subscriptions = this.subscriptions;
    const connection = this.connection;
    new Gauge({
      name,
      help: "Messages parked in each subscription's dead-letter queue: alarm when above 0.",
      labelNames: ["queue"],
      registers: [metrics.registry],
      async collect() {
        if (!connection.ready) return;
        for (const sub of subscriptions) {
          const dlq = sub.topology.dlq;
          let timer: NodeJS.Timeout | undefined;
          const depth = await Promise.race([
            connection.queueDeclare({ queue: dlq, passive: true }).then((ok) => ok.messageCount),
            new Promise<undefined>(
              (resolve) => (timer = setTimeout(() => resolve(undefined), 2_000)),
            ),
          ])
            .catch(() => undefined)
            .finally(() => clearTimeout(timer));
          if (depth !== undefined) this.set({ queue: dlq }, depth);
        }
      },
    });
  }

  /** True while the AMQP connection is up (readiness). */
  get ready(): boolean {
    return this.connection.ready;
  }

  /** Resolves once connected, or rejects after `timeoutMs`. */
  async connected(timeoutMs = 10_000): Promise<void> {
    await this.connection.onConnect(timeoutMs, true);
  }

  /** Validates and publishes one event, persistent, routing key = event type, with confirm. */
  async publish<T>(def: EventDefinition<T>, payload: T, opts: PublishOptions = {}): Promise<void> {
    const parsed = def.schema.parse(payload);
    await this.publishMessage({
      type: def.type,
      messageId: opts.messageId ?? randomUUID(),
      payload: parsed,
      headers: {
        ...opts.headers,
        ...(opts.requestId ? { "x-request-id": opts.requestId } : {}),
        ...(opts.traceparent ? { traceparent: opts.traceparent } : {}),
      },
    });
  }

  /** Publishes an already-validated message to the events exchange. */
  publishMessage(msg: OutgoingMessage): Promise<void> {
    return this.send(
      {
        exchange: this.exchange,
        routingKey: msg.type,
        messageId: msg.messageId,
        type: msg.type,
        ...(msg.headers ? { headers: msg.headers } : {}),
      },
      Buffer.from(JSON.stringify(msg.payload)),
    );
  }

  /** Publishes through the default exchange straight to a queue (retries and parking). */
  sendToQueue(queue: string, body: Buffer, envelope: QueueEnvelope): Promise<void> {
    return this.send({ ...envelope, exchange: "", routingKey: queue }, body);
  }

  private async send(envelope: Envelope, body: Buffer): Promise<void> {
    const label = envelope.exchange || "(default)";
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new PublishTimeoutError(this.publishTimeoutMs)),
        this.publishTimeoutMs,
      );
    });
    try {
      await Promise.race([
        this.publisher.send(
          {
            ...envelope,
            durable: true,
            contentType: "application/json",
            timestamp: Math.floor(Date.now() / 1000),
          },
          body,
        ),
        timeout,
      ]);
      this.metrics?.messagesPublished.inc({ exchange: label, outcome: "confirmed" });
    } catch (err) {
      this.metrics?.messagesPublished.inc({ exchange: label, outcome: "failed" });
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Starts consuming `def` events on a durable quorum queue; see `SubscribeOptions`. */
  async subscribe<T>(def: EventDefinition<T>, opts: SubscribeOptions<T>): Promise<Subscription> {
    const sub = await createSubscription(this, def, opts, {
      ...(this.logger ? { logger: this.logger } : {}),
      ...(this.metrics ? { metrics: this.metrics } : {}),
      ...(this.consumerDefaults ? { defaults: this.consumerDefaults } : {}),
    });
    this.subscriptions.add(sub);
    sub.onClose(() => this.subscriptions.delete(sub));
    return sub;
  }

  /** Cancels every consumer and waits for their in-flight handlers (shutdown step 3-4). */
  async stopConsuming(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
  }

  /** Stops consumers (waiting for in-flight handlers), then the publisher, then the connection. */
  async close(): Promise<void> {
    await this.stopConsuming();
    await this.publisher.close();
    await this.connection.close();
  }
}
