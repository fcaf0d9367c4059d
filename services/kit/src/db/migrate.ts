import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Pool } from "pg";
import { quoteSchema } from "./identifiers";

export interface Migration {
  /** Unique, sortable id, e.g. "0001-orders". Applied once, in array order. */
  readonly id: string;
  readonly sql: string;
}

export interface MigrateOptions {
  readonly schema: string;
  readonly migrations: readonly Migration[];
}

/**
 * Applies pending migrations to `schema`, creating it if needed. Replicas starting together
 * serialise on a session advisory lock keyed by the schema, so exactly one applies each
 * migration and the others then see it as done. Each migration runs in its own transaction
 * with `search_path` set to the schema, so its SQL uses unqualified names. Returns the ids
 * applied by this call.
 */
export async function migrate(pool: Pool, opts: MigrateOptions): Promise<string[]> {
  const schema = quoteSchema(opts.schema);
  const ids = opts.migrations.map((m) => m.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new Error(`Duplicate migration id "${dup}"`);

  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query("SELECT pg_advisory_lock(hashtext('causeway.migrate'), hashtext($1))", [
      opts.schema,
    ]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${schema}.kit_migrations (
           id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const { rows } = await client.query<{ id: string }>(
        `SELECT id FROM ${schema}.kit_migrations`,
      );
      const done = new Set(rows.map((r) => r.id));
      for (const m of opts.migrations) {
        if (done.has(m.id)) continue;
        await client.query("BEGIN");
        try {
          await client.query(`SET LOCAL search_path TO ${schema}`);
          await client.query(m.sql);
          await client.query(`INSERT INTO ${schema}.kit_migrations (id) VALUES ($1)`, [m.id]);
          await client.query("COMMIT");
        } catch (err) {
          await client.query("ROLLBACK");
          throw new Error(`Migration "${m.id}" failed: ${(err as Error).message}`, {
            cause: err,
          });
        }
        applied.push(m.id);
      }
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtext('causeway.migrate'), hashtext($1))", [
        opts.schema,
      ]);
    }
  } finally {
    client.release();
  }
  return applied;
}

/** Reads `*.sql` files of a directory, sorted by name; the id is the file name without .sql. */
export async function loadSqlMigrations(dir: string): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort();
  return Promise.all(
    files.map(async (f) => ({ id: f.slice(0, -4), sql: await readFile(join(dir, f), "utf8") })),
  );
}
