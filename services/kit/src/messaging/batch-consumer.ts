import type { AsyncMessage, Channel, Connection } from "rabbitmq-client";

interface Delivery {
  readonly msg: AsyncMessage;
  readonly ch: Channel;
}

/** What to do with one delivered message once its batch is settled. */
export type Settlement = "ack" | "requeue";

export interface BatchConsumerProps {
  readonly queue: string;
  readonly queueArguments: Record<string, unknown>;
  readonly exchange: string;
  readonly routingKey: string;
  /** Unacknowledged deliveries the broker may push (basic.qos). */
  readonly prefetch: number;
  /** A batch is handed over when it holds this many messages... */
  readonly maxBatch: number;
  /** ...or this many ms after its first message arrived, whichever comes first. */
  readonly maxWaitMs: number;
  /** Reconnect backoff after the channel closed: low, doubled up to high (ms). */
  readonly retryLowMs: number;
  readonly retryHighMs: number;
}

/**
 * Settles every message of a batch: one entry per message, same order. It must not throw for
 * one message's sake; if it throws, the whole batch is requeued.
 */
export type BatchHandler = (msgs: readonly AsyncMessage[]) => Promise<Settlement[]>;

/**
 * A consumer that hands messages over in batches and settles each batch with ONE
 * `basic.ack multiple` (or `basic.nack multiple` when the handler throws), on the channel the
 * batch was delivered on. Batches run one at a time, in delivery order, so an ack multiple
 * never covers a message outside its batch, and messages of one key are handled in the order
 * the queue delivered them. While a batch runs, the next one fills up to `maxBatch` and starts
 * as soon as the previous one is settled (prefetch should be at least twice `maxBatch`).
 *
 * Like rabbitmq-client's own Consumer it declares its queue, exchange and binding on every
 * (re)connect and re-subscribes with backoff after the channel or connection closes; messages
 * not yet settled when a channel closes are redelivered by the broker.
 */
export class BatchConsumer {
  private ch: Channel | undefined;
  private consumerTag = "";
  private pending: Delivery[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closing = false;
  private retries = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private setupRun: Promise<void> | undefined;
  private readonly errorListeners: Array<(err: unknown) => void> = [];

  constructor(
    private readonly conn: Connection,
    private readonly props: BatchConsumerProps,
    private readonly handler: BatchHandler,
  ) {}

  onError(cb: (err: unknown) => void): void {
    this.errorListeners.push(cb);
  }

  private emitError(err: unknown): void {
    for (const cb of this.errorListeners) cb(err);
  }

  /** Subscribes; rejects with the first setup error (a misconfiguration is loud at start). */
  async start(): Promise<void> {
    this.setupRun = this.setup();
    try {
      await this.setupRun;
    } finally {
      this.setupRun = undefined;
    }
  }

  private async setup(): Promise<void> {
    const ch = await this.conn.acquire({ emitErrorsFromChannel: true });
    this.ch = ch;
    ch.on("error", (err) => this.emitError(err));
    ch.once("close", () => {
      // Unsettled deliveries of this channel go back to the queue; they cannot be acked on
      // another channel.
      if (this.ch === ch) this.ch = undefined;
      this.pending = this.pending.filter((d) => d.ch !== ch);
      if (!this.closing) this.reconnect();
    });
    try {
      const p = this.props;
      await ch.queueDeclare({ queue: p.queue, durable: true, arguments: p.queueArguments });
      await ch.exchangeDeclare({ exchange: p.exchange, type: "topic", durable: true });
      await ch.queueBind({ exchange: p.exchange, queue: p.queue, routingKey: p.routingKey });
      await ch.basicQos({ prefetchCount: p.prefetch });
      const ok = await ch.basicConsume({ queue: p.queue }, (msg) => this.deliver({ msg, ch }));
      this.consumerTag = ok.consumerTag;
      ch.once("basic.cancel", () => {
        // The broker cancelled us (queue deleted, node down): subscribe again on a new channel.
        if (!this.closing) void ch.close().catch(() => undefined);
      });
      this.retries = 0;
    } catch (err) {
      await ch.close().catch(() => undefined);
      throw err;
    }
  }

  private reconnect(): void {
    if (this.closing || this.retryTimer || this.setupRun) return;
    const { retryLowMs, retryHighMs } = this.props;
    const delay = Math.min(retryHighMs, retryLowMs * 2 ** Math.min(this.retries++, 16));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.closing) return;
      this.setupRun = this.setup()
        .catch((err: unknown) => {
          this.emitError(err);
          // The failed channel's "close" may have fired while setupRun was set.
          this.setupRun = undefined;
          this.reconnect();
        })
        .finally(() => (this.setupRun = undefined));
    }, delay);
  }

  private deliver(d: Delivery): void {
    if (this.closing) return; // not settled: redelivered when the channel closes
    this.pending.push(d);
    if (this.running) return; // picked up when the running batch is settled
    if (this.pending.length >= this.props.maxBatch) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.props.maxWaitMs);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running || this.pending.length === 0) return;
    // One channel per batch (after a reconnect only the new channel's deliveries remain).
    const ch = this.pending[0]!.ch;
    let n = 0;
    while (n < this.pending.length && n < this.props.maxBatch && this.pending[n]!.ch === ch) n++;
    const batch = this.pending.splice(0, n).map((d) => d.msg);
    this.running = this.run(ch, batch).finally(() => {
      this.running = undefined;
      // Whatever arrived meanwhile has waited at least one batch: go on at once.
      if (!this.closing && this.pending.length > 0) this.flush();
    });
  }

  private async run(ch: Channel, batch: AsyncMessage[]): Promise<void> {
    let settlements: Settlement[];
    try {
      settlements = await this.handler(batch);
    } catch (err) {
      this.emitError(err);
      settlements = batch.map(() => "requeue");
    }
    try {
      settle(ch, batch, settlements);
    } catch (err) {
      // The channel closed: the broker redelivers the whole batch.
      this.emitError(err);
    }
  }

  /** Cancels the subscription, waits for the batch in progress, then closes the channel. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.timer);
    clearTimeout(this.retryTimer);
    await this.setupRun?.catch(() => undefined);
    const ch = this.ch;
    if (ch?.active && this.consumerTag) {
      await ch.basicCancel({ consumerTag: this.consumerTag }).catch(() => undefined);
    }
    await this.running;
    this.pending = [];
    await ch?.close().catch(() => undefined);
  }
}

/** One ack/nack multiple when the batch agrees (the usual case); else one per message. */
function settle(
  ch: Channel,
  batch: readonly AsyncMessage[],
  settlements: readonly Settlement[],
): void {
  const last = batch[batch.length - 1]!;
  if (settlements.every((s) => s === "ack")) {
    ch.basicAck({ deliveryTag: last.deliveryTag, multiple: true });
  } else if (settlements.every((s) => s === "requeue")) {
    ch.basicNack({ deliveryTag: last.deliveryTag, multiple: true, requeue: true });
  } else {
    batch.forEach((m, i) => {
      if (settlements[i] === "ack") ch.basicAck({ deliveryTag: m.deliveryTag });
      else ch.basicNack({ deliveryTag: m.deliveryTag, requeue: true });
    });
  }
}
