import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { skipWithoutServers } from "../../kit/test/servers";
import { killAllChildren } from "./children";
import type { HttpResult } from "./http";
import { orderBody, postJson } from "./http";
import type { World } from "./harness";
import { createWorld, sleep, summarize, uniqueName } from "./harness";
import { TEST_TIMEOUT_MS, scaled } from "./scale";
import { startGateway, startOrders } from "./services";

/** How long both clients send: 12 s in `npm test`, 5 minutes at full count. */
const DURATION_MS = scaled(12_000, 300_000);
const HOSTILE_PER_SECOND = 10;
const GOOD_PER_SECOND = 5;
const TEST_REDIS_URL = process.env.KIT_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/**
 * What the hostile client sends, in turn. The first four are schema-valid and fail on
 * purpose: an input that makes orders answer 500 (a bug its data triggers, here a database
 * trigger), a total above the cap, a key reused for another order, the same key while in flight.
 * The last three are the inputs that used to be 500s (price 0, NUL, lone surrogate) and XYZ.
 */
const HOSTILE_KINDS = [
  ...["500", "500", "500", "500", "500", "500"],
  ...["over-cap", "key-reused", "price-0", "nul", "surrogate", "xyz"],
];

describe("F10: a hostile client at 10/s does not starve another (real gateway, orders, Redis)", () => {
  let world: World | undefined;
  afterAll(async () => {
    await killAllChildren();
    await world?.cleanup();
  });

  it(
    "the second client's success rate stays at 99% or more and no order is lost",
    async (ctx) => {
      if (await skipWithoutServers(ctx)) return;
      const w = (world = await createWorld("f10"));
      const env = { DRAIN_DELAY_MS: "200" };
      const orders = await startOrders(w, uniqueName("faults.f10.orders"), env);
      // Behind one trusted proxy (as behind the ALB), so each client is its X-Forwarded-For
      // address; the limit (80 per 10 s, counted in Redis) is above the good client's 5/s
      // and below the hostile client's 10/s.
      const gateway = await startGateway(orders.address, {
        ...env,
        TRUST_PROXY_HOPS: "1",
        RATE_LIMIT_MAX: "80",
        RATE_LIMIT_WINDOW_MS: "10000",
        RATE_LIMIT_REDIS_URL: TEST_REDIS_URL,
        RATE_LIMIT_REDIS_PREFIX: `${uniqueName("causeway-test:f10")}:`,
      });
      await w.pool.query(`
        CREATE FUNCTION "${w.schema}".f10_bug() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.customer_id = 'f10-hostile-bug' THEN
            RAISE EXCEPTION 'a bug this input triggers' USING ERRCODE = 'P0001';
          END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER f10_bug BEFORE INSERT ON "${w.schema}".orders
          FOR EACH ROW EXECUTE FUNCTION "${w.schema}".f10_bug();`);
      const url = `${gateway.address}/orders`;
      const as = (ip: string, key: string) => ({
        "idempotency-key": key,
        "x-forwarded-for": ip,
      });
      const reusedKey = randomUUID();
      await postJson(url, orderBody("f10-hostile"), as("203.0.113.66", reusedKey));

      const hostile = (n: number): Promise<HttpResult> => {
        const kind = HOSTILE_KINDS[n % HOSTILE_KINDS.length]!;
        const base = orderBody("f10-hostile");
        const item = base.items[0]!;
        const body =
          kind === "500"
            ? orderBody("f10-hostile-bug")
            : kind === "over-cap"
              ? { ...base, items: [{ ...item, quantity: 1000, unitPriceCents: 10_000_000 }] }
              : kind === "key-reused"
                ? orderBody(`f10-hostile-${n}`)
                : kind === "price-0"
                  ? { ...base, items: [{ ...item, unitPriceCents: 0 }] }
                  : kind === "nul"
                    ? { ...base, customerId: "f10\u0000" }
                    : kind === "surrogate"
                      ? { ...base, items: [{ ...item, sku: "\uD800" }] }
                      : { ...base, currency: "XYZ" };
        const key = kind === "key-reused" ? reusedKey : randomUUID();
        return postJson(url, body, as("203.0.113.66", key));
      };

      const good: Array<{ key: string; result: Promise<HttpResult | Error> }> = [];
      const bad: Array<Promise<HttpResult | Error>> = [];
      const started = Date.now();
      let second = 0;
      while (Date.now() - started < DURATION_MS) {
        // Each second: the hostile client's 10 requests in one burst (its 500s reach orders
        // back to back, the worst case for a breaker that counted them), and the good
        // client's 5 spread over the second. Nothing is awaited before the next is sent.
        for (let i = 0; i < HOSTILE_PER_SECOND; i++) {
          bad.push(hostile(second * HOSTILE_PER_SECOND + i).catch((e: Error) => e));
        }
        for (let i = 0; i < GOOD_PER_SECOND; i++) {
          const key = randomUUID();
          good.push({
            key,
            result: postJson(url, orderBody(`f10-good-${key}`), as("203.0.113.20", key)).catch(
              (e: Error) => e,
            ),
          });
          await sleep(
            Math.max(0, started + second * 1000 + ((i + 1) * 1000) / GOOD_PER_SECOND - Date.now()),
          );
        }
        second++;
      }
      const goodResults = await Promise.all(good.map((g) => g.result));
      const badResults = await Promise.all(bad);

      const created = new Map<string, string>();
      goodResults.forEach((r, i) => {
        if (!(r instanceof Error) && r.status === 201) {
          created.set(good[i]!.key, (JSON.parse(r.body) as { id: string }).id);
        }
      });
      const { rows } = await w.pool.query<{ key: string; n: number }>(
        `SELECT idempotency_key AS key, count(*)::int AS n FROM "${w.schema}".orders
         WHERE customer_id LIKE 'f10-good-%' GROUP BY idempotency_key`,
      );
      const stored = new Map(rows.map((r) => [r.key, r.n]));
      const lost = [...created.keys()].filter((k) => !stored.has(k)).length;
      const duplicates = rows.reduce((sum, r) => sum + r.n - 1, 0);
      const hostileStatuses: Record<string, number> = {};
      for (const r of badResults) {
        const s = r instanceof Error ? "error" : String(r.status);
        hostileStatuses[s] = (hostileStatuses[s] ?? 0) + 1;
      }
      const goodStatuses: Record<string, number> = {};
      for (const r of goodResults) {
        const s = r instanceof Error ? "error" : String(r.status);
        goodStatuses[s] = (goodStatuses[s] ?? 0) + 1;
      }
      const successRate = created.size / good.length;
      summarize("F10", {
        sent: good.length,
        effects: rows.length,
        lost,
        duplicates,
        redeliveries: 0,
        dlq: 0,
      });
      process.stdout.write(
        `F10 good=${JSON.stringify(goodStatuses)} success=${(successRate * 100).toFixed(2)}% ` +
          `hostile=${bad.length} ${JSON.stringify(hostileStatuses)}\n`,
      );

      expect(successRate).toBeGreaterThanOrEqual(0.99);
      expect(lost).toBe(0);
      expect(duplicates).toBe(0);
      // Every order the good client was told about is stored, and nothing else was.
      expect(rows.length).toBe(created.size);
      // The hostile client got answers about its own requests: 500 for the bug, 400s, 422, and
      // 429 once past its own limit; it never opened the circuit (no 503 for anyone).
      expect(hostileStatuses["500"]).toBeGreaterThan(0);
      expect(hostileStatuses["400"]).toBeGreaterThan(0);
      expect(hostileStatuses["429"]).toBeGreaterThan(0);
      expect(hostileStatuses["503"] ?? 0).toBe(0);
      expect(goodStatuses["503"] ?? 0).toBe(0);
      expect(await gateway.child.kill("SIGTERM")).toBe(0);
      expect(await orders.child.kill("SIGTERM")).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );
});
