import { join } from "node:path";
import type { Migration } from "@causeway/kit";
import { loadSqlMigrations } from "@causeway/kit";

/** SQL migrations ship beside src/ and dist/ (services/orders/migrations), found from either. */
export const MIGRATIONS_DIR = join(__dirname, "..", "migrations");

export function ordersMigrations(): Promise<Migration[]> {
  return loadSqlMigrations(MIGRATIONS_DIR);
}
