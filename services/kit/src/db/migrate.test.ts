import { afterAll, describe, expect, it } from "vitest";
import { TEST_DATABASE_URL, skipWithoutServers, uniqueName } from "../../test/servers";
import { kitMigrations } from "./kit-migrations";
import { migrate } from "./migrate";
import { createPool } from "./pool";

describe("migrate (real PostgreSQL)", () => {
  const schema = uniqueName("kit_mig");
  const pool = createPool({ url: TEST_DATABASE_URL, schema, max: 6 });
  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pool.end();
  });

  const service = [
    ...kitMigrations,
    { id: "0001-orders", sql: "CREATE TABLE orders (id text PRIMARY KEY)" },
  ];

  it("applies each migration exactly once when replicas race", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => migrate(pool, { schema, migrations: service })),
    );
    expect(runs.flat().sort()).toEqual(service.map((m) => m.id).sort());
    expect(await migrate(pool, { schema, migrations: service })).toEqual([]);
    // search_path makes the service's table reachable unqualified (on connections opened after
    // migration, as createRuntime does).
    const servicePool = createPool({ url: TEST_DATABASE_URL, schema, max: 1 });
    try {
      await servicePool.query("INSERT INTO orders (id) VALUES ('o1')");
      const { rows } = await servicePool.query(`SELECT count(*)::int AS n FROM "${schema}".orders`);
      expect(rows[0].n).toBe(1);
    } finally {
      await servicePool.end();
    }
  });

  it("rolls back a failing migration and names it", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const bad = [...service, { id: "0002-bad", sql: "CREATE TABLE t (id int); SELECT nope" }];
    await expect(migrate(pool, { schema, migrations: bad })).rejects.toThrow(
      'Migration "0002-bad" failed: column "nope" does not exist',
    );
    const { rows } = await pool.query(`SELECT to_regclass('"${schema}".t') AS t`);
    expect(rows[0].t).toBeNull();
  });

  it("rejects duplicate ids before touching the database", async () => {
    await expect(
      migrate(pool, { schema, migrations: [service.at(-1)!, service.at(-1)!] }),
    ).rejects.toThrow('Duplicate migration id "0001-orders"');
  });
});
