import { createPool, migrate } from "@causeway/kit";
import type { Pool } from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_DATABASE_URL, skipWithoutServers, uniqueName } from "../../../kit/test/servers";
import { PgBooks, providerMigrations } from "./books";
import { SimulatedProvider } from "./simulated";

const req = (key: string) => ({
  idempotencyKey: key,
  reference: key,
  customerId: "cus_1",
  amountCents: 1000,
  currency: "EUR",
});

describe("SimulatedProvider with its books in PostgreSQL (PgBooks)", () => {
  const schema = uniqueName("provider_books");
  const pools: Pool[] = [];
  const open = async () => {
    const pool = createPool({ url: TEST_DATABASE_URL, schema, max: 4 });
    pools.push(pool);
    await migrate(pool, { schema, migrations: await providerMigrations() });
    return new PgBooks(pool);
  };
  afterAll(async () => {
    await pools[0]?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await Promise.all(pools.map((p) => p.end()));
  });

  it("remembers keys across a restart, charges once under concurrency, honours the outage switch", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    // Every response lost: the charge is made, the caller never hears of it.
    const first = new SimulatedProvider({ books: await open(), lostResponseRate: 1 });
    await expect(first.charge(req("order-1"))).rejects.toMatchObject({ kind: "response_lost" });

    // "Restart": a new provider on new connections to the same books.
    const books = await open();
    const second = new SimulatedProvider({ books });
    const answer = await second.charge(req("order-1"));
    expect(answer.status).toBe("succeeded");
    expect(second.stats).toMatchObject({ replays: 1, created: { succeeded: 0, declined: 0 } });
    expect(await books.chargesFor("order-1")).toEqual([
      expect.objectContaining({ chargeId: answer.chargeId, idempotencyKey: "order-1" }),
    ]);

    // 20 concurrent calls with a new key: one charge, 19 replays of it.
    const results = await Promise.all(
      Array.from({ length: 20 }, () => second.charge(req("order-2"))),
    );
    expect(new Set(results.map((r) => r.chargeId)).size).toBe(1);
    expect(await books.chargesFor("order-2")).toHaveLength(1);

    // The same key with another amount is refused, and nothing is charged.
    await expect(second.charge({ ...req("order-2"), amountCents: 5 })).rejects.toMatchObject({
      kind: "rejected",
    });
    expect(await books.chargesFor("order-2")).toHaveLength(1);

    // Outage switch: every call fails before charging until it is lifted.
    await books.setDownUntil(new Date(Date.now() + 60_000));
    await expect(second.charge(req("order-3"))).rejects.toMatchObject({ kind: "unavailable" });
    expect(await books.chargesFor("order-3")).toHaveLength(0);
    await books.setDownUntil(null);
    expect((await second.charge(req("order-3"))).status).toBe("succeeded");

    // Keys expire after the retention (24 h by default); charges stay on the books.
    expect(await books.purgeExpiredKeys(0)).toBe(3);
    expect(await books.chargesFor("order-1")).toHaveLength(1);
  });
});
