import type { Pool } from "pg";
import type { Connection } from "rabbitmq-client";

/** Polls `check` until it returns true; fails after `timeoutMs` (a bound, not an assertion). */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function count(pool: Pool, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT (${sql})::int AS n`, params);
  return rows[0]!.n;
}

export async function queueDepth(conn: Connection, queue: string): Promise<number> {
  const { messageCount } = await conn.queueDeclare({ queue, passive: true });
  return messageCount;
}

/** Deletes queues and an exchange, ignoring ones that are already gone. */
export async function deleteTopology(
  conn: Connection,
  queues: readonly string[],
  exchange?: string,
): Promise<void> {
  for (const queue of queues) await conn.queueDelete({ queue }).catch(() => undefined);
  if (exchange) await conn.exchangeDelete({ exchange }).catch(() => undefined);
}
