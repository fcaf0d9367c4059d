import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool } from "../src/db/pool";
import { migrate } from "../src/db/migrate";
import { kitMigrations } from "../src/db/kit-migrations";
import { purgeExpired, RetentionJob } from "../src/retention";
import { TEST_DATABASE_URL, missingServers, skipWithoutServers, uniqueName } from "./servers";

const DAY = 86_400_000;

describe("retention purge (real PostgreSQL)", () => {
  const schema = uniqueName("kit_retention");
  const pool = createPool({ url: TEST_DATABASE_URL, schema, max: 2 });
  let ready = false;

  beforeAll(async () => {
    if ((await missingServers()).length > 0) return;
    await migrate(pool, { schema, migrations: kitMigrations });
    ready = true;
  });
  afterAll(async () => {
    if (ready) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  /** Rows aged `days` days, in each kit table. */
  async function seed(tag: string, days: number): Promise<void> {
    const at = `now() - interval '${days} days'`;
    await pool.query(
      `INSERT INTO "${schema}".inbox (consumer, message_id, received_at) VALUES ($1, $2, ${at})`,
      ["c", `${tag}-inbox`],
    );
    await pool.query(
      `INSERT INTO "${schema}".outbox (message_id, type, payload, created_at, sent_at)
       VALUES (gen_random_uuid(), $1, '{}', ${at}, ${at}), (gen_random_uuid(), $1, '{}', ${at}, NULL)`,
      [`${tag}.event`],
    );
    await pool.query(
      `INSERT INTO "${schema}".idempotency_keys (scope, key, fingerprint, created_at, expires_at)
       VALUES ('s', $1, 'f', ${at}, ${at} + interval '1 day')`,
      [`${tag}-key`],
    );
  }

  const remaining = async () => ({
    inbox: (await pool.query(`SELECT message_id FROM "${schema}".inbox ORDER BY 1`)).rows.map(
      (r: { message_id: string }) => r.message_id,
    ),
    outbox: (
      await pool.query(
        `SELECT type, sent_at IS NULL AS unsent FROM "${schema}".outbox ORDER BY 1, 2`,
      )
    ).rows,
    keys: (await pool.query(`SELECT key FROM "${schema}".idempotency_keys ORDER BY 1`)).rows.map(
      (r: { key: string }) => r.key,
    ),
  });

  it("deletes only what is past its retention, and never an unsent outbox row", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    await seed("old", 30);
    await seed("new", 2);
    const counts = await purgeExpired(pool, schema, {
      inboxRetentionMs: 14 * DAY,
      outboxRetentionMs: 7 * DAY,
    });
    expect(counts).toEqual({ inbox: 1, outbox: 1, idempotencyKeys: 2 });
    expect(await remaining()).toEqual({
      inbox: ["new-inbox"],
      outbox: [
        { type: "new.event", unsent: false },
        { type: "new.event", unsent: true },
        { type: "old.event", unsent: true },
      ],
      // Both keys have expired (each expires a day after it was created).
      keys: [],
    });
  });

  it("the job purges on demand and stops cleanly", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    await seed("job", 40);
    const job = new RetentionJob({
      pool,
      schema,
      inboxRetentionMs: 14 * DAY,
      outboxRetentionMs: 7 * DAY,
      intervalMs: 3_600_000,
    });
    job.start();
    await job.runOnce();
    await job.stop();
    expect((await remaining()).inbox).toEqual(["new-inbox"]);
  });
});
