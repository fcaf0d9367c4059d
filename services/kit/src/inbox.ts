import type { Pool, PoolClient } from "pg";
import { withClient } from "./db/client";
import { quoteSchema } from "./db/identifiers";

export type InboxResult = "processed" | "duplicate";

/**
 * Idempotent consumer: runs `effect` and records (consumer, messageId) in the inbox in ONE
 * transaction. If the row already exists the message was processed before: nothing runs and
 * the result is "duplicate". Concurrent duplicates serialise on the primary key: the second
 * waits for the first to commit (then sees a duplicate) or roll back (then runs).
 * Round-trips per message: BEGIN, INSERT, your statements, COMMIT.
 */
export function withInbox(
  pool: Pool,
  schema: string,
  consumer: string,
  messageId: string,
  effect: (client: PoolClient) => Promise<void>,
): Promise<InboxResult> {
  const table = `${quoteSchema(schema)}.inbox`;
  return withClient(pool, async (client) => {
    await client.query("BEGIN");
    try {
      const inserted = await client.query(
        `INSERT INTO ${table} (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [consumer, messageId],
      );
      if (inserted.rowCount === 0) {
        await client.query("ROLLBACK");
        return "duplicate";
      }
      await effect(client);
      await client.query("COMMIT");
      return "processed";
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    }
  });
}
