import type { Channel, SyncMessage } from "rabbitmq-client";
import { Connection } from "rabbitmq-client";
import { Headers } from "./topology";

/** A queue and how many messages are ready in it (`missing`: the queue does not exist). */
export interface QueueDepth {
  readonly queue: string;
  readonly messages: number;
  readonly consumers: number;
  readonly missing?: true;
}

/** One parked message as `show` prints it. */
export interface ParkedMessage {
  readonly messageId: string | undefined;
  readonly type: string | undefined;
  /** Why the kit parked it (`x-causeway-reason`), or the broker's dead-letter reason. */
  readonly reason: string | undefined;
  readonly attempt: number | undefined;
  readonly headers: Record<string, unknown>;
  readonly body: string;
}

/** The work queue a DLQ belongs to: `<queue>.dlq` -> `<queue>`. */
export function workQueueOf(dlq: string): string {
  if (!dlq.endsWith(".dlq") || dlq.length <= 4) {
    throw new Error(`"${dlq}" is not a DLQ name: the kit names them <queue>.dlq`);
  }
  return dlq.slice(0, -4);
}

// Headers that describe a past life of the message; a replay starts it afresh (attempt 1, so
// it gets the whole retry horizon again).
const STALE_HEADERS = [Headers.attempt, Headers.reason, "x-delivery-count", "x-death"];
const isStale = (h: string) =>
  STALE_HEADERS.includes(h) || h.startsWith("x-first-death-") || h.startsWith("x-last-death-");

function bodyBytes(msg: SyncMessage): Buffer {
  if (Buffer.isBuffer(msg.body)) return msg.body;
  if (typeof msg.body === "string") return Buffer.from(msg.body);
  return Buffer.from(JSON.stringify(msg.body));
}

/**
 * Operations on dead-letter queues over AMQP, with any broker the kit supports (RabbitMQ 3.10+
 * and 4.x; no management plugin needed):
 * - `depths`: ready messages per queue (passive declare);
 * - `show`: the first N messages, fetched unacknowledged and returned when the channel closes,
 *   so nothing is lost (their order in the queue may change);
 * - `replay`: moves messages back to their work queue, one at a time: publish with a confirm,
 *   then ack the parked copy. A crash between the two leaves a duplicate, which the consumer's
 *   inbox absorbs (same message id), so replay is safe to repeat;
 * - `purge`: deletes every message of the queue.
 */
export class DlqTool {
  constructor(private readonly conn: Connection) {}

  /** Connects to `url` (fails after `timeoutMs`); `close()` ends the connection. */
  static async connect(
    url: string,
    timeoutMs = 10_000,
  ): Promise<DlqTool & { close(): Promise<void> }> {
    const conn = new Connection({
      url,
      connectionName: "causeway-dlq",
      retryLow: 200,
      retryHigh: 1_000,
    });
    conn.on("error", () => undefined);
    try {
      await conn.onConnect(timeoutMs, true);
    } catch (err) {
      await conn.close().catch(() => undefined);
      throw err;
    }
    return Object.assign(new DlqTool(conn), { close: () => conn.close() });
  }

  async depths(queues: readonly string[]): Promise<QueueDepth[]> {
    const out: QueueDepth[] = [];
    for (const queue of queues) {
      try {
        const ok = await this.conn.queueDeclare({ queue, passive: true });
        out.push({ queue, messages: ok.messageCount, consumers: ok.consumerCount });
      } catch (err) {
        if ((err as { code?: string }).code !== "NOT_FOUND") throw err;
        out.push({ queue, messages: 0, consumers: 0, missing: true });
      }
    }
    return out;
  }

  async show(queue: string, count: number): Promise<ParkedMessage[]> {
    const ch = await this.conn.acquire();
    const shown: ParkedMessage[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const msg = await ch.basicGet({ queue, noAck: false });
        if (!msg) break;
        const headers = msg.headers ?? {};
        const attempt = Number(headers[Headers.attempt]);
        const death = headers["x-first-death-reason"];
        shown.push({
          messageId: msg.messageId,
          type: msg.type,
          reason:
            typeof headers[Headers.reason] === "string"
              ? (headers[Headers.reason] as string)
              : typeof death === "string"
                ? `dead-lettered by the broker: ${death}`
                : undefined,
          attempt: Number.isInteger(attempt) ? attempt : undefined,
          headers,
          body: bodyBytes(msg).toString("utf8"),
        });
      }
    } finally {
      // Closing the channel returns every unacknowledged message to the queue.
      await ch.close();
    }
    return shown;
  }

  /**
   * Moves up to `max` messages (default: those in the DLQ when the replay starts, so a message
   * that is parked again at once is not replayed in a loop) from `dlq` to its work queue.
   * Returns how many were moved.
   */
  async replay(dlq: string, max?: number): Promise<number> {
    const target = workQueueOf(dlq);
    const [source, work] = await this.depths([dlq, target]);
    if (source!.missing) throw new Error(`queue "${dlq}" does not exist`);
    if (work!.missing) {
      throw new Error(
        `work queue "${target}" does not exist: start the service that consumes it first ` +
          `(a replayed message would otherwise be dropped)`,
      );
    }
    const limit = Math.min(max ?? source!.messages, source!.messages);
    const ch: Channel = await this.conn.acquire();
    let moved = 0;
    try {
      await ch.confirmSelect();
      while (moved < limit) {
        const msg = await ch.basicGet({ queue: dlq, noAck: false });
        if (!msg) break;
        const headers = Object.fromEntries(
          Object.entries(msg.headers ?? {}).filter(([h]) => !isStale(h)),
        );
        await ch.basicPublish(
          {
            exchange: "",
            routingKey: target,
            mandatory: true,
            durable: true,
            ...(msg.messageId ? { messageId: msg.messageId } : {}),
            ...(msg.type ? { type: msg.type } : {}),
            contentType: msg.contentType ?? "application/json",
            headers: {
              ...headers,
              "x-causeway-replayed": Number(headers["x-causeway-replayed"] ?? 0) + 1,
            },
          },
          bodyBytes(msg),
        );
        ch.basicAck({ deliveryTag: msg.deliveryTag });
        moved++;
      }
    } finally {
      await ch.close();
    }
    return moved;
  }

  /** Deletes every message of `queue`; returns how many. */
  async purge(queue: string): Promise<number> {
    const ok = await this.conn.queuePurge({ queue });
    return ok.messageCount;
  }
}
