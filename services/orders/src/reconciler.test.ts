import { createPool, kitMigrations, migrate, withTransaction } from "@causeway/kit";
import { Registry } from "prom-client";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_DATABASE_URL, skipWithoutServers, uniqueName } from "../../kit/test/servers";
import { loadOrdersConfig } from "./config";
import { ordersMigrations } from "./migrations";
import { Reconciler, ordersMetrics } from "./reconciler";
import { insertOrder, settleOrder } from "./store";

const body = (n: number) => ({
  customerId: `cus_${n}`,
  currency: "EUR",
  items: [{ sku: "book", quantity: 1, unitPriceCents: 1000 + n }],
});

describe("Reconciler (real PostgreSQL)", () => {
  const schema = uniqueName("orders_rec");
  const pool = createPool({ url: TEST_DATABASE_URL, schema, max: 4 });
  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pool.end();
  });

  it("re-drives orders PENDING past the deadline through the outbox, one instance at a time", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    await migrate(pool, { schema, migrations: [...kitMigrations, ...(await ordersMigrations())] });
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) {
      const r = await withTransaction(pool, (tx) => insertOrder(tx, `key-${n}`, body(n)));
      if (r.outcome === "key-reused") throw new Error("unexpected");
      ids.push(r.order.id);
    }
    const [stale, paid, tooOld, fresh, staleToo] = ids as [string, string, string, string, string];
    // Ages: 3 stale ones (10 min), one of them then PAID; one past the max age; one fresh.
    await pool.query(
      `UPDATE orders SET created_at = now() - interval '10 minutes' WHERE id = ANY($1)`,
      [[stale, paid, staleToo]],
    );
    await pool.query(`UPDATE orders SET created_at = now() - interval '3 hours' WHERE id = $1`, [
      tooOld,
    ]);
    await withTransaction(pool, (tx) => settleOrder(tx, paid, "PAID", "ch_1"));

    const registry = new Registry();
    let kicks = 0;
    const reconciler = new Reconciler({
      pool,
      schema,
      pendingAfterMs: 60_000,
      intervalMs: 60_000,
      maxAgeMs: 7_200_000,
      onEnqueued: () => kicks++,
      metrics: ordersMetrics(registry, pool),
    });

    // Another replica holds the lock: this pass does nothing.
    const other = await pool.connect();
    try {
      await other.query("BEGIN");
      await other.query(
        "SELECT pg_advisory_xact_lock(hashtext('causeway.reconciler'), hashtext($1))",
        [schema],
      );
      expect(await reconciler.runOnce()).toEqual({ locked: false, redriven: [] });
    } finally {
      await other.query("ROLLBACK");
      other.release();
    }

    const first = await reconciler.runOnce();
    expect(first.locked).toBe(true);
    expect([...first.redriven].sort()).toEqual([stale, staleToo].sort());
    expect(kicks).toBe(1);
    const { rows } = await pool.query<{ payload: { orderId: string }; headers: object }>(
      `SELECT payload, headers FROM outbox WHERE type = 'order.placed' ORDER BY id`,
    );
    expect(rows.map((r) => r.payload.orderId).sort()).toEqual([stale, staleToo].sort());
    expect(rows.every((r) => JSON.stringify(r.headers) === '{"x-causeway-redrive":1}')).toBe(true);
    expect(rows[0]!.payload).toMatchObject({
      version: 1,
      currency: "EUR",
      amountCents: expect.any(Number),
    });

    // Re-driven just now: not again before the deadline passes once more.
    expect((await reconciler.runOnce()).redriven).toEqual([]);
    await pool.query(`UPDATE orders SET redriven_at = now() - interval '2 minutes' WHERE id = $1`, [
      stale,
    ]);
    expect((await reconciler.runOnce()).redriven).toEqual([stale]);
    const { rows: counts } = await pool.query<{ redrive_count: number }>(
      "SELECT redrive_count FROM orders WHERE id = $1",
      [stale],
    );
    expect(counts[0]!.redrive_count).toBe(2);
    expect(fresh).toBeDefined();

    const metrics = await registry.getMetricsAsJSON();
    const value = (name: string) => metrics.find((m) => m.name === name)!.values[0]!.value;
    expect(value("orders_pending")).toBe(4);
    expect(value("orders_pending_oldest_age_seconds")).toBeGreaterThan(3 * 3600 - 60);
    expect(value("orders_redriven_total")).toBe(3);
  });

  it("refuses a max age that does not exceed the deadline, and reads its settings from env", () => {
    expect(
      () =>
        new Reconciler({
          pool,
          schema,
          pendingAfterMs: 10_000,
          intervalMs: 1_000,
          maxAgeMs: 10_000,
        }),
    ).toThrow("reconciler: maxAgeMs (10000) must exceed pendingAfterMs (10000)");
    const env = { SERVICE_NAME: "orders", DATABASE_URL: TEST_DATABASE_URL, AMQP_URL: "amqp://x" };
    expect(loadOrdersConfig(env)).toMatchObject({
      RECONCILE_PENDING_AFTER_MS: 900_000,
      RECONCILE_INTERVAL_MS: 60_000,
      RECONCILE_MAX_AGE_MS: 43_200_000,
    });
    expect(() => loadOrdersConfig({ ...env, RECONCILE_MAX_AGE_MS: "90000000" })).toThrow(
      "RECONCILE_MAX_AGE_MS: must be an integer from 2000 to 72000000",
    );
  });
});
