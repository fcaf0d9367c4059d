import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { skipWithoutServers } from "../../kit/test/servers";
import { killAllChildren } from "./children";
import type { World } from "./harness";
import { createWorld, queueDepth, summarize, waitFor } from "./harness";
import { TEST_TIMEOUT_MS, scaled } from "./scale";
import type { RunningService } from "./services";
import { startPayments, uniqueName } from "./services";

const ORDERS = scaled(150, 1_500);
const KILLS = scaled(3, 12);

/**
 * The provider fails before charging (30 %) and loses responses after charging (30 %), with
 * latency, so at any moment some orders are charged at the provider but not yet in the ledger;
 * payments is SIGKILLed in the middle of that, again and again. Witnesses: the provider's own
 * books in PostgreSQL (charges per order, whatever key was used) and the ledger.
 */
describe("F8: payments SIGKILLed repeatedly while the provider fails and loses responses", () => {
  let world: World | undefined;
  afterAll(async () => {
    await killAllChildren();
    await world?.cleanup();
  });

  it(
    `${ORDERS} orders, ${KILLS} SIGKILLs: 1 provider charge and 1 ledger row per order, 0 lost`,
    async (ctx) => {
      if (await skipWithoutServers(ctx)) return;
      const w = (world = await createWorld("f8"));
      const prefix = uniqueName("f8.payments");
      const pay = `${w.schema}_pay`;
      const provider = `${pay}_provider`;
      const env = {
        PROVIDER_FAILURE_RATE: "0.3",
        PROVIDER_LOST_RESPONSE_RATE: "0.3",
        PROVIDER_DECLINE_RATE: "0.1",
        PROVIDER_LATENCY_MS: "30",
        PROVIDER_SEED: String(Date.now() % 100_000),
        // The default horizon's shape (12 attempts, doubling, capped), scaled to the test.
        CONSUMER_RETRY_MAX_ATTEMPTS: "12",
        CONSUMER_RETRY_BASE_DELAY_MS: "50",
        CONSUMER_RETRY_MAX_DELAY_MS: "1000",
        DRAIN_DELAY_MS: "0",
      };
      const start = () => startPayments(w, prefix, env, pay);
      let payments: RunningService = await start();

      const send = w.rawSender();
      const orders = Array.from({ length: ORDERS }, (_, i) => ({
        version: 1,
        orderId: randomUUID(),
        customerId: `cus_${i % 13}`,
        currency: "EUR",
        amountCents: 100 + i,
        items: [{ sku: `sku-${i % 7}`, quantity: 1, unitPriceCents: 100 + i }],
        placedAt: new Date().toISOString(),
      }));
      for (const o of orders) {
        await send("order.placed", Buffer.from(JSON.stringify(o)));
      }

      const count = async (sql: string) =>
        Number((await w.pool.query<{ n: string }>(`SELECT (${sql}) AS n`)).rows[0]!.n);
      const ledgerRows = () => count(`SELECT count(*) FROM "${pay}".charges`);
      // Charged at the provider, not (yet) in the ledger: the window a kill must not break.
      const chargedUnrecorded = () =>
        count(
          `SELECT count(*) FROM "${provider}".charges c
           WHERE NOT EXISTS (SELECT 1 FROM "${pay}".charges l WHERE l.order_id::text = c.reference)`,
        );

      let inWindowAtKill = 0;
      for (let k = 1; k <= KILLS; k++) {
        const threshold = Math.floor((ORDERS * k) / (KILLS + 1));
        // The kill waits for a moment inside the window (charged, not yet recorded): between two
        // batches there is none, and a kill there would test nothing.
        let inWindow = 0;
        await waitFor(
          `${threshold} ledger rows and an order charged but unrecorded before kill ${k}`,
          async () => {
            if ((await ledgerRows()) < threshold) return false;
            inWindow = await chargedUnrecorded();
            return inWindow > 0;
          },
          scaled(60_000, 300_000),
          5,
        );
        inWindowAtKill += inWindow;
        payments.child.proc.kill("SIGKILL");
        expect(await payments.child.exited).toBe("SIGKILL");
        payments = await start();
      }
      await waitFor(
        "every order in the ledger",
        async () => (await ledgerRows()) >= ORDERS,
        scaled(90_000, 600_000),
        100,
      );
      await waitFor(
        "the queue to drain",
        async () => (await queueDepth(w.admin, `${prefix}.order-placed`)) === 0,
      );
      expect(await payments.child.kill("SIGTERM")).toBe(0);

      const ids = orders.map((o) => o.orderId);
      const { rows } = await w.pool.query<{
        lost: number;
        ledger_extra: number;
        provider_extra: number;
        provider_missing: number;
        mismatched: number;
        retried_calls: number;
      }>(
        `WITH sent(id) AS (SELECT unnest($1::uuid[])),
              l AS (SELECT order_id, count(*) AS n FROM "${pay}".charges GROUP BY order_id),
              p AS (SELECT reference, count(*) AS n FROM "${provider}".charges GROUP BY reference)
         SELECT
           (SELECT count(*) FROM sent WHERE id NOT IN (SELECT order_id FROM l))::int AS lost,
           (SELECT coalesce(sum(n - 1), 0) FROM l)::int AS ledger_extra,
           (SELECT coalesce(sum(n - 1), 0) FROM p)::int AS provider_extra,
           (SELECT count(*) FROM sent WHERE id::text NOT IN (SELECT reference FROM p))::int
             AS provider_missing,
           -- ledger rows whose charge id or status differ from the provider's books
           (SELECT count(*) FROM "${pay}".charges l
              LEFT JOIN "${provider}".charges c ON c.reference = l.order_id::text
             WHERE c.id IS DISTINCT FROM l.provider_charge_id OR c.status <> l.status)::int
             AS mismatched,
           (SELECT coalesce(sum(calls - 1), 0) FROM "${provider}".idempotency_keys)::int
             AS retried_calls`,
        [ids],
      );
      const r = rows[0]!;
      const dlq = await queueDepth(w.admin, `${prefix}.order-placed.dlq`);
      summarize("F8", {
        sent: ORDERS,
        effects: await ledgerRows(),
        lost: r.lost,
        duplicates: r.ledger_extra + r.provider_extra,
        redeliveries: r.retried_calls,
        dlq,
      });
      process.stdout.write(
        `F8 kills=${KILLS} charged-not-yet-recorded-at-kill=${inWindowAtKill} ` +
          `provider-calls-retried=${r.retried_calls}\n`,
      );
      expect(r).toMatchObject({
        lost: 0,
        ledger_extra: 0,
        provider_extra: 0,
        provider_missing: 0,
        mismatched: 0,
      });
      expect(await ledgerRows()).toBe(ORDERS);
      expect(dlq).toBe(0);
      // The faults really happened: retried provider calls, and kills inside the window.
      expect(r.retried_calls).toBeGreaterThan(0);
      expect(inWindowAtKill).toBeGreaterThan(0);
    },
    TEST_TIMEOUT_MS,
  );
});
