import type { Pool, PoolClient } from "pg";
import type { Logger } from "pino";
import type { AsyncMessage, Consumer } from "rabbitmq-client";
import type { InboxBatchItem } from "../inbox";
import { InboxBatchAborted, withInbox, withInboxBatch } from "../inbox";
import type { KitMetrics, ConsumeOutcome } from "../metrics";
import type { EnqueueOptions } from "../outbox";
import { enqueueEvent } from "../outbox";
import type { RetryPolicy } from "../retry/policy";
import { activeTraceparent, traceConsume } from "../tracing";
import { checkRetryPolicy, formatHorizon, retryDelayMs, retryHorizonMs } from "../retry/policy";
import type { ConsumerDefaults } from "./consumer-defaults";
import type { Settlement } from "./batch-consumer";
import { BatchConsumer } from "./batch-consumer";
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_BATCH_WAIT_MS,
  DEFAULT_CONSUMER_RETRY,
  DEFAULT_DELIVERY_LIMIT,
  DEFAULT_PREFETCH_PER_MESSAGE,
} from "./consumer-defaults";
import type { Decoded, EventDefinition, EventMessage } from "./events";
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
  /**
   * Unacked messages the broker may push to this consumer (basic.qos). Default: twice the batch
   * size when batching (so the next batch fills while one commits), else 10 (= handler
   * concurrency of the per-message mode). Unset: the broker's `consumerDefaults` first.
   */
  readonly prefetch?: number;
  /**
   * Batching (the default): up to `size` messages, or what arrived within `waitMs` of the first
   * one, run in ONE transaction, each handler under its own savepoint (a failing message is
   * rolled back, retried and parked alone; its neighbours commit), then one COMMIT and one ack
   * multiple. Handlers run one after another in delivery order. The batch never exceeds the
   * prefetch. `false` (or `size: 1`): the per-message mode, one transaction and one ack per
   * message, `prefetch` handlers concurrently. Unset fields: the broker's `consumerDefaults`
   * (CONSUMER_BATCH_SIZE, CONSUMER_BATCH_WAIT_MS), else 100 messages and 5 ms.
   */
  readonly batch?: false | { readonly size?: number; readonly waitMs?: number };
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
  const batching = resolveBatching(opts, deps.defaults);
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

  /** After a handler failed: the next attempt through a delay queue, or the DLQ. */
  const retryOrPark = async (msg: AsyncMessage, event: EventMessage<T>, err: unknown) => {
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
  };

  const contextFor = (event: EventMessage<T>, db: PoolClient): HandlerContext => ({
    db,
    log,
    enqueue: (d, payload, o) =>
      enqueueEvent(db, opts.schema, d, payload, {
        ...(event.requestId ? { requestId: event.requestId } : {}),
        // Under a consumer span, what the handler enqueues continues its trace.
        ...traceparentOf(activeTraceparent() ?? event.traceparent),
        ...o,
      }),
  });

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
        opts.handler(event, contextFor(event, db)),
      );
      count(result);
    } catch (err) {
      await retryOrPark(msg, event, err);
    }
  };

  /**
   * One batch: malformed messages are parked; the others run in one inbox transaction; after
   * the COMMIT the failed ones are retried or parked. A message is acked only when its fate is
   * durable (committed, or published to a delay queue or the DLQ with a confirm); otherwise it
   * is requeued. If the transaction breaks, this throws and the whole batch is requeued.
   */
  const handleBatch = async (msgs: readonly AsyncMessage[]): Promise<Settlement[]> => {
    const decoded: Array<Decoded<T>> = msgs.map((m) => decodeMessage(def, m));
    const items: InboxBatchItem[] = [];
    for (const [i, d] of decoded.entries()) {
      if (d.ok) {
        const event = d.event;
        items.push({
          messageId: event.id,
          effect: (db) =>
            traceConsume(msgs[i]!, opts.queue, () => opts.handler(event, contextFor(event, db))),
        });
      }
    }
    let outcomes;
    try {
      outcomes =
        items.length > 0 ? await withInboxBatch(opts.pool, opts.schema, opts.queue, items) : [];
    } catch (err) {
      log?.warn({ err, messages: msgs.length }, "inbox batch rolled back; requeueing the batch");
      for (let i = 0; i < msgs.length; i++) count("requeued");
      throw err;
    }
    let next = 0;
    return Promise.all(
      msgs.map(async (msg, i): Promise<Settlement> => {
        const d = decoded[i]!;
        try {
          if (!d.ok) {
            await park(msg, d.reason);
            count("rejected");
            return "ack";
          }
          const outcome = outcomes[next++]!;
          if (outcome.result === "failed") await retryOrPark(msg, d.event, outcome.error);
          else count(outcome.result);
          return "ack";
        } catch (err) {
          log?.warn({ err, messageId: msg.messageId }, "retry/park publish failed; requeueing");
          count("requeued");
          return "requeue";
        }
      }),
    );
  };

  let stop: () => Promise<void>;
  if (batching) {
    const consumer = new BatchConsumer(
      broker.connection,
      {
        queue: topology.queue,
        queueArguments: topology.queueArguments,
        exchange: broker.exchange,
        routingKey: def.type,
        prefetch: batching.prefetch,
        maxBatch: batching.size,
        maxWaitMs: batching.waitMs,
        // The connection reconnects with its own backoff; this only paces re-subscribing.
        retryLowMs: 100,
        retryHighMs: 5_000,
      },
      handleBatch,
    );
    consumer.onError((err) => {
      if (!(err instanceof InboxBatchAborted)) log?.warn({ err }, "consumer error");
    });
    try {
      await consumer.start();
    } catch (err) {
      await consumer.close();
      broker.connection.off("connection", onReconnect);
      throw err;
    }
    stop = () => consumer.close();
  } else {
    const prefetch = opts.prefetch ?? deps.defaults?.prefetch ?? DEFAULT_PREFETCH_PER_MESSAGE;
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
    stop = () => consumer.close();
  }

  const closeCallbacks: Array<() => void> = [];
  let closing: Promise<void> | undefined;
  return {
    topology,
    onClose: (cb) => closeCallbacks.push(cb),
    close: () =>
      (closing ??= (async () => {
        broker.connection.off("connection", onReconnect);
        await stop();
        for (const cb of closeCallbacks) cb();
      })()),
  };
}

const traceparentOf = (tp: string | undefined) => (tp ? { traceparent: tp } : {});

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

interface Batching {
  readonly size: number;
  readonly waitMs: number;
  readonly prefetch: number;
}

/** The subscription's batch size, wait and prefetch, or undefined for the per-message mode. */
export function resolveBatching(
  opts: Pick<SubscribeOptions<unknown>, "batch" | "prefetch" | "queue">,
  defaults: ConsumerDefaults | undefined,
): Batching | undefined {
  if (opts.batch === false) return undefined;
  const size = opts.batch?.size ?? defaults?.batchSize ?? DEFAULT_BATCH_SIZE;
  const waitMs = opts.batch?.waitMs ?? defaults?.batchWaitMs ?? DEFAULT_BATCH_WAIT_MS;
  const prefetch = opts.prefetch ?? defaults?.prefetch ?? 2 * size;
  const problems = [
    ...(Number.isInteger(size) && size >= 1
      ? []
      : [`batch.size must be an integer >= 1, got ${size}`]),
    ...(Number.isInteger(waitMs) && waitMs >= 0
      ? []
      : [`batch.waitMs must be an integer >= 0, got ${waitMs}`]),
    ...(Number.isInteger(prefetch) && prefetch >= 1
      ? []
      : [`prefetch must be an integer >= 1, got ${prefetch}`]),
  ];
  if (problems.length > 0) {
    throw new Error(`subscription "${opts.queue}": ${problems.join("; ")}`);
  }
  if (size === 1) return undefined;
  // A batch larger than the prefetch could never fill: it would always wait waitMs.
  return { size: Math.min(size, prefetch), waitMs, prefetch };
}
