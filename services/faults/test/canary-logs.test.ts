import { randomUUID } from "node:crypto";
import { request } from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { hashForLog } from "@causeway/kit";
import { skipWithoutServers } from "../../kit/test/servers";
import { killAllChildren } from "./children";
import type { World } from "./harness";
import { createWorld, uniqueName } from "./harness";
import { postJson } from "./http";
import { startGateway, startOrders } from "./services";

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    })
      .on("error", reject)
      .end();
  });
}

describe("privacy in logs: seeded canaries never appear in any log line (real gateway and orders)", () => {
  let world: World | undefined;
  afterAll(async () => {
    await killAllChildren();
    await world?.cleanup();
  });

  it("customer id, item names, Idempotency-Key and query strings stay out of every line, on success and failure", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const w = (world = await createWorld("canary"));
    const tag = randomUUID().slice(0, 8);
    const canary = {
      customer: `canary-customer-${tag}`,
      sku: `canary-sku-${tag}`,
      key: `canary-key-${tag}`,
      query: `canary-query-${tag}`,
      failingCustomer: `canary-500-${tag}`,
      transientCustomer: `canary-503-${tag}`,
    };
    // Debug level, the most talkative one: if it is clean, every level is.
    const debug = { LOG_LEVEL: "debug", DRAIN_DELAY_MS: "200" };
    const orders = await startOrders(w, uniqueName("faults.canary.orders"), debug);
    const gateway = await startGateway(orders.address, { ...debug, RATE_LIMIT_MAX: "0" });
    // Failures whose PostgreSQL error carries the row in DETAIL (as a constraint violation
    // does), one permanent (500) and one transient (503, retried by the gateway).
    await w.pool.query(`
      CREATE FUNCTION "${w.schema}".canary_fail() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.customer_id LIKE 'canary-500-%' THEN
          RAISE EXCEPTION 'canary failure' USING ERRCODE = 'P0001',
            DETAIL = 'Failing row contains (' || NEW.customer_id || ', ' || NEW.items::text || ').',
            HINT = NEW.idempotency_key;
        ELSIF NEW.customer_id LIKE 'canary-503-%' THEN
          RAISE EXCEPTION 'canary serialization failure' USING ERRCODE = '40001',
            DETAIL = 'Failing row contains (' || NEW.customer_id || ', ' || NEW.items::text || ').';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER canary_fail BEFORE INSERT ON "${w.schema}".orders
        FOR EACH ROW EXECUTE FUNCTION "${w.schema}".canary_fail();`);

    const items = [{ sku: canary.sku, quantity: 1, unitPriceCents: 100 }];
    const body = (customerId: string) => ({ customerId, currency: "EUR", items });
    const base = `${gateway.address}/orders`;
    const withQuery = `${base}?note=${canary.query}`;
    const key = { "idempotency-key": canary.key };
    const statuses = {
      created: (await postJson(withQuery, body(canary.customer), key)).status,
      replayed: (await postJson(withQuery, body(canary.customer), key)).status,
      reused: (await postJson(base, body(`${canary.customer}-other`), key)).status,
      invalid: (
        await postJson(
          withQuery,
          { ...body(canary.customer), currency: "XYZ" },
          {
            "idempotency-key": `${canary.key}-invalid`,
          },
        )
      ).status,
      overCap: (
        await postJson(
          base,
          {
            ...body(canary.customer),
            items: [{ sku: canary.sku, quantity: 11, unitPriceCents: 10_000_000 }],
          },
          { "idempotency-key": `${canary.key}-cap` },
        )
      ).status,
      failing: (
        await postJson(withQuery, body(canary.failingCustomer), {
          "idempotency-key": `${canary.key}-500`,
        })
      ).status,
      transient: (
        await postJson(withQuery, body(canary.transientCustomer), {
          "idempotency-key": `${canary.key}-503`,
        })
      ).status,
      missingKey: (await postJson(withQuery, body(canary.customer))).status,
      get: await get(`${gateway.address}/orders/${randomUUID()}?q=${canary.query}`),
      unmatched: await get(`${gateway.address}/nowhere?q=${canary.query}`),
    };
    expect(statuses).toEqual({
      created: 201,
      replayed: 201,
      reused: 422,
      invalid: 400,
      overCap: 400,
      failing: 500,
      transient: 503,
      missingKey: 400,
      get: 404,
      unmatched: 404,
    });
    expect(await gateway.child.kill("SIGTERM")).toBe(0);
    expect(await orders.child.kill("SIGTERM")).toBe(0);

    const lines = [
      ...gateway.child.lines,
      ...orders.child.lines,
      ...gateway.child.stderr().split("\n"),
      ...orders.child.stderr().split("\n"),
    ];
    const leaks = Object.entries(canary).flatMap(([name, value]) =>
      lines.filter((l) => l.includes(value)).map((l) => `${name}: ${l}`),
    );
    process.stdout.write(
      `canary-logs lines=${lines.length} canaries=${Object.keys(canary).length} leaks=${leaks.length}\n`,
    );
    expect(leaks).toEqual([]);
    // Not vacuous: the failures were logged, with their codes and without their rows, and the
    // key is there as its hash.
    const parsed = lines.flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
    const failures = parsed.filter((l) => l.msg === "request failed");
    const codes = failures.map((l) => (l.err as { code?: string } | undefined)?.code);
    expect(codes).toContain("P0001");
    expect(codes).toContain("40001");
    for (const f of failures) expect(f.err).not.toHaveProperty("detail");
    expect(parsed.some((l) => l.idempotencyKeyHash === hashForLog(canary.key))).toBe(true);
    expect(parsed.some((l) => (l.req as { url?: string } | undefined)?.url === "/orders")).toBe(
      true,
    );
  }, 90_000);
});
