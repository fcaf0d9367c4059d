import type { Migration } from "./migrate";

/**
 * The tables the kit owns. They are TypeScript strings (not .sql files) so the built package
 * needs no asset copying. Run before the service's own migrations: `migrate(pool, { schema,
 * migrations: [...kitMigrations, ...serviceMigrations] })`.
 */
export const kitMigrations: readonly Migration[] = [
  {
    id: "kit-0001-inbox",
    sql: `
      CREATE TABLE inbox (
        consumer    text        NOT NULL,
        message_id  text        NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, message_id)
      );`,
  },
  {
    id: "kit-0002-outbox",
    sql: `
      CREATE TABLE outbox (
        id         bigserial   PRIMARY KEY,
        message_id uuid        NOT NULL UNIQUE,
        type       text        NOT NULL,
        payload    jsonb       NOT NULL,
        headers    jsonb       NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at    timestamptz
      );
      CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;`,
  },
  {
    id: "kit-0003-idempotency-keys",
    sql: `
      CREATE TABLE idempotency_keys (
        scope         text        NOT NULL,
        key           text        NOT NULL,
        fingerprint   text        NOT NULL,
        status_code   integer,
        response_body text,
        content_type  text,
        locked_until  timestamptz,
        created_at    timestamptz NOT NULL DEFAULT now(),
        expires_at    timestamptz NOT NULL,
        PRIMARY KEY (scope, key)
      );
      CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);`,
  },
  {
    id: "kit-0004-retention-indexes",
    sql: `
      CREATE INDEX inbox_received_at ON inbox (received_at);
      CREATE INDEX outbox_sent_at ON outbox (sent_at) WHERE sent_at IS NOT NULL;`,
  },
  {
    id: "kit-0005-idempotency-claim-token",
    sql: `ALTER TABLE idempotency_keys ADD COLUMN claim_token uuid;`,
  },
];
