/**
 * The RabbitMQ settings Causeway relies on, as the `aws.mq.Configuration` document (rabbitmq.conf
 * syntax). Only keys Amazon MQ lets a configuration set are used.
 * Source: https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/configurable-values.html
 */
export const RABBITMQ_SETTINGS = {
  // The kit acknowledges a delivery only after its effect is committed. A consumer that holds a
  // delivery longer than this (a stuck handler) gets its channel closed and the message
  // redelivered, instead of holding it forever. AWS default and recommended: 30 minutes.
  consumer_timeout: 1_800_000,
  // Server-side heartbeat in seconds (Amazon MQ allows 60-3600). The kit asks for 15 s; AMQP
  // negotiates the lower value, so dead connections are noticed in ~30 s.
  heartbeat: 60,
  // The kit declares its queues as quorum queues; redeclaring one with slightly different
  // arguments (e.g. after a kit upgrade) must not close the channel.
  "quorum_queue.property_equivalence.relaxed_checks_on_redeclaration": true,
} as const;

/** Renders settings as rabbitmq.conf lines, sorted by key so the document is byte-stable. */
export function rabbitMqConfigurationDocument(
  settings: Readonly<Record<string, string | number | boolean>> = RABBITMQ_SETTINGS,
): string {
  return (
    Object.keys(settings)
      .sort()
      .map((key) => `${key} = ${String(settings[key])}`)
      .join("\n") + "\n"
  );
}
