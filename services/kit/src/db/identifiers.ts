/** A PostgreSQL schema name the kit accepts: lower-case, unquoted-safe, at most 63 bytes. */
export const SCHEMA_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/** Returns the schema name double-quoted for SQL, after checking it against the pattern. */
export function quoteSchema(schema: string): string {
  if (!SCHEMA_NAME_PATTERN.test(schema)) {
    throw new Error(`Invalid schema name "${schema}": must match ${String(SCHEMA_NAME_PATTERN)}`);
  }
  return `"${schema}"`;
}
