/**
 * Pure naming and queue-argument rules of a subscription's topology. For a queue `q`:
 *
 *   exchange (topic) --routing key = event type--> q (quorum, delivery limit, DLX -> q.dlq)
 *   q.retry.1 .. q.retry.N-1 (quorum, per-message TTL, DLX -> q)   delay queues
 *   q.dlq (quorum)                                                 parked messages
 *
 * Retries and parking go through the default exchange straight to the queue by name, so a
 * retry is redelivered only to the subscriber that failed, never re-broadcast to others.
 */
export interface SubscriptionTopology {
  readonly queue: string;
  readonly dlq: string;
  readonly retryQueues: readonly string[];
  readonly queueArguments: Record<string, unknown>;
  readonly retryQueueArguments: Record<string, unknown>;
  readonly dlqArguments: Record<string, unknown>;
}

/** Quorum queue settings under which dead-lettering is at-least-once (RabbitMQ >= 3.10). */
const atLeastOnceDeadLetter = {
  "x-queue-type": "quorum",
  "x-overflow": "reject-publish",
  "x-dead-letter-strategy": "at-least-once",
  "x-dead-letter-exchange": "",
} as const;

export function subscriptionTopology(
  queue: string,
  maxAttempts: number,
  deliveryLimit: number,
): SubscriptionTopology {
  if (!/^[\w.:-]{1,200}$/.test(queue)) {
    throw new Error(`Invalid queue name "${queue}": use 1-200 of [A-Za-z0-9_.:-]`);
  }
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new Error(`maxAttempts must be an integer >= 1, got ${maxAttempts}`);
  }
  const dlq = `${queue}.dlq`;
  return {
    queue,
    dlq,
    retryQueues: Array.from({ length: maxAttempts - 1 }, (_, i) => retryQueueName(queue, i + 1)),
    queueArguments: {
      ...atLeastOnceDeadLetter,
      "x-dead-letter-routing-key": dlq,
      "x-delivery-limit": deliveryLimit,
    },
    retryQueueArguments: { ...atLeastOnceDeadLetter, "x-dead-letter-routing-key": queue },
    dlqArguments: { "x-queue-type": "quorum" },
  };
}

/** Delay queue for retry number `retry` (1-based). */
export function retryQueueName(queue: string, retry: number): string {
  return `${queue}.retry.${retry}`;
}

/** AMQP headers the kit sets on retried and parked messages. */
export const Headers = {
  attempt: "x-causeway-attempt",
  reason: "x-causeway-reason",
  /** n-th re-drive of the same work by its producer (see `EventMessage.redrive`). */
  redrive: "x-causeway-redrive",
  requestId: "x-request-id",
  traceparent: "traceparent",
} as const;
