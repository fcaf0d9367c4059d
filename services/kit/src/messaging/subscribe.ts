import type { Pool, PoolClient } from "pg";
import type { Logger } from "pino";
import type { AsyncMessage, Consumer } from "rabbitmq-client";
import { withInbox } from "../inbox";
import type { KitMetrics, ConsumeOutcome } from "../metrics";
import type { EnqueueOptions } from "../outbox";
import { enqueueEvent } from "../outbox";
import type { RetryPolicy } from "../retry/policy";
import { activeTraceparent, traceConsume } from "../tracing";
import { checkRetryPolicy, formatHorizon, retryDelayMs, retryHorizonMs } from "../retry/policy";
import type { ConsumerDefaults } from "./consumer-defaults";
import { DEFAULT_CONSUMER_RETRY, DEFAULT_DELIVERY_LIMIT } from "./consumer-defaults";
import type { EventDefinition, EventMessage } from "./events";
import { decodeMessage } from "./events";
import type { SubscriptionTopology } from "./topology";
import { Headers, retryQueueName, subscriptionTopology } from "./topology";
import type { ConsumerTransport } from "./transport";

/** What a handler gets besides the event: the open transaction and its outbox. */
export interface HandlerContext {
  /** The client of the transaction that also holds the inbox row. Do not COMMIT it. */
  readonly db: PoolClient;
  /** Adds an event to the outbox in this same transaction. */
  enqueue<E>(def: EventDefinition<E>, payload: E, opts?: EnqueueOptions): Promise<string>;
  readonly log: Logger | undefined;
}

export type Handler<T> = (event: EventMessage<T>, ctx: HandlerContext) => Promise<void>;

export interface SubscribeOptions<T> {
  /** Durable quorum queue name, conventionally "<service>.<event type>". Also the inbox consumer. */
  readonly queue: string;
  readonly handler: Handler<T>;
  /** The pool and schema of the inbox (and outbox). */
  readonly pool: Pool;
  readonly schema: string;
  /** Unacked messages in flight per consumer (= handler concurrency). Default 10. */
  readonly prefetch?: number;
  /**
   * Handler attempts before the message is parked, and the delays between them (through the
   * delay queues). Unset fields come from the broker's `consumerDefaults` (with `createRuntime`:
   * the CONSUMER_RETRY_* variables), else from `DEFAULT_CONSUMER_RETRY`: 12 attempts, 1 s base,
   * 60 s cap, equal jitter.
   */
  readonly retry?: Partial<RetryPolicy>;
  /**
   * Broker-side cap on redeliveries (quorum x-delivery-limit): the safety net for messages that
   * crash the process or whose retry could not be published. Then RabbitMQ dead-letters them to
   * the DLQ itself. Default: the broker's `consumerDefaults`, else 10.
   */
  readonly deliveryLimit?: number;
}

export interface Subscription {
  readonly topology: SubscriptionTopology;
  close(): Promise<void>;
  onClose(cb: () => void): void;
}

/** @internal Use `broker.subscribe`. */
export async function createSubscription<T>(
  broker: ConsumerTransport,
  def: EventDefinition<T>,
  opts: SubscribeOptions<T>,
  deps: { logger?: Logger; metrics?: KitMetrics; defaults?: ConsumerDefaults },
): Promise<Subscription> {
  const policy = checkRetryPolicy({
    ...DEFAULT_CONSUMER_RETRY,
    ...deps.defaults?.retry,
    ...opts.retry,
  });
  const deliveryLimit =
    opts.deliveryLimit ?? deps.defaults?.deliveryLimit ?? DEFAULT_DELIVERY_LIMIT;
  const topology = subscriptionTopology(opts.queue, policy.maxAttempts, deliveryLimit);
  const prefetch = opts.prefetch ?? 10;
  const log = deps.logger?.child({ queue: opts.queue });
  const horizon = retryHorizonMs(policy);
  log?.info(
    { retry: policy, deliveryLimit, retryHorizonMs: horizon },
    `retry horizon ${formatHorizon(horizon)}: a failing message is parked in ${topology.dlq} after ${policy.maxAttempts} attempts`,
  );
  const count = (outcome: ConsumeOutcome) =>
    deps.metrics?.messagesConsumed.inc({ queue: opts.queue, outcome });

  // Delay queues and the DLQ: declared now and again after every reconnect.
  const declareAux = async () => {
    await broker.connection.queueDeclare({
      queue: topology.dlq,
      durable: true,
      arguments: topology.dlqArguments,
    });
    for (const queue of topology.retryQueues) {
      await broker.connection.queueDeclare({
        queue,
        durable: true,
        arguments: topology.retryQueueArguments,
      });
    }
  };
  await declareAux();
  const onReconnect = () => {
    declareAux().catch((err: unknown) =>
      log?.warn({ err }, "re-declaring retry/DLQ queues failed"),
    );
  };
  broker.connection.on("connection", onReconnect);

  const rawBody = (msg: AsyncMessage): Buffer =>
    Buffer.isBuffer(msg.body) ? msg.body : Buffer.from(JSON.stringify(msg.body));

  const park = async (msg: AsyncMessage, reason: string) => {
    await broker.sendToQueue(topology.dlq, rawBody(msg), {
      ...(msg.messageId ? { messageId: msg.messageId } : {}),
      ...(msg.type ? { type: msg.type } : {}),
      headers: { ...msg.headers, [Headers.reason]: reason.slice(0, 1000) },
    });
    log?.warn({ messageId: msg.messageId, reason }, "message parked in DLQ");
  };

  const handle = async (msg: AsyncMessage) => {
    const decoded = decodeMessage(def, msg);
    if (!decoded.ok) {
      await park(msg, decoded.reason);
      count("rejected");
      return;
    }
    const event = decoded.event;
    try {
      const result = await withInbox(opts.pool, opts.schema, opts.queue, event.id, (db) =>
        opts.handler(event, {
          db,
          log,
          enqueue: (d, payload, o) =>
            enqueueEvent(db, opts.schema, d, payload, {
              ...(event.requestId ? { requestId: event.requestId } : {}),
              ...traceparentOf(activeTraceparent() ?? event.traceparent),
              ...o,
            }),
        }),
      );
      count(result);
    } catch (err) {
      const reason = `attempt ${event.attempt}/${policy.maxAttempts} failed: ${errorText(err)}`;
      if (event.attempt >= policy.maxAttempts) {
        await park(msg, `max attempts reached; ${reason}`);
        count("parked");
        return;
      }
      const delay = retryDelayMs(policy, event.attempt);
      await broker.sendToQueue(retryQueueName(opts.queue, event.attempt), rawBody(msg), {
        messageId: event.id,
        type: event.type,
        expiration: String(delay),
        headers: { ...msg.headers, [Headers.attempt]: event.attempt + 1, [Headers.reason]: reason },
      });
      log?.info({ messageId: event.id, delay, reason }, "message scheduled for retry");
      count("retried");
    }
  };

  const consumer: Consumer = broker.connection.createConsumer(
    {
      queue: topology.queue,
      queueOptions: { durable: true, arguments: topology.queueArguments },
      qos: { prefetchCount: prefetch },
      concurrency: prefetch,
      // Only infrastructure failures reach the library (retry/DLQ publish or ack failed):
      // requeue, and let the quorum delivery limit dead-letter a message that keeps failing.
      requeue: true,
      exchanges: [{ exchange: broker.exchange, type: "topic", durable: true }],
      queueBindings: [{ exchange: broker.exchange, queue: topology.queue, routingKey: def.type }],
      lazy: true,
    },
    async (msg) => {
      try {
        await traceConsume(msg, opts.queue, () => handle(msg));
      } catch (err) {
        count("requeued");
        throw err;
      }
    },
  );
  consumer.on("error", (err) => log?.warn({ err }, "consumer error"));

  await new Promise<void>((resolve, reject) => {
    const onReady = () => {
      consumer.off("error", onError);
      resolve();
    };
    const onError = (err: unknown) => {
      // Setup errors (e.g. queue declared with other arguments) are retried by the library;
      // the first one fails subscribe() so a misconfiguration is loud at start.
      consumer.off("ready", onReady);
      void consumer.close().finally(() => reject(err as Error));
    };
    consumer.once("ready", onReady);
    consumer.once("error", onError);
    consumer.start();
  });

  const closeCallbacks: Array<() => void> = [];
  let closing: Promise<void> | undefined;
  return {
    topology,
    onClose: (cb) => closeCallbacks.push(cb),
    close: () =>
      (closing ??= (async () => {
        broker.connection.off("connection", onReconnect);
        await consumer.close();
        for (const cb of closeCallbacks) cb();
      })()),
  };
}

const traceparentOf = (tp: string | undefined) => (tp ? { traceparent: tp } : {});

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
