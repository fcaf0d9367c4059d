import { randomUUID } from "node:crypto";
import { orderPlaced } from "@causeway/contracts";
import { Broker } from "@causeway/kit";
import { Client } from "pg";
import { afterAll, describe, expect, it } from "vitest";
import {
  TEST_AMQP_URL,
  TEST_DATABASE_URL,
  http,
  metricValue,
  skipWithoutServers,
  testSystem,
  waitFor,
} from "./support";

const ORDERS = 200;
const CONCURRENCY = 20;
const PROVIDER = {
  PROVIDER_SEED: "42",
  PROVIDER_FAILURE_RATE: "0.2",
  PROVIDER_DECLINE_RATE: "0.15",
  PROVIDER_LOST_RESPONSE_RATE: "0.15",
  PROVIDER_LATENCY_MS: "20",
};

/** Runs `fn` over `items` with at most `n` in flight. */
async function pool<T, R>(items: T[], n: number, fn: (t: T, i: number) => Promise<R>) {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

describe("end to end: gateway -> orders -> payments -> orders on real RabbitMQ and PostgreSQL", () => {
  const system = testSystem("e2e");
  const { run, schemas, prefixes, exchange, procs } = system;
  const pg = new Client({ connectionString: TEST_DATABASE_URL });
  let pgConnected = false;

  afterAll(async () => {
    if (pgConnected) await pg.end().catch(() => undefined);
    await system.cleanup();
  }, 60_000);

  it(`${ORDERS} orders with retried keys and provider failures: each settles once, none charged twice`, async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    await pg.connect();
    pgConnected = true;
    const count = async (sql: string) =>
      Number((await pg.query<{ n: string }>(`SELECT (${sql}) AS n`)).rows[0]!.n);

    // Consumers first (payments and orders), then the gateway: see testSystem.
    const { payments, gateway } = await system.start({
      all: { LOG_LEVEL: "info" },
      payments: PROVIDER,
    });

    // --- place the orders through the gateway -------------------------------------------
    const requests = Array.from({ length: ORDERS }, (_, i) => ({
      key: `e2e-${run}-${i}`,
      body: {
        customerId: `cus_${i % 17}`,
        currency: i % 3 === 0 ? "USD" : "EUR",
        items: [
          { sku: `sku-${i % 7}`, quantity: 1 + (i % 3), unitPriceCents: 199 + i },
          { sku: "gift-wrap", quantity: 1, unitPriceCents: 0 },
        ],
      },
    }));
    const post = (key: string, body: unknown) =>
      http(`${gateway.address}/orders`, {
        method: "POST",
        body,
        headers: { "idempotency-key": key },
      });
    /** POST until the key is no longer in flight (409): what a well-behaved client does. */
    const postSettled = async (key: string, body: unknown) => {
      for (;;) {
        const res = await post(key, body);
        if (res.status !== 409) return res;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    let replays = 0;
    let concurrentPairs = 0;
    const ids = await pool(requests, CONCURRENCY, async ({ key, body }, i) => {
      if (i % 20 === 0) {
        // The same key twice at once (a client retry racing its own first attempt).
        concurrentPairs++;
        const [a, b] = await Promise.all([postSettled(key, body), postSettled(key, body)]);
        expect([a.status, b.status]).toEqual([201, 201]);
        expect((a.body as { id: string }).id).toBe((b.body as { id: string }).id);
        return (a.body as { id: string }).id;
      }
      const first = await post(key, body);
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      const order = first.body as { id: string; status: string; amountCents: number };
      expect(order.status).toBe("PENDING");
      if (i % 5 === 0) {
        // The client lost the response and retries with the same key.
        const again = await post(key, body);
        expect(again.status).toBe(201);
        expect(again.headers["idempotent-replayed"]).toBe("true");
        expect(again.body).toEqual(first.body);
        replays++;
      }
      return order.id;
    });
    expect(new Set(ids).size).toBe(ORDERS);
    expect(replays).toBe(30);
    expect(concurrentPairs).toBe(10);
    // Same key, different payload: refused, nothing created.
    const reused = await post(requests[1]!.key, { ...requests[1]!.body, currency: "GBP" });
    expect(reused.status).toBe(422);
    expect((reused.body as { error: { code: string } }).error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    // No key: refused by the gateway.
    expect((await post("", requests[0]!.body)).status).toBe(400);

    // --- every order settles ----------------------------------------------------------
    const o = `"${schemas.orders}"`;
    const p = `"${schemas.payments}"`;
    await waitFor(
      "every order to reach PAID or PAYMENT_FAILED",
      async () =>
        (await count(`SELECT count(*) FROM ${o}.orders WHERE status <> 'PENDING'`)) === ORDERS,
      120_000,
    );
    expect(await count(`SELECT count(*) FROM ${o}.orders`)).toBe(ORDERS);
    const paid = await count(`SELECT count(*) FROM ${o}.orders WHERE status = 'PAID'`);
    const failed = await count(`SELECT count(*) FROM ${o}.orders WHERE status = 'PAYMENT_FAILED'`);
    expect(paid + failed).toBe(ORDERS);
    expect(paid).toBeGreaterThan(0);
    expect(failed).toBeGreaterThan(0);

    // --- the ledger: one row per order, charges = paid orders, amounts match ----------
    const charged = await count(`SELECT count(*) FROM ${p}.charges WHERE status = 'succeeded'`);
    const declined = await count(`SELECT count(*) FROM ${p}.charges WHERE status = 'declined'`);
    expect(charged).toBe(paid);
    expect(declined).toBe(failed);
    expect(
      await count(
        `SELECT count(*) FROM (SELECT order_id FROM ${p}.charges GROUP BY order_id HAVING count(*) > 1) d`,
      ),
    ).toBe(0);
    expect(
      await count(
        `SELECT count(*) FROM ${o}.orders ord JOIN ${p}.charges c ON c.order_id = ord.id
           WHERE (ord.status = 'PAID') = (c.status = 'succeeded')
             AND c.amount_cents = ord.amount_cents AND c.currency = ord.currency
             AND ord.payment_ref = CASE WHEN c.status = 'succeeded' THEN c.provider_charge_id
                                        ELSE c.decline_reason END`,
      ),
    ).toBe(ORDERS);

    // --- the provider's own books: money moved exactly once per paid order -----------
    const metricsText = async () => (await http(`${payments.address}/metrics`)).body as string;
    const m = await metricsText();
    expect(metricValue(m, 'simulated_provider_charges_created{status="succeeded"}')).toBe(paid);
    expect(metricValue(m, 'simulated_provider_charges_created{status="declined"}')).toBe(failed);
    // Faults were injected and absorbed: lost responses were retried with the same key and
    // answered from the original charge (replays), failures were retried.
    expect(metricValue(m, "simulated_provider_lost_responses")).toBeGreaterThan(0);
    expect(metricValue(m, "simulated_provider_failures")).toBeGreaterThan(0);
    expect(metricValue(m, "simulated_provider_replays")).toBeGreaterThan(0);
    // Every call is accounted for: failed before charging, created a charge, or replayed one.
    expect(metricValue(m, "simulated_provider_calls")).toBe(
      metricValue(m, "simulated_provider_failures") +
        ORDERS +
        metricValue(m, "simulated_provider_replays"),
    );

    // Reads through the gateway and the internal operators' endpoint agree.
    const sample = ids[7]!;
    const viaGateway = await http(`${gateway.address}/orders/${sample}`);
    expect(viaGateway.status).toBe(200);
    const status = (viaGateway.body as { status: string }).status;
    const listed = await http(`${payments.address}/charges?orderId=${sample}`);
    expect(listed.status).toBe(200);
    const rows = (listed.body as { charges: Array<{ status: string }> }).charges;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe(status === "PAID" ? "succeeded" : "declined");

    // --- a verbatim re-delivery of order.placed changes nothing ------------------------
    const snapshot = async () => ({
      orders: (await pg.query(`SELECT id, status, updated_at FROM ${o}.orders ORDER BY id`)).rows,
      charges: await count(`SELECT count(*) FROM ${p}.charges`),
      paymentsOutbox: await count(`SELECT count(*) FROM ${p}.outbox`),
      ordersOutbox: await count(`SELECT count(*) FROM ${o}.outbox`),
      providerCalls: metricValue(await metricsText(), "simulated_provider_calls"),
    });
    const before = await snapshot();
    const original = (
      await pg.query<{ message_id: string; type: string; payload: unknown; headers: object }>(
        `SELECT message_id, type, payload, headers FROM ${o}.outbox
           WHERE type = 'order.placed' AND payload->>'orderId' = $1`,
        [sample],
      )
    ).rows[0]!;
    const consumedQueue = `${prefixes.payments}.order-placed`;
    const consumed = async (outcome: string) =>
      metricValue(
        await metricsText(),
        `messages_consumed_total{queue="${consumedQueue}",outcome="${outcome}"}`,
      );
    const duplicatesBefore = await consumed("duplicate");
    const publisher = new Broker({ url: TEST_AMQP_URL, exchange });
    try {
      await publisher.publishMessage({
        type: original.type,
        messageId: original.message_id,
        payload: original.payload,
        headers: original.headers as Record<string, unknown>,
      });
      await waitFor("the re-delivery to be consumed", async () => {
        return (await consumed("duplicate")) === duplicatesBefore + 1;
      });
      // A re-publication with a NEW message id (not verbatim) is absorbed by the ledger.
      const processedBefore = await consumed("processed");
      await publisher.publish(orderPlaced, orderPlaced.schema.parse(original.payload), {
        messageId: randomUUID(),
      });
      await waitFor("the re-publication to be consumed", async () => {
        return (await consumed("processed")) === processedBefore + 1;
      });
      expect(await snapshot()).toEqual(before);

      // --- an unknown version is dead-lettered, never guessed at -----------------------
      await publisher.publishMessage({
        type: "order.placed",
        messageId: randomUUID(),
        payload: { ...(original.payload as object), version: 2 },
      });
      await waitFor("the v2 event to be dead-lettered", async () => {
        return (await consumed("rejected")) === 1;
      });
      const { messageCount } = await publisher.connection.queueDeclare({
        queue: `${consumedQueue}.dlq`,
        passive: true,
      });
      expect(messageCount).toBe(1);
      expect(await snapshot()).toEqual(before);
    } finally {
      await publisher.close();
    }

    // --- SIGTERM: each service drains and exits 0 -------------------------------------
    const codes = await Promise.all(procs.map((s) => s.stop()));
    expect(codes).toEqual([0, 0, 0]);
    console.log(
      `e2e: ${ORDERS} orders, ${paid} PAID, ${failed} PAYMENT_FAILED; ${replays} sequential ` +
        `key retries + ${concurrentPairs} concurrent pairs; ledger ${charged} charges + ` +
        `${declined} declines; provider: ${metricValue(m, "simulated_provider_calls")} calls, ` +
        `${metricValue(m, "simulated_provider_failures")} failures, ` +
        `${metricValue(m, "simulated_provider_lost_responses")} lost responses, ` +
        `${metricValue(m, "simulated_provider_replays")} replays`,
    );
  }, 240_000);
});
