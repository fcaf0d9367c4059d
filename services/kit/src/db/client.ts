import type { Pool, PoolClient } from "pg";

/**
 * Checks a client out of the pool for `fn`. While checked out, connection errors are captured
 * (a pg client with no 'error' listener would crash the process when the server or network
 * drops it between queries). A client that failed is destroyed instead of returned.
 */
export async function withClient<T>(
  pool: Pool,
  fn: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let failure: Error | undefined;
  const onError = (err: Error) => {
    failure = err;
  };
  client.on("error", onError);
  try {
    return await fn(client);
  } catch (err) {
    if (isConnectionError(err)) failure ??= err as Error;
    throw err;
  } finally {
    client.off("error", onError);
    client.release(failure);
  }
}

/** Runs `fn` inside BEGIN ... COMMIT on one client; ROLLBACK if it throws. */
export function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query("BEGIN");
    try {
      const result = await fn(client);
      await client.query("COMMIT");
      return result;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    }
  });
}

/** Errors without a SQLSTATE (socket errors) or in class 08 / admin shutdown. */
export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code !== "string" || code.startsWith("08") || code.startsWith("57P");
}
