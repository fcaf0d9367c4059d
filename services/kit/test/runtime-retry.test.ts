import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseEnvSchema, loadConfig } from "../src/config";
import { Broker } from "../src/messaging/broker";
import type { Runtime } from "../src/runtime";
import { createRuntime } from "../src/runtime";
import { orderPlaced } from "./fixture";
import { deleteTopology, queueDepth, waitFor } from "./helpers";
import {
  TEST_AMQP_URL,
  TEST_DATABASE_URL,
  missingServers,
  skipWithoutServers,
  uniqueName,
} from "./servers";

/** createRuntime's subscriptions take their retry policy from the CONSUMER_* variables. */
describe("consumer retry variables through createRuntime (real RabbitMQ + PostgreSQL)", () => {
  const schema = uniqueName("kit_rt_retry");
  const exchange = uniqueName("causeway.events.test");
  const fromEnv = uniqueName("kit.test");
  const ownPolicy = uniqueName("kit.test");
  let rt: Runtime | undefined;

  beforeAll(async () => {
    if ((await missingServers()).length > 0) return;
    const config = loadConfig(baseEnvSchema, {
      SERVICE_NAME: "kit-retry-env",
      LOG_LEVEL: "silent",
      DATABASE_URL: TEST_DATABASE_URL,
      DB_SCHEMA: schema,
      AMQP_URL: TEST_AMQP_URL,
      EVENTS_EXCHANGE: exchange,
      CONSUMER_RETRY_MAX_ATTEMPTS: "2",
      CONSUMER_RETRY_BASE_DELAY_MS: "20",
      CONSUMER_RETRY_MAX_DELAY_MS: "40",
      CONSUMER_RETRY_JITTER: "full",
      CONSUMER_DELIVERY_LIMIT: "4",
    });
    rt = await createRuntime({ config, outboxRelay: false });
  });
  afterAll(async () => {
    if (!rt) return;
    await rt.broker.close().catch(() => undefined);
    const queues = [fromEnv, ownPolicy].flatMap((q) => [
      q,
      `${q}.dlq`,
      `${q}.retry.1`,
      `${q}.retry.2`,
    ]);
    const admin = new Broker({ url: TEST_AMQP_URL, exchange });
    await deleteTopology(admin.connection, queues, exchange);
    await admin.close().catch(() => undefined);
    await rt.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await rt.pool.end();
  });

  it("a subscription without its own policy retries and parks as the variables say", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const r = rt!;
    const attempts: number[] = [];
    const sub = await r.broker.subscribe(orderPlaced, {
      queue: fromEnv,
      pool: r.pool,
      schema,
      handler: async (e) => {
        attempts.push(e.attempt);
        throw new Error("boom");
      },
    });
    expect(sub.topology.retryQueues).toEqual([`${fromEnv}.retry.1`]);
    expect(sub.topology.queueArguments["x-delivery-limit"]).toBe(4);

    await r.broker.publish(orderPlaced, { orderId: "o-env", amount: 1 });
    await waitFor(
      "the DLQ to hold the message",
      async () => (await queueDepth(r.broker.connection, sub.topology.dlq)) === 1,
    );
    expect(attempts).toEqual([1, 2]);
    const ch = await r.broker.connection.acquire();
    try {
      const parked = await ch.basicGet({ queue: sub.topology.dlq, noAck: true });
      expect(parked?.headers?.["x-causeway-reason"]).toBe(
        "max attempts reached; attempt 2/2 failed: Error: boom",
      );
    } finally {
      await ch.close();
    }
  });

  it("a subscription's own policy and delivery limit win over the variables", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const r = rt!;
    const sub = await r.broker.subscribe(orderPlaced, {
      queue: ownPolicy,
      pool: r.pool,
      schema,
      retry: { maxAttempts: 3 },
      deliveryLimit: 7,
      handler: async () => undefined,
    });
    expect(sub.topology.retryQueues).toEqual([`${ownPolicy}.retry.1`, `${ownPolicy}.retry.2`]);
    expect(sub.topology.queueArguments["x-delivery-limit"]).toBe(7);
  });
});
