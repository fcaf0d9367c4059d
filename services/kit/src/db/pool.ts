import { Pool } from "pg";
import type { Logger } from "pino";
import { quoteSchema } from "./identifiers";

export interface PoolOptions {
  /** postgres:// URL. Injectable so fault-injection tests can point it at a proxy. */
  readonly url: string;
  /** The service's schema; first on the search_path of every pooled connection. */
  readonly schema: string;
  /** Default 10. */
  readonly max?: number;
  readonly applicationName?: string;
  /** Default 5000 ms: a request waiting for a connection fails instead of hanging. */
  readonly connectionTimeoutMs?: number;
  readonly logger?: Logger;
}

/**
 * A `pg` pool whose connections use the service's schema first on the search_path, so service
 * SQL can use unqualified table names. (The kit's own queries always qualify the schema.)
 * Errors of idle clients (e.g. the server or a proxy cut the connection) are logged, not
 * thrown: the pool drops the client and opens a new one on demand.
 */
export function createPool(opts: PoolOptions): Pool {
  const pool = new Pool({
    connectionString: opts.url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: opts.connectionTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    application_name: opts.applicationName ?? "causeway",
    options: `-c search_path=${quoteSchema(opts.schema)},public`,
  });
  pool.on("error", (err) => opts.logger?.warn({ err }, "idle PostgreSQL client failed"));
  return pool;
}
