import type { Pool, PoolClient } from "pg";
import { quoteSchema } from "./db/identifiers";

export type InboxResult = "processed" | "duplicate";

/**
 * Idempotent consumer: runs `effect` and records (consumer, messageId) in the inbox in ONE
 * transaction. If the row already exists the message was processed before: nothing runs and
 * the result is "duplicate". Concurrent duplicates serialise on the primary key: the second
 * waits for the first to commit (then sees a duplicate) or roll back (then runs).
 * Round-trips per message: BEGIN, INSERT, your statements, COMMIT.
 */
export async function withInbox(
  pool: Pool,
  schema: string,
  consumer: string,
  messageId: string,
  effect: (client: PoolClient) => Promise<void>,
): Promise<InboxResult> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    try {
      const inserted = await client.query(
        `INSERT INTO ${quoteSchema(schema)}.inbox (consumer, message_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING`,
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
      await client.query("ROLLBACK").catch((rollbackErr: Error) => {
        broken = rollbackErr;
      });
      throw err;
    }
  } catch (err) {
    broken ??= isConnectionError(err) ? (err as Error) : undefined;
    throw err;
  } finally {
    // A client whose connection failed is destroyed, not returned to the pool.
    client.release(broken);
  }
}

function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code !== "string" || code.startsWith("08") || code === "57P01";
}
