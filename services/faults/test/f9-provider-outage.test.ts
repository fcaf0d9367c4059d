import { randomUUID } from "node:crypto";
import { DlqTool } from "@causeway/kit";
import { afterAll, describe, expect, it } from "vitest";
import { skipWithoutServers } from "../../kit/test/servers";
import { killAllChildren } from "./children";
import type { World } from "./harness";
import { TEST_AMQP_URL, createWorld, queueDepth, sleep, summarize, waitFor } from "./harness";
import { orderBody, postJson } from "./http";
import { FULL, TEST_TIMEOUT_MS, scaled } from "./scale";
import { startOrders, startPayments, uniqueName } from "./services";

const ORDERS = scaled(60, 300);
/** The outage: 5 minutes at full scale; in `npm test` 12 s, 0.04 of it. */
const OUTAGE_MS = scaled(12_000, 300_000);
/**
 * Full scale runs the services' default retry policy (12 attempts, 1 s doubling, 60 s cap:
 * 181.5 to 363 s). `npm test` scales it by the same 0.04 (40 ms doubling, 2.4 s cap: 7.3 to
 * 14.5 s), so against the outage the horizon has the same shape: some orders outlast it,
 * others are parked and need the reconciler or a DLQ replay.
 */
const RETRY_ENV: Record<string, string> = FULL
  ? {}
  : {
      CONSUMER_RETRY_MAX_ATTEMPTS: "12",
      CONSUMER_RETRY_BASE_DELAY_MS: "40",
      CONSUMER_RETRY_MAX_DELAY_MS: "2400",
    };
/** The reconciler re-drives orders PENDING this long (default 15 min, scaled for the test). */
const RECONCILE_ENV = {
  RECONCILE_PENDING_AFTER_MS: String(scaled(6_000, 120_000)),
  RECONCILE_INTERVAL_MS: String(scaled(1_000, 10_000)),
};

describe("F9: the payment provider is down for minutes, then recovers", () => {
  let world: World | undefined;
  afterAll(async () => {
    await killAllChildren();
    await world?.cleanup();
  });

  it(
    `${ORDERS} orders during a ${OUTAGE_MS / 1000} s outage: 0 PENDING after, 0 double-charged, DLQ empty or replayed`,
    async (ctx) => {
      if (await skipWithoutServers(ctx)) return;
      const w = (world = await createWorld("f9"));
      const pay = `${w.schema}_pay`;
      const provider = `${pay}_provider`;
      const ordersPrefix = uniqueName("f9.orders");
      const paymentsPrefix = uniqueName("f9.payments");
      const common = { ...RETRY_ENV, DRAIN_DELAY_MS: "0" };
      const [payments, orders] = await Promise.all([
        startPayments(w, paymentsPrefix, { ...common, PROVIDER_LATENCY_MS: "20" }, pay),
        startOrders(w, ordersPrefix, { ...common, ...RECONCILE_ENV }),
      ]);

      // The provider goes down (its operator switch, in its own books), then orders arrive.
      const { rows: down } = await w.pool.query<{ until: Date }>(
        `UPDATE "${provider}".switches SET down_until = now() + $1 * interval '1 millisecond'
         WHERE id = 1 RETURNING down_until AS until`,
        [OUTAGE_MS],
      );
      const run = randomUUID().slice(0, 8);
      for (let i = 0; i < ORDERS; i++) {
        const res = await postJson(
          `${orders.address}/orders`,
          orderBody(`cus_${i % 11}`, 1 + (i % 3)),
          {
            "idempotency-key": `f9-${run}-${i}`,
          },
        );
        expect(res.status).toBe(201);
        // Spread over the first half of the outage, so the orders meet it at every stage.
        await sleep(OUTAGE_MS / 2 / ORDERS);
      }
      const count = async (sql: string) =>
        Number((await w.pool.query<{ n: string }>(`SELECT (${sql}) AS n`)).rows[0]!.n);
      const pending = () =>
        count(`SELECT count(*) FROM "${w.schema}".orders WHERE status = 'PENDING'`);
      await sleep(Math.max(0, down[0]!.until.getTime() - Date.now()));
      const pendingAtRecovery = await pending();

      await waitFor(
        "no order PENDING",
        async () => (await pending()) === 0,
        scaled(90_000, 600_000),
        250,
      );

      // Whatever was parked is replayed with the operators' tool; the ledger makes it a no-op.
      const dlqName = `${paymentsPrefix}.order-placed.dlq`;
      const parked = await queueDepth(w.admin, dlqName);
      const tool = await DlqTool.connect(TEST_AMQP_URL);
      let replayed = 0;
      try {
        if (parked > 0) replayed = await tool.replay(dlqName);
      } finally {
        await tool.close();
      }
      await waitFor("the DLQ and work queue to drain", async () => {
        return (
          (await queueDepth(w.admin, dlqName)) === 0 &&
          (await queueDepth(w.admin, `${paymentsPrefix}.order-placed`)) === 0
        );
      });

      const { rows } = await w.pool.query<{
        orders: number;
        pending: number;
        no_ledger: number;
        ledger_extra: number;
        provider_extra: number;
        no_charge: number;
        mismatched: number;
        charged_while_down: number;
        redriven: number;
      }>(
        `WITH o AS (SELECT id, status, redrive_count FROM "${w.schema}".orders),
              l AS (SELECT order_id, count(*) AS n, min(status) AS status FROM "${pay}".charges GROUP BY order_id),
              p AS (SELECT reference, count(*) AS n FROM "${provider}".charges GROUP BY reference)
         SELECT (SELECT count(*) FROM o)::int AS orders,
                (SELECT count(*) FROM o WHERE status = 'PENDING')::int AS pending,
                (SELECT count(*) FROM o WHERE id NOT IN (SELECT order_id FROM l))::int AS no_ledger,
                (SELECT coalesce(sum(n - 1), 0) FROM l)::int AS ledger_extra,
                (SELECT coalesce(sum(n - 1), 0) FROM p)::int AS provider_extra,
                (SELECT count(*) FROM o WHERE id::text NOT IN (SELECT reference FROM p))::int AS no_charge,
                (SELECT count(*) FROM o JOIN l ON l.order_id = o.id
                  WHERE (o.status = 'PAID') <> (l.status = 'succeeded'))::int AS mismatched,
                (SELECT count(*) FROM "${provider}".charges WHERE created_at < $1)::int
                  AS charged_while_down,
                (SELECT coalesce(sum(redrive_count), 0) FROM o)::int AS redriven`,
        [down[0]!.until],
      );
      const r = rows[0]!;
      const dlq = await queueDepth(w.admin, dlqName);
      const ordersDlqs =
        (await queueDepth(w.admin, `${ordersPrefix}.payment-succeeded.dlq`)) +
        (await queueDepth(w.admin, `${ordersPrefix}.payment-failed.dlq`));
      summarize("F9", {
        sent: ORDERS,
        effects: r.orders - r.pending,
        lost: r.pending + r.no_ledger,
        duplicates: r.ledger_extra + r.provider_extra,
        redeliveries: r.redriven,
        dlq: dlq + ordersDlqs,
      });
      process.stdout.write(
        `F9 outage=${OUTAGE_MS / 1000}s pending-at-recovery=${pendingAtRecovery} ` +
          `re-driven=${r.redriven} parked=${parked} replayed=${replayed}\n`,
      );
      expect(await payments.child.kill("SIGTERM")).toBe(0);
      expect(await orders.child.kill("SIGTERM")).toBe(0);
      expect(r).toEqual({
        orders: ORDERS,
        pending: 0,
        no_ledger: 0,
        ledger_extra: 0,
        provider_extra: 0,
        no_charge: 0,
        mismatched: 0,
        charged_while_down: 0,
        redriven: r.redriven,
      });
      expect(dlq + ordersDlqs).toBe(0);
      // The outage really outlasted the consumers' retries: orders were PENDING at recovery,
      // and the recovery needed the reconciler or the DLQ.
      expect(pendingAtRecovery).toBeGreaterThan(0);
      expect(r.redriven + parked).toBeGreaterThan(0);
    },
    TEST_TIMEOUT_MS,
  );
});
