import type { Pool, PoolClient } from "pg";

/** A client checked out of the pool by `checkOut`; hand it back with `release` exactly once. */
export interface CheckedOutClient {
  readonly client: PoolClient;
  /**
   * Returns the client to the pool, or destroys it if its connection failed while checked out
   * (an 'error' event, or `err` is a connection error).
   */
  release(err?: unknown): void;
}

/**
 * Checks a client out of the pool for longer than one call (the outbox relay holds a claimed
 * batch's transaction across awaits). While checked out, connection errors are captured (a pg
 * client with no 'error' listener would crash the process when the server or network drops it
 * between queries).
 */
export async function checkOut(pool: Pool): Promise<CheckedOutClient> {
  const client = await pool.connect();
  let failure: Error | undefined;
  const onError = (err: Error) => {
    failure = err;
  };
  client.on("error", onError);
  return {
    client,
    release(err?: unknown) {
      if (err !== undefined && isConnectionError(err)) failure ??= err as Error;
      client.off("error", onError);
      client.release(failure);
    },
  };
}

/**
 * Checks a client out of the pool for `fn` (see `checkOut`). A client whose connection failed
 * is destroyed instead of returned.
 */
export async function withClient<T>(
  pool: Pool,
  fn: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const held = await checkOut(pool);
  let failure: unknown;
  try {
    return await fn(held.client);
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    held.release(failure);
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

/**
 * SQLSTATEs after which the same statement may succeed if tried again, from PostgreSQL's
 * Appendix A (https://www.postgresql.org/docs/17/errcodes-appendix.html):
 * - class 08 connection exceptions (08000, 08003, 08006 connection_failure, 08001, 08004...);
 * - 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 57P05 idle session
 *   timeout (class 57 operator intervention; 57014 query_canceled included: a statement timeout);
 * - 40001 serialization_failure, 40P01 deadlock_detected (class 40: the transaction was rolled
 *   back and may be retried as a whole);
 * - 53300 too_many_connections, 53400 configuration_limit_exceeded (class 53 resources; disk
 *   full 53100 and out of memory 53200 are not expected to clear within a retry);
 * - 55P03 lock_not_available (lock_timeout).
 */
export const TRANSIENT_SQLSTATES: ReadonlySet<string> = new Set([
  "57P01",
  "57P02",
  "57P03",
  "57P05",
  "57014",
  "40001",
  "40P01",
  "53300",
  "53400",
  "55P03",
]);

/** Socket-level error codes of Node (no SQLSTATE): the connection, not the statement, failed. */
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);

/**
 * Messages node-postgres (pg 8 / pg-pool 3) throws without a code when a connection is lost or
 * cannot be had (https://github.com/brianc/node-postgres, packages/pg/lib/client.js and
 * packages/pg-pool/index.js).
 */
const PG_CONNECTION_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable|Client was closed and is not queryable|Query read timeout)/;

/**
 * True for a database failure that says nothing about the request: the connection was lost, the
 * server is restarting or overloaded, or the transaction lost a serialization race. The HTTP
 * layer answers it with 503 and Retry-After, and a keyed request may be retried as it is.
 */
export function isTransientDbError(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === "string") {
    return code.startsWith("08") || TRANSIENT_SQLSTATES.has(code) || NETWORK_CODES.has(code);
  }
  return typeof message === "string" && PG_CONNECTION_MESSAGES.test(message);
}
