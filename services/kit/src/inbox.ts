import type { Pool, PoolClient } from "pg";
import { withClient } from "./db/client";
import { quoteSchema } from "./db/identifiers";

export type InboxResult = "processed" | "duplicate";

/**
 * Idempotent consumer: runs `effect` and records (consumer, messageId) in the inbox in ONE
 * transaction. If the row already exists the message was processed before: nothing runs and
 * the result is "duplicate". Concurrent duplicates serialise on the primary key: the second
 * waits for the first to commit (then sees a duplicate) or roll back (then runs).
 * Round-trips per message: BEGIN, INSERT, your statements, COMMIT. Throws if the COMMIT did not
 * commit (the effect swallowed a database error that aborted the transaction): nothing is stored.
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
      // COMMIT of an aborted transaction (an effect that caught a failed statement and went on)
      // "succeeds" with the tag ROLLBACK: nothing was stored, so it must not count as processed.
      const commit = await client.query("COMMIT");
      if (commit.command !== "COMMIT") {
        throw new Error(`COMMIT ended as ${commit.command}: the transaction was aborted`);
      }
      return "processed";
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    }
  });
}

/** One message of an inbox batch: its id and the effect to run if it was not processed before. */
export interface InboxBatchItem {
  readonly messageId: string;
  readonly effect: (client: PoolClient) => Promise<void>;
}

/** What became of one item of `withInboxBatch`, in the order given. */
export type InboxBatchOutcome =
  { readonly result: InboxResult } | { readonly result: "failed"; readonly error: unknown };

/** The batch's transaction could not be committed: no effect and no inbox row of it is stored. */
export class InboxBatchAborted extends Error {
  constructor(override readonly cause: unknown) {
    super(`inbox batch rolled back: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "InboxBatchAborted";
  }
}

const SAVEPOINT = "causeway_inbox_message";

/**
 * Idempotent consumer for many messages in ONE transaction (one COMMIT, one fsync):
 * 1. claims every id with one `INSERT ... ON CONFLICT DO NOTHING RETURNING`: an id already in
 *    the inbox, or the second copy of an id within the batch, is a "duplicate" and nothing runs;
 * 2. runs each claimed item's effect in order, under a SAVEPOINT taken lazily before the
 *    effect's first statement (an effect that never touches the database costs no round trip);
 *    an effect that throws is rolled back to its savepoint and its inbox claim is removed, so it
 *    is "failed" alone and its neighbours still commit;
 * 3. COMMITs once. Throws `InboxBatchAborted` if the transaction breaks (a rollback to a
 *    savepoint fails, the connection drops, COMMIT does not commit): then nothing of the batch
 *    is stored and every message must be redelivered.
 * `client.query` is the only method the lazy savepoint watches; effects use it (enqueue too).
 */
export function withInboxBatch(
  pool: Pool,
  schema: string,
  consumer: string,
  items: readonly InboxBatchItem[],
): Promise<InboxBatchOutcome[]> {
  const table = `${quoteSchema(schema)}.inbox`;
  return withClient(pool, async (client) => {
    try {
      await client.query("BEGIN");
      const claimed = await client.query<{ message_id: string }>(
        `INSERT INTO ${table} (consumer, message_id)
         SELECT $1, id FROM unnest($2::text[]) AS id ON CONFLICT DO NOTHING RETURNING message_id`,
        [consumer, items.map((i) => i.messageId)],
      );
      const fresh = new Set(claimed.rows.map((r) => r.message_id));
      const outcomes: InboxBatchOutcome[] = [];
      const failed: string[] = [];
      for (const item of items) {
        // The first copy of a claimed id takes the claim; any later copy is a duplicate.
        if (!fresh.delete(item.messageId)) {
          outcomes.push({ result: "duplicate" });
          continue;
        }
        let savepoint: Promise<unknown> | undefined;
        const query = client.query.bind(client) as (...args: unknown[]) => unknown;
        const db = new Proxy(client, {
          get(target, prop) {
            if (prop === "query") {
              return (...args: unknown[]) => {
                // pg runs a client's queries in the order they were issued, so the savepoint
                // is taken before this statement without waiting for it here.
                if (!savepoint) {
                  savepoint = client.query(`SAVEPOINT ${SAVEPOINT}`);
                  // Awaited below; this only keeps a failure from being "unhandled" meanwhile.
                  savepoint.catch(() => undefined);
                }
                return query(...args);
              };
            }
            const value = Reflect.get(target, prop, target) as unknown;
            return typeof value === "function" ? (value as () => unknown).bind(target) : value;
          },
        });
        try {
          await item.effect(db);
          if (savepoint) {
            await savepoint;
            await client.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
          }
          outcomes.push({ result: "processed" });
        } catch (error) {
          if (savepoint) {
            // A failed savepoint or rollback means the transaction itself is broken.
            await savepoint;
            await client.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
            await client.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
          }
          failed.push(item.messageId);
          outcomes.push({ result: "failed", error });
        }
      }
      if (failed.length > 0) {
        await client.query(`DELETE FROM ${table} WHERE consumer = $1 AND message_id = ANY($2)`, [
          consumer,
          failed,
        ]);
      }
      // COMMIT of an aborted transaction "succeeds" with the tag ROLLBACK: check the tag.
      const commit = await client.query("COMMIT");
      if (commit.command !== "COMMIT") {
        throw new Error(`COMMIT ended as ${commit.command}: the transaction was aborted`);
      }
      return outcomes;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw new InboxBatchAborted(err);
    }
  });
}
