import { randomUUID } from "node:crypto";
import { Limits } from "@causeway/contracts";
import { createPool, kitMigrations, migrate } from "@causeway/kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  TEST_DATABASE_URL,
  missingServers,
  skipWithoutServers,
  uniqueName,
} from "../../kit/test/servers";
import { ordersMigrations } from "./migrations";

/**
 * The database constraints of orders state the admission contract's limits (`Limits`): each
 * bound is accepted at the limit and refused one past it, by the real PostgreSQL.
 */
describe("orders constraints = the admission contract (real PostgreSQL)", () => {
  const schema = uniqueName("orders_adm");
  const pool = createPool({ url: TEST_DATABASE_URL, schema, max: 2 });

  beforeAll(async () => {
    if ((await missingServers()).length > 0) return;
    await migrate(pool, { schema, migrations: [...kitMigrations, ...(await ordersMigrations())] });
  });
  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pool.end();
  });

  const item = { sku: "s", quantity: 1, unitPriceCents: 1 };
  const insert = async (row: {
    customerId?: string;
    currency?: string;
    amountCents?: number;
    items?: unknown;
  }): Promise<string> => {
    try {
      await pool.query(
        `INSERT INTO orders (id, idempotency_key, customer_id, currency, amount_cents, items)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          randomUUID(),
          randomUUID(),
          row.customerId ?? "c",
          row.currency ?? "EUR",
          row.amountCents ?? 1,
          JSON.stringify(row.items ?? [item]),
        ],
      );
      return "accepted";
    } catch (err) {
      const e = err as { code?: string; constraint?: string };
      return `${e.code}:${e.constraint}`;
    }
  };

  it("amount_cents: Limits.amountCents", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const { minimum, maximum } = Limits.amountCents;
    expect(await insert({ amountCents: minimum })).toBe("accepted");
    expect(await insert({ amountCents: maximum })).toBe("accepted");
    expect(await insert({ amountCents: minimum - 1 })).toMatch(/^23514:orders_amount_cents/);
    expect(await insert({ amountCents: maximum + 1 })).toBe("23514:orders_amount_cents_range");
  });

  it("customer_id: Limits.customerId, counted in code points", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const { minLength, maxLength } = Limits.customerId;
    const astral = "\u{1F600}";
    expect(await insert({ customerId: astral.repeat(maxLength) })).toBe("accepted");
    expect(await insert({ customerId: "x".repeat(minLength) })).toBe("accepted");
    expect(await insert({ customerId: "x".repeat(maxLength + 1) })).toBe(
      "23514:orders_customer_id_length",
    );
    expect(await insert({ customerId: "" })).toBe("23514:orders_customer_id_length");
  });

  it("items: Limits.items; currency: three capitals", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const { minItems, maxItems } = Limits.items;
    expect(await insert({ items: Array(maxItems).fill(item) })).toBe("accepted");
    expect(await insert({ items: Array(minItems).fill(item) })).toBe("accepted");
    expect(await insert({ items: Array(maxItems + 1).fill(item) })).toBe(
      "23514:orders_items_count",
    );
    expect(await insert({ items: [] })).toBe("23514:orders_items_count");
    expect(await insert({ items: { not: "an array" } })).toBe("23514:orders_items_count");
    expect(await insert({ currency: "eur" })).toBe("23514:orders_currency_code");
  });
});
